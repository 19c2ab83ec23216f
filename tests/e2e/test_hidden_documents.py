"""Hidden documents at the kiosk (docs/design.md, journey 8, FORMAT.md §4.1): given a
wallet with a document, when its owner opens "Other documents" with a second
secret and adds a document there, then back in the normal view nothing of it
shows (page text, accessibility tree, counts) and no request of the normal
view carries the PDE-Compartment header or gets the hidden document's id back;
a wrong secret opens an empty place; a document moves into the place and back
unchanged; after logging out and in the normal view still shows nothing hidden,
and the right secret shows it again. The open place looks different (its own
colours, a lock, its name) and, empty, says it is a new, empty place, so that a
mistyped secret does not look like lost papers. In French and in Arabic, by
clicks and typing. PDE_SCREENSHOTS=docs/screenshots keeps the empty place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Response, expect

from tests.e2e.kiosk_steps import (
    add_document,
    create_wallet,
    from_more,
    kiosk_page,
    leave_now,
    log_in,
    open_account,
    open_kiosk,
    png,
)
from tests.e2e.share_steps import make_share, open_my_shares
from tests.e2e.test_kiosk_screens import shoot

pytestmark = pytest.mark.browser

SECRET = "le jardin derrière la gare"
WRONG_SECRET = "une autre phrase sans rien"
NORMAL_TITLE = "Attestation CPAS"
HIDDEN_TITLE = "Lettre de l'avocat"
HEADER = "pde-compartment"
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


@dataclass
class Recorder:
    """Every API request of the page with the phase it was made in ("normal" or
    "hidden", set by the test as the person moves), and the normal view's JSON answers."""

    phase: str = "normal"
    requests: list[tuple[str, Request]] = field(default_factory=list)
    normal_json: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request: Request) -> None:
        if "/api/" in request.url:
            self.requests.append((self.phase, request))

    def _response(self, response: Response) -> None:
        json = "json" in (response.headers.get("content-type") or "")
        if "/api/" in response.url and self.phase == "normal" and json:
            self.normal_json.append(response.text())  # now: a later navigation loses it

    def of(self, phase: str) -> list[Request]:
        return [request for seen, request in self.requests if seen == phase]

    def declared_ids(self, phase: str) -> list[str]:
        """Ids of the documents declared (POST /documents) in `phase`."""
        return [
            str(request.post_data_json["document_id"])
            for request in self.of(phase)
            if request.method == "POST" and request.url.endswith("/api/v1/documents")
        ]


def open_other_documents(page: Page, secret: str) -> None:
    """From the documents screen: My account, "Other documents", type the second secret."""
    open_account(page)
    page.click("#account-compartment")
    expect(page.locator("#screen-compartment")).to_be_visible()
    page.locator("#compartment-secret").press_sequentially(secret)
    page.click("#compartment-submit")
    expect(page.locator("#screen-documents")).to_be_visible(timeout=30_000)
    expect(page.locator("#compartment-bar")).to_be_visible()
    expect(page.locator("#documents-loading")).to_be_hidden()


def back_to_my_documents(page: Page) -> None:
    page.click("#compartment-close")
    expect(page.locator("#compartment-bar")).to_be_hidden()
    expect(page.locator("#screen-documents")).to_be_visible()
    expect(page.locator("#documents-loading")).to_be_hidden()


def looks_like_the_other_place(page: Page, heading: str, empty: str) -> None:
    """The open place: its name and a lock in the heading, its own colours; empty, it says so."""
    expect(page.locator("body")).to_have_class("in-compartment")
    expect(page.locator("#documents-heading")).to_have_text(heading)
    expect(page.locator("#documents-icon")).to_have_attribute("src", "/static/icons/lock.svg")
    expect(page.locator("#documents-empty")).to_contain_text(empty)


def screenshots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def titles(page: Page) -> list[str]:
    return page.locator("#document-list .document-title").all_inner_texts()


def move_to_the_other_place(page: Page, title: str, secret: str | None = None) -> None:
    """Open the document and move it: from the normal view the second secret is asked."""
    page.click(f".document:has-text('{title}')")
    expect(page.locator("#screen-view")).to_be_visible()
    page.click("#view-move")
    if secret is not None:
        expect(page.locator("#screen-compartment")).to_be_visible()
        page.locator("#compartment-secret").press_sequentially(secret)
        page.click("#compartment-submit")
    expect(page.locator("#screen-documents")).to_be_visible(timeout=30_000)
    expect(page.locator("#documents-loading")).to_be_hidden()
    expect(page.locator(".document-title", has_text=title)).to_have_count(0)


def normal_view(page: Page) -> tuple[str, str]:
    """What the documents screen shows: its text and its accessibility tree."""
    screen = page.locator("#screen-documents")
    return screen.inner_text(), screen.aria_snapshot()


