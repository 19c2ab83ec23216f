"""Journeys of a rights-holder at the kiosk, in French and in Arabic: given a
new wallet, when they add a document, see it listed, preview it, leave, and
open the wallet again, then the document is still there; notes,
renaming and deletion work the same way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.kiosk_steps import (
    add_document,
    create_wallet,
    from_more,
    kiosk_page,
    leave_now,
    log_in,
    open_kiosk,
    png,
)

pytestmark = pytest.mark.browser

NO_PREVIEW_FR = "Pas d'aperçu pour ce type de fichier."
RECOVERY_CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$")


@pytest.mark.parametrize(
    ("lang", "direction", "leave_label"),
    [
        ("fr", "ltr", "Partir maintenant"),
        ("ar", "rtl", "المغادرة الآن"),
    ],
)
def test_create_a_wallet_add_a_photo_preview_it_leave_and_find_it_again(
    browser: Browser, live_server: str, lang: str, direction: str, leave_label: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        expect(page.locator("#leave-now")).to_have_text(leave_label)

        handle, code = create_wallet(page)
        assert RECOVERY_CODE.match(code), code
        expect(page.locator("#who-name")).to_have_text(handle)

        add_document(
            page,
            "carte.png",
            "image/png",
            png(),
            title="Carte d'identité",
            category="identity",
            date="2024-03-01",
            issuer="Commune d'Ixelles",
        )
        page.click(".document")
        expect(page.locator("#view-title")).to_have_text("Carte d'identité")
        expect(page.locator("#view-details")).to_contain_text("Commune d'Ixelles")
        image = page.locator("#preview img")
        expect(image).to_have_attribute("src", re.compile(r"^blob:"))
        assert page.evaluate("() => document.querySelector('#preview img').naturalWidth") == 8

        leave_now(page, live_server)
        open_kiosk(page, live_server, lang)
        expect(page.locator("#document-list li")).to_have_count(0)
        log_in(page, handle)
        expect(page.locator(".document-title")).to_have_text(["Carte d'identité"])
        expect(page.locator('[data-count="identity"]')).to_have_text("1")


def test_write_my_story_rename_and_delete_in_arabic(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar")
        create_wallet(page)
        add_document(
            page,
            "bulletin.txt",
            "text/plain",
            b"Bulletin 2023",
            title="شهادة مدرسية",
            category="children",
        )

        from_more(page, "#screen-documents [data-go=note]")
        expect(page.locator("#note-title-input")).to_have_value("قصتي")
        page.locator("#note-text").press_sequentially("وصلت إلى بروكسل في 2019.")
        page.click("#note-submit")
        expect(page.locator(".document")).to_have_count(2)

        expect(page.locator("#documents-tools")).to_be_hidden()  # two documents: nothing to search

        page.click(".document:has-text('قصتي')")
        expect(page.locator("#preview pre")).to_have_text("وصلت إلى بروكسل في 2019.")
        page.click("#view-edit")
        page.fill("#edit-title", "طلباتي")
        page.select_option("#edit-category", "steps")
        page.click("#edit-form button[type=submit]")
        expect(page.locator("#view-title")).to_have_text("طلباتي")
        expect(page.locator("#view-icon")).to_have_attribute("src", re.compile("category-steps"))

        page.click("#screen-view [data-go=documents]")
        expect(page.locator(".document-title")).to_have_text(["طلباتي", "شهادة مدرسية"])
        page.click(".document:has-text('شهادة مدرسية')")
        expect(page.locator("#preview pre")).to_have_text("Bulletin 2023")
        page.click("#view-delete")
        expect(page.locator("#delete-confirm")).to_be_visible()
        page.click("#delete-no")
        expect(page.locator("#delete-confirm")).to_be_hidden()
        page.click("#view-delete")
        page.click("#delete-yes")
        expect(page.locator("#screen-documents")).to_be_visible()
        expect(page.locator(".document-title")).to_have_text(["طلباتي"])


def test_uploaded_html_and_svg_are_never_rendered(browser: Browser, live_server: str) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        create_wallet(page)
        for name, mime in (("page.html", "text/html"), ("dessin.svg", "image/svg+xml")):
            add_document(page, name, mime, b"<script>document.title='pwned'</script>", title=name)
            page.click(f".document:has-text('{name}')")
            expect(page.locator("#view-status")).to_have_text(NO_PREVIEW_FR)
            expect(page.locator("#preview > *")).to_have_count(0)
            page.click("#screen-view [data-go=documents]")
        assert page.title() != "pwned"


def test_a_wrong_secret_phrase_is_refused_with_a_translated_message(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        handle, _ = create_wallet(page)
        leave_now(page, live_server)
        open_kiosk(page, live_server, "fr")
        page.click("#screen-welcome [data-go=login]")
        page.fill("#login-handle", handle)
        page.fill("#login-passphrase", "pas la bonne phrase")
        page.click("#login-submit")
        expect(page.locator("#login-error")).to_have_text(
            "Ce nom ou cette phrase secrète n'est pas correct."
        )
        expect(page.locator("#screen-login")).to_be_visible()
