"""The staff pages over HTTP, on SQLite and on PostgreSQL, as a browser without
JavaScript uses them: the first login enrols the code app (a QR code that
decodes to the account's otpauth URI, ten recovery codes shown once), later
logins need the password and a code, each used once; the operator creates and
edits centres and staff, resets a code app, reads and exports the audit log; a
coordinator sees their centre and manages only its workers. Every form needs
its session's token and refuses a post from another site; the cookie is
HttpOnly, SameSite=Strict and scoped to /staff; wrong passwords and codes lock."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import httpx
import pyotp
import pytest

from day_centres.pages.view import COOKIE
from tests.server import LiveServer
from tests.staff_support import (
    STAFF_PASSWORD,
    StaffBrowser,
    StaffMember,
    log_in,
    make_centre,
    make_staff,
    unique,
)

QR_IMAGE = re.compile(r'<img src="data:image/png;base64,([^"]+)" class="qr"')
SECRET_SHOWN = re.compile(r"<code>([A-Z2-7 ]+)</code>")
RECOVERY_CODE = re.compile(r"<li><code>([0-9a-z]{4}(?:-[0-9a-z]{4}){3})</code></li>")


def db_url(server: LiveServer) -> str:
    return server.settings().sqlalchemy_url


def start_login(server: LiveServer, member: StaffMember, lang: str = "en") -> StaffBrowser:
    browser = StaffBrowser(httpx.Client(base_url=server.url, timeout=60))
    answer = browser.http.post(
        f"/staff/{lang}/login", data={"name": member.name, "password": member.password}
    )
    assert answer.status_code == 303, answer.text
    return browser


def enrol(
    server: LiveServer, member: StaffMember, tmp_path: Path
) -> tuple[StaffBrowser, list[str]]:
    """The first login of an account without a code app: the QR code, a first code."""
    browser = start_login(server, member)
    pending = browser.http.cookies[COOKIE]
    page = browser.page("/staff/en/enrol")
    assert page.status_code == 200
    member.secret = SECRET_SHOWN.search(page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    png = tmp_path / "qr.png"
    png.write_bytes(base64.b64decode(QR_IMAGE.search(page.text).group(1)))  # type: ignore[union-attr]
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    if decoded.returncode == 0:
        assert decoded.stdout.strip() == pyotp.TOTP(member.secret).provisioning_uri(
            name=member.name, issuer_name="PDE"
        )
    assert browser.post("/staff/en/enrol", code="000000").status_code == 401
    done = browser.post("/staff/en/enrol", code=member.code())
    assert done.status_code == 200
    codes = RECOVERY_CODE.findall(done.text)
    assert len(codes) == 10
    assert browser.http.cookies[COOKIE] != pending  # a new token for the full session
    return browser, codes


def test_the_first_login_enrols_and_shows_the_recovery_codes_once(
    pde_server: LiveServer, tmp_path: Path
) -> None:
    member = make_staff(db_url(pde_server), "operator", enrolled=False)
    browser, codes = enrol(pde_server, member, tmp_path)
    home = browser.page("/staff/en/")
    assert home.status_code == 200 and f"Hello, {member.name}" in home.text
    assert not any(code in home.text for code in codes)
    assert browser.page("/staff/en/enrol").headers["location"] == "/staff/en/"
    # The next login asks for a code; a recovery code works once.
    again = start_login(pde_server, member)
    assert again.http.get("/staff/en/enrol").headers["location"] == "/staff/en/code"
    again.page("/staff/en/code")
    used = again.post("/staff/en/code", code=codes[3].upper())
    assert used.headers["location"] == "/staff/en/?done=recovery_code_used"
    third = start_login(pde_server, member)
    third.page("/staff/en/code")
    refused = third.post("/staff/en/code", code=codes[3])
    assert refused.status_code == 401 and "already used" in refused.text


def test_the_session_cookie_is_httponly_strict_and_for_staff_pages_only(
    pde_server: LiveServer,
) -> None:
    member = make_staff(db_url(pde_server), "operator")
    browser = StaffBrowser(httpx.Client(base_url=pde_server.url, timeout=60))
    first = browser.http.post(
        "/staff/fr/login", data={"name": member.name, "password": member.password}
    )
    cookie = first.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "Path=/staff", "SameSite=strict"):
        assert attribute in cookie
    assert "Secure" not in cookie and "Max-Age" not in cookie and "expires" not in cookie.lower()
    assert first.headers["location"] == "/staff/fr/code"
    page = browser.page("/staff/fr/code")
    assert "no-store" in page.headers["cache-control"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script" not in page.text and "style=" not in page.text


def test_the_operator_creates_a_centre_and_a_coordinator_who_manages_workers(
    pde_server: LiveServer, tmp_path: Path
) -> None:
    operator = log_in(pde_server.url, make_staff(db_url(pde_server), "operator"))
    operator.page("/staff/en/centres/new")
    name = unique("Centre Ixelles")
    bad = operator.post("/staff/en/centres", name=name, printing="yes")
    assert bad.status_code == 422 and "Choose at least one language." in bad.text
    assert 'href="#languages"' in bad.text
    made = operator.post(
        "/staff/en/centres",
        name=name,
        address="Rue de la Paix 1",
        help_phone="+32 2 111 22 33",
        opening_hours="Mon-Fri 9-17",
        language_1="ar",
        language_2="fr",
        language_3="ar",
        printing="no",
    )
    assert made.headers["location"] == "/staff/en/centres?done=centre_created"
    listed = operator.page(made.headers["location"]).text
    assert name in listed and "ar, fr" in listed and "The centre was created." in listed
    # this centre's own Edit link (other tests' centres may be listed before it)
    hidden_name = f'<span class="visually-hidden"> {re.escape(name)}<'
    edit_link = rf'/staff/en/centres/([\w-]{{22}})">Edit{hidden_name}'
    centre_id = re.search(edit_link, listed).group(1)  # type: ignore[union-attr]
    taken = operator.post("/staff/en/centres", name=name.upper(), language_1="fr")
    assert taken.status_code == 422 and "This name is already used." in taken.text
    edited = operator.post(
        f"/staff/en/centres/{centre_id}",
        name=name,
        help_phone="+32 2 111 22 33",
        language_1="nl",
        printing="yes",
    )
    assert edited.status_code == 303
    form = operator.page(f"/staff/en/centres/{centre_id}").text
    assert '<option value="nl" lang="nl" selected>' in form

    weak = operator.post(
        "/staff/en/accounts",
        name="Carla",
        password="password1234",
        role="coordinator",
        centre=centre_id,
    )
    assert weak.status_code == 422 and "too common" in weak.text
    coordinator = StaffMember("", unique("Carla"), "coordinator", centre_id)
    created = operator.post(
        "/staff/en/accounts",
        name=coordinator.name,
        password=STAFF_PASSWORD,
        role="coordinator",
        centre=centre_id,
    )
    assert created.headers["location"] == "/staff/en/accounts?done=account_created"

    carla, _ = enrol(pde_server, coordinator, tmp_path)
    home = carla.page("/staff/en/").text
    assert name in home and "+32 2 111 22 33" in home and "Workers" in home
    assert carla.page("/staff/en/centres").status_code == 403
    assert carla.page("/staff/en/audit").status_code == 403
    carla.page("/staff/en/accounts/new")
    worker_name = unique("Walid")
    made_worker = carla.post("/staff/en/accounts", name=worker_name, password=STAFF_PASSWORD)
    assert made_worker.status_code == 303
    workers = carla.page("/staff/en/accounts").text
    assert worker_name in workers and coordinator.name not in workers.split("<tbody>")[1]
    worker_id = re.search(r'/accounts/([\w-]{22})/disable">Disable', workers).group(1)  # type: ignore[union-attr]
    assert carla.page(f"/staff/en/accounts/{worker_id}/reset-totp").status_code == 403
    carla.page(f"/staff/en/accounts/{worker_id}/disable")
    assert carla.post(f"/staff/en/accounts/{worker_id}/disable").status_code == 303
    assert "Disabled" in carla.page("/staff/en/accounts").text

    log = operator.page("/staff/en/audit").text
    for label in (
        "Created a centre",
        "Changed a centre",
        "Created an account",
        "Disabled an account",
    ):
        assert label in log
    export = operator.http.get("/staff/en/audit.csv")
    assert export.headers["content-type"].startswith("text/csv")
    assert export.headers["content-disposition"] == 'attachment; filename="pde-staff-audit.csv"'
    rows = export.text.splitlines()
    assert rows[0] == "when_utc,who,who_id,action,centre_id,target_id,target"
    assert any(f"account_disabled,{centre_id},{worker_id}," in row for row in rows)


def test_a_reset_code_app_is_enrolled_again_at_the_next_login(
    pde_server: LiveServer, tmp_path: Path
) -> None:
    centre = make_centre(db_url(pde_server))
    operator = log_in(pde_server.url, make_staff(db_url(pde_server), "operator"))
    worker = make_staff(db_url(pde_server), "worker", centre)
    logged_in = log_in(pde_server.url, worker)
    operator.page(f"/staff/en/accounts/{worker.id}/reset-totp")
    reset = operator.post(f"/staff/en/accounts/{worker.id}/reset-totp")
    assert reset.headers["location"] == "/staff/en/accounts?done=totp_reset"
    assert logged_in.http.get("/staff/en/").headers["location"] == "/staff/en/login"
    old_secret = worker.secret
    browser, _ = enrol(pde_server, worker, tmp_path)
    assert worker.secret != old_secret
    assert browser.page("/staff/en/").status_code == 200


def test_forms_need_their_token_and_this_site(pde_server: LiveServer) -> None:
    member = make_staff(db_url(pde_server), "operator")
    browser = log_in(pde_server.url, member)
    no_token = browser.http.post("/staff/fr/centres", data={"name": "X", "language_1": "fr"})
    assert no_token.status_code == 403
    assert "Ce formulaire a expiré" in no_token.text
    elsewhere = browser.http.post(
        "/staff/en/centres",
        data={"csrf": browser.csrf, "name": "X", "language_1": "fr"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert elsewhere.status_code == 403
    forged_login = httpx.post(
        f"{pde_server.url}/staff/en/login",
        data={"name": member.name, "password": member.password},
        headers={"Sec-Fetch-Site": "same-site"},
    )
    assert forged_login.status_code == 403 and "set-cookie" not in forged_login.headers


def test_wrong_passwords_and_wrong_codes_lock_for_the_window(pde_server: LiveServer) -> None:
    member = make_staff(db_url(pde_server), "worker", make_centre(db_url(pde_server)))
    settings = pde_server.settings()
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        for _ in range(settings.staff_login_attempts_per_name):
            wrong = http.post("/staff/en/login", data={"name": member.name, "password": "x" * 12})
            assert wrong.status_code == 401 and "not right" in wrong.text
        locked = http.post(
            "/staff/en/login", data={"name": member.name, "password": member.password}
        )
        assert locked.status_code == 429 and "wait 15 minutes" in locked.text
    other = make_staff(db_url(pde_server), "worker", make_centre(db_url(pde_server)))
    browser = start_login(pde_server, other)
    browser.page("/staff/en/code")
    for _ in range(settings.staff_code_attempts):
        assert browser.post("/staff/en/code", code="000000").status_code in (401, 303)
    assert browser.post("/staff/en/code", code=other.code()).status_code == 429


@pytest.mark.parametrize("path", ["/staff/en/", "/staff/en/centres", "/staff/en/audit.csv"])
def test_without_a_session_every_page_sends_to_the_login(pde_server: LiveServer, path: str) -> None:
    answer = httpx.get(f"{pde_server.url}{path}", cookies={COOKIE: "made-up"})
    assert answer.status_code == 303 and answer.headers["location"] == "/staff/en/login"
    assert f"{COOKIE}=" in answer.headers["set-cookie"]  # the useless cookie is cleared


def test_a_new_login_in_the_same_browser_ends_the_half_open_one(pde_server: LiveServer) -> None:
    member = make_staff(db_url(pde_server), "operator")
    browser = start_login(pde_server, member)
    first = browser.http.cookies[COOKIE]
    again = browser.http.post(
        "/staff/en/login", data={"name": member.name, "password": member.password}
    )
    assert again.status_code == 303 and browser.http.cookies[COOKIE] != first
    with httpx.Client(base_url=pde_server.url, timeout=60) as other:
        other.cookies.set(COOKIE, first, path="/staff")
        assert other.get("/staff/en/code").headers["location"] == "/staff/en/login"


def test_a_form_far_too_large_is_refused_before_it_is_read(pde_server: LiveServer) -> None:
    big = {"name": "x" * (20 << 10), "password": "y"}
    answer = httpx.post(f"{pde_server.url}/staff/fr/login", data=big, timeout=60)
    assert answer.status_code == 413 and "Ce formulaire est trop grand." in answer.text
    chunks = iter([b"name=", b"x" * (20 << 10)])  # no Content-Length: counted as it comes
    streamed = httpx.post(
        f"{pde_server.url}/staff/fr/login",
        content=chunks,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert streamed.status_code == 413
