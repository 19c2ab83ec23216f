"""Latin names, secrets and links stay whole on an Arabic page: given a wallet
named "2024-ali-…", the top bar shows it as "2024-ali-…" (isolated from the
right-to-left line, not "…-ali-2024"); the fields of wallet names and secret
phrases take their direction from what is typed, left to right for Latin
letters, right to left for Arabic ones; on a 360 px phone the link of a share
may wrap, but never inside its secret."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.kiosk_steps import PASSPHRASE, add_document, keep_sheet, kiosk_page, open_kiosk, png
from tests.e2e.share_steps import make_share

pytestmark = pytest.mark.browser

# Where a piece of the wallet name begins on screen, from the left.
LEFT_OF = """([selector, piece]) => {
  const node = document.querySelector(selector).firstChild;
  const range = document.createRange();
  const start = node.textContent.indexOf(piece);
  range.setStart(node, start);
  range.setEnd(node, start + piece.length);
  return range.getBoundingClientRect().left;
}"""
LINES_OF = "(node) => node.getClientRects().length"


def reads_left_to_right(page: Page, selector: str, first: str, then: str) -> bool:
    left = [page.evaluate(LEFT_OF, [selector, piece]) for piece in (first, then)]
    return bool(left[0] < left[1])


def test_names_secrets_and_links_stay_whole_in_arabic(browser: Browser, live_server: str) -> None:
    handle = f"2024-ali-{secrets.token_hex(3)}x"
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar", query="?idle=3600")
        page.click("#screen-welcome [data-go=create]")
        for field in ("#create-handle", "#create-passphrase", "#create-passphrase-again"):
            expect(page.locator(field)).to_have_attribute("dir", "auto")
        page.fill("#create-handle", handle)
        assert page.locator("#create-handle").evaluate("(node) => node.matches(':dir(ltr)')")
        page.fill("#create-passphrase", "كلمات سرية طويلة جدا للمحفظة")
        assert page.locator("#create-passphrase").evaluate("(node) => node.matches(':dir(rtl)')")
        page.fill("#create-passphrase", PASSPHRASE)
        page.click("#create-submit")
        keep_sheet(page)

        expect(page.locator("#who-name")).to_have_text(handle)
        assert reads_left_to_right(page, "#who-name", "2024", "ali")

        add_document(page, "carte.png", "image/png", png(), title="بطاقة")
        page.set_viewport_size({"width": 360, "height": 740})
        link, _ = make_share(page, titles=["بطاقة"], recipient="")
        secret = page.locator("#share-link .link-secret")
        expect(secret).to_have_text(link[link.index("#") :])
        assert secret.evaluate(LINES_OF) == 1  # one line: never broken
        assert page.locator("#share-link .link-address").evaluate(LINES_OF) >= 1
