"""Dates in the page's language, not the browser's: given the add screen in
French and in Arabic, the date is three labelled fields, day, month and year, in
the language's order (in Arabic, read from the right), and no field of the
kiosk is an <input type=date>, which shows mm/dd/yyyy whatever the page's
language. A day that does not exist is refused with a translated message and
the keyboard back on the date; a date typed there (Eastern Arabic digits too) is
saved and shown in the language, and the edit form shows it again in its
fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.kiosk_steps import create_wallet, kiosk_page, open_kiosk, png

pytestmark = pytest.mark.browser

LABELS = {"fr": ["Jour", "Mois", "Année"], "ar": ["اليوم", "الشهر", "السنة"]}
NO_SUCH_DAY = {
    "fr": "Cette date n'existe pas. Vérifiez le jour, le mois et l'année.",
    "ar": "هذا التاريخ غير موجود. تحقّق من اليوم والشهر والسنة.",
}
# A day as the kiosk writes it in a language (page_kit/static/dates.js formatDate).
LONG_DATE = """([lang, y, m, d]) =>
  new Intl.DateTimeFormat(lang, {dateStyle: 'long', timeZone: 'UTC'})
    .format(new Date(Date.UTC(y, m - 1, d)))"""


def left_edges(page: Page, field: str) -> list[float]:
    """Where the day, the month and the year begin on screen, from the left."""
    boxes = [page.locator(f"#{field}-{part}").bounding_box() for part in ("day", "month", "year")]
    return [box["x"] for box in boxes if box]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_date_is_typed_and_shown_in_the_page_s_language(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        create_wallet(page)
        expect(page.locator("input[type=date]")).to_have_count(0)
        page.click("#screen-documents [data-go=add]")
        expect(page.locator("#add-date .date-part label")).to_have_text(LABELS[lang])
        edges = left_edges(page, "add-date")
        assert edges == sorted(edges, reverse=lang == "ar")  # day first, as the language reads

        page.set_input_files(
            "#add-file", files=[{"name": "a.png", "mimeType": "image/png", "buffer": png()}]
        )
        page.fill("#add-title-input", "Attestation")
        page.fill("#add-date-day", "31")
        page.fill("#add-date-month", "2")
        page.fill("#add-date-year", "2024")
        page.click("#add-submit")
        expect(page.locator("#add-error")).to_have_text(NO_SUCH_DAY[lang])
        expect(page.locator("#add-date-day")).to_be_focused()
        page.fill("#add-date-day", "٢٥" if lang == "ar" else "25")
        page.fill("#add-date-month", "3")
        page.click("#add-submit")
        expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
        shown = page.evaluate(LONG_DATE, [lang, 2024, 3, 25])
        expect(page.locator("#document-list .document-details")).to_contain_text(shown)

        page.click("#document-list .document")
        page.click("#view-edit")
        for part, value in (("day", "25"), ("month", "3"), ("year", "2024")):
            expect(page.locator(f"#edit-date-{part}")).to_have_value(value)
        page.fill("#edit-date-year", "2023")
        page.click("#edit-form button[type=submit]")
        expect(page.locator("#view-details")).to_contain_text(
            page.evaluate(LONG_DATE, [lang, 2023, 3, 25])
        )
