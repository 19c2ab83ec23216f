"""Share limits on a server configured small: documents per share, shares kept
per wallet, shares made per hour, the longest expiry, openings per client
address and the view token's life each answer with their stable code, and a
refusal stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from tests.api.share_support import (
    assert_share_error,
    make_share,
    nothing_stored,
    open_share,
    post_share,
    prepare_share,
    shares_of,
)
from tests.api.support import API, RawWallet, assert_error
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from wallet.clock import now

DOCUMENTS_PER_SHARE = 2
SHARES_PER_WALLET = 2
SHARES_PER_HOUR = 3
MAX_DAYS = 8  # a week, the default of prepare_share, fits
OPENS_PER_MINUTE = 4
VIEW_MINUTES = 5
SMALL_LIMITS = {
    "PDE_DOCUMENTS_PER_SHARE": str(DOCUMENTS_PER_SHARE),
    "PDE_SHARES_PER_WALLET": str(SHARES_PER_WALLET),
    "PDE_SHARES_PER_HOUR": str(SHARES_PER_HOUR),
    "PDE_SHARE_MAX_DAYS": str(MAX_DAYS),
    "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": str(OPENS_PER_MINUTE),
    "PDE_SHARE_VIEW_MINUTES": str(VIEW_MINUTES),
}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's live server, per backend, with small share limits."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param), SMALL_LIMITS) as server:
        yield server


def test_a_share_of_more_documents_than_allowed_is_refused_with_share_limit(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    documents = [raw_wallet.add(f"doc {n}".encode()) for n in range(DOCUMENTS_PER_SHARE + 1)]
    too_many = prepare_share(raw_wallet, documents)

    assert_error(post_share(raw_wallet, too_many), 413, "share_limit")

    assert nothing_stored(pde_server, too_many.share_id)
    make_share(raw_wallet, documents[:DOCUMENTS_PER_SHARE])  # at the limit


def test_a_wallet_keeps_at_most_its_share_limit_revoked_ones_included_until_deleted(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    document = raw_wallet.add(b"doc")
    kept = [make_share(raw_wallet, [document]) for _ in range(SHARES_PER_WALLET)]
    assert raw_wallet.http.post(f"{API}/shares/{kept[0].share_id}/revoke").status_code == 200
    one_more = prepare_share(raw_wallet, [document])

    assert_error(post_share(raw_wallet, one_more), 413, "share_limit")

    assert nothing_stored(pde_server, one_more.share_id)
    assert shares_of(pde_server, raw_wallet.account_id) == SHARES_PER_WALLET
    assert raw_wallet.http.delete(f"{API}/shares/{kept[0].share_id}").status_code == 204
    assert post_share(raw_wallet, one_more).status_code == 201


def test_a_wallet_makes_at_most_its_hourly_number_of_shares(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    document = raw_wallet.add(b"doc")
    for _ in range(SHARES_PER_HOUR):
        made = make_share(raw_wallet, [document])
        assert raw_wallet.http.delete(f"{API}/shares/{made.share_id}").status_code == 204
    refused = prepare_share(raw_wallet, [document])

    response = post_share(raw_wallet, refused)

    assert_error(response, 429, "rate_limited")
    assert response.headers["retry-after"] == "60"
    assert nothing_stored(pde_server, refused.share_id)


def test_a_refused_share_does_not_count_against_the_hourly_number(
    raw_wallet: RawWallet,
) -> None:
    document = raw_wallet.add(b"doc")
    for _ in range(SHARES_PER_HOUR):
        assert_error(
            post_share(raw_wallet, prepare_share(raw_wallet, [document], max_opens=0)),
            422,
            "invalid_request",
        )
    make_share(raw_wallet, [document])


def test_the_longest_expiry_is_the_servers_setting(raw_wallet: RawWallet) -> None:
    document = raw_wallet.add(b"doc")
    too_long = prepare_share(raw_wallet, [document], expires_in=MAX_DAYS * 86400 + 1)
    assert_error(post_share(raw_wallet, too_long), 422, "invalid_request")
    make_share(raw_wallet, [document], expires_in=MAX_DAYS * 86400)


def test_openings_per_client_address_are_limited_and_the_view_token_lasts_its_setting(
    raw_wallet: RawWallet, pde_server: LiveServer
) -> None:
    """The only test of this module that opens shares: the count is per address."""
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], pin="1")
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        opened = open_share(http, prepared)
        assert opened.status_code == 200, opened.text
        view_expiry = datetime.fromisoformat(opened.json()["view_expires_at"])
        assert view_expiry <= now() + timedelta(minutes=VIEW_MINUTES)
        assert view_expiry > now() + timedelta(minutes=VIEW_MINUTES - 1)
        assert_share_error(
            open_share(http, prepared, pin="2"), 403, "share_wrong_access", attempts_left=4
        )
        for _ in range(OPENS_PER_MINUTE - 2):
            assert open_share(http, prepared).status_code == 200

        response = open_share(http, prepared)

        assert_error(response, 429, "rate_limited")
        assert response.headers["retry-after"] == "60"
        junk = {"link_token": "A" * 43, "access_token": "A" * 43}
        unknown = http.post(f"{API}/s/{'A' * 22}/open", json=junk)
        assert_error(unknown, 429, "rate_limited")
    share = raw_wallet.http.get(f"{API}/shares/{prepared.share_id}").json()
    assert share["opens"] == OPENS_PER_MINUTE - 1  # a refused opening is not counted
    assert [e["event"] for e in share["events"]].count("wrong_access") == 1
