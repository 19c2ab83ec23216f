"""The wallet card at the kiosk (docs/design.md §3, FORMAT.md §3): given a wallet, when
its owner makes a card in "My account", then the card's QR code reads
`pde-card:1:<handle>:<code>`, a photo of the card or the typed code opens the
wallet with the PIN and only with it, a mistyped code is refused before any
request, and the old secret phrase no longer works; when the card is lost,
the recovery sheet still opens the wallet and a new secret phrase comes
first; when the owner stops using the card, a secret phrase opens it again.
Clicks and typing like a person, in French and in Arabic (PIN in Arabic digits)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from crypto.encoding import decode_code
from crypto.errors import InvalidCode
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit.i18n import read_catalog
from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    create_wallet,
    kiosk_page,
    leave_now,
    log_in,
    log_in_refused,
    open_account,
    open_kiosk,
)

pytestmark = pytest.mark.browser

PIN = "4827"
PIN_ARABIC = "٤٨٢٧"  # the same PIN on an Arabic keyboard
NEW_PASSPHRASE = "cinq mots tout neufs ici"
WRONG_SECRET = "This name or secret phrase is not right."
MISTYPED_CODE = "This card code is not right. Check each letter and digit."


def say(lang: str, message: str) -> str:
    """The message as the kiosk shows it in `lang`."""
    return read_catalog(lang, KIOSK_LOCALES, KIOSK_DOMAIN)[message]


def make_card(page: Page, passphrase: str = PASSPHRASE, pin: str = PIN) -> tuple[str, str, bytes]:
    """From the documents screen, make a wallet card in "My account"; returns
    (wallet name, card code, PNG screenshot of the card's QR code), back on the documents."""
    open_account(page)
    expect(page.locator("#card-stop-form")).to_be_hidden()
    page.locator("#card-make-current").press_sequentially(passphrase)
    page.locator("#card-make-pin").press_sequentially(pin)
    page.locator("#card-make-pin-again").press_sequentially(pin)
    page.click("#card-make-submit")
    expect(page.locator("#screen-card")).to_be_visible()
    handle = page.locator("#card-handle").inner_text()
    code = page.locator("#card-code").inner_text()
    photo = page.locator("#card-qr svg").screenshot()
    expect(page.locator("#card-continue")).to_be_disabled()
    page.check("#card-kept")
    page.click("#card-continue")
    expect(page.locator("#screen-documents")).to_be_visible()
    return handle, code, photo


def open_card_login(page: Page) -> None:
    page.click("#screen-welcome [data-go=login]")
    page.click("#login-with-card")
    expect(page.locator("#screen-card-login")).to_be_visible()


def type_card(page: Page, handle: str, code: str, pin: str) -> None:
    """On the card login screen: type the wallet name, the card code and the PIN, and open."""
    page.locator("#card-login-handle").press_sequentially(handle)
    page.locator("#card-login-code").press_sequentially(code)
    page.locator("#card-login-pin").press_sequentially(pin)
    page.click("#card-login-submit")


def read_qr(png: bytes, folder: Path) -> str:
    """What zbarimg reads in a PNG picture."""
    picture = folder / "card.png"
    picture.write_bytes(png)
    answer = subprocess.run(
        ["zbarimg", "--raw", "-q", str(picture)], capture_output=True, text=True, check=True
    )
    return answer.stdout.strip()


def change_one_character(code: str) -> str:
    """The code with its first character changed, into one its check byte refuses."""
    for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
        mistyped = other + code[1:]
        try:
            decode_code(mistyped)
        except InvalidCode:
            return mistyped
    raise AssertionError("unreachable: 31 changes cannot all pass the check byte")


def test_a_card_made_in_french_opens_the_wallet_by_photo_or_typed_code_and_only_with_its_pin(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        create_wallet(page)
        handle, code, photo = make_card(page)
        assert read_qr(photo, tmp_path) == f"pde-card:1:{handle}:{code}"
        assert len(code) == 34 and code.count("-") == 6  # 7 groups of 4
        leave_now(page, live_server)

        # A photo of the card fills the wallet name and the code; the PIN opens.
        open_kiosk(page, live_server, "fr")
        open_card_login(page)
        page.set_input_files(
            "#card-photo", files=[{"name": "carte.png", "mimeType": "image/png", "buffer": photo}]
        )
        expect(page.locator("#card-login-code")).to_have_value(code)
        expect(page.locator("#card-login-handle")).to_have_value(handle)
        expect(page.locator("#card-login-pin")).to_be_focused()
        page.locator("#card-login-pin").press_sequentially(PIN)
        page.click("#card-login-submit")
        expect(page.locator("#screen-documents")).to_be_visible()
        leave_now(page, live_server)

        # A wrong PIN gets the answer of a wrong secret phrase; a mistyped code stays in the page.
        open_kiosk(page, live_server, "fr")
        open_card_login(page)
        type_card(page, handle, code, "4828")
        expect(page.locator("#card-login-error")).to_have_text(say("fr", WRONG_SECRET))
        api_calls: list[str] = []
        page.on("request", lambda request: api_calls.append(request.url))
        page.locator("#card-login-code").fill("")
        page.locator("#card-login-code").press_sequentially(change_one_character(code))
        page.locator("#card-login-pin").press_sequentially(PIN)
        page.click("#card-login-submit")
        expect(page.locator("#card-login-error")).to_have_text(say("fr", MISTYPED_CODE))
        expect(page.locator("#card-login-code")).to_be_focused()
        assert [url for url in api_calls if "/api/" in url] == []

        # The code typed by hand, in lower case, opens with the right PIN.
        page.locator("#card-login-code").fill("")
        page.locator("#card-login-code").press_sequentially(code.lower())
        page.locator("#card-login-pin").fill("")
        page.locator("#card-login-pin").press_sequentially(PIN)
        page.click("#card-login-submit")
        expect(page.locator("#screen-documents")).to_be_visible()
        leave_now(page, live_server)

        # The secret phrase alone no longer opens the wallet.
        open_kiosk(page, live_server, "fr")
        log_in_refused(page, handle, PASSPHRASE)
        expect(page.locator("#screen-welcome")).to_be_visible()


def test_in_arabic_a_pin_in_arabic_digits_works_and_stopping_the_card_brings_back_a_passphrase(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar")
        create_wallet(page)
        handle, code, _ = make_card(page, pin=PIN_ARABIC)
        leave_now(page, live_server)

        # The PIN chosen in Arabic digits is the same PIN typed in ASCII digits.
        open_kiosk(page, live_server, "ar")
        open_card_login(page)
        type_card(page, handle, code, PIN)
        expect(page.locator("#screen-documents")).to_be_visible()

        open_account(page)
        expect(page.locator("#card-make-form")).to_be_hidden()
        expect(page.locator("#passphrase-form")).to_be_hidden()
        page.locator("#card-stop-code").press_sequentially(code)
        page.locator("#card-stop-pin").press_sequentially("0000")
        page.locator("#card-stop-new").press_sequentially(NEW_PASSPHRASE)
        expect(page.locator("#card-stop-strength")).not_to_have_attribute("value", "0")
        page.locator("#card-stop-again").press_sequentially(NEW_PASSPHRASE)
        page.click("#card-stop-submit")
        expect(page.locator("#card-stop-error")).to_have_text(
            say("ar", "The card code or the PIN is not right.")
        )
        page.locator("#card-stop-pin").press_sequentially(PIN_ARABIC)
        page.click("#card-stop-submit")
        expect(page.locator("#notice")).to_have_text(
            say("ar", "Your card no longer opens the wallet. Use your new secret phrase.")
        )
        expect(page.locator("#card-make-form")).to_be_visible()
        expect(page.locator("#card-stop-form")).to_be_hidden()

        # On a phone-sized screen, the card panel and the card login fit without sideways scrolling.
        page.set_viewport_size({"width": 360, "height": 740})
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.set_viewport_size({"width": 1024, "height": 768})
        leave_now(page, live_server)

        open_kiosk(page, live_server, "ar")
        open_card_login(page)
        type_card(page, handle, code, PIN)
        expect(page.locator("#card-login-error")).to_have_text(say("ar", WRONG_SECRET))
        page.set_viewport_size({"width": 360, "height": 740})
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.set_viewport_size({"width": 1024, "height": 768})
        page.click("#screen-card-login [data-go=login]")
        page.click("#screen-login [data-go=welcome]")
        log_in(page, handle, NEW_PASSPHRASE)


def test_when_the_card_is_lost_the_recovery_sheet_opens_the_wallet_and_a_new_passphrase_comes_first(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        handle, recovery_code = create_wallet(page)
        _, card_code, _ = make_card(page)
        leave_now(page, live_server)

        open_kiosk(page, live_server, "fr")
        page.click("#screen-welcome [data-go=login]")
        page.click("#screen-login [data-go=recover]")
        page.locator("#recover-handle").press_sequentially(handle)
        page.locator("#recover-code").press_sequentially(recovery_code)
        page.click("#recover-submit")
        expect(page.locator("#screen-new-passphrase")).to_be_visible()
        page.locator("#new-passphrase-input").press_sequentially(NEW_PASSPHRASE)
        page.locator("#new-passphrase-again").press_sequentially(NEW_PASSPHRASE)
        page.click("#new-passphrase-submit")
        expect(page.locator("#screen-documents")).to_be_visible()
        open_account(page)
        expect(page.locator("#card-make-form")).to_be_visible()  # no card any more
        leave_now(page, live_server)

        open_kiosk(page, live_server, "fr")
        open_card_login(page)
        type_card(page, handle, card_code, PIN)
        expect(page.locator("#card-login-error")).to_have_text(say("fr", WRONG_SECRET))
        page.click("#screen-card-login [data-go=login]")
        page.click("#screen-login [data-go=welcome]")
        log_in(page, handle, NEW_PASSPHRASE)
