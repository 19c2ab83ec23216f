"""The staff session's cookie is `Secure` when PDE is served over HTTPS
(PDE_PUBLIC_URL), so that it never travels in clear; and it is never sent to
the wallets' API (Path=/staff)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from day_centres import accounts
from pde.app import create_app
from pde.settings import Settings
from tests.staff_support import STAFF_PASSWORD, database
from wallet.db import migrate


def test_over_https_the_session_cookie_is_secure(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, public_url="https://pde.example.org")
    migrate(settings.sqlalchemy_url)
    with database(settings.sqlalchemy_url) as db:
        accounts.create_account(db, "Olga Operator", STAFF_PASSWORD, "operator")
    app = create_app(settings)
    try:
        http = TestClient(app, base_url="https://pde.example.org")
        answer = http.post(
            "/staff/en/login",
            data={"name": "Olga Operator", "password": STAFF_PASSWORD},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/staff/en/enrol"
        cookie = answer.headers["set-cookie"]
        for attribute in ("Secure", "HttpOnly", "Path=/staff", "SameSite=strict"):
            assert attribute in cookie
        assert http.get("/api/v1/health").request.headers.get("cookie") is None
    finally:
        app.state.runtime.engine.dispose()
