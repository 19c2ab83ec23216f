"""Only a link holder may spend a share's PIN attempts, or a stranger could lock a
share by guessing PINs. The share id is in the URL path, so in proxy logs; the
secret is in the fragment, which no browser sends. An opening shows a link token
derived from the secret alone beside the access token (FORMAT.md §6): without it, a
request is refused as a damaged link and counts nothing, however many come; a share
without PIN can never be locked at all. On SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets

import httpx
from sqlalchemy import update

from crypto.encoding import b64u_encode
from share_links.models import Share
from tests.api.share_support import (
    assert_share_error,
    make_share,
    open_share,
    owner_view,
)
from tests.api.support import API, RawWallet, stored_rows
from tests.server import LiveServer

LIMIT = 5  # PDE_SHARE_WRONG_ACCESS_LIMIT's default


def random_token() -> str:
    return b64u_encode(secrets.token_bytes(32))


def test_guesses_from_someone_who_knows_only_the_id_are_refused_and_never_counted(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="2468")
    url = f"{API}/s/{prepared.share_id}/open"

    for _ in range(LIMIT * 2):
        guess = {"link_token": random_token(), "access_token": random_token()}
        assert_share_error(http.post(url, json=guess), 403, "share_link_damaged")
    # The right PIN with a wrong link is still a damaged link, not an opening.
    stolen = prepared.open_body() | {"link_token": random_token()}
    assert_share_error(http.post(url, json=stolen), 403, "share_link_damaged")

    share = owner_view(raw_wallet, prepared.share_id)
    assert share["state"] == "active" and share["events"] == [] and share["opens"] == 0
    assert open_share(http, prepared).status_code == 200


def test_a_wrong_pin_with_the_link_is_counted_as_before(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="2468")

    response = open_share(http, prepared, pin="1111")

    assert_share_error(response, 403, "share_wrong_access", attempts_left=LIMIT - 1)
    assert [e["event"] for e in owner_view(raw_wallet, prepared.share_id)["events"]] == [
        "wrong_access"
    ]


def test_a_share_without_pin_can_never_be_locked(http: httpx.Client, raw_wallet: RawWallet) -> None:
    """With the right link, a wrong access token can only come from a broken client
    (there is no PIN to guess): refused as a damaged link, never counted."""
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")])

    for n in range(LIMIT * 2):
        response = open_share(http, prepared, pin=f"{n:04d}")
        assert_share_error(response, 403, "share_link_damaged")

    share = owner_view(raw_wallet, prepared.share_id)
    assert share["state"] == "active" and share["events"] == []
    assert open_share(http, prepared).status_code == 200


def test_a_share_made_before_link_tokens_is_refused_as_damaged_and_stays_the_owners(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    """Migration 0007 leaves older shares without a link hash: their links no longer
    open (nothing was deployed with the old format), their owners still manage them."""
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="2468")
    with stored_rows(pde_server) as db:
        db.execute(update(Share).where(Share.id == prepared.share_id).values(link_hash=None))
        db.commit()

    assert_share_error(open_share(http, prepared), 403, "share_link_damaged")

    assert owner_view(raw_wallet, prepared.share_id)["events"] == []
    revoked = raw_wallet.http.post(f"{API}/shares/{prepared.share_id}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"


def test_an_opening_without_a_link_token_is_an_invalid_request(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="2468")
    body = {"access_token": prepared.access_token()}

    response = http.post(f"{API}/s/{prepared.share_id}/open", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert owner_view(raw_wallet, prepared.share_id)["events"] == []
