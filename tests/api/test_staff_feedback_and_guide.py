"""The operator's page of anonymous feedback and the printed guide, over HTTP on
SQLite and PostgreSQL as a browser without JavaScript uses them: the operator
reads a month's feedback and downloads it as CSV (each download in the audit
log); the staff of a centre print its guide in every language, with the centre's
phone and hours and the kiosk's own button names, and find no other centre's."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import select

from day_centres.models import AuditEntry, Centre
from day_centres.pages import STAFF_LOCALES
from day_centres.pages.guide import GUIDE_DOMAIN
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit.i18n import LANGUAGES, read_catalog
from tests.server import LiveServer
from tests.staff_support import StaffBrowser, database, log_in, make_centre, make_staff
from wallet.clock import now

CODES = [language.code for language in LANGUAGES]
LEAVING = (
    "When you are done, press “{leave}” at the top of the screen: everything disappears"
    " from the terminal. After {minutes} minutes without a touch, PDE closes by itself."
)


def db_url(server: LiveServer) -> str:
    return server.settings().sqlalchemy_url


@pytest.fixture(scope="module")
def operator(pde_server: LiveServer) -> StaffBrowser:
    return log_in(pde_server.url, make_staff(db_url(pde_server), "operator"))


def exports(server: LiveServer) -> list[tuple[str, str]]:
    with database(db_url(server)) as db:
        query = select(AuditEntry).where(AuditEntry.action == "feedback_exported")
        return [(entry.actor_name, entry.target_name) for entry in db.scalars(query)]


def test_the_operator_reads_a_months_feedback_and_downloads_it(
    pde_server: LiveServer, operator: StaffBrowser
) -> None:
    words = f"Trop de boutons {now().timestamp()}"
    with httpx.Client(base_url=pde_server.url) as anyone:
        for body in (
            {"rating": 2, "language": "fr", "text": words},
            {"rating": 5, "language": "ar", "text": "=1+1"},
        ):
            assert anyone.post("/api/v1/feedback", json=body).status_code == 204
    month = now().strftime("%Y-%m")
    page = operator.page("/staff/en/feedback")
    assert page.status_code == 200
    assert f'<option value="{month}" selected>' in page.text
    assert words in page.text and "Unhappy" in page.text
    assert operator.page(f"/staff/fr/feedback?month={month}").text.count(words) == 1
    assert operator.page("/staff/en/feedback?month=2019-01").status_code == 200
    assert operator.page("/staff/en/feedback?month=2026-13").status_code == 404

    before = len(exports(pde_server))
    one = operator.http.get(f"/staff/en/feedback.csv?month={month}")
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/csv")
    assert f'filename="pde-feedback-{month}.csv"' in one.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(one.text)))
    assert rows[0] == ["month", "language", "rating", "text"]
    assert [month, "fr", "2", words] in rows and [month, "ar", "5", "'=1+1"] in rows
    every = operator.http.get("/staff/en/feedback.csv")
    assert words in every.text
    assert operator.http.get("/staff/en/feedback.csv?month=x").status_code == 404
    logged = exports(pde_server)[before:]
    assert [target for _, target in logged] == [month, ""]
    audit = operator.page("/staff/en/audit").text
    assert "Downloaded the feedback" in audit


def test_only_the_operator_reads_feedback(pde_server: LiveServer) -> None:
    centre = make_centre(db_url(pde_server))
    coordinator = log_in(pde_server.url, make_staff(db_url(pde_server), "coordinator", centre))
    assert coordinator.page("/staff/en/feedback").status_code == 403
    assert coordinator.http.get("/staff/en/feedback.csv").status_code == 403
    assert "/staff/en/feedback" not in coordinator.page("/staff/en/").text


@pytest.mark.parametrize("role", ["coordinator", "worker"])
def test_a_centres_staff_print_its_guide_in_every_language(
    pde_server: LiveServer, role: str
) -> None:
    centre, other = make_centre(db_url(pde_server)), make_centre(db_url(pde_server))
    with database(db_url(pde_server)) as db:
        db.get(Centre, centre).idle_minutes = 7  # type: ignore[union-attr]
    member = log_in(pde_server.url, make_staff(db_url(pde_server), role, centre))
    home = member.page("/staff/en/").text
    assert f"/staff/en/centres/{centre}/guide" in home
    chooser = member.page(f"/staff/en/centres/{centre}/guide")
    assert chooser.status_code == 200
    links = re.findall(rf"/centres/{centre}/guide/(\w\w)\"", chooser.text)
    assert links == ["fr", "ar", "nl", "en", "pl"]  # the centre's languages first
    for code in CODES:
        guide = member.page(f"/staff/en/centres/{centre}/guide/{code}")
        assert guide.status_code == 200
        direction = "rtl" if code == "ar" else "ltr"
        assert f'<html lang="{code}" dir="{direction}">' in guide.text
        assert "+32 2 000 00 00" in guide.text and "9:00-17:00" in guide.text
        kiosk = read_catalog(code, KIOSK_LOCALES, KIOSK_DOMAIN)
        leaving = read_catalog(code, STAFF_LOCALES, GUIDE_DOMAIN)[LEAVING]
        leaving = leaving.replace("{leave}", kiosk["Leave now"]).replace("{minutes}", "7")
        assert str(escape(leaving)) in guide.text  # the centre's idle minutes
        for button in ("Create my wallet", "Open my wallet", "Leave now"):
            assert kiosk[button] in guide.text, (code, button)
        assert "Ctrl" in guide.text  # how to print, in the staff member's language
        assert "<script" not in guide.text
    for path in (f"centres/{other}/guide", f"centres/{other}/guide/fr"):
        assert member.page(f"/staff/en/{path}").status_code == 404
    assert member.page(f"/staff/en/centres/{centre}/guide/de").status_code == 404


def test_the_operator_prints_any_centres_guide(
    pde_server: LiveServer, operator: StaffBrowser
) -> None:
    centre = make_centre(db_url(pde_server), name="Centre Horizon")
    listing = operator.page("/staff/en/centres").text
    assert f"/staff/en/centres/{centre}/guide" in listing
    guide = operator.page(f"/staff/nl/centres/{centre}/guide/ar")
    assert guide.status_code == 200 and "Centre Horizon" in guide.text
    assert "Afdrukken" in guide.text  # the bar in the staff member's language (Dutch)
    assert operator.page("/staff/en/centres/AAAAAAAAAAAAAAAAAAAAAA/guide").status_code == 404
