"""A reported link, in Chromium, in French and in Arabic (issue 11 §5): given a
wallet that shared a document, when the social worker who opened it reports a
problem from the viewer (a reason and a few words), the operator finds the
report on the staff pages and suspends the link, then the worker's viewer says
in their language that the service suspended it, and the owner's "My shares" in
the kiosk shows the suspension with its reason. The report form (on the viewer
and on the depositor's page) and the operator's report pages have no axe-core
violation of any impact."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from client import PdeClient
from client import deposits as deposit_client
from client.shares import create_share
from tests.e2e.axe_audit import AXE, describe
from tests.e2e.conftest import start_live_server
from tests.e2e.kiosk_steps import PASSPHRASE, kiosk_page, log_in, open_kiosk
from tests.e2e.share_steps import open_my_shares, share_id_of, share_item, worker_opens
from tests.server import ServedApp
from tests.staff_support import STAFF_PASSWORD, make_staff

pytestmark = pytest.mark.browser

WORDS = {  # what each person reads, in each language
    "fr": {
        "thanks": "Merci. Le service qui fait fonctionner PDE va regarder ce lien.",
        "suspended": "Ce lien a été suspendu par le service",
        "reason": "fraude ou hameçonnage",
    },
    "ar": {
        "thanks": "شكرًا. ستنظر الخدمة التي تشغّل PDE في هذا الرابط.",
        "suspended": "علّقت الخدمة هذا الرابط",
        "reason": "احتيال أو تصيّد",
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    served = start_live_server(tmp_path_factory.mktemp("link-reports"))
    yield served
    served.stop()


class Audit:
    """axe-core on each page reached; every violation of any impact is kept."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page, self.lang = page, lang
        self.found: list[str] = []

    def check(self, name: str) -> None:
        violations = AXE.run(self.page).response["violations"]
        if violations:
            self.found.append(f"{self.lang} / {name}:\n{describe(violations)}")


def owner_shares_a_document(url: str) -> tuple[str, str]:
    """A wallet with one document shared (no PIN), made with the Python client; (handle, link)."""
    handle = f"report-{secrets.token_hex(4)}"
    with PdeClient(url, retry_seconds=5) as owner:
        owner.register(handle, PASSPHRASE)
        document = owner.add(io.BytesIO(b"Attestation de domicile"), title="Attestation")
        share = create_share(owner, [document], recipient="CPAS Ixelles", purpose="RIS")
        return handle, share.link


def operator_logs_in(page: Page, url: str, db_url: str, lang: str) -> None:
    operator = make_staff(db_url, "operator")
    page.goto(f"{url}/staff/{lang}/login")
    page.fill("#name", operator.name)
    page.fill("#password", STAFF_PASSWORD)
    page.locator("#password").press("Enter")
    expect(page).to_have_url(f"{url}/staff/{lang}/code")
    page.fill("#code", str(pyotp.TOTP(operator.secret).now()))
    page.locator("#code").press("Enter")
    expect(page).to_have_url(f"{url}/staff/{lang}/")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_reported_share_is_suspended_and_the_worker_and_the_owner_are_told(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    url = server.url
    db_url = server._app.state.runtime.settings.sqlalchemy_url  # type: ignore[attr-defined]
    handle, link = owner_shares_a_document(url)
    share_id = share_id_of(link)
    words = WORDS[lang]

    worker = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    page = worker.new_page()
    audit = Audit(page, lang)
    worker_opens(page, link)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.click("#report-toggle")
    expect(page.locator("#report-form")).to_be_visible()
    page.click("#report-send")  # no reason chosen: the form says so
    expect(page.locator("#report-error")).not_to_be_empty()
    audit.check("report form with its problem")
    page.check("#report-fraud")
    page.fill("#report-text", "Demande de l'argent" if lang == "fr" else "يطلب المال")
    page.click("#report-send")
    expect(page.locator("#report-status")).to_have_text(words["thanks"])
    expect(page.locator("#report-form")).to_be_hidden()
    audit.check("report sent")

    staff = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    operator = staff.new_page()
    staff_audit = Audit(operator, lang)
    operator_logs_in(operator, url, db_url, lang)
    operator.goto(f"{url}/staff/{lang}/reports")
    row = operator.locator("tbody tr", has_text=share_id)
    expect(row).to_have_count(1)
    staff_audit.check("reports")
    row.locator(".row-actions a").click()
    expect(operator.locator("main")).to_contain_text(share_id)
    staff_audit.check("a report")
    operator.click("main form[action$='/suspend'] button[type=submit]")  # no reason: refused
    expect(operator.locator(".problem")).to_be_visible()
    staff_audit.check("a report, suspension without a reason")
    operator.check("#reason-fraud")
    operator.click("main form[action$='/suspend'] button[type=submit]")
    expect(operator.locator(".notice")).to_be_visible()
    expect(operator.locator("main form[action$='/lift']")).to_have_count(1)
    staff_audit.check("a report, link suspended")
    staff.close()

    page.goto("about:blank")
    page.goto(link)
    expect(page.locator("#screen-problem")).to_be_visible()
    expect(page.locator("#problem-heading")).to_have_text(words["suspended"])
    expect(page.locator("#report")).to_be_hidden()
    audit.check("suspended link")
    worker.close()

    with kiosk_page(browser, locale=lang) as kiosk:
        open_kiosk(kiosk, url, lang)
        log_in(kiosk, handle)
        open_my_shares(kiosk)
        expect(share_item(kiosk, share_id)).to_have_attribute("data-state", "suspended")
        notice = share_item(kiosk, share_id).locator(".share-suspended")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(words["reason"])

    assert audit.found + staff_audit.found == [], "\n".join(audit.found + staff_audit.found)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_depositor_s_report_form_has_no_axe_violation(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    with PdeClient(server.url, retry_seconds=5) as owner:
        owner.register(f"report-{secrets.token_hex(4)}", PASSPHRASE)
        link = deposit_client.create_deposit_link(owner, "CPAS Ixelles").link
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale=lang)
    page = context.new_page()
    audit = Audit(page, lang)
    page.goto(link)
    expect(page.locator("#screen-choose")).to_be_visible()
    page.click("#report-toggle")
    page.check("#report-mistake")
    audit.check("depositor's report form")
    page.click("#report-send")
    expect(page.locator("#report-status")).to_have_text(WORDS[lang]["thanks"])
    context.close()
    assert audit.found == [], "\n".join(audit.found)
