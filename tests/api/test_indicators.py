"""The anonymous indicators count every wallet event exactly, at the moment it
happens, under the centre the wallet was created at, and keep no trail about a
person: no indicator table names a wallet, and which wallets were active in a
month is forgotten when the month closes.

The server is this module's own (exact counts), on SQLite and on PostgreSQL.
A wallet is "made at a terminal" by a test middleware, innermost, that sets
request.state.terminal_centre_id from a header, as the terminals' middleware
does from an enrolled terminal's cookie."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, inspect, select
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

import tests.server
from crypto import b64u_decode, b64u_encode
from day_centres.indicators import NO_CENTRE, close_ended_months
from day_centres.models import ActiveWalletMark, IndicatorCount
from pde.app import create_app
from pde.settings import Settings
from tests.api.deposit_support import (
    accept_body,
    deposit_content,
    inbox_of,
    make_link,
    register_owner,
)
from tests.api.share_support import count_together, make_share, open_share
from tests.api.support import (
    API,
    RawWallet,
    login_again,
    registration_body,
    stored_rows,
    unique_handle,
)
from tests.conftest import FAST_ENV
from tests.pg import temporary_database
from tests.server import LiveServer, live_server
from wallet.clock import now
from wallet.models import Account

CENTRE_HEADER = b"x-test-terminal-centre"


class FakeTerminal:
    """Sets request.state.terminal_centre_id from a test header (innermost)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            centre = dict(scope["headers"]).get(CENTRE_HEADER)
            if centre:
                scope.setdefault("state", {})["terminal_centre_id"] = centre.decode()
        await self.app(scope, receive, send)


def app_with_test_terminal(settings: Settings) -> object:
    app = create_app(settings)
    app.user_middleware.append(Middleware(FakeTerminal))  # type: ignore[arg-type]
    return app


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    base = tmp_path_factory.mktemp("indicators")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tests.server, "create_app", app_with_test_terminal)
        if request.param == "sqlite":
            with live_server(base / "server", dict(FAST_ENV)) as served:
                yield served
            return
        with temporary_database("pde_ind") as url:
            env = FAST_ENV | {"PDE_DATABASE_URL": url}
            with live_server(base / "server", env) as served:
                yield served


def register_at(server: LiveServer, centre: str | None) -> tuple[RawWallet, dict[str, str]]:
    """A raw wallet made at `centre`'s terminal (None: elsewhere); and its body."""
    body = registration_body(unique_handle("ind"), secrets.token_bytes(32))
    headers = {CENTRE_HEADER.decode(): centre} if centre else {}
    response = httpx.post(f"{server.url}{API}/accounts", json=body, headers=headers, timeout=60)
    assert response.status_code == 201, response.text
    token = response.json()["session_token"]
    http = httpx.Client(
        base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {token}"}
    )
    master_key, auth_key = secrets.token_bytes(32), b64u_decode(body["auth_key"])
    return RawWallet(http, body["account_id"], body["handle"], master_key, token, auth_key), body


def counts(server: LiveServer) -> dict[tuple[str, str], int]:
    """(centre key, metric) -> the sum of every day's counter."""
    with stored_rows(server) as db:
        rows = db.execute(
            select(
                IndicatorCount.centre_key, IndicatorCount.metric, func.sum(IndicatorCount.value)
            ).group_by(IndicatorCount.centre_key, IndicatorCount.metric)
        ).all()
    return {(centre, metric): int(total) for centre, metric, total in rows}


def centre_id() -> str:
    return b64u_encode(secrets.token_bytes(16))


def test_a_wallet_made_at_a_terminal_records_its_centre_and_one_made_elsewhere_none(
    server: LiveServer,
) -> None:
    centre = centre_id()
    at_terminal, _ = register_at(server, centre)
    elsewhere, _ = register_at(server, None)
    with stored_rows(server) as db:
        assert db.get(Account, at_terminal.account_id).centre_id == centre  # type: ignore[union-attr]
        assert db.get(Account, elsewhere.account_id).centre_id is None  # type: ignore[union-attr]
    assert counts(server)[(centre, "wallets_created")] == 1


def test_every_event_is_counted_exactly_under_the_wallets_centre(server: LiveServer) -> None:
    centre = centre_id()
    before = counts(server)
    owner, body = register_at(server, centre)  # created, and opened (active) once
    for _ in range(3):  # logging in again in the same month: still one active wallet
        login_again(server.url, owner).close()
    documents = [owner.add(b"x" * size) for size in (100, 2000)]
    share = make_share(owner, documents[:1])
    make_share(owner, documents)
    with httpx.Client(base_url=server.url, timeout=60) as worker:
        assert open_share(worker, share).status_code == 200
        assert open_share(worker, share, pin="0000").status_code in (200, 403)
    recovered = httpx.post(
        f"{server.url}{API}/login/recovery",
        json={"handle": body["handle"], "recovery_auth": body["recovery_auth"]},
        timeout=60,
    )
    assert recovered.status_code == 200, recovered.text

    after = counts(server)
    got = {
        metric: after.get((centre, metric), 0) - before.get((centre, metric), 0)
        for metric in {m for _, m in after}
    }
    assert got["wallets_created"] == 1
    assert got["wallets_active"] == 1
    assert got["documents_stored"] == 2
    assert got["document_bytes"] == sum(d.size for d in documents)
    assert got["shares_made"] == 2
    assert (
        got["shares_opened"] == 1
    )  # the wrong PIN (or a share without PIN's refusal) is no opening
    assert got["recoveries_completed"] == 1
    assert got.get("deposits_accepted", 0) == 0


