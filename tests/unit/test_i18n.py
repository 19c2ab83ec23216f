"""The kiosk's catalogs: every message has a translation in every language,
keeps its {placeholders}, and every string the templates and scripts show is
in the catalogs; the pages render in the chosen language, Arabic right to left.
The share viewer's and the depositor page's own catalogs are held to the same
rules, the parts they take from the kit (page_kit: the skeleton, page.js)
included; every page names the categories alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit import KIT_STATIC, KIT_TEMPLATES
from page_kit.categories import CATEGORY_LABELS
from page_kit.i18n import LANGUAGES, catalog_path, read_catalog
from pde.app import create_app
from pde.settings import Settings
from share_links.viewer import VIEWER_DOMAIN
from wallet.db import migrate

KIOSK = Path(__file__).resolve().parents[2] / "kiosk_ui"
# What a public page takes from the kit: its skeleton, and the words of page.js.
KIT_PARTS_TEMPLATES = [KIT_TEMPLATES / "public-page.html", KIT_TEMPLATES / "report-form.html"]
KIT_PARTS_SCRIPTS = [KIT_STATIC / "page.js", KIT_STATIC / "report.js"]
# The kit's panel of issued documents, shown by the kiosk's document screen and the viewer.
KIT_ISSUED_SCRIPT = KIT_STATIC / "issued.js"
CODES = [language.code for language in LANGUAGES]
TEMPLATE_MESSAGE = re.compile(r"""\b_\((["'])(.+?)\1\)""")
SCRIPT_MESSAGE = re.compile(r"""\bt\(\s*(["'])(.+?)\1""")
ERROR_MESSAGE = re.compile(r"^\s+\w+: '(.+)',$", re.MULTILINE)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def kiosk_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, KIOSK_LOCALES, KIOSK_DOMAIN)


def used_messages() -> set[str]:
    """Every message id the templates, the scripts and the category labels use."""
    used = set(CATEGORY_LABELS.values())
    for template in (KIOSK / "templates").rglob("*.html"):
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    for script in (KIOSK / "static" / "js").rglob("*.js"):
        used |= {m.group(2) for m in SCRIPT_MESSAGE.finditer(script.read_text())}
    used |= set(ERROR_MESSAGE.findall((KIOSK / "static" / "js" / "ui.js").read_text()))
    used |= {"Too weak", "Fair", "Good", "Strong"}  # passphrase.js STRENGTH_LABELS
    issued = KIT_ISSUED_SCRIPT.read_text()
    used |= {m.group(1) for m in VIEWER_SCRIPT_MESSAGE.finditer(issued)}
    return used


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return kiosk_catalog("en")


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_a_translation_in_every_language(
    code: str, english: dict[str, str]
) -> None:
    assert catalog_path(code, KIOSK_LOCALES, KIOSK_DOMAIN).exists()
    catalog = kiosk_catalog(code)
    assert set(catalog) == set(english), set(english) ^ set(catalog)
    assert all(text.strip() for text in catalog.values())


@pytest.mark.parametrize("code", CODES)
def test_translations_keep_their_placeholders(code: str) -> None:
    for message, text in kiosk_catalog(code).items():
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
    assert 'id="page-strings"' in response.text


def test_an_unknown_language_is_not_found_and_a_short_idle_is_only_for_development(
    http: TestClient,
) -> None:
    assert http.get("/xx/").status_code == 404
    assert http.get("/fr", follow_redirects=False).headers["location"] == "/fr/"
    assert 'data-idle-seconds="180"' in http.get("/fr/").text
    assert 'data-idle-seconds="5"' in http.get("/fr/?idle=5").text


# The share viewer's own catalogs (share_links/viewer/locales, domain "viewer") -----

VIEWER = Path(__file__).resolve().parents[2] / "share_links" / "viewer"
VIEWER_LOCALES = VIEWER / "locales"
# Messages of the viewer's scripts: t('…'), setText(element, '…'), say(doc, '…'), tell('…'),
# askPin('…'), and the title/text/retry of each page of a link that cannot be opened.
VIEWER_SCRIPT_MESSAGE = re.compile(
    r"(?:\bt\(\s*"
    r"|\b(?:say|setText|askPin|tell)\((?:[^,()]+(?:\([^()]*\))?,\s*)?"
    r"|\b(?:title|text|retry): )"
    r"'([^']+)'"
)


def viewer_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, VIEWER_LOCALES, domain=VIEWER_DOMAIN)


def viewer_used_messages() -> set[str]:
    """Every message id the viewer's template and scripts use (with what it takes
    from the kit), and the category labels."""
    used = set(CATEGORY_LABELS.values())
    for template in [*(VIEWER / "templates").rglob("*.html"), *KIT_PARTS_TEMPLATES]:
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    for script in [*(VIEWER / "static").rglob("*.js"), *KIT_PARTS_SCRIPTS, KIT_ISSUED_SCRIPT]:
        used |= {m.group(1) for m in VIEWER_SCRIPT_MESSAGE.finditer(script.read_text())}
    return used


@pytest.mark.parametrize("code", CODES)
def test_the_viewer_has_every_message_in_every_language_with_its_placeholders(
    code: str,
) -> None:
    assert catalog_path(code, VIEWER_LOCALES, VIEWER_DOMAIN).exists()
    english, catalog = viewer_catalog("en"), viewer_catalog(code)
    assert set(catalog) == set(english), set(english) ^ set(catalog)
    assert all(text.strip() for text in catalog.values())
    for message, text in catalog.items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message


