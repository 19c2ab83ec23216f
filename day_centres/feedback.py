"""Anonymous feedback from the people who use PDE (issue 11 §7, the test phase of
measure 28): a mark on a scale of five faces and an optional text in their
language, given at the kiosk. It is kept with the month and the language only:
no wallet, session, terminal, centre, address or exact time, and rows carry no
order of arrival (random ids). The address is used, hashed and in the limiter
only, to count how often it gives feedback (wallet.limits); it is never stored.
The operator reads it on a staff page, month by month, and exports it as CSV.
Feedback older than FEEDBACK_KEPT_MONTHS goes with the housekeeping."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from crypto import new_id
from day_centres.models import Feedback
from wallet.limits import Counter, Limiter

RATINGS = (1, 2, 3, 4, 5)
# How each mark is named beside its face, at the kiosk and on the staff page.
RATING_LABELS = {1: "Very unhappy", 2: "Unhappy", 3: "So-so", 4: "Happy", 5: "Very happy"}
TEXT_MAX = 1000  # characters
FEEDBACK_KEPT_MONTHS = 24  # then it goes (the privacy notice says so)
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
CSV_COLUMNS = ("month", "language", "rating", "text")
# Characters a person cannot type: refused (PostgreSQL refuses NUL in text, and
# the others have no business in an opinion). Line breaks and tabs are kept.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def month_of(moment: datetime) -> str:
    """The month a moment falls in, as stored: "2026-12" (UTC)."""
    return f"{moment.year:04d}-{moment.month:02d}"


def months_before(month: str, count: int) -> str:
    """The month `count` months before `month` ("2026-12", 24 -> "2024-12")."""
    year, number = int(month[:4]), int(month[5:])
    index = year * 12 + (number - 1) - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def give_feedback(
    db: Session,
    limiter: Limiter,
    client: str,
    limit_per_hour: int,
    *,
    rating: int,
    text: str,
    language: str,
    at: datetime,
) -> None:
    """Keep one opinion, counted against `client`'s hourly limit first (RateLimited
    when over it; the address stays in the limiter, hashed, for the hour only)."""
    limiter.acquire(Counter("feedback", client, limit_per_hour, 3600), fail_closed=False)
    db.add(
        Feedback(
            id=new_id(),
            month=month_of(at),
            language=language,
            rating=rating,
            text=text.strip(),
        )
    )


def months(db: Session) -> list[str]:
    """Every month with feedback, newest first."""
    found = db.scalars(select(Feedback.month).distinct().order_by(Feedback.month.desc()))
    return list(found)


def feedback_of(db: Session, month: str) -> Sequence[Feedback]:
    """A month's feedback, with text first, in no order of arrival (ids are random)."""
    query = (
        select(Feedback)
        .where(Feedback.month == month)
        .order_by((Feedback.text == "").asc(), Feedback.rating, Feedback.id)
    )
    return db.scalars(query).all()


@dataclass(frozen=True)
class MonthSummary:
    """How many people gave each mark in a month, and how many wrote something."""

    month: str
    by_rating: dict[int, int]
    with_text: int

    @property
    def total(self) -> int:
        return sum(self.by_rating.values())


def summary(db: Session, month: str) -> MonthSummary:
    rows = db.execute(
        select(Feedback.rating, func.count())
        .where(Feedback.month == month)
        .group_by(Feedback.rating)
    ).all()
    by_rating = dict.fromkeys(RATINGS, 0) | {int(rating): int(n) for rating, n in rows}
    with_text = db.scalar(
        select(func.count())
        .select_from(Feedback)
        .where(Feedback.month == month, Feedback.text != "")
    )
    return MonthSummary(month, by_rating, int(with_text or 0))


def csv_lines(factory: sessionmaker[Session], month: str | None = None) -> Iterator[str]:
    """The feedback of one month, or all of it, as CSV (newest month first), read
    with a session of its own so that it can be read while it is sent."""
    with factory() as db:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for each in [month] if month else months(db):
            for row in feedback_of(db, each):
                writer.writerow([row.month, row.language, row.rating, _cell(row.text)])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        yield out.getvalue()


def _cell(text: str) -> str:
    """A text as a spreadsheet will not run it as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def purge_old_feedback(db: Session, at: datetime) -> None:
    """Housekeeping: feedback of months FEEDBACK_KEPT_MONTHS or more before `at` goes."""
    oldest_kept = months_before(month_of(at), FEEDBACK_KEPT_MONTHS - 1)
    db.execute(delete(Feedback).where(Feedback.month < oldest_kept))
