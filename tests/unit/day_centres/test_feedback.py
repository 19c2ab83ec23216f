"""Anonymous feedback at the service level (day_centres.feedback), on a migrated
SQLite database: what a row holds (the mark, the words, the month, the language:
the table has no column for anything else), months and their summary, the CSV
with formulas defused, the limit per address, and the housekeeping that drops
feedback older than FEEDBACK_KEPT_MONTHS. And its staff page's catalogs."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from day_centres import feedback
from day_centres.models import Feedback
from day_centres.pages import STAFF_LOCALES
from day_centres.pages.feedback import FEEDBACK_DOMAIN
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit.i18n import LANGUAGES, read_catalog
from wallet.errors import RateLimited
from wallet.limits import MemoryLimiter
from wallet.runtime import Runtime

CODES = [language.code for language in LANGUAGES]
TEMPLATE = Path(__file__).resolve().parents[3] / "day_centres/pages/templates/feedback.html"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
DECEMBER = datetime(2026, 12, 5, 3, 20, tzinfo=UTC)


def give(runtime: Runtime, rating: int, text: str = "", *, at: datetime = DECEMBER) -> None:
    with runtime.db() as db:
        feedback.give_feedback(
            db, MemoryLimiter(), "203.0.113.9", 100, rating=rating, text=text, language="ar", at=at
        )
        db.commit()


def test_the_table_holds_nothing_that_could_name_a_person(runtime: Runtime) -> None:
    columns = {column["name"] for column in inspect(runtime.engine).get_columns("feedback")}
    assert columns == {"id", "month", "language", "rating", "text"}
    assert not inspect(runtime.engine).get_foreign_keys("feedback")


def test_a_row_keeps_the_month_the_language_the_mark_and_the_words_only(
    runtime: Runtime,
) -> None:
    give(runtime, 4, "  شكرا  ")
    with runtime.db() as db:
        [row] = db.scalars(select(Feedback)).all()
        assert (row.month, row.language, row.rating, row.text) == ("2026-12", "ar", 4, "شكرا")
        assert len(row.id) == 22  # random, so rows carry no order of arrival
        assert "203.0.113.9" not in repr(vars(row))


def test_the_limit_per_address_refuses_and_stores_nothing_more(runtime: Runtime) -> None:
    limiter = MemoryLimiter()
    with runtime.db() as db:
        for _ in range(3):
            feedback.give_feedback(
                db, limiter, "198.51.100.1", 3, rating=5, text="", language="fr", at=DECEMBER
            )
        with pytest.raises(RateLimited):
            feedback.give_feedback(
                db, limiter, "198.51.100.1", 3, rating=5, text="", language="fr", at=DECEMBER
            )
        feedback.give_feedback(  # another address is counted apart
            db, limiter, "198.51.100.2", 3, rating=1, text="", language="fr", at=DECEMBER
        )
        db.commit()
        assert len(db.scalars(select(Feedback)).all()) == 4


def test_months_summary_and_order(runtime: Runtime) -> None:
    give(runtime, 1, at=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    for rating, text in ((5, "top"), (5, ""), (2, "trop lent")):
        give(runtime, rating, text)
    with runtime.db() as db:
        assert feedback.months(db) == ["2026-12", "2026-11"]
        summary = feedback.summary(db, "2026-12")
        assert summary.by_rating == {1: 0, 2: 1, 3: 0, 4: 0, 5: 2}
        assert (summary.total, summary.with_text) == (3, 2)
        texts = [row.text for row in feedback.feedback_of(db, "2026-12")]
        assert texts[-1] == "" and sorted(texts[:2]) == ["top", "trop lent"]


def test_the_csv_holds_a_month_or_all_with_formulas_defused(runtime: Runtime) -> None:
    give(runtime, 3, '=HYPERLINK("http://x")', at=datetime(2026, 11, 2, tzinfo=UTC))
    give(runtime, 4, 'ok, "merci"\nà demain')
    one = list(csv.reader(io.StringIO("".join(feedback.csv_lines(runtime.db, "2026-12")))))
    assert one == [list(feedback.CSV_COLUMNS), ["2026-12", "ar", "4", 'ok, "merci"\nà demain']]
    every = list(csv.reader(io.StringIO("".join(feedback.csv_lines(runtime.db)))))
    assert [row[0] for row in every[1:]] == ["2026-12", "2026-11"]
    assert every[2][3] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("month", "count", "before"),
    [("2026-12", 23, "2025-01"), ("2026-01", 1, "2025-12"), ("2026-03", 0, "2026-03")],
)
def test_months_before(month: str, count: int, before: str) -> None:
    assert feedback.months_before(month, count) == before


def test_housekeeping_drops_feedback_older_than_it_is_kept(runtime: Runtime) -> None:
    assert feedback.FEEDBACK_KEPT_MONTHS == 24
    give(runtime, 2, "too old", at=datetime(2024, 12, 31, tzinfo=UTC))
    give(runtime, 3, "oldest kept", at=datetime(2025, 1, 1, tzinfo=UTC))
    give(runtime, 4, "new")
    with runtime.db() as db:
        feedback.purge_old_feedback(db, DECEMBER)
        db.commit()
        assert sorted(row.text for row in db.scalars(select(Feedback))) == ["new", "oldest kept"]


# -- the staff page's catalogs (domain "feedback") -------------------------------------


def feedback_catalog(code: str) -> dict[str, str]:
    return read_catalog(code, STAFF_LOCALES, FEEDBACK_DOMAIN)


@pytest.mark.parametrize("code", CODES)
def test_the_staff_page_has_every_message_in_every_language(code: str) -> None:
    english, catalog = feedback_catalog("en"), feedback_catalog(code)
    assert set(catalog) == set(english)
    for message, text in catalog.items():
        assert text.strip() and set(PLACEHOLDER.findall(message)) == set(
            PLACEHOLDER.findall(text)
        ), message


def test_the_staff_page_catalog_holds_exactly_the_messages_it_shows() -> None:
    used = set(re.findall(r"""\bg\((["'])(.+?)\1\)""", TEMPLATE.read_text()))
    used = {message for _, message in used} | set(feedback.RATING_LABELS.values())
    assert used == set(feedback_catalog("en"))


@pytest.mark.parametrize("code", CODES)
def test_staff_and_kiosk_name_the_marks_alike(code: str) -> None:
    kiosk, staff = read_catalog(code, KIOSK_LOCALES, KIOSK_DOMAIN), feedback_catalog(code)
    for label in feedback.RATING_LABELS.values():
        assert staff[label] == kiosk[label], label
