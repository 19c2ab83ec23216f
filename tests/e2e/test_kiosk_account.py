"""The "My account" journeys at the kiosk: given a wallet, when its owner
changes the secret phrase, one too easy to guess is refused with made words as
an example, and only the new one opens the wallet; when they end another
session or erase the wallet, it is gone; when they forget the secret phrase,
the recovery sheet opens the wallet, a new secret phrase comes first, and the
documents are all there."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    add_document,
    create_wallet,
    kiosk_page,
    leave_now,
    log_in,
    log_in_refused,
    open_account,
    open_kiosk,
    png,
)

pytestmark = pytest.mark.browser

NEW_PASSPHRASE = "cinq mots tout neufs ici"
WRONG_CURRENT_AR = "العبارة السرية الحالية غير صحيحة."
TOO_EASY_AR = "هذه العبارة السرية سهلة التخمين. استعمل أربع كلمات أو أكثر، مثلًا: "


def test_changing_the_secret_phrase_in_arabic_lets_only_the_new_one_open_the_wallet(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar")
        handle, _ = create_wallet(page)
        open_account(page)
        expect(page.locator("#session-list li[data-current=true]")).to_have_count(1)

        page.locator("#passphrase-current").press_sequentially("not my secret phrase")
        page.locator("#passphrase-new").press_sequentially(NEW_PASSPHRASE)
        page.locator("#passphrase-again").press_sequentially(NEW_PASSPHRASE)
        page.click("#passphrase-submit")
        expect(page.locator("#passphrase-error")).to_have_text(WRONG_CURRENT_AR)

        page.locator("#passphrase-current").press_sequentially(PASSPHRASE)
        page.locator("#passphrase-new").fill("aaaaaaaaaaaa")  # 12 letters, "Too weak" on the meter
        page.locator("#passphrase-again").fill("aaaaaaaaaaaa")
        page.click("#passphrase-submit")
        expect(page.locator("#passphrase-error")).to_contain_text(TOO_EASY_AR)
        example = page.locator("#passphrase-error").inner_text().split(TOO_EASY_AR)[1]
        assert len(example.split()) == 4  # words made for the example
        expect(page.locator("#passphrase-new")).to_be_focused()
        page.locator("#passphrase-new").fill(NEW_PASSPHRASE)
        page.locator("#passphrase-again").fill(NEW_PASSPHRASE)
        page.click("#passphrase-submit")
        expect(page.locator("#notice")).to_have_text("تم تغيير عبارتك السرية.")
        expect(page.locator("#passphrase-error")).to_be_hidden()

        leave_now(page, live_server)
        open_kiosk(page, live_server, "ar")
        log_in_refused(page, handle, PASSPHRASE)
        log_in(page, handle, NEW_PASSPHRASE)


def test_ending_another_session_then_erasing_the_wallet_leaves_nothing_to_open(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page, kiosk_page(browser) as elsewhere:
        open_kiosk(page, live_server, "fr")
        handle, _ = create_wallet(page)
        open_kiosk(elsewhere, live_server, "fr")
        log_in(elsewhere, handle)

        open_account(page)
        sessions = page.locator("#session-list li")
        expect(sessions).to_have_count(2)
        page.locator("#session-list li[data-current=false] button").click()
        expect(sessions).to_have_count(1)
        expect(sessions).to_contain_text("Cet appareil")

        page.locator("#erase-handle").press_sequentially(handle + "x")
        page.click("#erase-submit")
        expect(page.locator("#erase-error")).to_be_visible()
        expect(page.locator("#screen-account")).to_be_visible()

        page.locator("#erase-handle").fill("")
        page.locator("#erase-handle").press_sequentially(handle)
        page.click("#erase-submit")
        page.wait_for_url(f"{live_server}/")
        expect(page.locator(".language-list")).to_be_visible()

        open_kiosk(page, live_server, "fr")
        log_in_refused(page, handle, PASSPHRASE)


def test_the_recovery_sheet_opens_the_wallet_and_a_new_secret_phrase_comes_first(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        handle, code = create_wallet(page)
        add_document(
            page, "carte.png", "image/png", png(), title="Carte d'identité", category="identity"
        )
        leave_now(page, live_server)

        open_kiosk(page, live_server, "fr")
        page.click("#screen-welcome [data-go=login]")
        page.click("#screen-login [data-go=recover]")
        page.locator("#recover-handle").press_sequentially(handle)
        mistyped = ("B" if code[0] != "B" else "C") + code[1:]
        page.locator("#recover-code").press_sequentially(mistyped)
        page.click("#recover-submit")
        expect(page.locator("#recover-error")).to_be_visible()

        page.locator("#recover-code").fill("")
        page.locator("#recover-code").press_sequentially(code)
        page.click("#recover-submit")
        expect(page.locator("#screen-new-passphrase")).to_be_visible()
        expect(page.locator("#document-list li")).to_have_count(0)

        page.locator("#new-passphrase-input").press_sequentially(NEW_PASSPHRASE)
        page.locator("#new-passphrase-again").press_sequentially("pas la même phrase")
        page.click("#new-passphrase-submit")
        expect(page.locator("#new-passphrase-error")).to_be_visible()
        page.locator("#new-passphrase-again").fill(NEW_PASSPHRASE)
        page.click("#new-passphrase-submit")
        expect(page.locator("#screen-documents")).to_be_visible()
        expect(page.locator(".document-title")).to_have_text(["Carte d'identité"])

        leave_now(page, live_server)
        open_kiosk(page, live_server, "fr")
        log_in_refused(page, handle, PASSPHRASE)
        log_in(page, handle, NEW_PASSPHRASE)
        expect(page.locator(".document-title")).to_have_text(["Carte d'identité"])
