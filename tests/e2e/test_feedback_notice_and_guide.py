"""Anonymous feedback, the privacy notice and the printed guide in Chromium, in
French (left to right) and Arabic (right to left).

Given a person at the kiosk, when they press "Give my opinion" on the welcome
screen (or follow the language picker's link after leaving), choose a face and
write a few words, then the opinion is stored with the month and the language
only, and the request carried no token and no cookie. Given the kiosk, the share
viewer and the depositor's page, when the person follows the privacy link, then
the notice opens in their language. Given a coordinator, when they print their
centre's guide, then it fits one page of A4 in each of the five languages.
axe-core finds no violation at all (of any impact) on the feedback screen, the
notice and the guide."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from day_centres import centres
from day_centres.models import Feedback
from day_centres.pages.view import COOKIE
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from kiosk_ui.privacy import PRIVACY_DIR, PRIVACY_DOMAIN
from page_kit.i18n import LANGUAGES, read_catalog
from tests.e2e.axe_audit import AXE, ScriptlessPageAudit, describe
from tests.e2e.conftest import start_live_server
from tests.server import ServedApp
from tests.staff_support import database, log_in, make_staff
from wallet.clock import now

pytestmark = pytest.mark.browser

TERMINAL = {"width": 1024, "height": 768}
MADE_UP_LINK = "AAAAAAAAAAAAAAAAAAAAAA"
# A PDF page object (not the /Pages tree), as Chromium writes them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    served = start_live_server(tmp_path_factory.mktemp("feedback-notice-guide"))
    yield served
    served.stop()


def db_url(server: ServedApp) -> str:
    return str(server._app.state.runtime.settings.sqlalchemy_url)  # type: ignore[attr-defined]


def kiosk_words(lang: str) -> dict[str, str]:
    return read_catalog(lang, KIOSK_LOCALES, KIOSK_DOMAIN)


def no_violations(page: Page, name: str) -> None:
    violations = AXE.run(page).response["violations"]
    assert violations == [], f"{name}:\n{describe(violations)}"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_person_gives_feedback_that_names_nobody(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    words = kiosk_words(lang)
    context = browser.new_context(viewport=TERMINAL, locale=lang)
    page = context.new_page()
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda request: (
            sent.append({"headers": request.all_headers(), "body": request.post_data_json})
            if request.url.endswith("/api/v1/feedback")
            else None
        ),
    )
    page.goto(f"{server.url}/{lang}/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name=words["Give my opinion"]).click()
    screen = page.locator("#screen-feedback")
    expect(screen).to_be_visible()
    expect(page.locator("#feedback-title")).to_be_focused()
    no_violations(page, f"{lang} / feedback")

    page.get_by_role("button", name=words["Send my opinion"]).click()
    expect(page.locator("#feedback-error")).to_have_text(words["Choose a face first."])
    page.get_by_role("radio", name=words["Happy"], exact=True).check()
    text = f"{lang}: plus de terminaux {now().timestamp()}"
    page.fill("#feedback-text", text)
    page.get_by_role("button", name=words["Send my opinion"]).click()
    expect(page.locator("#feedback-thanks")).to_be_visible()
    expect(page.locator("#feedback-form")).to_be_hidden()
    no_violations(page, f"{lang} / feedback sent")

    [request] = sent
    assert request["body"] == {"rating": 4, "text": text, "language": lang}
    assert "authorization" not in request["headers"] and "cookie" not in request["headers"]
    with database(db_url(server)) as db:
        [row] = db.scalars(select(Feedback).where(Feedback.text == text)).all()
        assert (row.month, row.language, row.rating) == (now().strftime("%Y-%m"), lang, 4)

    # After "Leave now" the person lands on the language picker: its link opens the screen.
    page.goto(f"{server.url}/")
    page.locator(f'.picker-more a[href="/{lang}/#feedback"]').click()
    expect(page.locator("#screen-feedback")).to_be_visible()
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_notice_opens_from_the_kiosk_the_viewer_and_the_deposit_page(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    title = read_catalog(lang, PRIVACY_DIR / "locales", PRIVACY_DOMAIN)[
        "Privacy: what PDE keeps about you"
    ]
    context = browser.new_context(viewport=TERMINAL, locale=lang)
    page = context.new_page()
    page.goto(f"{server.url}/{lang}/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_role("link", name=kiosk_words(lang)["Privacy: what PDE keeps about you"]).click()
    expect(page).to_have_url(f"{server.url}/privacy/{lang}")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    assert page.locator("script").count() == 0
    no_violations(page, f"{lang} / notice")

    polish = read_catalog("pl", PRIVACY_DIR / "locales", PRIVACY_DOMAIN)
    for start in (f"/s/{MADE_UP_LINK}", f"/d/{MADE_UP_LINK}"):
        page.goto(f"{server.url}{start}?lang={lang}")
        link = page.locator("a.footer-link")
        expect(link).to_be_visible()
        for code, heading in ((lang, title), ("pl", polish["Privacy: what PDE keeps about you"])):
            if code != lang:  # the page's language switch (no reload) takes the link along
                page.select_option("#language-select", code)
            with context.expect_page() as opened:
                link.click()
            notice = opened.value
            notice.wait_for_load_state()
            assert notice.url == f"{server.url}/privacy/{code}"
            expect(notice.locator("h1")).to_have_text(heading)
            expect(page).to_have_url(re.compile(re.escape(start)))  # the link's page stays
            notice.close()
    context.close()


def staff_context(browser: Browser, server: ServedApp, role: str, centre_id: str | None) -> Any:
    """A browser context holding a staff session of `role` (logged in over HTTP)."""
    member = make_staff(db_url(server), role, centre_id)
    http = log_in(server.url, member, lang="fr")
    context = browser.new_context(viewport=TERMINAL)
    cookie = {"name": COOKIE, "value": http.http.cookies[COOKIE], "domain": "127.0.0.1"}
    context.add_cookies([cookie | {"path": "/staff", "httpOnly": True, "sameSite": "Strict"}])
    http.http.close()
    return context


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_operators_feedback_page_passes_axe_on_a_terminal_and_a_phone(
    browser: Browser, server: ServedApp, lang: str
) -> None:
    body = {"rating": 5, "language": lang, "text": "شكرا، merci, dziękuję " * 20}
    assert httpx.post(f"{server.url}/api/v1/feedback", json=body).status_code == 204
    context = staff_context(browser, server, "operator", None)
    page = context.new_page()
    audit = ScriptlessPageAudit(page, lang)
    page.goto(f"{server.url}/staff/{lang}/feedback")
    expect(page.locator(".actions img[src$='face-5.svg']")).to_have_count(1)
    audit.check("feedback")
    assert audit.found == [], "\n".join(audit.found)
    context.close()


def pdf_pages(pdf: bytes) -> int:
    return len(PDF_PAGE.findall(pdf))


@pytest.fixture(scope="module")
def coordinator_context(browser: Browser, server: ServedApp) -> Iterator[tuple[Any, str]]:
    """A coordinator's browser, logged in, and the id of a centre with long details."""
    details = centres.CentreDetails(
        name="Centre de jour La Fontaine, Bruxelles-Ville",
        address="Rue Haute 123, 1000 Bruxelles (entrée par la cour, 1er étage)",
        help_phone="+32 2 511 00 00",
        opening_hours="Du lundi au vendredi de 8h30 à 16h30, le samedi de 9h à 12h",
        languages=["ar", "fr", "nl"],
        printing_allowed=True,
    )
    with database(db_url(server)) as db:
        centre_id = centres.create_centre(db, details).id
    context = staff_context(browser, server, "coordinator", centre_id)
    yield context, centre_id
    context.close()


