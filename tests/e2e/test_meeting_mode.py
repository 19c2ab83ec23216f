"""Meeting mode (docs/design.md, journey 8, measure 28's "verrouillage/masquage
préalable"): given an owner with three documents who starts meeting mode with
two of them, then the page shows exactly those two, and nothing of the third
nor of the menu is in the page's text, its DOM, its accessibility tree or its
Tab order; a preview works; the traffic carries no listing; a wrong secret
phrase is refused with a message, five close the wallet; the right one brings
the whole wallet back. Started from a share, it shows the share's documents.
Idle, reload and back log out. Clicks and typing only, in French and Arabic."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.kiosk_steps import (
    EMPTY_STORAGE,
    PASSPHRASE,
    add_document,
    browser_storage,
    create_wallet,
    from_more,
    kiosk_page,
    open_kiosk,
    png,
)
from tests.e2e.share_steps import make_share, open_my_shares, share_id_of, share_item

pytestmark = pytest.mark.browser

SHOWN = ["Carte d'identité", "Décision CPAS"]
HIDDEN = "Rapport médical confidentiel"
# The menu and the other screens, in French: none of these may be reachable in meeting mode.
MENU_FR = ["Ajouter un document", "Écrire mon histoire", "Mes partages", "Mon compte", "Rechercher"]


def three_documents(page: Page) -> None:
    add_document(page, "carte.png", "image/png", png(64, 40), title=SHOWN[0], category="identity")
    letter = "Décision".encode()
    add_document(page, "lettre.txt", "text/plain", letter, title=SHOWN[1], category="cpas")
    add_document(page, "rapport.txt", "text/plain", b"Diagnostic", title=HIDDEN, category="health")


def start_meeting(page: Page, titles: list[str]) -> None:
    """From the documents screen: "Meeting mode", tick `titles`, start."""
    from_more(page, "#documents-meeting")
    expect(page.locator("#screen-meeting-pick")).to_be_visible()
    for title in titles:
        page.locator("#meeting-documents > li", has_text=title).locator("input").check()
    page.click("#meeting-start")
    expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)


def meeting_titles(page: Page) -> list[str]:
    return page.locator("#meeting-list .document-title").all_inner_texts()


def try_to_end(page: Page, passphrase: str) -> None:
    """"End meeting mode", type a secret phrase, confirm."""
    if not page.locator("#meeting-unlock").is_visible():
        page.click("#meeting-end")
    field = page.locator("#meeting-passphrase")
    expect(field).to_be_focused()
    field.press_sequentially(passphrase)
    page.click("#meeting-unlock-submit")


def tab_stops(page: Page, presses: int = 25) -> list[str]:
    """What Tab reaches, one press at a time: each focused element's id, name and text."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => {
                  const e = document.activeElement;
                  const label = e.getAttribute('aria-label') || '';
                  return [e.id, label, e.innerText || e.value || ''].join(' | ');
                }"""
            )
        )
    return stops


def test_meeting_mode_shows_only_the_chosen_documents_until_the_passphrase(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        handle, _ = create_wallet(page)
        three_documents(page)
        # The hidden one was looked at just before: its view must not stay in the page.
        page.locator(".document", has_text=HIDDEN).click()
        expect(page.locator("#preview pre")).to_have_text("Diagnostic")
        page.click("#screen-view [data-go=documents]")

        start_meeting(page, SHOWN)
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))

        assert sorted(meeting_titles(page)) == sorted(SHOWN)
        text = page.locator("body").inner_text()
        aria = page.locator("body").aria_snapshot()
        html = page.content()
        for trace in [HIDDEN, "Diagnostic", handle, "3", *MENU_FR]:
            assert trace not in text, trace
            assert trace not in aria, trace
        assert HIDDEN not in html and "Diagnostic" not in html and handle not in html
        expect(page.locator("#document-list > li")).to_have_count(0)
        expect(page.locator("#meeting-end")).to_be_visible()
        expect(page.locator("#leave-now")).to_be_visible()

        stops = tab_stops(page)
        for stop in stops:
            assert HIDDEN not in stop and not any(word in stop for word in MENU_FR), stop
        assert any(stop.startswith("meeting-end") for stop in stops)
        assert sum(SHOWN[0] in stop for stop in stops) >= 1
        assert sum(SHOWN[1] in stop for stop in stops) >= 1

        page.locator("#meeting-list .document", has_text=SHOWN[0]).click()
        expect(page.locator("#preview img")).to_have_count(1)
        expect(page.locator("#view-title")).to_have_text(SHOWN[0])
        for hidden_action in ["#view-edit", "#view-delete", "#view-download"]:
            expect(page.locator(hidden_action)).to_be_hidden()
        page.click("#screen-view [data-go]")
        expect(page.locator("#screen-meeting")).to_be_visible()
        assert sorted(meeting_titles(page)) == sorted(SHOWN)

        try_to_end(page, "pas la bonne phrase")
        expect(page.locator("#meeting-unlock-error")).to_contain_text("4")
        expect(page.locator("#meeting-unlock-error")).to_contain_text("phrase secrète")
        expect(page.locator("#screen-meeting")).to_be_visible()
        field = page.locator("#meeting-passphrase")
        assert field.get_attribute("type") == "password"
        assert field.get_attribute("autocomplete") == "one-time-code"  # no offer to save it

        api_calls = [url for url in requests if "/api/" in url]
        assert api_calls and all(
            re.search(r"/api/v1/documents/[^/]+/content$", url) for url in api_calls
        ), api_calls
        assert HIDDEN not in page.content()

        try_to_end(page, PASSPHRASE)
        expect(page.locator("#screen-documents")).to_be_visible(timeout=15_000)
        expect(page.locator("#document-list .document-title")).to_have_count(3)
        expect(page.locator("#meeting-end")).to_be_hidden()
        expect(page.locator("#who")).to_be_visible()
        page.locator(".document", has_text=HIDDEN).click()
        expect(page.locator("#view-edit")).to_be_visible()
        page.click("#screen-view [data-go=documents]")
        expect(page.locator("#screen-documents")).to_be_visible()


def test_meeting_mode_from_a_share_shows_its_documents_and_reload_logs_out(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        create_wallet(page)
        three_documents(page)
        link, _ = make_share(page, titles=SHOWN, recipient="CPAS Ixelles")
        page.click("#share-meeting")
        expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)
        assert sorted(meeting_titles(page)) == sorted(SHOWN)
        html = page.content()
        assert HIDDEN not in html and link not in html

        try_to_end(page, PASSPHRASE)
        expect(page.locator("#screen-documents")).to_be_visible(timeout=15_000)
        expect(page.locator("#document-list .document-title")).to_have_count(3)
        open_my_shares(page)
        share_item(page, share_id_of(link)).locator(".share-meeting").click()
        expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)
        assert sorted(meeting_titles(page)) == sorted(SHOWN)
        expect(page.locator("#share-list > li")).to_have_count(0)

        page.reload()
        expect(page.locator("#screen-welcome")).to_be_visible()
        expect(page.locator("#who")).to_be_hidden()
        expect(page.locator("#meeting-end")).to_have_count(0)
        assert HIDDEN not in page.content() and SHOWN[0] not in page.content()
        page.go_back()  # the back button brings no wallet back either
        page.wait_for_load_state()
        expect(page.locator(".document")).to_have_count(0)
        assert SHOWN[0] not in page.content()


def test_five_wrong_passphrases_close_the_wallet(browser: Browser, live_server: str) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar", query="?idle=3600")
        create_wallet(page)
        add_document(page, "carte.png", "image/png", png(), title=SHOWN[0], category="identity")
        start_meeting(page, [SHOWN[0]])
        for left in (4, 3, 2, 1):
            try_to_end(page, f"خطأ رقم {left}")
            expect(page.locator("#meeting-unlock-error")).to_contain_text(str(left))
            expect(page.locator("#meeting-unlock-error")).to_contain_text("غير صحيحة")
        try_to_end(page, "الخطأ الأخير")
        page.wait_for_url(f"{live_server}/", timeout=15_000)
        expect(page.locator(".language-list")).to_be_visible()
        assert browser_storage(page) == EMPTY_STORAGE


def test_the_idle_timeout_in_meeting_mode_logs_out(browser: Browser, live_server: str) -> None:
    with kiosk_page(browser) as page:
        page.clock.install()  # the page's timers, in real time but for the jumps below
        open_kiosk(page, live_server, "ar", query="?idle=12")
        create_wallet(page)
        add_document(page, "carte.png", "image/png", png(), title=SHOWN[0], category="identity")
        start_meeting(page, [SHOWN[0]])
        page.clock.fast_forward("00:07")  # 7 idle seconds of 12: the last 6 warn
        expect(page.locator("#idle-dialog")).to_be_visible(timeout=15_000)
        page.clock.fast_forward("00:06")
        page.wait_for_url(f"{live_server}/", timeout=15_000)
        expect(page.locator(".language-list")).to_be_visible()
        assert browser_storage(page) == EMPTY_STORAGE
        open_kiosk(page, live_server, "ar")
        expect(page.locator("#screen-welcome")).to_be_visible()
        expect(page.locator("#who")).to_be_hidden()
