"""Accessibility of the kiosk's deposit screens, the depositor's page and the wallet
card screens, in French (left to right) and Arabic (right to left), at 1024x768:
given a person who reaches each screen by clicking, as in tests/e2e/kiosk_steps.py,
then axe-core finds no "serious" or "critical" violation of WCAG rules on it
(contrast, names, landmarks, duplicate ids, language and direction). The other
groups of screens are in test_kiosk_accessibility_*.py, one module each, so that
parallel workers share them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from crypto.encoding import decode_code
from crypto.errors import InvalidCode
from tests.e2e.axe_audit import AxeAudit
from tests.e2e.kiosk_steps import create_wallet, from_more, kiosk_page, open_kiosk, png

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_on_the_deposit_screens_and_page(
    browser: Browser, live_server: str, lang: str
) -> None:
    from tests.e2e.test_deposit_journey import (
        back_to_documents,
        make_deposit_link,
        open_inbox,
        service_opens,
        service_page,
    )

    with kiosk_page(browser) as page, service_page(browser, lang) as service:
        audit = AxeAudit(page, lang)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        create_wallet(page)
        from_more(page, "#documents-deposits")
        expect(page.locator("#deposit-links-empty")).to_be_visible()
        audit.check("deposit links, none yet")
        page.click("#deposit-submit")
        expect(page.locator("#deposit-error")).to_be_visible()
        audit.check("deposit links, with its error")
        page.click("#screen-deposit-links [data-go=documents]")
        link = make_deposit_link(page, "CPAS Ixelles", max_files=1)
        audit.check("deposit link ready")
        page.click("#deposit-copy")  # copied, or selected to copy by hand: a warning either way
        expect(page.locator("#screen-deposit-ready .warning-line:visible")).to_have_count(1)
        audit.check("deposit link ready, copied")
        page.click("#deposit-done")
        expect(page.locator("#deposit-list > li")).to_have_count(1)
        audit.check("deposit links")
        page.click("#deposit-list .deposit-revoke")
        audit.check("deposit link revoke confirmation")

        service_audit = AxeAudit(service, lang)
        service_opens(service, link)
        service.set_input_files(
            "#deposit-files",
            files=[{"name": "carte.png", "mimeType": "image/png", "buffer": png()}],
        )
        audit_service = service_audit.check
        audit_service("depositor page, a file chosen")
        service.click("#deposit-send")
        expect(service.locator("#screen-sent")).to_be_visible(timeout=30_000)
        audit_service("depositor page, sent")
        service_opens(service, link)
        expect(service.locator("body")).to_have_attribute("data-state", "closed")
        audit_service("depositor page, closed")

        page.click("#deposit-list .deposit-revoke-no")
        back_to_documents(page)
        open_inbox(page, 1)
        audit.check("inbox")
        page.click("#inbox-list .inbox-reject")
        audit.check("inbox, reject confirmation")
        found = audit.report() + service_audit.report()
        assert not (audit.found or service_audit.found), "axe-core violations:\n" + found


def mistyped_code(code: str) -> str:
    """The card code with its first character changed, into one its check byte refuses."""
    for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
        try:
            decode_code(other + code[1:])
        except InvalidCode:
            return other + code[1:]
    raise AssertionError("31 changes cannot all pass the check byte")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_on_the_wallet_card_screens(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        audit = AxeAudit(page, lang)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        handle, _ = create_wallet(page)
        from_more(page, "#screen-documents [data-go=account]")
        page.click("#card-make-submit")
        expect(page.locator("#card-make-error")).to_be_visible()
        audit.check("my account, make a card, with its error")
        page.fill("#card-make-current", "quatre mots pour ouvrir")
        page.fill("#card-make-pin", "2468")
        page.fill("#card-make-pin-again", "2468")
        page.click("#card-make-submit")
        expect(page.locator("#card-qr svg")).to_have_count(1)
        audit.check("wallet card")
        code = page.locator("#card-code").inner_text()
        page.check("#card-kept")
        page.click("#card-continue")

        page.click("#leave-now")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang, query="?idle=3600")
        page.click("#screen-welcome [data-go=login]")
        page.click("#login-with-card")
        page.fill("#card-login-handle", handle)
        page.fill("#card-login-code", mistyped_code(code))
        page.fill("#card-login-pin", "2468")
        page.click("#card-login-submit")
        expect(page.locator("#card-login-error")).to_be_visible()
        audit.check("card login, with its error")
        page.fill("#card-login-code", code)
        page.click("#card-login-submit")
        expect(page.locator("#screen-documents")).to_be_visible()
        from_more(page, "#screen-documents [data-go=account]")
        expect(page.locator("#card-stop-form")).to_be_visible()
        page.fill("#card-stop-new", "cinq mots tout neufs ici")
        audit.check("my account, stop using the card")
        assert not audit.found, "axe-core violations:\n" + audit.report()
