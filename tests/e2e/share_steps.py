"""Steps of a share, as people do them: the owner at the kiosk (tick documents,
say who and why, choose a PIN, show the QR code, read the log, revoke) and the
social worker in an ordinary browser with the link (the viewer at /s/<id>).
Clicks and typing only; selectors are ids (or classes inside a list item), so
the same steps walk every language."""

from __future__ import annotations

import subprocess
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.kiosk_steps import from_more

ZBARIMG = "zbarimg"


# The owner, at the kiosk ---------------------------------------------------------


def make_share(
    page: Page,
    *,
    titles: list[str],
    recipient: str,
    purpose: str = "",
    pin: str = "",
    extra_fields: dict[str, list[str]] | None = None,
    expiry: str = "",
    days: int | None = None,
    opens: int | None = None,
    sender: str | None = None,
) -> tuple[str, str]:
    """From the documents screen: "Share documents", tick `titles` (and for each the
    details in `extra_fields` besides title and type), who and why, the name the
    worker sees (`sender`; None keeps the wallet's), how long, how often, a PIN
    ("make" for a made one); returns (link, PIN shown in big digits)."""
    page.click("#documents-share")
    expect(page.locator("#screen-share")).to_be_visible()
    for title in titles:
        row = page.locator("#share-documents > li", has_text=title)
        row.locator("input[name=share-document]").check()
        for field in (extra_fields or {}).get(title, []):
            row.locator(f'input[data-field="{field}"]').check()
    page.locator("#share-recipient").press_sequentially(recipient)
    if purpose:
        page.locator("#share-purpose").press_sequentially(purpose)
    if sender is not None:
        page.locator("#share-sender").fill(sender)
    if expiry:
        page.check(f'input[name=share-expiry][value="{expiry}"]')
    if days is not None:
        page.locator("#share-days").fill(str(days))
    if opens is not None:
        page.locator("#share-opens").fill(str(opens))
    if pin == "make":
        page.click("#share-make-pin")
    elif pin:
        page.locator("#share-pin").press_sequentially(pin)
    page.click("#share-submit")
    expect(page.locator("#screen-share-ready")).to_be_visible(timeout=30_000)
    expect(page.locator("#share-qr svg")).to_have_count(1)
    link = page.locator("#share-link").inner_text().strip()
    shown_pin = page.locator("#share-pin-big").inner_text().strip() if pin else ""
    return link, shown_pin


def qr_text(page: Page, folder: Path, name: str = "share-qr.png") -> str:
    """Photograph the QR code on screen and read it with zbarimg, as a phone would."""
    picture = folder / name
    page.locator("#share-qr svg").screenshot(path=str(picture))
    result = subprocess.run(
        [ZBARIMG, "--raw", "-q", str(picture)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def open_my_shares(page: Page) -> None:
    """From the documents screen (or the link screen): "My shares", with the list loaded."""
    if page.locator("#screen-share-ready").is_visible():
        page.click("#share-done")
    else:
        from_more(page, "#documents-shares")
    expect(page.locator("#screen-shares")).to_be_visible()
    expect(page.locator("#shares-loading")).to_be_hidden()


def refresh_my_shares(page: Page) -> None:
    """Back to the documents, and "My shares" again: the list as the server has it now."""
    page.click("#screen-shares [data-go=documents]")
    expect(page.locator("#screen-documents")).to_be_visible()
    open_my_shares(page)


def share_item(page: Page, share_id: str) -> Locator:
    """One share in "My shares"."""
    return page.locator(f'#share-list > li[data-share-id="{share_id}"]')


def revoke(page: Page, share_id: str) -> None:
    """Revoke a share from "My shares", confirming."""
    item = share_item(page, share_id)
    item.locator(".share-revoke").click()
    item.locator(".share-revoke-yes").click()
    expect(item).to_have_attribute("data-state", "revoked")


def share_id_of(link: str) -> str:
    """The share id of a link `…/s/<id>#<secret>`."""
    return link.split("/s/")[1].split("#")[0]


# The social worker, with the link --------------------------------------------------


def worker_follows(page: Page, link: str) -> None:
    """Follow the link afresh (the viewer took the secret out of the address bar, so
    going to the link from its own page would only change the fragment)."""
    page.goto("about:blank")
    page.goto(link)


def worker_opens(page: Page, link: str, pin: str = "") -> None:
    """Open the link; type the PIN if asked; see the shared documents."""
    worker_follows(page, link)
    if pin:
        expect(page.locator("#screen-pin")).to_be_visible()
        page.locator("#pin-input").press_sequentially(pin)
        page.click("#pin-submit")
    expect(page.locator("body")).to_have_attribute("data-state", "open", timeout=30_000)


def worker_types_a_wrong_pin(page: Page, pin: str) -> None:
    """Type a wrong PIN on the viewer's PIN screen and wait for the answer."""
    field = page.locator("#pin-input")
    field.fill("")
    field.press_sequentially(pin)
    page.click("#pin-submit")
    expect(page.locator("#pin-submit")).to_be_enabled()


def worker_titles(page: Page) -> list[str]:
    """The titles of the documents the worker sees."""
    return page.locator("#document-list .document-title").all_inner_texts()


def worker_downloads(page: Page, title: str) -> bytes:
    """Download one shared document and return its bytes."""
    card = page.locator("#document-list > li", has_text=title)
    with page.expect_download() as download:
        card.locator(".document-download").click()
    return Path(download.value.path()).read_bytes()