def test_hidden_documents_stay_out_of_the_normal_view_in_french(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as page:
        recorder = Recorder()
        recorder.watch(page)
        open_kiosk(page, live_server, "fr")
        handle, _ = create_wallet(page)
        add_document(page, "attestation.png", "image/png", png(), title=NORMAL_TITLE)
        before = normal_view(page)
        normal_background = page.evaluate(BACKGROUND)

        # The other place: empty at first, then holding a document.
        recorder.phase = "hidden"
        open_other_documents(page, SECRET)
        expect(page.locator("#compartment-bar")).to_contain_text("Autres documents")
        expect(page.locator("#documents-empty")).to_be_visible()
        looks_like_the_other_place(page, "Autres documents", "Ceci est un nouvel endroit, vide.")
        assert page.evaluate(BACKGROUND) != normal_background
        shoot(page, screenshots_folder(tmp_path), "fr-19-other-place-empty", full_page=False)
        assert titles(page) == []
        add_document(page, "lettre.png", "image/png", png(12, 8), title=HIDDEN_TITLE)
        assert titles(page) == [HIDDEN_TITLE]
        [hidden_id] = recorder.declared_ids("hidden")

        recorder.phase = "normal"
        back_to_my_documents(page)
        assert titles(page) == [NORMAL_TITLE]
        assert normal_view(page) == before
        assert page.evaluate(BACKGROUND) == normal_background
        expect(page.locator("body")).not_to_have_class("in-compartment")
        assert HIDDEN_TITLE not in page.locator("body").inner_text()
        from_more(page, "#documents-shares")
        expect(page.locator("#shares-empty")).to_be_visible()
        page.click("#screen-shares [data-go=documents]")

        # A wrong secret opens an empty place, like one never used.
        recorder.phase = "hidden"
        open_other_documents(page, WRONG_SECRET)
        expect(page.locator("#documents-empty")).to_be_visible()
        assert titles(page) == []
        recorder.phase = "normal"
        back_to_my_documents(page)

        # A normal document goes into the place and comes back, still the same picture.
        move_to_the_other_place(page, NORMAL_TITLE, SECRET)
        expect(page.locator("#notice")).to_contain_text(NORMAL_TITLE)
        assert titles(page) == []
        recorder.phase = "hidden"
        open_other_documents(page, SECRET)
        assert sorted(titles(page)) == sorted([NORMAL_TITLE, HIDDEN_TITLE])
        move_to_the_other_place(page, NORMAL_TITLE)
        assert titles(page) == [HIDDEN_TITLE]
        recorder.phase = "normal"
        back_to_my_documents(page)
        assert titles(page) == [NORMAL_TITLE]
        page.click(f".document:has-text('{NORMAL_TITLE}')")
        expect(page.locator("#preview img")).to_have_count(1)
        page.click("#screen-view [data-go=documents]")

        # Out and in again: still nothing hidden, until the right secret is typed.
        leave_now(page, live_server)
        open_kiosk(page, live_server, "fr")
        log_in(page, handle)
        expect(page.locator("#documents-loading")).to_be_hidden()
        assert titles(page) == [NORMAL_TITLE]
        assert normal_view(page) == before
        recorder.phase = "hidden"
        open_other_documents(page, SECRET)
        assert titles(page) == [HIDDEN_TITLE]
        recorder.phase = "normal"
        back_to_my_documents(page)

        normal = recorder.of("normal")
        assert len(normal) > 20
        assert [r.url for r in normal if HEADER in r.headers] == []
        assert len(recorder.normal_json) > 10
        assert all(hidden_id not in answer for answer in recorder.normal_json)
        hidden = [r for r in recorder.of("hidden") if r.url.endswith("/api/v1/documents")]
        assert hidden and all(HEADER in r.headers for r in hidden)


def test_a_share_made_in_the_other_place_is_listed_only_there_in_arabic(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar")
        create_wallet(page)
        open_account(page)
        page.click("#account-compartment")
        expect(page.locator("#compartment-heading")).to_have_text("وثائق أخرى")
        page.locator("#compartment-secret").press_sequentially("قصير")
        page.click("#compartment-submit")
        expect(page.locator("#compartment-error")).to_have_text(
            "السرّ الثاني قصير جداً: 12 حرفاً على الأقل."
        )
        page.click("#compartment-cancel")
        expect(page.locator("#screen-account")).to_be_visible()
        page.click("#screen-account [data-go=documents]")

        open_other_documents(page, "حديقة خلف محطة القطار")
        expect(page.locator("#compartment-close")).to_have_text("العودة إلى وثائقي")
        looks_like_the_other_place(page, "وثائق أخرى", "هذا مكان جديد وفارغ.")
        shoot(page, screenshots_folder(tmp_path), "ar-19-other-place-empty", full_page=False)
        add_document(page, "rapport.png", "image/png", png(), title="تقرير سري")
        make_share(page, titles=["تقرير سري"], recipient="CPAS Ixelles")
        open_my_shares(page)
        expect(page.locator("#share-list > li")).to_have_count(1)
        expect(page.locator("#share-list")).to_contain_text("CPAS Ixelles")
        page.click("#screen-shares [data-go=documents]")

        back_to_my_documents(page)
        assert titles(page) == []
        open_my_shares(page)
        expect(page.locator("#shares-empty")).to_be_visible()
        expect(page.locator("#share-list > li")).to_have_count(0)
        assert "CPAS Ixelles" not in page.locator("body").inner_text()
