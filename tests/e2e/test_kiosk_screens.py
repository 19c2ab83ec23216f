"""Every screen of the kiosk, the idle warning included, in French and Arabic, at
1024x768 and 360 px wide: nothing overflows sideways, and each screen is
photographed. The notice of a recovery request is calm: nothing on it is red.
Set PDE_SCREENSHOTS=docs/screenshots to keep the pictures (one command makes
them all: `PDE_SCREENSHOTS=docs/screenshots pytest tests/e2e/test_kiosk_screens.py`)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from client import PdeClient
from client.trustees import request_recovery, set_up_trustees
from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    add_document,
    create_wallet,
    from_more,
    kiosk_page,
    leave_now,
    open_kiosk,
    png,
)
from tests.e2e.share_steps import make_share, open_my_shares

pytestmark = pytest.mark.browser

WIDTHS = {"1024": {"width": 1024, "height": 768}, "360": {"width": 360, "height": 740}}
# Pictograms load when their screen is shown (loading="lazy"): the picture waits for
# those the screen shows, below the fold too (a full-page picture shows them all).
SHOWN_PICTOGRAMS_LOADED = """() => [...document.images]
  .filter((image) => image.checkVisibility())
  .every((image) => { image.loading = 'eager'; return image.complete; })"""


def shoot(page: Page, folder: Path, name: str, *, full_page: bool = True) -> None:
    """Photograph the page at each width (the whole page, or what the screen shows)."""
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {label} px overflows by {overflow} px"
        page.wait_for_function(SHOWN_PICTOGRAMS_LOADED)
        page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=full_page)
    page.set_viewport_size(WIDTHS["1024"])


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_screen_fits_and_is_photographed(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        page.goto(f"{live_server}/")
        expect(page.locator("[data-state=ok]")).to_have_count(1)
        shoot(page, folder, f"{lang}-01-language")
        open_kiosk(page, live_server, lang)
        shoot(page, folder, f"{lang}-02-welcome")
        page.click("#screen-welcome [data-go=create]")
        page.click("#generate-words")
        expect(page.locator("#create-strength-label")).not_to_be_empty()
        page.click("#suggest-handle")
        expect(page.locator("#create-handle")).not_to_have_value("")
        shoot(page, folder, f"{lang}-03-create")
        page.click("#create-submit")
        expect(page.locator("#sheet-qr svg")).to_have_count(1)
        shoot(page, folder, f"{lang}-04-recovery-sheet")
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
        add_document(
            page,
            "lettre.txt",
            "text/plain",
            "Décision du CPAS".encode(),
            title="Décision CPAS",
            category="cpas",
        )
        shoot(page, folder, f"{lang}-05-documents")
        page.click("#screen-documents [data-go=add]")
        shoot(page, folder, f"{lang}-06-add")
        page.click("#screen-add [data-go=documents]")
        from_more(page, "#screen-documents [data-go=note]")
        shoot(page, folder, f"{lang}-07-story")
        page.click("#screen-note [data-go=documents]")
        page.click(".document:has-text('Carte')")
        expect(page.locator("#preview img")).to_have_count(1)
        shoot(page, folder, f"{lang}-08-document")
        page.click("#view-delete")
        shoot(page, folder, f"{lang}-09-delete")
        page.click("#screen-view [data-go=documents]")
        page.click("#documents-share")
        page.check("#share-documents input[name=share-document] >> nth=0")
        shoot(page, folder, f"{lang}-11-share")
        page.click("#screen-share [data-go=documents]")
        make_share(
            page,
            titles=["Carte d'identité", "Décision CPAS"],
            recipient="CPAS Ixelles, Mme X",
            purpose="Demande de RIS",
            pin="make",
        )
        shoot(page, folder, f"{lang}-12-share-link")
        open_my_shares(page)
        shoot(page, folder, f"{lang}-13-my-shares")
        page.click("#share-list .share-meeting")
        expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)
        shoot(page, folder, f"{lang}-14-meeting")
        page.click("#meeting-end")
        shoot(page, folder, f"{lang}-15-meeting-end")
        page.click("#meeting-unlock-cancel")
        page.click("#leave-now")
        page.wait_for_url(f"{live_server}/")
        open_kiosk(page, live_server, lang)
        page.click("#screen-welcome [data-go=login]")
        shoot(page, folder, f"{lang}-10-login")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_idle_warning_hides_the_wallet_and_is_photographed(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        page.clock.install()  # the countdown comes when the test moves the clock
        open_kiosk(page, live_server, lang)
        create_wallet(page)
        add_document(
            page,
            "lettre.txt",
            "text/plain",
            "Décision du CPAS".encode(),
            title="Décision CPAS",
            category="cpas",
        )
        page.clock.fast_forward("02:40")  # 20 of the 180 seconds left
        expect(page.locator("#idle-dialog")).to_be_visible()
        expect(page.locator("#screen-documents")).to_be_hidden()
        shoot(page, folder, f"{lang}-16-idle-warning", full_page=False)  # what the screen shows
        page.click("#still-here")
        expect(page.locator("#screen-documents")).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_deposit_screens_and_page_fit_and_are_photographed(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    from tests.e2e.test_deposit_journey import (
        back_to_documents,
        make_deposit_link,
        open_inbox,
        service_opens,
        service_page,
        service_starts,
    )

    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page, service_page(browser, lang) as service:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        create_wallet(page)
        link = make_deposit_link(page, "CPAS Ixelles, logement", max_files=3)
        shoot(page, folder, f"{lang}-20-deposit-link")
        page.click("#deposit-done")
        shoot(page, folder, f"{lang}-21-deposit-links")
        service_opens(service, link)
        service.set_input_files(
            "#deposit-files",
            files=[{"name": "attestation.png", "mimeType": "image/png", "buffer": png(64, 40)}],
        )
        shoot(service, folder, f"{lang}-22-depositor-page")
        service.click("#deposit-send")
        expect(service.locator("#screen-sent")).to_be_visible(timeout=30_000)
        shoot(service, folder, f"{lang}-23-depositor-sent")
        back_to_documents(page)
        shoot(page, folder, f"{lang}-24-documents-with-inbox")
        open_inbox(page, 1)
        shoot(page, folder, f"{lang}-25-inbox")
        # The service starts two more files (35 MB) and sends nothing yet.
        with httpx.Client(base_url=live_server, timeout=60) as http:
            service_starts(http, link, [os.urandom(20_000_000), os.urandom(15_000_000)])
        page.click("#screen-inbox [data-go=documents]")
        open_inbox(page, 1)
        expect(page.locator("#inbox-pending > li")).to_contain_text("35")
        shoot(page, folder, f"{lang}-26-inbox-being-sent")


# The danger colour, as the always-present "Leave now" button wears it, on what shows.
RED_ON_SCREEN = """(screen) => {
  const red = getComputedStyle(document.getElementById('leave-now')).backgroundColor;
  return [...document.querySelectorAll(`${screen}, ${screen} *`)]
    .filter((node) => node.checkVisibility())
    .filter((node) => {
      const style = getComputedStyle(node);
      return [style.color, style.backgroundColor, style.borderTopColor].includes(red);
    })
    .map((node) => node.outerHTML.slice(0, 80));
}"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_recovery_notice_is_calm_and_photographed(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang)
        handle, _ = create_wallet(page)
        with PdeClient(live_server, retry_seconds=5) as client:
            client.login(handle, PASSPHRASE)
            set_up_trustees(client, 2, [], printed=2)
        request_recovery(live_server, handle)  # someone, at another kiosk
        leave_now(page, live_server)
        open_kiosk(page, live_server, lang)
        page.click("#screen-welcome [data-go=login]")
        page.locator("#login-handle").press_sequentially(handle)
        page.locator("#login-passphrase").press_sequentially(PASSPHRASE)
        page.click("#login-submit")
        notice = page.locator("#screen-recovery-request-warning")
        expect(notice).to_be_visible()
        expect(page.locator("#recovery-warning-list li")).to_have_count(1)
        assert page.evaluate(RED_ON_SCREEN, "#screen-recovery-request-warning") == []
        expect(notice.locator("h1 img")).to_have_attribute("src", "/static/icons/trustees.svg")
        shoot(page, folder, f"{lang}-30-recovery-notice")
        page.click(".recovery-warning-mine")  # it was me: nothing to do
        expect(page.locator("#screen-documents")).to_be_visible()
