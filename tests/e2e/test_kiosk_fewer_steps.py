"""The shortest journey counted: given the welcome screen (the language chosen),
when a person creates a wallet, adds a photo of a paper and shares it by QR
code, then it takes at most 10 actions, each click one and each field typed
into one. It took 14 before (12 by this count, without typing a title): a
name to ask for, words to make, a box to tick before "Continue" and a
recipient to write. Now the name and the words are filled in (and may be
changed), "I kept my recovery sheet: continue" is one button, the title comes
from the file's name, the recipient may stay empty, and "Share" on a document
ticks it. "Share documents" in a wallet of one document ticks that one too."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.kiosk_steps import kiosk_page, leave_now, open_kiosk, png
from tests.e2e.share_steps import qr_text
from tests.e2e.test_kiosk_first_screen import in_first_screen

pytestmark = pytest.mark.browser

MOST_ACTIONS = 10


class Person:
    """A person's actions on the page, counted: each click, each photo taken (typing
    into a field would count one per field; this journey types nothing)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.actions: list[str] = []

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.actions.append(f"click {selector}")

    def choose_photo(self, selector: str, name: str, data: bytes) -> None:
        photo = {"name": name, "mimeType": "image/png", "buffer": data}
        self.page.set_input_files(selector, files=[photo])
        self.actions.append(f"take a photo with {selector}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_create_a_wallet_add_a_photo_and_share_it_by_qr_in_at_most_10_actions(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        person = Person(page)

        person.click("#screen-welcome [data-go=create]")
        expect(page.locator("#create-handle")).not_to_have_value("")  # a name, suggested
        expect(page.locator("#create-passphrase")).to_have_attribute("type", "text")  # words, shown
        words = page.locator("#create-passphrase").input_value()
        assert len(words.split()) == 4
        expect(page.locator("#create-write-down")).to_be_visible()
        person.click("#create-submit")
        expect(page.locator("#sheet-qr svg")).to_have_count(1)
        expect(page.locator("#sheet-words-shown")).to_have_text(words)  # once more, to write down
        assert in_first_screen(page.locator("#sheet-continue"))  # below them, still in view
        person.click("#sheet-continue")

        person.click("#screen-documents [data-go=add]")
        person.choose_photo("#add-file", "carte-identite.png", png(64, 40))
        expect(page.locator("#add-title-input")).to_have_value("carte-identite")
        person.click("#add-submit")
        expect(page.locator("#document-list .document-title")).to_have_text(["carte-identite"])

        person.click("#document-list .share-one")
        expect(page.locator("#share-documents input:checked[name=share-document]")).to_have_count(1)
        person.click("#share-submit")
        expect(page.locator("#screen-share-ready")).to_be_visible(timeout=30_000)
        link = page.locator("#share-link").inner_text().strip()
        assert link.startswith(f"{live_server}/s/")
        assert qr_text(page, tmp_path) == link
        expect(page.locator("#share-sheet-documents")).to_have_text("carte-identite")

        print(f"\n{len(person.actions)} actions: " + "; ".join(person.actions))
        assert len(person.actions) <= MOST_ACTIONS, person.actions

        page.click("#share-done")  # not counted: the journey is over
        page.click("#screen-shares [data-go=documents]")
        page.click("#documents-share")  # the wallet's one document is ticked already
        expect(page.locator("#share-documents input:checked[name=share-document]")).to_have_count(1)


def test_made_words_are_said_to_be_written_down_and_printed_only_if_ticked(
    browser: Browser, live_server: str
) -> None:
    """Words made for the person say "write these down"; beside the recovery sheet they
    show once more, go on the printed sheet only when ticked (off by default, with the
    reason), and leave the page with "Continue". A phrase of one's own is not shown again,
    and one that the meter calls "Too weak" is refused. The printed sheet says what to do
    with it and where PDE is."""
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        page.click("#screen-welcome [data-go=create]")
        expect(page.locator("#create-write-down")).to_be_visible()
        words = page.locator("#create-passphrase").input_value()
        page.click("#create-submit")
        expect(page.locator("#sheet-words-shown")).to_have_text(words)
        expect(page.locator("#sheet-words-panel")).to_contain_text("sans que vous le sachiez")
        expect(page.locator("#sheet-print-words")).not_to_be_checked()
        page.emulate_media(media="print")
        sheet = page.locator("#recovery-sheet")
        expect(sheet).to_be_visible()
        # What to do with it, with the buttons' own names, and where PDE is: this page's address.
        expect(sheet).to_contain_text("Que faire de cette feuille")
        expect(sheet).to_contain_text(
            "appuyez sur « Ouvrir mon portefeuille », puis sur « J'ai oublié ma phrase secrète »"
        )
        expect(page.locator("#sheet-address")).to_have_text(live_server)
        expect(page.locator("#sheet-centre-help")).to_have_count(0)  # no centre known: none made up
        expect(page.locator("#sheet-words-row")).to_be_hidden()
        expect(page.locator("#sheet-words-panel")).to_be_hidden()  # never on paper by itself
        page.emulate_media(media="screen")
        page.check("#sheet-print-words")
        page.emulate_media(media="print")
        expect(page.locator("#sheet-words")).to_have_text(words)
        expect(page.locator("#sheet-words")).to_be_visible()
        page.emulate_media(media="screen")
        page.click("#sheet-continue")
        expect(page.locator("#screen-documents")).to_be_visible()
        assert words not in page.content()

        leave_now(page, live_server)  # back on the language picker before going on
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        page.click("#screen-welcome [data-go=create]")
        page.fill("#create-passphrase", "aaaaaaaaaaaa")  # 12 letters, "Too weak" on the meter
        expect(page.locator("#create-strength-label")).to_have_text("Trop faible")
        page.click("#create-submit")
        expect(page.locator("#create-error")).to_have_text(
            "Cette phrase secrète est trop facile à deviner. Utilisez quatre mots ou plus, "
            "ou appuyez sur « Créer des mots pour moi »."
        )
        page.fill("#create-passphrase", "ma propre phrase à moi")
        expect(page.locator("#create-write-down")).to_be_hidden()
        page.click("#create-submit")
        expect(page.locator("#sheet-qr svg")).to_have_count(1)
        expect(page.locator("#sheet-words-panel")).to_be_hidden()
        assert "ma propre phrase" not in page.content()


def test_create_pressed_before_the_suggested_name_came_waits_for_it(
    browser: Browser, live_server: str
) -> None:
    """On a slow line the name is still on its way when a person presses "Create my
    wallet" at once: the wallet is made with that name, not refused for want of it
    (the refusal then vanished as the name came, and nothing happened)."""
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr", query="?idle=3600")

        def slow_suggestion(route: Route) -> None:
            page.wait_for_timeout(1500)
            route.continue_()

        page.route("**/api/v1/handles/suggestion", slow_suggestion)
        page.click("#screen-welcome [data-go=create]")
        page.click("#create-submit")
        expect(page.locator("#sheet-continue")).to_be_visible()
        expect(page.locator("#create-error")).to_be_empty()
