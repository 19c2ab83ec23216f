"""Staff accounts for tests: made in a live server's database with the services
(an enrolled TOTP secret the test knows), then logged in over HTTP as a browser
would, password and code, keeping the session's cookie and its forms' token."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp
from sqlalchemy.orm import Session

from day_centres import accounts, centres
from day_centres.models import StaffAccount
from wallet.clock import now
from wallet.db import make_engine, session_factory

STAFF_PASSWORD = "violet tram under the bridge"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def database(url: str) -> Iterator[Session]:
    """A session on a live server's database (its settings' URL), committed at the end."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db, db.begin():
            yield db
    finally:
        engine.dispose()


@dataclass
class StaffMember:
    """An account made for a test, and how to log in as it."""

    id: str
    name: str
    role: str
    centre_id: str | None
    secret: str = ""
    password: str = STAFF_PASSWORD
    last_step: list[int] = field(default_factory=list)

    def code(self) -> str:
        """The current TOTP code (a test that logs in twice waits for the next step)."""
        return str(pyotp.TOTP(self.secret).now())


def unique(prefix: str) -> str:
    return f"{prefix} {secrets.token_hex(3)}"


def make_centre(db_url: str, name: str | None = None) -> str:
    details = centres.CentreDetails(
        name=name or unique("Centre"),
        address="Rue Haute 1, 1000 Bruxelles",
        help_phone="+32 2 000 00 00",
        opening_hours="9:00-17:00",
        languages=["fr", "ar", "nl"],
        printing_allowed=True,
    )
    with database(db_url) as db:
        return centres.create_centre(db, details).id


def make_staff(
    db_url: str, role: str, centre_id: str | None = None, *, enrolled: bool = True
) -> StaffMember:
    """A staff account; enrolled in TOTP with a secret the test keeps, unless not."""
    with database(db_url) as db:
        centre = centres.get_centre(db, centre_id) if centre_id else None
        account: StaffAccount = accounts.create_account(
            db, unique(role.capitalize()), STAFF_PASSWORD, role, centre
        )
        secret = ""
        if enrolled:
            secret = accounts.enrolment_secret(account)
            account.totp_enrolled_at = now()
        return StaffMember(account.id, account.name, role, account.centre_id, secret)


@dataclass
class StaffBrowser:
    """An HTTP client holding a staff session's cookie, like the person's browser."""

    http: httpx.Client
    csrf: str = ""

    def page(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        if match := CSRF_FIELD.search(response.text):
            self.csrf = match.group(1)
        return response

    def post(self, path: str, **form: str) -> httpx.Response:
        return self.http.post(path, data={"csrf": self.csrf, **form})


def log_in(base_url: str, member: StaffMember, lang: str = "en") -> StaffBrowser:
    """Password, then TOTP code: a full session in the returned browser."""
    http = httpx.Client(base_url=base_url, timeout=60)
    browser = StaffBrowser(http)
    first = http.post(
        f"/staff/{lang}/login", data={"name": member.name, "password": member.password}
    )
    assert first.status_code == 303, first.text
    assert first.headers["location"] == f"/staff/{lang}/code", first.headers["location"]
    browser.page(f"/staff/{lang}/code")
    second = browser.post(f"/staff/{lang}/code", code=member.code())
    assert second.status_code == 303, second.text
    browser.page(f"/staff/{lang}/")
    return browser


def session_cookies(base_url: str, member: StaffMember, lang: str = "en") -> list[dict[str, Any]]:
    """A session logged in over HTTP (`log_in`), as cookies for a Playwright context's
    `add_cookies`: browser tests that are about other pages skip the login pages, which
    tests/e2e/test_staff_pages.py walks in the browser."""
    staff = log_in(base_url, member, lang)
    try:
        return [
            {
                "name": cookie.name,
                "value": cookie.value or "",
                "domain": cookie.domain,
                "path": cookie.path,
                "httpOnly": cookie.has_nonstandard_attr("HttpOnly"),
                "secure": cookie.secure,
                "sameSite": "Strict",
            }
            for cookie in staff.http.cookies.jar
        ]
    finally:
        staff.http.close()
