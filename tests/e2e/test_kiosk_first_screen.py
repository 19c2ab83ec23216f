"""What a person came for is on the first screen of a 1024x768 terminal, in
French and in Arabic: given a new wallet, "Continue" on its recovery sheet shows
without scrolling; after a document is saved, the list starts under three
actions (the rarely used ones wait under "More"); the PIN of a share started
from a document shows without scrolling, the document ticked already. Search
and category filters come only with many documents (more than 8), with a chip
only for the categories that hold some, and still the first documents show.
PDE_SCREENSHOTS=docs/screenshots keeps the documents screen with many documents
and with "More" open."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from client import PdeClient
from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    add_document,
    keep_sheet,
    kiosk_page,
    open_kiosk,
    png,
    start_wallet,
)
from tests.e2e.test_kiosk_screens import shoot

pytestmark = pytest.mark.browser

# Whole in the window, the page not scrolled: seen without scrolling.
IN_VIEW = """(node) => {
  const box = node.getBoundingClientRect();
  return window.scrollY === 0 && box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
}"""
# Eight more documents, added by the Python client: ten in all, in nine categories.
MORE_DOCUMENTS = [
    ("Attestation médicale", "health"),
    ("Carte AMU", "health"),
    ("Diplôme", "work"),
    ("Inscription école", "children"),
    ("Demande de logement", "steps"),
    ("Rapport social", "social"),
    ("Club de foot", "leisure"),
    ("Mon parcours", "story"),
]


def in_first_screen(locator: Locator) -> bool:
    return bool(locator.evaluate(IN_VIEW))


def shown_titles(page: Page) -> list[str]:
    return page.locator("#document-list .document-title").all_inner_texts()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_documents_continue_and_the_pin_show_without_scrolling(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        handle = start_wallet(page)
        assert in_first_screen(page.locator("#sheet-continue"))
        keep_sheet(page)
        add_document(page, "carte.png", "image/png", png(), title="Carte", category="identity")
        add_document(page, "lettre.txt", "text/plain", b"CPAS", title="Lettre", category="cpas")
        expect(page.locator("#notice")).to_be_visible()  # "Document saved", above the list
        for row in page.locator(".document").all():
            assert in_first_screen(row)
        expect(page.locator("#documents-tools")).to_be_hidden()
        expect(page.locator("#documents-more")).to_be_hidden()
        assert in_first_screen(page.locator("#documents-more-toggle"))

        page.click(".document-row:has-text('Lettre') .share-one")
        expect(page.locator("#screen-share")).to_be_visible()
        ticked = page.locator("#share-documents input[name=share-document]:checked")
        expect(ticked).to_have_count(1)
        expect(ticked.locator("xpath=ancestor::li")).to_contain_text("Lettre")
        assert in_first_screen(page.locator("#share-pin"))
        page.click("#screen-share [data-go=documents]")

        with PdeClient(live_server, retry_seconds=5) as owner:
            owner.login(handle, PASSPHRASE)
            for title, category in MORE_DOCUMENTS:
                owner.add(io.BytesIO(title.encode()), title=title, category=category)
        page.click("#screen-documents [data-go=add]")
        page.click("#screen-add [data-go=documents]")  # the list is read again
        expect(page.locator(".document")).to_have_count(10)
        expect(page.locator("#search")).to_be_visible()
        chips = page.locator("#filters .chip:visible")
        expect(chips).to_have_count(10)  # "All" and the nine categories that hold documents
        expect(page.locator('#filters [data-filter="other"]')).to_be_hidden()
        assert in_first_screen(page.locator(".document").first)
        shoot(page, folder, f"{lang}-17-documents-many", full_page=False)
        page.click("#documents-more-toggle")
        expect(page.locator("#documents-more")).to_be_visible()
        shoot(page, folder, f"{lang}-18-documents-more", full_page=False)
        page.click("#documents-more-toggle")

        page.locator("#search").press_sequentially("carte")
        expect(page.locator("#document-list .document-title")).to_have_text(["Carte AMU", "Carte"])
        page.fill("#search", "")
        page.click('#filters [data-filter="health"]')
        assert sorted(shown_titles(page)) == ["Attestation médicale", "Carte AMU"]
        page.click('#filters [data-filter=""]')
        expect(page.locator(".document")).to_have_count(10)