def test_the_viewer_catalogs_hold_exactly_the_messages_it_shows() -> None:
    english = set(viewer_catalog("en"))
    used = viewer_used_messages()
    assert len(used) > 50  # the extraction found the scripts' messages too
    assert used - english == set(), "missing from the viewer's catalogs"
    assert english - used == set(), "unused in the viewer"


@pytest.mark.parametrize("code", CODES)
def test_the_viewer_names_categories_as_the_kiosk_does(code: str) -> None:
    kiosk, viewer = kiosk_catalog(code), viewer_catalog(code)
    assert {label: viewer[label] for label in CATEGORY_LABELS.values()} == {
        label: kiosk[label] for label in CATEGORY_LABELS.values()
    }


@pytest.mark.parametrize(
    ("header", "query", "code", "direction", "title"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", "", "fr", "ltr", "Documents partagés (PDE)"),
        ("de-DE,de;q=0.9,nl;q=0.8,en;q=0.5", "", "nl", "ltr", "Gedeelde documenten (PDE)"),
        ("en;q=0.2,pl;q=0.7", "", "pl", "ltr", "Udostępnione dokumenty (PDE)"),
        ("fr", "?lang=ar", "ar", "rtl", "وثائق مُشارَكة (PDE)"),
        ("", "?lang=xx", "fr", "ltr", "Documents partagés (PDE)"),
    ],
)
def test_the_viewer_speaks_the_browser_language_or_the_one_asked(
    http: TestClient, header: str, query: str, code: str, direction: str, title: str
) -> None:
    response = http.get(f"/s/AAAAAAAAAAAAAAAAAAAAAA{query}", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.headers["content-language"] == code
    assert f'<html lang="{code}" dir="{direction}">' in response.text
    assert f">{title}</title>" in response.text
    for name in ("Français", "Nederlands", "English", "العربية", "Polski"):
        assert f">{name}</option>" in response.text
    assert 'id="page-strings"' in response.text


@pytest.mark.parametrize("path", ["/s/not-an-id", "/s/AAAAAAAAAAAAAAAAAAAAAB", "/s/", "/s/a/b"])
def test_a_malformed_share_id_gets_the_viewer_page_not_json(http: TestClient, path: str) -> None:
    response = http.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-state="invalid"' in response.text


# The depositor page's own catalogs (kiosk_ui/deposit/locales, domain "deposit") ---

DEPOSIT = KIOSK / "deposit"


def deposit_catalog(code: str) -> dict[str, str]:
    from kiosk_ui.deposit import DEPOSIT_DOMAIN

    return read_catalog(code, DEPOSIT / "locales", domain=DEPOSIT_DOMAIN)


def deposit_used_messages() -> set[str]:
    """Every message id the depositor page's template and scripts use (with what it
    takes from the kit), and the categories."""
    used = set(CATEGORY_LABELS.values())
    for template in [*(DEPOSIT / "templates").rglob("*.html"), *KIT_PARTS_TEMPLATES]:
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    for script in [*(DEPOSIT / "static").rglob("*.js"), *KIT_PARTS_SCRIPTS]:
        used |= {m.group(1) for m in VIEWER_SCRIPT_MESSAGE.finditer(script.read_text())}
    return used


@pytest.mark.parametrize("code", CODES)
def test_the_deposit_page_has_every_message_in_every_language_with_its_placeholders(
    code: str,
) -> None:
    english, catalog = deposit_catalog("en"), deposit_catalog(code)
    assert set(catalog) == set(english), set(english) ^ set(catalog)
    assert all(text.strip() for text in catalog.values())
    for message, text in catalog.items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message
    kiosk = kiosk_catalog(code)
    assert {label: catalog[label] for label in CATEGORY_LABELS.values()} == {
        label: kiosk[label] for label in CATEGORY_LABELS.values()
    }


def test_the_deposit_catalogs_hold_exactly_the_messages_the_page_shows() -> None:
    english = set(deposit_catalog("en"))
    used = deposit_used_messages()
    assert len(used) > 40  # the extraction found the scripts' messages too
    assert used - english == set(), "missing from the deposit page's catalogs"
    assert english - used == set(), "unused in the deposit page"


@pytest.mark.parametrize(
    ("header", "query", "code", "direction", "title"),
    [
        ("fr-BE,fr;q=0.9", "", "fr", "ltr", "Envoyer des documents (PDE)"),
        ("de,nl;q=0.8", "", "nl", "ltr", "Documenten versturen (PDE)"),
        ("fr", "?lang=ar", "ar", "rtl", "إرسال وثائق (PDE)"),
    ],
)
def test_the_deposit_page_speaks_the_browser_language_or_the_one_asked(
    http: TestClient, header: str, query: str, code: str, direction: str, title: str
) -> None:
    response = http.get(f"/d/AAAAAAAAAAAAAAAAAAAAAA{query}", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert response.headers["content-language"] == code
    assert f'<html lang="{code}" dir="{direction}">' in response.text
    assert f">{title}</title>" in response.text
    assert 'data-state="checking"' in response.text


@pytest.mark.parametrize("path", ["/d/not-an-id", "/d/", "/d/a/b"])
def test_a_malformed_deposit_id_gets_the_deposit_page_not_json(http: TestClient, path: str) -> None:
    response = http.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-state="not_found"' in response.text
