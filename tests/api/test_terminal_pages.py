"""Enrolled terminals over HTTP, on SQLite and on PostgreSQL, as browsers without
JavaScript use them: a worker asks for a code (shown once, with a QR code of the
enrolment page holding it), the terminal's browser types it with a name and gets
an HttpOnly, SameSite=Strict, long-lived cookie; the code works once; a wrong
code gets a translated page; the coordinator lists, renames and revokes the
centre's terminals, and a revoked terminal's cookie is forgotten at its next
request; every step is in the audit log."""

from __future__ import annotations

import base64
import re
import secrets
import subprocess
from pathlib import Path

import httpx
import pytest

from day_centres.terminals import COOKIE
from tests.server import LiveServer
from tests.staff_support import StaffBrowser, database, log_in, make_centre, make_staff


def unique_suffix() -> str:
    return secrets.token_hex(3)


CODE_SHOWN = re.compile(
    r'<p class="enrol-code" dir="ltr" lang="en"><code>([A-Z0-9]{4} [A-Z0-9]{4})</code>'
)
QR_IMAGE = re.compile(r'<img src="data:image/png;base64,([^"]+)" class="qr"')


def db_url(server: LiveServer) -> str:
    return server.settings().sqlalchemy_url


def ask_code(staff: StaffBrowser, lang: str = "en") -> tuple[str, httpx.Response]:
    staff.page(f"/staff/{lang}/terminals/code")
    shown = staff.post(f"/staff/{lang}/terminals/code")
    assert shown.status_code == 200, shown.text
    match = CODE_SHOWN.search(shown.text)
    assert match, shown.text
    return match.group(1).replace(" ", ""), shown


def enrol(server: LiveServer, code: str, name: str = "Reception, left") -> httpx.Client:
    terminal = httpx.Client(base_url=server.url, timeout=60)
    answer = terminal.post("/terminal/en/enrol", data={"code": code, "name": name})
    assert answer.status_code == 200, answer.text
    return terminal


def audit_actions(server: LiveServer) -> list[str]:
    from sqlalchemy import select

    from day_centres.models import AuditEntry

    with database(db_url(server)) as db:
        return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_worker_enrols_a_terminal_with_a_code_that_works_once(
    pde_server: LiveServer, tmp_path: Path
) -> None:
    centre = make_centre(db_url(pde_server))
    worker = log_in(pde_server.url, make_staff(db_url(pde_server), "worker", centre))
    code, shown = ask_code(worker)
    assert "no-store" in shown.headers["cache-control"]
    png = tmp_path / "qr.png"
    png.write_bytes(base64.b64decode(QR_IMAGE.search(shown.text).group(1)))  # type: ignore[union-attr]
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    if decoded.returncode == 0:
        assert decoded.stdout.strip().endswith(f"/terminal/en/enrol?code={code}")

    # The QR code's address opens the form with the code filled in.
    terminal = httpx.Client(base_url=pde_server.url, timeout=60)
    form = terminal.get(f"/terminal/enrol?code={code.lower()}", headers={"accept-language": "ar"})
    assert form.status_code == 303 and form.headers["location"] == f"/terminal/ar/enrol?code={code}"
    assert f'value="{code}"' in terminal.get(form.headers["location"]).text

    answer = terminal.post(
        "/terminal/en/enrol", data={"code": f"{code[:4]}-{code[4:].lower()}", "name": "Reception"}
    )
    assert answer.status_code == 200 and "is now a terminal of" in answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=Strict", "Max-Age=34560000"):
        assert attribute in cookie
    token = terminal.cookies[COOKIE]
    assert len(token) >= 43  # 256 bits

    again = httpx.Client(base_url=pde_server.url, timeout=60)
    refused = again.post("/terminal/fr/enrol", data={"code": code, "name": "Second"})
    assert refused.status_code == 400
    assert "déjà été utilisé" in refused.text and "set-cookie" not in refused.headers
    actions = audit_actions(pde_server)
    assert actions[-2:] == ["terminal_code_issued", "terminal_enrolled"]
    with database(db_url(pde_server)) as db:
        from sqlalchemy import select

        from day_centres.models import Terminal, TerminalEnrolmentCode

        stored = db.scalars(select(Terminal).where(Terminal.centre_id == centre)).one()
        assert token.encode() not in stored.token_hash and stored.name == "Reception"
        assert db.scalars(select(TerminalEnrolmentCode)).all() == []  # used: gone


