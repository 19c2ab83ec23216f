"""When Redis, which holds the shared rate limits, cannot be reached (here: a URL to
a port nobody listens on), logins and share openings fail closed with 503
`limits_unavailable` rather than let a guesser try without limit; what guards no
secret goes on, counted by the process alone; readiness says which part failed
while liveness still answers."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from crypto import b64u_encode
from crypto.primitives import random_bytes
from tests.api.share_support import make_share, open_share
from tests.api.support import API, assert_error, register_raw
from tests.server import live_server
from tests.storage.s3server import free_port

UNREACHABLE = {
    "PDE_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
    "PDE_SERVER_SECRET": secrets.token_hex(32),
}


def test_without_redis_logins_and_shares_are_refused_and_readiness_says_why(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path, UNREACHABLE) as server, httpx.Client(base_url=server.url) as http:
        owner = register_raw(server.url)  # registering guards no secret: it goes on
        prepared = make_share(owner, [owner.add(b"papers")], pin="1357")

        login = {"handle": owner.handle, "auth_key": b64u_encode(owner.auth_key)}
        assert_error(http.post(f"{API}/login", json=login), 503, "limits_unavailable")
        recovery = {"handle": owner.handle, "recovery_auth": b64u_encode(random_bytes(32))}
        assert_error(http.post(f"{API}/login/recovery", json=recovery), 503, "limits_unavailable")
        assert_error(open_share(http, prepared, pin="0000"), 503, "limits_unavailable")
        assert_error(open_share(http, prepared), 503, "limits_unavailable")
        share = owner.http.get(f"{API}/shares/{prepared.share_id}").json()
        assert share["opens"] == 0 and share["state"] == "active"  # nothing was compared

        ready = http.get(f"{API}/ready")
        assert ready.status_code == 503
        error = ready.json()["error"]
        assert error["code"] == "not_ready"
        assert error["checks"] == {"database": "ok", "object_store": "ok", "limits": "unavailable"}
        assert "127.0.0.1" not in ready.text and "redis" not in ready.text.lower()
        assert http.get(f"{API}/health").status_code == 200
        owner.close()


def test_with_the_embedded_limiter_the_server_is_ready(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        ready = httpx.get(f"{server.url}{API}/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "object_store": "ok", "limits": "ok"},
    }
