"""The indicators in Chromium, in French (left to right) and Arabic (right to left):
given two centres with a year of figures, when an operator logs in and opens
"Indicators" from the menu, the chart (an SVG image with its text alternative),
the table of each month and the table of each centre show, a small figure reads
"<10", another month is chosen without a script; a coordinator sees their centre
only; and the public page shows the same figures without a login. Every page has
no axe-core violation at all, runs no script and fits a 1024x768 terminal and a
360 px phone without scrolling sideways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from day_centres.indicators import NO_CENTRE, add
from tests.e2e.axe_audit import PAGE_SCREENS, ScriptlessPageAudit
from tests.e2e.conftest import start_live_server
from tests.server import ServedApp
from tests.staff_support import (
    StaffMember,
    database,
    make_centre,
    make_staff,
    session_cookies,
)
from wallet.clock import now

pytestmark = pytest.mark.browser

WORDS = {
    "fr": {
        "menu": "Indicateurs",
        "title": "Indicateurs",
        "public": "PDE en chiffres",
        "small": "Le Phare",
        "show": "Afficher",
        "chart": "Portefeuilles depuis le début",
    },
    "ar": {
        "menu": "المؤشرات",
        "title": "المؤشرات",
        "public": "PDE بالأرقام",
        "small": "Le Phare",
        "show": "عرض",
        "chart": "المحافظ منذ البداية",
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    served = start_live_server(tmp_path_factory.mktemp("indicator-pages"))
    url = served._app.state.runtime.settings.sqlalchemy_url
    phare, source = make_centre(url, "Le Phare"), make_centre(url, "La Source")
    today = now().date()
    with database(url) as db:
        for months_ago in range(12):
            day = today - timedelta(days=30 * months_ago)
            add(db, day, source, "wallets_created", 60 + months_ago)
            add(db, day, phare, "wallets_created", 3)
            add(db, day, NO_CENTRE, "wallets_created", 20)
            add(db, day, source, "documents_stored", 200)
            add(db, day, source, "document_bytes", 400_000_000)
    served.centres = (phare, source)  # type: ignore[attr-defined]
    yield served
    served.stop()


def log_in(browser: Browser, server: ServedApp, member: StaffMember, lang: str):  # type: ignore[no-untyped-def]
    """The member's home page in a new browser context, logged in over HTTP (the login
    pages are walked in the browser by test_staff_pages.py)."""
    context = browser.new_context(viewport=PAGE_SCREENS["terminal"], locale=lang)
    context.add_cookies(session_cookies(server.url, member, lang))  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{server.url}/staff/{lang}/")
    expect(page).to_have_url(f"{server.url}/staff/{lang}/")
    return context, page


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_indicators_read_in_french_and_arabic_for_staff_and_the_public(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    url = server._app.state.runtime.settings.sqlalchemy_url
    phare, _ = server.centres  # type: ignore[attr-defined]
    words = WORDS[lang]

    context, page = log_in(browser, server, make_staff(url, "operator"), lang)
    audit = ScriptlessPageAudit(page, lang)
    page.click(f".menu >> text={words['menu']}")
    expect(page.locator("h1")).to_have_text(words["title"])
    chart = page.locator("figure.chart svg[role=img]")
    expect(chart).to_be_visible()
    assert chart.get_attribute("aria-labelledby") == "chart-title chart-text"
    expect(page.locator("#chart-text")).to_contain_text("2")  # the text alternative
    small = page.locator("tbody tr", has_text=words["small"])
    expect(small.locator("td").first).to_have_text("<10")
    audit.check("dashboard")
    month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.select_option("#month", month)
    page.click(f"text={words['show']}")
    expect(page).to_have_url(f"{server.url}/staff/{lang}/indicators?month={month}")
    audit.check("dashboard, another month")
    context.close()

    context, page = log_in(browser, server, make_staff(url, "coordinator", phare), lang)
    page.goto(f"{server.url}/staff/{lang}/indicators")
    expect(page.locator("main")).not_to_contain_text("La Source")
    expect(page.locator("#centres-heading")).to_have_count(0)
    coordinator = ScriptlessPageAudit(page, lang)
    coordinator.check("coordinator's dashboard")
    audit.found += coordinator.found
    context.close()

    context = browser.new_context(viewport=PAGE_SCREENS["terminal"], locale=lang)
    page = context.new_page()
    page.goto(f"{server.url}/indicators/{lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["public"])
    expect(page.locator("#chart-heading")).to_have_text(words["chart"])
    if lang == "ar":
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    public = ScriptlessPageAudit(page, lang)
    public.check("public page")
    context.close()
    found = audit.found + public.found
    assert found == [], "\n".join(found)