def test_a_wrong_code_or_name_gets_a_translated_page_and_wrong_codes_are_counted(
    pde_server: LiveServer,
) -> None:
    terminal = httpx.Client(base_url=pde_server.url, timeout=60)
    empty_name = terminal.post("/terminal/ar/enrol", data={"code": "ACDEFGHJ", "name": ""})
    assert empty_name.status_code == 422 and 'lang="ar"' in empty_name.text
    for lang, words in (("nl", "niet juist"), ("pl", "nieprawidłowy"), ("en", "not right")):
        wrong = terminal.post(f"/terminal/{lang}/enrol", data={"code": "ACDEFGHJ", "name": "X1"})
        assert wrong.status_code == 400 and words in wrong.text
    assert terminal.post("/terminal/xx/enrol", data={"code": "A", "name": "B"}).status_code == 404
    # From another site: refused before anything is counted or used.
    forged = terminal.post(
        "/terminal/en/enrol",
        data={"code": "ACDEFGHJ", "name": "X1"},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert forged.status_code == 403


def test_the_coordinator_lists_renames_and_revokes_and_a_revoked_terminal_is_a_browser(
    pde_server: LiveServer,
) -> None:
    centre = make_centre(db_url(pde_server))
    coordinator = log_in(pde_server.url, make_staff(db_url(pde_server), "coordinator", centre))
    code, _ = ask_code(coordinator)
    terminal = enrol(pde_server, code, "Hall")
    kiosk = terminal.get("/fr/")
    assert kiosk.status_code == 200
    listing = coordinator.page("/staff/en/terminals")
    assert "Hall" in listing.text
    terminal_id = re.search(r"/terminals/([A-Za-z0-9_-]{22})/rename", listing.text).group(1)  # type: ignore[union-attr]
    coordinator.page(f"/staff/en/terminals/{terminal_id}/rename")
    too_short = coordinator.post(f"/staff/en/terminals/{terminal_id}/rename", name=" ")
    assert too_short.status_code == 422
    renamed = coordinator.post(f"/staff/en/terminals/{terminal_id}/rename", name="Hall, right")
    assert renamed.headers["location"] == "/staff/en/terminals?done=terminal_renamed"
    assert "Hall, right" in coordinator.page("/staff/en/terminals").text

    coordinator.page(f"/staff/en/terminals/{terminal_id}/revoke")
    revoked = coordinator.post(f"/staff/en/terminals/{terminal_id}/revoke")
    assert revoked.headers["location"] == "/staff/en/terminals?done=terminal_revoked"
    assert "Hall, right" not in coordinator.page("/staff/en/terminals").text
    after = terminal.get("/fr/")
    assert after.status_code == 200
    assert (
        f"{COOKIE}=" in after.headers["set-cookie"] and "Max-Age=0" in after.headers["set-cookie"]
    )
    assert COOKIE not in terminal.cookies
    assert audit_actions(pde_server)[-2:] == ["terminal_renamed", "terminal_revoked"]


def test_the_operator_sees_every_centres_terminals_and_sets_the_idle_minutes(
    pde_server: LiveServer,
) -> None:
    centre = make_centre(db_url(pde_server))
    worker = log_in(pde_server.url, make_staff(db_url(pde_server), "worker", centre))
    code, _ = ask_code(worker)
    enrol(pde_server, code, "Library corner")
    operator = log_in(pde_server.url, make_staff(db_url(pde_server), "operator"))
    assert "Library corner" in operator.page("/staff/en/terminals").text
    assert operator.page("/staff/en/terminals/code").status_code == 403  # no centre
    assert "Library corner" not in worker.page("/staff/en/terminals").text  # workers: codes only
    page = operator.page(f"/staff/en/centres/{centre}")
    assert 'name="idle_minutes"' in page.text and 'value="3"' in page.text
    form = {
        "name": "Renamed centre " + centre[:6],
        "address": "",
        "help_phone": "",
        "opening_hours": "",
        "printing": "no",
        "language_1": "ar",
    }
    for wrong in ("0", "31", "two", "٣"):  # an empty field is the default, 3
        refused = operator.post(f"/staff/en/centres/{centre}", **form, idle_minutes=wrong)
        assert refused.status_code == 422 and "from 1 to 30" in refused.text
    saved = operator.post(f"/staff/en/centres/{centre}", **form, idle_minutes="7")
    assert saved.status_code == 303
    with database(db_url(pde_server)) as db:
        from day_centres.centres import get_centre

        assert get_centre(db, centre).idle_minutes == 7


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_enrolment_page_says_so_on_an_enrolled_terminal(
    pde_server: LiveServer, lang: str
) -> None:
    centre = make_centre(db_url(pde_server), "Centre Horizon " + lang)
    worker = log_in(pde_server.url, make_staff(db_url(pde_server), "worker", centre))
    code, _ = ask_code(worker)
    terminal = enrol(pde_server, code)
    page = terminal.get(f"/terminal/{lang}/enrol")
    assert page.status_code == 200 and "Centre Horizon" in page.text
    assert f'lang="{lang}"' in page.text and "<script" not in page.text


def test_an_enrolled_terminals_kiosk_follows_its_centre_and_a_browser_keeps_todays(
    pde_server: LiveServer,
) -> None:
    centre = make_centre(db_url(pde_server), "Centre Soleil " + unique_suffix())
    with database(db_url(pde_server)) as db:
        from day_centres.centres import get_centre

        record = get_centre(db, centre)
        record.idle_minutes, record.printing_allowed, record.languages = 5, False, "ar,pl"
    worker = log_in(pde_server.url, make_staff(db_url(pde_server), "worker", centre))
    code, _ = ask_code(worker)
    terminal = enrol(pde_server, code)
    ordinary = httpx.Client(base_url=pde_server.url, timeout=60)

    page = terminal.get("/fr/").text
    assert "Vous êtes à Centre Soleil" in page and "+32 2 000 00 00" in page
    assert 'data-idle-seconds="300"' in page and 'data-downloads="false"' in page
    assert 'data-printing="false"' in page and 'id="terminal-policy"' in page
    assert 'id="export-off"' in page and 'id="view-download-off"' in page
    assert 'id="export-controls" hidden' in page
    assert "Centre Soleil" in page.split('id="sheet-centre-help"')[1][:200]  # the recovery sheet
    picker = terminal.get("/").text
    assert (
        picker.index('hreflang="ar"')
        < picker.index('hreflang="pl"')
        < picker.index('hreflang="fr"')
    )

    plain = ordinary.get("/fr/").text
    assert "Centre Soleil" not in plain and "terminal-policy" not in plain
    assert 'data-idle-seconds="180"' in plain and 'data-printing="true"' in plain
    assert "export-off" not in plain and 'id="export-controls">' in plain
    plain_picker = ordinary.get("/").text
    assert plain_picker.index('hreflang="fr"') < plain_picker.index('hreflang="ar"')
