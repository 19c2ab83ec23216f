"""The staff pages in Chromium, in French (left to right) and Arabic (right to
left): given an operator whose account was just made, when they log in, set up
their code app from the page, keep their recovery codes, create a centre and a
coordinator for it, then every page they pass through has no axe-core violation
at all (of any impact), works with the keyboard alone (the login is typed and
sent with Enter), runs no script, and fits a 1024x768 terminal and a 360 px phone
without scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, expect

from crypto import b64u_encode
from crypto.issued import new_org_key
from tests.e2e.axe_audit import PAGE_SCREENS, ScriptlessPageAudit
from tests.e2e.conftest import start_live_server
from tests.server import ServedApp
from tests.staff_support import STAFF_PASSWORD, make_staff, unique

pytestmark = pytest.mark.browser

WORDS = {  # what the person reads, in each language
    "fr": {"centres": "Centres", "new_centre": "Nouveau centre", "add": "Ajouter un coordinateur"},
    "ar": {"centres": "المراكز", "new_centre": "مركز جديد", "add": "إضافة منسّق"},
}


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    server = start_live_server(tmp_path_factory.mktemp("staff-pages"))
    yield server
    server.stop()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_an_operator_enrols_and_creates_a_centre_and_a_coordinator(
    browser: Browser, staff_server: ServedApp, lang: str, tmp_path: Path
) -> None:
    db_url = staff_server._app.state.runtime.settings.sqlalchemy_url  # type: ignore[attr-defined]
    operator = make_staff(db_url, "operator", enrolled=False)
    context = browser.new_context(viewport=PAGE_SCREENS["terminal"], locale=lang)
    page = context.new_page()
    audit = ScriptlessPageAudit(page, lang)
    words = WORDS[lang]

    page.goto(f"{staff_server.url}/staff/{lang}/login")
    if lang == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    audit.check("login")
    page.keyboard.press("Tab")  # the skip link first
    page.keyboard.press("Tab")
    page.locator("#name").focus()
    page.keyboard.type(operator.name)
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    expect(page.locator(".problem")).to_be_visible()
    expect(page.locator("#name")).to_have_value(operator.name)
    audit.check("login refused")
    page.fill("#password", STAFF_PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{staff_server.url}/staff/{lang}/enrol")
    expect(page.locator("img.qr")).to_be_visible()
    audit.check("enrolment")
    secret = page.locator(".secret code").inner_text().replace(" ", "")
    page.fill("#code", str(pyotp.TOTP(secret).now()))
    page.locator("#code").press("Enter")
    expect(page.locator(".codes li")).to_have_count(10)
    audit.check("recovery codes")
    page.click(".btn-primary")

    expect(page).to_have_url(f"{staff_server.url}/staff/{lang}/")
    audit.check("home")
    page.click(f".menu >> text={words['centres']}")
    page.click(f"text={words['new_centre']}")
    audit.check("new centre")
    centre = unique("Centre Ixelles")
    page.fill("#name", centre)
    page.select_option("#language_1", "")
    page.select_option("#language_2", "")
    page.click("main button[type=submit]")  # no language: the form says what is missing
    expect(page.locator(".problem")).to_be_visible()
    expect(page.locator("#name")).to_have_value(centre)
    audit.check("new centre with a problem")
    page.fill("#address", "Rue Haute 1, 1000 Bruxelles")
    page.fill("#help_phone", "+32 2 000 00 00")
    page.select_option("#language_1", "ar")
    page.select_option("#language_2", "fr")
    page.check("#printing-no")
    page.click("main button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    expect(page.locator("tbody th", has_text=centre)).to_be_visible()
    audit.check("centres")

    page.click(f"tbody tr:has-text('{centre}') >> text={words['add']}")
    expect(page.locator("#centre option:checked")).to_have_text(centre)
    audit.check("new account")
    coordinator = unique("Carla")
    page.fill("#name", coordinator)
    page.fill("#password", STAFF_PASSWORD)
    page.check("#role-coordinator")
    page.click("main button[type=submit]")
    expect(page.locator("tbody th", has_text=coordinator)).to_be_visible()
    audit.check("staff accounts")
    page.click(f"tbody tr:has-text('{coordinator}') .row-actions a")
    audit.check("confirm disabling")
    page.goto(f"{staff_server.url}/staff/{lang}/audit")
    mine = page.locator("tbody tr", has_text=operator.name)
    expect(mine).to_have_count(4)  # enrolled, logged in, a centre, an account
    audit.check("audit log")

    # The register of organisations (issue 16): add one, a key (its fingerprint shown
    # first), revoke the key.
    page.goto(f"{staff_server.url}/staff/{lang}/organisations")
    audit.check("organisations")
    page.click("main a.btn-primary")
    organisation = unique("CPAS Ixelles")
    page.fill("#name", organisation)
    page.click("main button[type=submit]")  # no kind: the form says what is missing
    expect(page.locator(".problem")).to_be_visible()
    expect(page.locator("#name")).to_have_value(organisation)
    audit.check("new organisation with a problem")
    page.check("#kind-cpas")
    page.fill("#address", "Chaussée de Boondael 92, 1050 Ixelles")
    page.click("main button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    section = page.locator("section.organisation", has_text=organisation)
    section.locator("a.btn").click()
    audit.check("new key")
    key = new_org_key()
    page.fill("#public_key", b64u_encode(key.public_key))
    page.click("main button[type=submit]")
    expect(page.locator("main code.fingerprint")).to_have_text(key.kid)
    audit.check("fingerprint to compare")
    page.click("main button.btn-primary")
    expect(page.locator(".notice")).to_be_visible()
    expect(section.locator("tbody th code")).to_have_text(key.kid)
    audit.check("organisations with a key")
    section.locator(".row-actions a").click()
    page.fill("#reason", "Lost")
    page.click("main button[type=submit]")
    expect(page.locator(".notice")).to_be_visible()
    audit.check("organisations with a revoked key")
    context.close()
    assert audit.found == [], "\n".join(audit.found)