def test_a_crowds_openings_counted_together_count_each_opening_once(server: LiveServer) -> None:
    centre = centre_id()
    owner, _ = register_at(server, centre)
    share = make_share(owner, [owner.add(b"papers")], max_opens=4)
    before = counts(server).get((centre, "shares_opened"), 0)

    outcomes = count_together(server, share, [share.pin] * 6)

    assert [o.opens if o else None for o in outcomes] == [1, 2, 3, 4, None, None]
    assert counts(server)[(centre, "shares_opened")] - before == 4


def test_a_deposit_counts_only_once_accepted_and_not_as_the_owners_upload(
    server: LiveServer,
) -> None:
    before = counts(server)
    owner = register_owner(server.url)  # made elsewhere: no centre
    link = make_link(owner)
    with httpx.Client(base_url=server.url, timeout=60) as depositor:
        deposit_content(depositor, owner, link, b"a letter")
        deposit_content(depositor, owner, link, b"another letter")
    middle = counts(server)
    assert middle.get((NO_CENTRE, "deposits_accepted"), 0) == before.get(
        (NO_CENTRE, "deposits_accepted"), 0
    )
    assert middle.get((NO_CENTRE, "documents_stored"), 0) == before.get(
        (NO_CENTRE, "documents_stored"), 0
    )
    item = inbox_of(owner)[0]
    accepted = owner.http.post(
        f"{API}/inbox/{item.document_id}/accept",
        json=accept_body(owner, item.document_id, item.document_key, item.metadata),
    )
    assert accepted.status_code == 200, accepted.text
    after = counts(server)
    assert (
        after[(NO_CENTRE, "deposits_accepted")] - before.get((NO_CENTRE, "deposits_accepted"), 0)
        == 1
    )
    owner.close()


def test_a_refused_event_counts_nothing(server: LiveServer) -> None:
    """A registration whose name is taken, a wrong login: rolled back, not counted."""
    wallet, body = register_at(server, None)
    before = counts(server)
    taken = httpx.post(f"{server.url}{API}/accounts", json=body | {"account_id": centre_id()})
    assert taken.status_code == 409
    wrong = httpx.post(
        f"{server.url}{API}/login",
        json={"handle": body["handle"], "auth_key": b64u_encode(secrets.token_bytes(32))},
    )
    assert wrong.status_code == 401
    assert counts(server) == before
    wallet.close()


# --- no trail about a person ---------------------------------------------------------

# Tables of the wallets' own working data, which name a wallet by design (they are
# the wallet); the indicators add none: their tables name no wallet at all.
WALLET_DATA = {
    "accounts",
    "sessions",
    "documents",
    "deposit_links",
    "trustee_shares",
    "recovery_requests",
    "shares",
}
INDICATOR_TABLES = {"indicator_counts", "indicator_active_marks"}


def test_no_indicator_table_names_a_wallet(server: LiveServer) -> None:
    with stored_rows(server) as db:
        inspector = inspect(db.get_bind())
        tables = set(inspector.get_table_names())
        assert tables >= INDICATOR_TABLES
        for table in INDICATOR_TABLES:
            columns = {c["name"] for c in inspector.get_columns(table)}
            assert not any("account" in c or "wallet" in c for c in columns), (table, columns)
            assert inspector.get_foreign_keys(table) == []
        # Every table with a column naming a wallet is the wallets' working data.
        naming = {
            table
            for table in tables
            for column in inspector.get_columns(table)
            if column["name"] in {"account_id", "trustee_account_id", "wallet_id"}
        }
        assert naming <= WALLET_DATA, naming - WALLET_DATA
        # What the counters hold: days, centres, metrics and numbers.
        ids = set(db.scalars(select(Account.id)))
        for row in db.scalars(select(IndicatorCount)):
            assert row.centre_key not in ids
        for mark in db.scalars(select(ActiveWalletMark)):
            assert mark.mark.hex() not in ids and len(mark.mark) == 32


def test_which_wallets_were_active_is_gone_once_the_month_closes(server: LiveServer) -> None:
    wallet, _ = register_at(server, None)
    wallet.close()
    with stored_rows(server) as db:
        assert db.scalar(select(func.count()).select_from(ActiveWalletMark)) > 0
        close_ended_months(db, now())  # this month is not over: its marks stay
        db.commit()
        assert db.scalar(select(func.count()).select_from(ActiveWalletMark)) > 0
        close_ended_months(db, now() + timedelta(days=32))
        db.commit()
        assert db.scalar(select(func.count()).select_from(ActiveWalletMark)) == 0
    # The month's figure stays: it was counted when the wallet was opened.
    assert counts(server)[(NO_CENTRE, "wallets_active")] >= 1
