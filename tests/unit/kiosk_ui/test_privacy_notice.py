"""The privacy notice (kiosk_ui.privacy) in the five languages: it names this
server's operator (PDE_OPERATOR_*) and states this server's retention periods,
read from its settings, not written by hand; it names the kiosk's buttons as the
kiosk does; it runs no script; its catalogs are complete. Production refuses
to start without the operator's details."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from day_centres.feedback import FEEDBACK_KEPT_MONTHS
from day_centres.settings import PLACEHOLDER
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from kiosk_ui.privacy import PRIVACY_DIR, PRIVACY_DOMAIN
from page_kit import KIT_TEMPLATES
from page_kit.i18n import LANGUAGES, read_catalog
from pde.app import create_app
from pde.settings import Settings, UnsafeSettings
from wallet.db import migrate
from wallet.maintenance import ENDED_KEPT

CODES = [language.code for language in LANGUAGES]
TEMPLATE_MESSAGE = re.compile(r"""\b_\((["'])(.+?)\1\)""")
PLACEHOLDERS = re.compile(r"\{(\w+)\}")
OPERATOR = {
    "operator_name": "Bruss'help ASBL",
    "operator_address": "Rue Royale 35, 1000 Bruxelles",
    "operator_contact": "pde@brusshelp.example",
    "operator_dpo_contact": "dpo@brusshelp.example",
}
# Unusual values, so that a number written by hand in a catalog would not match.
PERIODS = {
    "session_idle_minutes": 17,
    "session_absolute_hours": 9,
    "share_max_days": 21,
    "deposit_max_days": 13,
    "upload_abandoned_hours": 31,
    "deposit_abandoned_minutes": 44,
    "operator_backup_days": 27,
}


def privacy_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, PRIVACY_DIR / "locales", PRIVACY_DOMAIN)


def kiosk_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, KIOSK_LOCALES, KIOSK_DOMAIN)


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("privacy"), **OPERATOR, **PERIODS)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.runtime.engine.dispose()


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.mark.parametrize("code", CODES)
def test_the_notice_names_the_operator_and_this_servers_periods(
    http: TestClient, code: str
) -> None:
    response = http.get(f"/privacy/{code}")
    assert response.status_code == 200
    assert response.headers["content-language"] == code
    direction = "rtl" if code == "ar" else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in response.text
    text = visible_text(response.text)
    for value in OPERATOR.values():
        assert value in text, value
    for number in (*PERIODS.values(), ENDED_KEPT.days, FEEDBACK_KEPT_MONTHS):
        assert re.search(rf"(?<!\d){number}(?!\d)", text), number
    catalog, kiosk = privacy_catalog(code), kiosk_catalog(code)
    for sentence in (catalog["Your rights"], catalog["Erase everything"], catalog["Who runs PDE"]):
        assert sentence in text
    for button in ("My account", "Erase my wallet", "Save all my documents (zip)"):
        assert kiosk[button] in text, button
    assert "contact@apd-gba.be" in text  # the Belgian Data Protection Authority
    assert PLACEHOLDER.strip() not in text  # real details: no "test server" warning
    assert "<script" not in response.text and "page-strings" not in response.text
    assert 'href="/privacy/ar"' in response.text and f'href="/{code}/"' in response.text


def test_the_notice_speaks_the_browser_language_and_refuses_unknown_ones(
    http: TestClient,
) -> None:
    chosen = http.get("/privacy", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    assert chosen.headers["content-language"] == "nl"
    assert http.get("/privacy/xx").status_code == 404


def test_a_development_server_says_its_operator_details_are_placeholders(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    try:
        text = visible_text(TestClient(app).get("/privacy/en").text)
    finally:
        app.state.runtime.engine.dispose()
    assert "Test server: the operator's details below are examples" in text
    assert "Name of the organisation that runs PDE" in text and PLACEHOLDER not in text


def production(**changes: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "production",
        "database_url": "postgresql+psycopg://pde:secret@postgres:5432/pde",
        "public_url": "https://pde.example.org",
        "server_secret": "s" * 32,
        **OPERATOR,
    }
    return Settings(**{**values, **changes})


def test_production_needs_the_operator_details() -> None:
    production().check_production()
    for field in OPERATOR:
        env = f"PDE_{field.upper()}"
        for value in ("", "  ", Settings.model_fields[field].default):
            with pytest.raises(UnsafeSettings, match=env):
                production(**{field: value}).check_production()


def test_production_names_every_problem_at_once() -> None:
    with pytest.raises(UnsafeSettings) as refused:
        Settings(environment="production").check_production()
    for name in (
        "PDE_DATABASE_URL",
        "PDE_SERVER_SECRET",
        "PDE_OPERATOR_NAME",
        "PDE_OPERATOR_DPO_CONTACT",
    ):
        assert name in str(refused.value)


# -- catalogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_message_has_a_translation_with_its_placeholders(code: str) -> None:
    english, catalog = privacy_catalog("en"), privacy_catalog(code)
    assert set(catalog) == set(english)
    for message, text in catalog.items():
        assert text.strip(), message
        assert set(PLACEHOLDERS.findall(message)) == set(PLACEHOLDERS.findall(text)), message


def test_the_catalogs_hold_exactly_the_messages_the_notice_shows() -> None:
    used = set()
    for template in (
        PRIVACY_DIR / "templates" / "privacy.html",
        KIT_TEMPLATES / "public-page.html",
    ):
        used |= {m.group(2) for m in TEMPLATE_MESSAGE.finditer(template.read_text())}
    assert used == set(privacy_catalog("en"))
