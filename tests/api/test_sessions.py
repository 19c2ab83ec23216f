"""Login sessions: listed and ended by their owner, ended by logout (which also
asks the browser to forget the site), timed out when idle and after a fixed
time, with random tokens of which the server keeps only a hash.

The timeouts are proven on the sessions service with a clock the test moves,
on a database migrated here: waiting for a real server's idle minute would
cost a minute."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crypto import b64u_decode, new_id
from pde.settings import Settings
from tests.api.support import (
    API,
    RawWallet,
    assert_error,
    is_local,
    login_again,
    stored_rows,
)
from tests.server import LiveServer
from wallet.db import make_engine, migrate, session_factory
from wallet.errors import NotAuthenticated
from wallet.models import Account, AuthSession
from wallet.services import sessions

T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def session_list(wallet: RawWallet) -> list[dict[str, object]]:
    response = wallet.http.get(f"{API}/sessions")
    assert response.status_code == 200, response.text
    return list(response.json())


# --- through the API ------------------------------------------------------------


def test_the_session_list_shows_every_session_and_marks_the_current_one(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    with login_again(pde_server.url, raw_wallet) as second:
        from_first, from_second = session_list(raw_wallet), session_list(second)
    assert len(from_first) == len(from_second) == 2
    [current_first] = [s["session_id"] for s in from_first if s["current"]]
    [current_second] = [s["session_id"] for s in from_second if s["current"]]
    assert current_first != current_second
    assert {s["session_id"] for s in from_first} == {current_first, current_second}
    assert not any("token" in key for key in from_first[0])


def test_ending_another_session_makes_its_token_answer_401(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    with login_again(pde_server.url, raw_wallet) as other:
        [other_id] = [s["session_id"] for s in session_list(other) if s["current"]]
        assert raw_wallet.http.delete(f"{API}/sessions/{other_id}").status_code == 204

        assert_error(other.http.get(f"{API}/documents"), 401, "not_authenticated")
        assert_error(other.http.get(f"{API}/account"), 401, "not_authenticated")
    assert [s["current"] for s in session_list(raw_wallet)] == [True]


def test_a_session_of_another_wallet_cannot_be_ended(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    owner, stranger = new_raw_wallet(), new_raw_wallet()
    [owner_session] = [s["session_id"] for s in session_list(owner)]
    assert_error(stranger.http.delete(f"{API}/sessions/{owner_session}"), 404, "not_found")
    assert owner.http.get(f"{API}/account").status_code == 200


def test_logout_ends_the_session_and_asks_the_browser_to_clear_site_data(
    raw_wallet: RawWallet,
) -> None:
    response = raw_wallet.http.post(f"{API}/logout")
    assert response.status_code == 204
    cleared = {part.strip() for part in response.headers["Clear-Site-Data"].split(",")}
    assert cleared == {'"cache"', '"storage"'}  # not "cookies": a terminal's cookie stays
    assert_error(raw_wallet.http.get(f"{API}/account"), 401, "not_authenticated")
    assert_error(raw_wallet.http.post(f"{API}/logout"), 401, "not_authenticated")


def test_a_session_ends_at_the_absolute_timeout_announced_at_login(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    [listed] = session_list(raw_wallet)
    created = datetime.fromisoformat(str(listed["created_at"]))
    expires = datetime.fromisoformat(str(listed["expires_at"]))
    assert expires - created == timedelta(hours=pde_server.settings().session_absolute_hours)


def test_session_tokens_carry_at_least_128_bits_and_only_their_sha256_is_stored(
    pde_server: LiveServer, new_raw_wallet: Callable[[], RawWallet]
) -> None:
    wallets = [new_raw_wallet() for _ in range(2)]
    tokens = [w.token for w in wallets]
    assert len(set(tokens)) == 2
    for token in tokens:
        assert len(b64u_decode(token)) >= 16

    with stored_rows(pde_server) as db:
        rows = db.scalars(
            select(AuthSession).where(AuthSession.account_id.in_([w.account_id for w in wallets]))
        ).all()
        stored = {row.account_id: row for row in rows}
        for wallet in wallets:
            row = stored[wallet.account_id]
            assert row.token_hash == hashlib.sha256(wallet.token.encode()).digest()
            assert all(
                wallet.token not in str(getattr(row, column.key))
                for column in AuthSession.__table__.columns
            )
    if is_local(pde_server):  # nowhere in the database files, WAL included
        for path in pde_server.data_dir.glob("pde.sqlite3*"):
            data = path.read_bytes()
            assert not any(token.encode() in data for token in tokens), path


# --- timeouts, on the service with a moving clock ---------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Session]:
    """A migrated SQLite database of its own."""
    url = f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    with session_factory(engine)() as db:
        yield db
    engine.dispose()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """Set the sessions service's clock to T0 + an offset."""
    moment = [T0]
    monkeypatch.setattr(sessions, "now", lambda: moment[0])

    def set_offset(offset: timedelta) -> None:
        moment[0] = T0 + offset

    return set_offset


def open_session(db: Session, settings: Settings) -> str:
    account = Account(
        id=new_id(),
        handle="clock-test",
        handle_key="clock-test",
        account_salt=bytes(16),
        verifier="unused",
        recovery_verifier="unused",
        wrapped_master_key=bytes(61),
        wrapped_master_key_recovery=bytes(61),
        deposit_public_key=bytes(32),
        wrapped_deposit_private_key=bytes(61),
        used_bytes=0,
        created_at=T0,
    )
    db.add(account)
    token, _ = sessions.create_session(db, settings, account)
    db.commit()
    return token


def is_live(db: Session, settings: Settings, token: str) -> bool:
    try:
        sessions.authenticate(db, settings, token)
    except NotAuthenticated:
        return False
    db.commit()  # what the API does: activity moves the idle deadline
    return True


def test_a_session_idle_longer_than_the_idle_timeout_is_refused(
    database: Session, clock: Callable[[timedelta], None]
) -> None:
    settings = Settings(session_idle_minutes=1, session_absolute_hours=12)
    clock(timedelta(0))
    token = open_session(database, settings)

    clock(timedelta(seconds=59))
    assert is_live(database, settings, token)
    clock(timedelta(seconds=59 + 61))
    assert not is_live(database, settings, token)
    with pytest.raises(NotAuthenticated):
        sessions.authenticate(database, settings, "not-a-token")


def test_activity_keeps_a_session_alive_but_never_past_the_absolute_timeout(
    database: Session, clock: Callable[[timedelta], None]
) -> None:
    settings = Settings(session_idle_minutes=30, session_absolute_hours=12)
    clock(timedelta(0))
    token = open_session(database, settings)

    for minutes in range(20, 12 * 60, 20):  # in use every 20 minutes, all day
        clock(timedelta(minutes=minutes))
        assert is_live(database, settings, token), minutes
    clock(timedelta(hours=12))
    assert not is_live(database, settings, token)
