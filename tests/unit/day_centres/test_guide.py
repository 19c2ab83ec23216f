"""The printed guide's words (day_centres/pages/locales, domain "guide"): every
message in every language with its placeholders, exactly those the guide's
templates show; the kiosk's buttons and words named as the kiosk names them, so
that the paper says what the screen shows; the centre's languages first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from day_centres.centres import CentreDetails, create_centre
from day_centres.pages import STAFF_LOCALES, STAFF_TEMPLATES
from day_centres.pages.guide import GUIDE_DOMAIN, guide_languages
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit.i18n import LANGUAGES, read_catalog
from wallet.runtime import Runtime

CODES = [language.code for language in LANGUAGES]
GUIDE_MESSAGE = re.compile(r"""\b(?:g|bar)\((["'])(.+?)\1\)""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TEMPLATES = [STAFF_TEMPLATES / "guide.html", STAFF_TEMPLATES / "guide-languages.html"]
# What the guide quotes of the kiosk: its buttons, and the line of the recovery sheet.
KIOSK_WORDS = (
    "Create my wallet",
    "Open my wallet",
    "Leave now",
    "Share documents",
    "PDE on the internet",
)


def guide_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, STAFF_LOCALES, GUIDE_DOMAIN)


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_a_translation_with_its_placeholders(code: str) -> None:
    english, catalog = guide_catalog("en"), guide_catalog(code)
    assert set(catalog) == set(english)
    for message, text in catalog.items():
        assert text.strip(), message
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message


def test_the_catalogs_hold_exactly_the_messages_the_guide_shows() -> None:
    used = {m.group(2) for path in TEMPLATES for m in GUIDE_MESSAGE.finditer(path.read_text())}
    assert used == set(guide_catalog("en"))


@pytest.mark.parametrize("code", CODES)
def test_the_guide_names_the_kiosks_buttons_as_the_kiosk_does(code: str) -> None:
    kiosk, guide = read_catalog(code, KIOSK_LOCALES, KIOSK_DOMAIN), guide_catalog(code)
    assert {word: guide[word] for word in KIOSK_WORDS} == {
        word: kiosk[word] for word in KIOSK_WORDS
    }


def test_the_centres_languages_come_first_then_the_others(runtime: Runtime) -> None:
    with runtime.db() as db:
        centre = create_centre(
            db,
            CentreDetails(
                name="La Fontaine",
                address="",
                help_phone="",
                opening_hours="",
                languages=["ar", "nl"],
                printing_allowed=True,
            ),
        )
        assert guide_languages(centre) == ["ar", "nl", "fr", "en", "pl"]


def test_the_templates_run_no_script_and_print_on_a4() -> None:
    for path in TEMPLATES:
        assert "<script" not in path.read_text() and "style=" not in path.read_text()
    css = (Path(STAFF_TEMPLATES).parent / "static" / "guide.css").read_text()
    assert "@page { size: A4;" in css
