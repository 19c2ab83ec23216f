"""By keyboard alone, at the kiosk: Enter on "Choose a file" and on "Take a photo"
opens the file chooser (Space did, Enter did nothing), and the file chosen there
is taken; Tab goes from the title to the date's day, month and year, and each
shows the focus ring in the colour of the design token --focus (at least 3:1 on
every surface: tests/unit/test_focus_ring.py). In French and Arabic;
PDE_SCREENSHOTS=docs/screenshots keeps the add screen with the ring on the day."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.kiosk_steps import create_wallet, kiosk_page, open_kiosk, png
from tests.e2e.test_kiosk_screens import shoot

pytestmark = pytest.mark.browser

RING = """(node) => {
  const style = getComputedStyle(node);
  return [style.outlineStyle, style.outlineColor, parseFloat(style.outlineWidth) > 2];
}"""
FOCUS_COLOUR = "rgb(163, 78, 0)"  # --focus: #a34e00


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_enter_opens_the_file_choosers_and_the_date_shows_the_focus_ring(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        # Listening from the start keeps Playwright's interception of file choosers on:
        # turned on only inside expect_file_chooser(), it may come after the key press.
        page.on("filechooser", lambda chooser: None)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        create_wallet(page)
        page.click("#screen-documents [data-go=add]")
        # Two photos from "Choose a file", one at a time ("Take a photo" opens the camera
        # screen, whose own chooser is tested in test_kiosk_camera.py).
        for chooser, name, said in (
            ("#add-file", "page-1.png", "page-1.png"),
            ("#add-file", "page-2.png", "2"),
        ):
            page.locator(chooser).focus()
            with page.expect_file_chooser() as opened:
                page.keyboard.press("Enter")
            assert opened.value.element.get_attribute("id") == chooser.lstrip("#")
            opened.value.set_files(files=[{"name": name, "mimeType": "image/png", "buffer": png()}])
            expect(page.locator("#add-chosen")).to_contain_text(said)

        page.locator("#add-title-input").focus()
        for part in ("day", "month", "year"):  # the order of both languages
            page.keyboard.press("Tab")
            field = page.locator(f"#add-date-{part}")
            expect(field).to_be_focused()
            assert field.evaluate(RING) == ["solid", FOCUS_COLOUR, True]
            if part == "day":
                field.scroll_into_view_if_needed()
                shoot(page, folder, f"{lang}-32-keyboard-focus", full_page=False)
                field.focus()  # shoot() resized the window: the keyboard stays where it was
