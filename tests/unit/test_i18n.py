"""The kiosk's catalogs: every message has a translation in every language,
keeps its {placeholders}, and every string the templates and scripts show is
in the catalogs; the pages render in the chosen language, Arabic right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk_ui.app import create_app
from kiosk_ui.i18n import LANGUAGES, catalog_path, read_catalog
from kiosk_ui.pages import CATEGORY_LABELS
from wallet.db import migrate
from wallet.settings import Settings

KIOSK = Path(__file__).resolve().parents[2] / "kiosk_ui"
CODES = [language.code for language in LANGUAGES]
TEMPLATE_MESSAGE = re.compile(r"""\b_\((["'])(.+?)\1\)""")
SCRIPT_MESSAGE = re.compile(r"""\bt\(\s*(["'])(.+?)\1""")
ERROR_MESSAGE = re.compile(r"^\s+\w+: '(.+)',$", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def used_messages() -> set[str]:
    """Every message id the templates, the scripts and the category labels use."""
    used = set(CATEGORY_LABELS.values())
    for template in (KIOSK / "templates").rglob("*.html"):
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    for script in (KIOSK / "static" / "js").rglob("*.js"):
        used |= {m.group(2) for m in SCRIPT_MESSAGE.finditer(script.read_text())}
    used |= set(ERROR_MESSAGE.findall((KIOSK / "static" / "js" / "ui.js").read_text()))
    used |= {"Too weak", "Fair", "Good", "Strong"}  # passphrase.js STRENGTH_LABELS
    return used


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return read_catalog("en")


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_a_translation_in_every_language(
    code: str, english: dict[str, str]
) -> None:
    assert catalog_path(code).exists()
    catalog = read_catalog(code)
    assert set(catalog) == set(english), set(english) ^ set(catalog)
    assert all(text.strip() for text in catalog.values())


@pytest.mark.parametrize("code", CODES)
def test_translations_keep_their_placeholders(code: str) -> None:
    for message, text in read_catalog(code).items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message


def test_every_string_shown_is_in_the_catalogs(english: dict[str, str]) -> None:
    assert used_messages() - set(english) == set()


def test_no_catalog_message_is_left_unused(english: dict[str, str]) -> None:
    assert set(english) - used_messages() == set()


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(data_dir=tmp_path_factory.mktemp("pde-i18n"))
    migrate(settings.sqlalchemy_url)
    return TestClient(create_app(settings))


def test_the_language_picker_names_each_language_in_its_own_script(http: TestClient) -> None:
    page = http.get("/").text
    for name in ("Français", "Nederlands", "English", "العربية", "Polski"):
        assert f">{name}</a>" in page


@pytest.mark.parametrize(
    ("code", "direction", "leave"),
    [
        ("fr", "ltr", "Partir maintenant"),
        ("nl", "ltr", "Nu vertrekken"),
        ("en", "ltr", "Leave now"),
        ("ar", "rtl", "المغادرة الآن"),
        ("pl", "ltr", "Wyjdź teraz"),
    ],
)
def test_each_language_page_is_rendered_in_its_language(
    http: TestClient, code: str, direction: str, leave: str
) -> None:
    response = http.get(f"/{code}/")
    assert response.status_code == 200
    assert f'<html lang="{code}" dir="{direction}">' in response.text
    assert leave in response.text
    assert 'id="strings"' in response.text


def test_an_unknown_language_is_not_found_and_a_short_idle_is_only_for_development(
    http: TestClient,
) -> None:
    assert http.get("/xx/").status_code == 404
    assert http.get("/fr", follow_redirects=False).headers["location"] == "/fr/"
    assert 'data-idle-seconds="180"' in http.get("/fr/").text
    assert 'data-idle-seconds="5"' in http.get("/fr/?idle=5").text