def test_the_printed_guide_fits_one_page_of_a4_in_every_language(
    server: ServedApp, coordinator_context: tuple[Any, str], tmp_path: Path
) -> None:
    context, centre_id = coordinator_context
    page = context.new_page()
    page.goto(f"{server.url}/staff/fr/centres/{centre_id}/guide")
    no_violations(page, "fr / guide languages")
    for language in LANGUAGES:
        page.goto(f"{server.url}/staff/fr/centres/{centre_id}/guide/{language.code}")
        expect(page.locator("html")).to_have_attribute("lang", language.code)
        expect(page.locator(".help-phone")).to_contain_text("+32 2 511 00 00")
        assert page.locator("script").count() == 0
        if language.code in ("fr", "ar"):
            no_violations(page, f"{language.code} / guide")
        pdf = page.pdf(format="A4", print_background=True)
        (tmp_path / f"guide-{language.code}.pdf").write_bytes(pdf)
        assert pdf_pages(pdf) == 1, language.code
    # The count is not blind: the same sheet with its text ten times over takes more pages.
    page.evaluate(
        "for (const p of document.querySelectorAll('.block p'))"
        " p.textContent = p.textContent.repeat(10)"
    )
    assert pdf_pages(page.pdf(format="A4")) > 1
    page.close()
