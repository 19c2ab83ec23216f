"""Nobody can keep an owner out by typing wrong passphrases for their handle: wrong
logins count strictly per handle and address, loosely per handle from every
address. Addresses come from X-Forwarded-For, believed here because the test names
127.0.0.1 a proxy."""

from __future__ import annotations

from pathlib import Path

import httpx

from crypto import b64u_encode
from crypto.primitives import random_bytes
from tests.api.support import API, assert_error, register_raw
from tests.server import live_server

STRICT, LOOSE = 3, 5
LIMITS = {
    "PDE_TRUSTED_PROXIES": "127.0.0.1",
    "PDE_LOGIN_ATTEMPTS_PER_HANDLE": str(STRICT),
    "PDE_LOGIN_ATTEMPTS_PER_HANDLE_ANY_ADDRESS": str(LOOSE),
}


def login_from(http: httpx.Client, address: str, handle: str, auth_key: bytes) -> httpx.Response:
    body = {"handle": handle, "auth_key": b64u_encode(auth_key)}
    return http.post(f"{API}/login", json=body, headers={"X-Forwarded-For": address})


def test_a_guesser_at_one_address_is_stopped_and_the_owner_elsewhere_still_gets_in(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, LIMITS) as server, httpx.Client(base_url=server.url) as http:
        owner = register_raw(server.url)
        for _ in range(STRICT):
            wrong = login_from(http, "203.0.113.9", owner.handle, random_bytes(32))
            assert_error(wrong, 401, "invalid_credentials")
        stopped = login_from(http, "203.0.113.9", owner.handle, owner.auth_key)
        assert_error(stopped, 429, "rate_limited")  # even the right key, from there

        home = login_from(http, "198.51.100.7", owner.handle, owner.auth_key)

        assert home.status_code == 200, home.text


def test_guessing_spread_over_many_addresses_meets_the_loose_limit_of_the_handle(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, LIMITS) as server, httpx.Client(base_url=server.url) as http:
        owner = register_raw(server.url)
        for n in range(LOOSE):
            wrong = login_from(http, f"203.0.113.{n + 1}", owner.handle, random_bytes(32))
            assert_error(wrong, 401, "invalid_credentials")

        capped = login_from(http, "198.51.100.7", owner.handle, owner.auth_key)

        assert_error(capped, 429, "rate_limited")
