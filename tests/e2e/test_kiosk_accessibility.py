"""Accessibility of every kiosk screen, in French (left to right) and Arabic
(right to left), at 1024x768: given a person who reaches each screen by
clicking, as in tests/e2e/kiosk_steps.py, then axe-core finds no "serious"
or "critical" violation of WCAG rules on it (contrast, names, landmarks,
duplicate ids, language and direction)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from crypto.encoding import decode_code
from crypto.errors import InvalidCode
from tests.e2e.kiosk_steps import add_document, create_wallet, kiosk_page, open_kiosk, png
from tests.e2e.share_steps import make_share, open_my_shares

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """Rule ids, impacts and the offending nodes, one per line, for a failure message."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


class AxeAudit:
    """Runs axe on each screen reached and keeps what it found, to report every screen at once."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.found: dict[str, list[dict[str, Any]]] = {}

    def check(self, screen: str) -> None:
        violations = blocking_violations(self.page)
        if violations:
            self.found[screen] = violations

    def report(self) -> str:
        return "\n".join(
            f"{self.lang} / {screen}:\n{describe(violations)}"
            for screen, violations in self.found.items()
        )


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_on_any_screen(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        audit = AxeAudit(page, lang)
        page.goto(f"{live_server}/")
        expect(page.locator("[data-state=ok]")).to_have_count(1)
        audit.check("language picker")

        open_kiosk(page, live_server, lang, query="?idle=3600")
        audit.check("welcome")
        page.click("#screen-welcome [data-go=create]")
        page.click("#generate-words")
        page.click("#suggest-handle")
        expect(page.locator("#create-handle")).not_to_have_value("")
        handle = page.locator("#create-handle").input_value()
        passphrase = page.locator("#create-passphrase").input_value()
        audit.check("create")
        page.click("#create-submit")
        expect(page.locator("#sheet-qr svg")).to_have_count(1)
        audit.check("recovery sheet")
        page.check("#sheet-kept")
        page.click("#sheet-continue")

        add_document(
            page,
            "carte.png",
            "image/png",
            png(64, 40),
            title="Carte d'identité",
            category="identity",
            date="2024-03-01",
            issuer="Commune d'Ixelles",
        )
        audit.check("documents list")
        page.click("#screen-documents [data-go=add]")
        audit.check("add")
        page.click("#screen-add [data-go=documents]")
        page.click("#screen-documents [data-go=note]")
        audit.check("story")
        page.click("#screen-note [data-go=documents]")
        page.click(".document:has-text('Carte')")
        expect(page.locator("#preview img")).to_have_count(1)
        audit.check("document view")
        page.click("#view-edit")
        audit.check("rename")
        page.click("#view-delete")
        expect(page.locator("#delete-confirm")).to_be_visible()
        audit.check("delete confirmation")
        page.click("#delete-no")

        page.click("#screen-view [data-go=documents]")
        page.click("#documents-share")
        page.click("#share-submit")
        expect(page.locator("#share-error")).to_be_visible()
        audit.check("share, with its error")
        page.click("#screen-share [data-go=documents]")
        make_share(page, titles=["Carte d'identité"], recipient="CPAS Ixelles", pin="make")
        audit.check("share link ready")
        open_my_shares(page)
        audit.check("my shares")
        page.click("#share-list .share-revoke")
        audit.check("revoke confirmation")
        page.click("#share-list .share-revoke-yes")
        expect(page.locator("#share-list .share-delete")).to_have_count(1)
        audit.check("my shares, revoked")
        page.locator("#share-list .share-meeting").first.click()
        expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)
        audit.check("meeting mode")
        page.click("#meeting-end")
        page.locator("#meeting-passphrase").fill("pas la bonne phrase")
        page.click("#meeting-unlock-submit")
        expect(page.locator("#meeting-unlock-error")).to_be_visible(timeout=15_000)
        audit.check("meeting mode, wrong secret phrase")
        page.locator("#meeting-passphrase").fill(passphrase)
        page.click("#meeting-unlock-submit")
        expect(page.locator("#screen-documents")).to_be_visible(timeout=15_000)
        page.click("#documents-meeting")
        page.click("#meeting-start")
        expect(page.locator("#meeting-error")).to_be_visible()
        audit.check("meeting mode, choosing, with its error")
        page.click("#screen-meeting-pick [data-go=documents]")
        open_my_shares(page)
        page.click("#screen-shares [data-go=documents]")
        page.click("#screen-documents [data-go=account]")
        page.click("#account-compartment")
        audit.check("other documents")
        page.locator("#compartment-secret").fill("une autre place pour mes papiers")
        page.click("#compartment-submit")
        expect(page.locator("#compartment-bar")).to_be_visible(timeout=30_000)
        audit.check("other documents, open")

        page.click("#leave-now")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang)
        page.click("#screen-welcome [data-go=login]")
        audit.check("login")
        page.locator("#login-handle").fill(handle)
        page.locator("#login-passphrase").fill("not the right secret phrase")
        page.click("#login-submit")
        expect(page.locator("#login-error")).to_be_visible()
        audit.check("login error")

        assert not audit.found, "axe-core violations:\n" + audit.report()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_in_the_idle_dialog(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang, query="?idle=16")
        create_wallet(page)
        expect(page.locator("#idle-dialog")).to_be_visible(timeout=20_000)
        violations = blocking_violations(page)
        page.click("#still-here")
        assert not violations, f"axe-core violations in the idle dialog ({lang}):\n" + describe(
            violations
        )


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
        page.click("#documents-deposits")
        expect(page.locator("#deposit-links-empty")).to_be_visible()
        audit.check("deposit links, none yet")
        page.click("#deposit-submit")
        expect(page.locator("#deposit-error")).to_be_visible()
        audit.check("deposit links, with its error")
        page.click("#screen-deposit-links [data-go=documents]")
        link = make_deposit_link(page, "CPAS Ixelles", max_files=1)
        audit.check("deposit link ready")
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
        page.click("#screen-documents [data-go=account]")
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
        page.click("#screen-documents [data-go=account]")
        expect(page.locator("#card-stop-form")).to_be_visible()
        page.fill("#card-stop-new", "cinq mots tout neufs ici")
        audit.check("my account, stop using the card")
        assert not audit.found, "axe-core violations:\n" + audit.report()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_no_serious_or_critical_violation_on_the_trustee_screens(
    browser: Browser, live_server: str, lang: str
) -> None:
    from tests.e2e.kiosk_steps import log_in

    def leave_and_come_back() -> None:
        page.click("#leave-now")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang, query="?idle=3600")

    with kiosk_page(browser) as page:
        audit = AxeAudit(page, lang)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        trustee, _ = create_wallet(page)
        page.click("#screen-documents [data-go=account]")
        page.click("#account-trustee-help")
        expect(page.locator("#trustee-invitation-qr svg")).to_have_count(1)
        audit.check("be someone's trustee")
        invitation = page.locator("#trustee-invitation-text").inner_text()
        leave_and_come_back()

        owner, _ = create_wallet(page)
        page.click("#screen-documents [data-go=account]")
        page.click("#account-trustees")
        expect(page.locator("#trustees-none")).to_be_visible()
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
        page.click("#screen-documents [data-go=account]")
        page.click("#account-trustee-help")
        expect(page.locator("#trustee-requests li")).to_have_count(1)
        audit.check("requests from people you help")
        assert not audit.found, "axe-core violations:\n" + audit.report()
