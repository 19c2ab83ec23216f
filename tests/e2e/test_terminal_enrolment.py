"""Enrolling a terminal in Chromium, in French (left to right) and Arabic (right to
left): given a centre whose public speaks Arabic then French and whose terminals
do not print, when a worker logs in on their own screen and shows a code, and the
terminal's browser types it (a wrong code first), then the terminal's kiosk names
the centre and its help phone, offers Arabic first, and on a document offers no
download (a line says why) and no printing; "My account" has no zip. The
coordinator sees the terminal, renames it and revokes it: the same browser is an
ordinary one again. Every staff page and the enrolment page have no axe-core
violation at all (of any impact), at 1024x768 and on a 360 px phone, and run no
script; the kiosk's screens have no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe_audit import PAGE_SCREENS, AxeAudit, ScriptlessPageAudit
from tests.e2e.conftest import start_live_server
from tests.e2e.kiosk_steps import add_document, create_wallet, kiosk_page, open_account, png
from tests.server import ServedApp
from tests.staff_support import StaffMember, database, make_staff, session_cookies, unique

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {"here": "Vous êtes à", "enrolled": "Ce terminal est inscrit", "wrong": "pas bon"},
    "ar": {"here": "أنت في", "enrolled": "هذا الجهاز مسجَّل", "wrong": "غير صحيح"},
}


@pytest.fixture(scope="module")
def terminal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    server = start_live_server(tmp_path_factory.mktemp("terminal-enrolment"))
    yield server
    server.stop()


def staff_log_in(page: Page, base: str, lang: str, member: StaffMember) -> None:
    """The member's home page, logged in over HTTP (the login pages are walked in the
    browser by test_staff_pages.py)."""
    page.context.add_cookies(session_cookies(base, member, lang))  # type: ignore[arg-type]
    page.goto(f"{base}/staff/{lang}/")
    expect(page).to_have_url(f"{base}/staff/{lang}/")


def make_terminal_centre(db_url: str, name: str) -> str:
    from day_centres import centres

    details = centres.CentreDetails(
        name=name,
        address="Rue Haute 1, 1000 Bruxelles",
        help_phone="+32 2 555 01 01",
        opening_hours="9:00-17:00",
        languages=["ar", "fr"],
        printing_allowed=False,
        idle_minutes=4,
    )
    with database(db_url) as db:
        return centres.create_centre(db, details).id


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_worker_enrols_a_terminal_that_names_its_centre_and_keeps_no_file(
    browser: Browser, terminal_server: ServedApp, lang: str
) -> None:
    base = terminal_server.url
    db_url = terminal_server._app.state.runtime.settings.sqlalchemy_url  # type: ignore[attr-defined]
    centre_name = unique("Centre Horizon")
    centre = make_terminal_centre(db_url, centre_name)
    worker = make_staff(db_url, "worker", centre)
    coordinator = make_staff(db_url, "coordinator", centre)
    words = WORDS[lang]

    staff_context = browser.new_context(viewport=PAGE_SCREENS["terminal"], locale=lang)
    staff = staff_context.new_page()
    audit = ScriptlessPageAudit(staff, lang)
    staff_log_in(staff, base, lang, worker)
    audit.check("worker's home")
    staff.click(f"main a[href='/staff/{lang}/terminals/code']")
    audit.check("ask for a code")
    staff.click("main button[type=submit]")
    expect(staff.locator(".enrol-code code")).to_be_visible()
    expect(staff.locator("img.qr")).to_be_visible()
    audit.check("the code")
    code = staff.locator(".enrol-code code").inner_text().replace(" ", "")

    kiosk_audit: AxeAudit
    with kiosk_page(browser, locale=lang) as terminal:
        terminal.goto(f"{base}/terminal/{lang}/enrol")
        terminal_audit = ScriptlessPageAudit(terminal, lang)
        if lang == "ar":
            expect(terminal.locator("html")).to_have_attribute("dir", "rtl")
        terminal_audit.check("enrolment page")
        terminal.fill("#code", "ACDE-FGHJ")
        terminal.fill("#name", "Accueil")
        terminal.click("main button[type=submit]")
        expect(terminal.locator(".problem")).to_contain_text(words["wrong"])
        expect(terminal.locator("#name")).to_have_value("Accueil")
        terminal_audit.check("a wrong code")
        terminal.fill("#code", code.lower())
        terminal.click("main button[type=submit]")
        expect(terminal.locator("h1")).to_have_text(words["enrolled"])
        expect(terminal.locator(".lead")).to_contain_text(centre_name)
        terminal_audit.check("enrolled")
        audit.found += terminal_audit.found

        terminal.click("main a.btn-primary")  # "Open PDE on this terminal": the language picker
        first = terminal.locator(".language-list a").first
        expect(first).to_have_attribute("hreflang", "ar")  # the centre's first language
        terminal.click(f'a[hreflang="{lang}"]')
        expect(terminal.locator("body[data-ready]")).to_have_count(1)
        here = terminal.locator("#centre-here")
        expect(here).to_contain_text(words["here"])
        expect(here).to_contain_text(centre_name)
        expect(here).to_contain_text("+32 2 555 01 01")
        expect(terminal.locator("body")).to_have_attribute("data-idle-seconds", "240")
        kiosk_audit = AxeAudit(terminal, lang)
        kiosk_audit.check("welcome on a terminal")

        create_wallet(terminal)
        add_document(terminal, "carte.png", "image/png", png(), title="Carte")
        terminal.click(".document:has-text('Carte')")
        expect(terminal.locator("#screen-view")).to_be_visible()
        expect(terminal.locator("#view-download")).to_be_hidden()
        expect(terminal.locator("#view-download-off")).to_be_visible()
        expect(terminal.locator("#view-print")).to_be_hidden()  # the centre does not print
        expect(terminal.locator("#screen-view .printing-off")).to_be_visible()
        kiosk_audit.check("a document on a terminal")
        refused = terminal.evaluate(
            """async () => {
                const { saveBlob } = await import('/static/js/download.js');
                try { saveBlob(new Blob(['x']), 'x.txt'); return 'saved'; }
                catch (error) { return error.name; }
            }"""
        )
        assert refused == "DownloadsOff"
        terminal.click("#screen-view [data-go=documents]")
        open_account(terminal)
        expect(terminal.locator("#export-off")).to_be_visible()
        expect(terminal.locator("#export-submit")).to_be_hidden()
        kiosk_audit.check("my account on a terminal")

        coordinator_page = staff_context.new_page()
        staff_context.clear_cookies()
        staff_log_in(coordinator_page, base, lang, coordinator)
        audit.page = coordinator_page
        coordinator_page.goto(f"{base}/staff/{lang}/terminals")
        row = coordinator_page.locator("tbody tr", has_text="Accueil")
        expect(row).to_have_count(1)
        audit.check("the centre's terminals")
        row.locator("a").first.click()
        audit.check("rename")
        coordinator_page.fill("#name", "Accueil, gauche")
        coordinator_page.click("main button[type=submit]")
        expect(coordinator_page.locator(".notice")).to_be_visible()
        row = coordinator_page.locator("tbody tr", has_text="Accueil, gauche")
        row.locator("a").nth(1).click()
        audit.check("revoke")
        coordinator_page.click("main button[type=submit]")
        expect(coordinator_page.locator("tbody tr", has_text="Accueil")).to_have_count(0)
        audit.check("revoked")

        terminal.goto(f"{base}/{lang}/")  # the same browser, at its next request
        expect(terminal.locator("body[data-ready]")).to_have_count(1)
        expect(terminal.locator("#centre-here")).to_have_count(0)
        expect(terminal.locator("body")).to_have_attribute("data-printing", "true")
    staff_context.close()
    assert audit.found == [], "\n".join(audit.found)
    assert kiosk_audit.found == {}, kiosk_audit.report()
