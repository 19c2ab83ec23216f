"""Accessibility of the kiosk's trustee screens (being someone's trustee, choosing
trustees and printing a share, asking them to open one's wallet, the warning to the
owner, the requests a trustee sees), in French (left to right) and Arabic (right to
left), at 1024x768: given a person who reaches each screen by clicking, as in
tests/e2e/kiosk_steps.py, then axe-core finds no "serious" or "critical" violation of
WCAG rules on it (contrast, names, landmarks, duplicate ids, language and direction).
The other groups of screens are in test_kiosk_accessibility_*.py, one module each, so
that parallel workers share them. PDE_SCREENSHOTS=docs/screenshots keeps the trustees'
form as it opens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.axe_audit import AxeAudit
from tests.e2e.kiosk_steps import create_wallet, from_more, kiosk_page, open_kiosk
from tests.e2e.test_kiosk_screens import shoot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_on_the_trustee_screens(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    from tests.e2e.kiosk_steps import log_in

    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def leave_and_come_back() -> None:
        page.click("#leave-now")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang, query="?idle=3600")

    with kiosk_page(browser) as page:
        audit = AxeAudit(page, lang)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        trustee, _ = create_wallet(page)
        from_more(page, "#screen-documents [data-go=account]")
        page.click("#account-trustee-help")
        expect(page.locator("#trustee-invitation-qr svg")).to_have_count(1)
        audit.check("be someone's trustee")
        invitation = page.locator("#trustee-invitation-text").inner_text()
        leave_and_come_back()

        owner, _ = create_wallet(page)
        from_more(page, "#screen-documents [data-go=account]")
        page.click("#account-trustees")
        expect(page.locator("#trustees-none")).to_be_visible()
        shoot(page, folder, f"{lang}-31-trustees")  # 2 of 3 printed shares to begin with
        page.fill("#trustees-printed", "0")
        page.click("#trustees-submit")
        expect(page.locator("#trustees-error")).to_be_visible()
        audit.check("my trustees, with its error")
        page.fill("#trustees-invitation", invitation)
        page.click("#trustees-add")
        page.fill("#trustees-printed", "1")
        page.click("#trustees-submit")
        expect(page.locator(".trustee-sheet .qr svg")).to_have_count(1)
        audit.check("printed shares")
        page.click("#trustee-printed-done")
        expect(page.locator("#trustees-list li")).to_have_count(2)
        audit.check("my trustees")
        leave_and_come_back()

        page.click("#screen-welcome [data-go=login]")
        page.click("#screen-login [data-go=recover]")
        audit.check("recover, with the trustees")
        page.click("#recover-ask-trustees")
        page.click("#request-ask-submit")
        expect(page.locator("#request-ask-error")).to_be_visible()
        audit.check("ask my trustees, with its error")
        page.fill("#request-ask-handle", owner)
        page.click("#request-ask-submit")
        expect(page.locator("#request-ticket-qr svg")).to_have_count(1)
        audit.check("recovery request paper")
        request_id = page.locator("#request-ticket-id").inner_text()
        code = page.locator("#request-ticket-code").inner_text()
        page.check("#request-ticket-kept")
        page.click("#request-ticket-done")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang, query="?idle=3600")
        page.click("#screen-welcome [data-go=login]")
        page.click("#screen-login [data-go=recover]")
        page.click("#recover-have-request")
        page.fill("#request-open-handle", owner)
        page.fill("#request-open-id", request_id)
        page.fill("#request-open-code", code)
        page.click("#request-open-submit")
        expect(page.locator("#request-open-error")).to_be_visible()  # still waiting: 72 hours
        audit.check("I have a request code, still waiting")
        page.click("#screen-recovery-request-open [data-go=recover]")
        page.click("#screen-recover [data-go=login]")
        page.click("#screen-login [data-go=welcome]")

        page.click("#screen-welcome [data-go=login]")
        page.locator("#login-handle").fill(owner)
        page.locator("#login-passphrase").fill("quatre mots pour ouvrir")
        page.click("#login-submit")
        expect(page.locator("#recovery-warning-list li")).to_have_count(1)
        audit.check("someone asked to open your wallet")
        page.click(".recovery-warning-mine")
        leave_and_come_back()

        log_in(page, trustee)
        from_more(page, "#screen-documents [data-go=account]")
        page.click("#account-trustee-help")
        expect(page.locator("#trustee-requests li")).to_have_count(1)
        audit.check("requests from people you help")
        assert not audit.found, "axe-core violations:\n" + audit.report()
