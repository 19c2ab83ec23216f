"""The staff pages' catalogs (day_centres/pages/locales, domain "staff"): every
message in every language with its placeholders, every string the templates and
the services show is in them and none is left unused; each page renders in its
language, Arabic right to left, with nothing inline that the CSP would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from day_centres import accounts, errors
from day_centres.pages import STAFF_DOMAIN, STAFF_LOCALES, STAFF_TEMPLATES, reports
from day_centres.pages.view import ACTION_LABELS, DONE_MESSAGES, MENU, ORDINALS, ROLE_NAMES
from page_kit.i18n import LANGUAGES, catalog_path, read_catalog
from pde.app import create_app
from pde.settings import Settings
from wallet.db import migrate

DAY_CENTRES = Path(accounts.__file__).parent
CODES = [language.code for language in LANGUAGES]
TEMPLATE_MESSAGE = re.compile(r"""\b_\((["'])(.+?)\1\)""")
RAISED_MESSAGE = re.compile(r"""FormInvalid\(\s*"([^"]+)\"""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(code: str) -> dict[str, str]:
    return read_catalog(code, STAFF_LOCALES, STAFF_DOMAIN)


def used_messages() -> set[str]:
    """Every message id the templates and the Python side show."""
    used = set()
    for template in STAFF_TEMPLATES.glob("*.html"):
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    for module in DAY_CENTRES.rglob("*.py"):
        used |= set(RAISED_MESSAGE.findall(module.read_text()))
    used |= {
        error.message
        for error in vars(errors).values()
        if isinstance(error, type) and issubclass(error, errors.StaffError)
    }
    used |= set(DONE_MESSAGES.values()) | set(ACTION_LABELS.values()) | set(ROLE_NAMES.values())
    used |= {label for _, label, _ in MENU} | set(ORDINALS)
    used |= set(accounts.PASSWORD_MESSAGES.values())
    for words in (
        reports.LINK_KINDS,
        reports.REPORT_REASONS,
        reports.SUSPENSION_REASONS,
        reports.STATUS_NAMES,
        reports.FILTERS,
    ):
        used |= set(words.values())
    return used


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_a_translation_in_every_language(code: str) -> None:
    assert catalog_path(code, STAFF_LOCALES, STAFF_DOMAIN).exists()
    english, translated = catalog("en"), catalog(code)
    assert set(translated) == set(english), set(english) ^ set(translated)
    assert all(text.strip() for text in translated.values())
    for message, text in translated.items():
        assert set(PLACEHOLDER.findall(message)) == set(PLACEHOLDER.findall(text)), message


def test_the_catalogs_hold_exactly_the_messages_shown() -> None:
    english, used = set(catalog("en")), used_messages()
    assert len(used) > 100
    assert used - english == set(), "missing from the staff catalogs"
    assert english - used == set(), "unused in the staff pages"


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(data_dir=tmp_path_factory.mktemp("pde-staff-i18n"))
    migrate(settings.sqlalchemy_url)
    return TestClient(create_app(settings))


@pytest.mark.parametrize(
    ("code", "direction", "title"),
    [
        ("fr", "ltr", "Se connecter"),
        ("nl", "ltr", "Aanmelden"),
        ("en", "ltr", "Log in"),
        ("ar", "rtl", "تسجيل الدخول"),
        ("pl", "ltr", "Zaloguj się"),
    ],
)
def test_the_login_page_speaks_its_language(
    http: TestClient, code: str, direction: str, title: str
) -> None:
    response = http.get(f"/staff/{code}/login")
    assert response.status_code == 200
    assert response.headers["content-language"] == code
    assert f'<html lang="{code}" dir="{direction}">' in response.text
    assert f"<title>{title} · " in response.text
    for name in ("Français", "Nederlands", "English", "العربية", "Polski"):
        assert f">{name}</a>" in response.text
    assert "<script" not in response.text and "style=" not in response.text
    assert " on" not in re.sub(r"[^<]*(<[^>]*>)?", lambda m: m.group(1) or "", response.text)


@pytest.mark.parametrize(
    ("header", "where"),
    [("nl-BE,nl;q=0.9", "/staff/nl/"), ("ar", "/staff/ar/"), ("de", "/staff/fr/")],
)
def test_staff_sends_the_browser_to_its_language(http: TestClient, header: str, where: str) -> None:
    response = http.get("/staff", headers={"Accept-Language": header}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == where
    assert http.get(where, follow_redirects=False).headers["location"] == f"{where}login"


def test_an_unknown_language_is_a_translated_page_not_json(http: TestClient) -> None:
    response = http.get("/staff/xx/login", headers={"Accept-Language": "pl"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Ta strona nie istnieje." in response.text
