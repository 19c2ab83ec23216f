"""Accessibility of the kiosk's wallet screens (the language picker, creating a
wallet, its documents, shares, meeting mode, other documents, logging in, the idle
dialog), in French (left to right) and Arabic (right to left), at 1024x768: given a
person who reaches each screen by clicking, as in tests/e2e/kiosk_steps.py, then
axe-core finds no "serious" or "critical" violation of WCAG rules on it (contrast,
names, landmarks, duplicate ids, language and direction). The other groups of
screens are in test_kiosk_accessibility_*.py, one module each, so that parallel
workers share them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.axe_audit import AxeAudit, blocking_violations, describe
from tests.e2e.kiosk_steps import (
    add_document,
    create_wallet,
    from_more,
    kiosk_page,
    open_kiosk,
    png,
)
from tests.e2e.share_steps import make_share, open_my_shares

pytestmark = pytest.mark.browser


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
        from_more(page, "#screen-documents [data-go=note]")
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
        page.click("#documents-share")  # the one document is ticked: untick it
        page.uncheck("#share-documents input[name=share-document]")
        page.click("#share-submit")
        expect(page.locator("#share-error")).to_be_visible()
        audit.check("share, with its error")
        page.click("#screen-share [data-go=documents]")
        make_share(page, titles=["Carte d'identité"], recipient="CPAS Ixelles", pin="make")
        audit.check("share link ready")
        page.click("#share-copy")  # copied, or selected to copy by hand: a warning either way
        expect(page.locator("#screen-share-ready .warning-line:visible")).to_have_count(1)
        audit.check("share link ready, copied")
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
        from_more(page, "#documents-meeting")
        page.click("#meeting-start")
        expect(page.locator("#meeting-error")).to_be_visible()
        audit.check("meeting mode, choosing, with its error")
        page.click("#screen-meeting-pick [data-go=documents]")
        open_my_shares(page)
        page.click("#screen-shares [data-go=documents]")
        from_more(page, "#screen-documents [data-go=account]")
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
        page.clock.install()  # the page's timers, in real time but for the jump below
        open_kiosk(page, live_server, lang, query="?idle=16")
        create_wallet(page)
        page.clock.fast_forward("00:09")  # 9 idle seconds of 16: the last 8 warn
        expect(page.locator("#idle-dialog")).to_be_visible(timeout=20_000)
        expect(page.locator("#screen-documents")).to_be_hidden()  # hidden behind the countdown
        violations = blocking_violations(page)
        page.click("#still-here")
        assert not violations, f"axe-core violations in the idle dialog ({lang}):\n" + describe(
            violations
        )
