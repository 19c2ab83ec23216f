"""What a person does at the kiosk, as steps for the browser tests: clicks and
typing on the real pages, never API calls. Selectors are ids, so the same
steps walk every language."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

PASSPHRASE = "quatre mots pour ouvrir"
KIOSK_VIEWPORT = {"width": 1024, "height": 768}


@contextmanager
def kiosk_page(browser: Browser, **context_options: Any) -> Iterator[Page]:
    """A fresh browser profile at kiosk size; fails the test on any script error."""
    context: BrowserContext = browser.new_context(viewport=KIOSK_VIEWPORT, **context_options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors


def open_kiosk(page: Page, base: str, lang: str, query: str = "") -> None:
    """Choose the language on the first screen, as a person would."""
    page.goto(f"{base}/")
    page.click(f'a[hreflang="{lang}"]')
    if query:
        page.goto(f"{base}/{lang}/{query}")
    expect(page.locator("body[data-ready]")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", lang)


def start_wallet(page: Page, passphrase: str = PASSPHRASE) -> str:
    """From the welcome screen, create a wallet with the name suggested there and
    `passphrase` instead of the words made there, up to its recovery sheet;
    returns the wallet name."""
    page.click("#screen-welcome [data-go=create]")
    handle_input = page.locator("#create-handle")
    expect(handle_input).not_to_have_value("")
    handle = handle_input.input_value()
    page.locator("#create-passphrase").fill(passphrase)
    again = page.locator("#create-passphrase-again")
    if again.is_visible():  # only for a phrase typed out of sight
        again.fill(passphrase)
    page.click("#create-submit")
    expect(page.locator("#screen-recovery")).to_be_visible()
    return handle


def keep_sheet(page: Page) -> str:
    """On the recovery sheet: "I kept my recovery sheet: continue"; returns the recovery code."""
    code = page.locator("#sheet-code").inner_text()
    page.click("#sheet-continue")
    expect(page.locator("#screen-documents")).to_be_visible()
    return code


def create_wallet(page: Page, passphrase: str = PASSPHRASE) -> tuple[str, str]:
    """Create a wallet with a suggested name; returns (wallet name, recovery code)."""
    handle = start_wallet(page, passphrase)
    return handle, keep_sheet(page)


def log_in(page: Page, handle: str, passphrase: str = PASSPHRASE) -> None:
    """Open a wallet from the welcome screen."""
    page.click("#screen-welcome [data-go=login]")
    page.locator("#login-handle").press_sequentially(handle)
    page.locator("#login-passphrase").press_sequentially(passphrase)
    page.click("#login-submit")
    expect(page.locator("#screen-documents")).to_be_visible()


def add_document(
    page: Page,
    name: str,
    mime: str,
    data: bytes,
    *,
    title: str,
    category: str = "other",
    date: str = "",
    issuer: str = "",
) -> None:
    """Add a document by choosing a file, and wait until it is listed."""
    page.click("#screen-documents [data-go=add]")
    page.set_input_files("#add-file", files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.check(f'input[name=category][value="{category}"]')
    page.fill("#add-title-input", title)
    if date:
        fill_date(page, "add-date", date)
    if issuer:
        page.fill("#add-issuer", issuer)
    page.click("#add-submit")
    expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
    expect(page.locator(".document-title", has_text=title)).to_have_count(1)


def fill_date(page: Page, field: str, date: str) -> None:
    """Type a yyyy-mm-dd date into the day, month and year of the date field `field`."""
    year, month, day = date.split("-")
    page.fill(f"#{field}-day", day)
    page.fill(f"#{field}-month", month)
    page.fill(f"#{field}-year", year)


def leave_now(page: Page, base: str) -> None:
    """Press "Leave now" and land on the language picker."""
    page.click("#leave-now")
    page.wait_for_url(f"{base}/")
    expect(page.locator(".language-list")).to_be_visible()


STORAGE_PROBE = """async () => ({
  local: localStorage.length,
  session: sessionStorage.length,
  indexedDB: (await indexedDB.databases()).length,
  cookie: document.cookie,
  caches: (await caches.keys()).length,
})"""


def browser_storage(page: Page) -> dict[str, Any]:
    """What this origin keeps in the browser, as seen from a page of it."""
    return dict(page.evaluate(STORAGE_PROBE)) | {"cookies": page.context.cookies()}


EMPTY_STORAGE = {"local": 0, "session": 0, "indexedDB": 0, "cookie": "", "caches": 0, "cookies": []}


def png(width: int = 8, height: int = 6) -> bytes:
    """A small valid PNG (a red and white pattern), made without an imaging library."""
    red, white = b"\xcc\x22\x22", b"\xff\xff\xff"
    rows = b"".join(
        b"\x00" + b"".join(red if (x + y) % 2 else white for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def from_more(page: Page, selector: str) -> None:
    """Press an action of the documents screen kept under "More" (opening it first)."""
    toggle = page.locator("#documents-more-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.click(selector)


def open_account(page: Page) -> None:
    """Go from the documents screen to "My account", and wait for the sessions list."""
    from_more(page, "#screen-documents [data-go=account]")
    expect(page.locator("#screen-account")).to_be_visible()
    expect(page.locator("#session-list li").first).to_be_visible()


def log_in_refused(page: Page, handle: str, passphrase: str) -> None:
    """Try to open a wallet from the welcome screen, and see it refused."""
    page.click("#screen-welcome [data-go=login]")
    page.locator("#login-handle").press_sequentially(handle)
    page.locator("#login-passphrase").press_sequentially(passphrase)
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_be_visible()
    expect(page.locator("#screen-login")).to_be_visible()
    page.fill("#login-handle", "")
    page.click("#screen-login [data-go=welcome]")
