"""Recovery requests cannot be used to harass an owner with warnings: a wallet
takes one open request at a time and a few a month; any other is answered exactly
like one for a handle that does not exist, and reaches nobody."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from crypto import b64u_encode, new_id
from crypto.trustees import derive_request_keys
from tests.api.support import API, register_raw, unique_handle
from tests.server import live_server

PER_MONTH = 2


def ask(http: httpx.Client, handle: str) -> tuple[str, tuple[object, ...]]:
    """Open a request for `handle`; its id, and what its asker sees of it."""
    request_id = new_id()
    keys = derive_request_keys(secrets.token_bytes(16), request_id)
    body = {
        "request_id": request_id,
        "handle": handle,
        "public_key": b64u_encode(keys.public_key),
        "token": b64u_encode(keys.token),
    }
    answer = http.post(f"{API}/recovery-requests", json=body)
    assert answer.status_code == 201, answer.text
    status = http.post(
        f"{API}/recovery-requests/{request_id}/status", json={"token": body["token"]}
    )
    checked = status.json()
    seen = (
        answer.status_code,
        sorted(answer.json()),
        answer.json()["state"],
        status.status_code,
        sorted(checked),
        checked["state"],
        checked["released"],
    )
    return request_id, seen


def test_a_wallet_takes_one_open_request_and_a_few_a_month_and_the_rest_reach_nobody(
    tmp_path: Path,
) -> None:
    limits = {"PDE_RECOVERY_REQUESTS_PER_WALLET_PER_MONTH": str(PER_MONTH)}
    with live_server(tmp_path, limits) as server, httpx.Client(base_url=server.url) as http:
        owner = register_raw(server.url)
        first, first_seen = ask(http, owner.handle)
        _, second_seen = ask(http, owner.handle)  # while the first is open
        _, unknown_seen = ask(http, unique_handle("nobody"))
        assert second_seen == first_seen == unknown_seen  # the asker cannot tell
        pending = owner.http.get(f"{API}/recovery-requests").json()
        assert [r["request_id"] for r in pending] == [first]

        owner.http.post(f"{API}/recovery-requests/{first}/cancel").raise_for_status()
        third, _ = ask(http, owner.handle)  # the month's second: it reaches the owner
        owner.http.post(f"{API}/recovery-requests/{third}/cancel").raise_for_status()
        fourth, _ = ask(http, owner.handle)  # over the month's allowance

        assert owner.http.get(f"{API}/recovery-requests").json() == []
        assert fourth != third
