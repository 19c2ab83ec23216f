"""The indicators as they are shown and published: per month, per centre and in
total, with small numbers protected, and the projection towards measure 28's
targets.

Small numbers (docs/day-centres.md, Indicators): a figure under 10 is shown as
"<10"; every other figure, totals included, is rounded to the nearest multiple of
5, each from its own true value (the rounding rule of the UK's Higher Education
Statistics Agency and of many statistics offices: "round to 5, suppress under
10"). A total minus the other published figures then gives a suppressed figure
only within a range of at least five values (never one number): a centre's "<10"
cannot be recovered by subtraction, from the total of a month nor from the
running total of wallets. Bytes are published in megabytes rounded to 10, and
only where the documents' count itself is published."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from day_centres.indicators import (
    DOCUMENT_BYTES,
    DOCUMENTS_STORED,
    METRICS,
    NO_CENTRE,
    WALLETS_CREATED,
    month_of,
)
from day_centres.models import Centre, IndicatorCount
from wallet.clock import now

SMALL = 10  # figures under this are shown "<10"
BASE = 5  # every other figure is rounded to a multiple of this
MEGABYTE = 1_000_000
MEGABYTES_BASE = 10
SUPPRESSED = "<10"
TOTAL = "total"  # the key of the total over every centre and none
WALLETS_TO_DATE = "wallets_to_date"  # wallets created since the start, at the month's end
# Measure 28's targets: (wallets, the month by whose end).
TARGETS = ((2000, "2026-12"), (5000, "2028-12"))
PACE_MONTHS = 6  # the current pace: new wallets a month over the last complete months
# The columns of the tables and files, in order.
COLUMNS = (
    WALLETS_CREATED,
    WALLETS_TO_DATE,
    *[m for m in METRICS if m not in (WALLETS_CREATED, DOCUMENT_BYTES)],
    DOCUMENT_BYTES,
)


def published_count(true: int) -> int | None:
    """The figure as published: None ("<10") under 10, else rounded to 5."""
    if true < SMALL:
        return None
    return BASE * ((true + BASE // 2) // BASE)


def published_megabytes(true_bytes: int, true_documents: int) -> int | None:
    """Megabytes rounded to 10, shown only where the documents' count is."""
    if true_documents < SMALL:
        return None
    megabytes = true_bytes / MEGABYTE
    return int(MEGABYTES_BASE * round(megabytes / MEGABYTES_BASE))


def shown(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


@dataclass(frozen=True)
class Area:
    """A column of places: one centre, the wallets made elsewhere, or the total."""

    key: str  # a centre's id, NO_CENTRE or TOTAL
    name: str = ""  # a centre's name ("" for the other two: the page names them)


@dataclass
class Indicators:
    """Every month's true figures, by area; what is shown comes out published."""

    months: list[str]  # oldest first, to the current month
    centres: list[Area]
    true: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    @property
    def areas(self) -> list[Area]:
        """The centres by name, then the wallets made elsewhere, then the total."""
        return [*self.centres, Area(NO_CENTRE), Area(TOTAL)]

    def value(self, month: str, key: str, metric: str) -> int:
        return self.true.get((month, key), {}).get(metric, 0)

    def cell(self, month: str, key: str, column: str) -> int | None:
        """One published figure (None: "<10")."""
        if column == DOCUMENT_BYTES:
            count = self.value(month, key, DOCUMENTS_STORED)
            return published_megabytes(self.value(month, key, DOCUMENT_BYTES), count)
        return published_count(self.value(month, key, column))

    def row(self, month: str, key: str) -> dict[str, int | None]:
        return {column: self.cell(month, key, column) for column in COLUMNS}


def read_indicators(db: Session, today: date | None = None) -> Indicators:
    """Every counter summed by month and centre (one GROUP BY), the totals, and
    the wallets to date; from the first month counted to `today`'s."""
    rows = db.execute(
        select(
            IndicatorCount.month,
            IndicatorCount.centre_key,
            IndicatorCount.metric,
            func.sum(IndicatorCount.value),
        ).group_by(IndicatorCount.month, IndicatorCount.centre_key, IndicatorCount.metric)
    ).all()
    names = {centre.id: centre.name for centre in db.scalars(select(Centre))}
    counts = [(month, key, metric, int(total)) for month, key, metric, total in rows]
    return build_indicators(counts, names, month_of(today or now().date()))


def build_indicators(
    counts: Sequence[tuple[str, str, str, int]], names: dict[str, str], current: str
) -> Indicators:
    """The figures from (month, centre key, metric, true value) sums, to `current`."""
    first = min([month for month, *_ in counts if month <= current], default=current)
    indicators = Indicators(months_between(first, current), [])
    keys = set(names)
    for month, centre_key, metric, total in counts:
        if month > current:
            continue
        key = centre_key if centre_key in names else NO_CENTRE  # a centre since removed
        keys.add(key)
        for area in (key, TOTAL):
            figures = indicators.true.setdefault((month, area), {})
            figures[metric] = figures.get(metric, 0) + total
    indicators.centres = sorted(
        (Area(key, names[key]) for key in keys if key in names), key=lambda a: a.name.casefold()
    )
    for area in indicators.areas:
        to_date = 0
        for month in indicators.months:
            to_date += indicators.value(month, area.key, WALLETS_CREATED)
            indicators.true.setdefault((month, area.key), {})[WALLETS_TO_DATE] = to_date
    return indicators


# -- the projection towards the targets --------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Where the published total of wallets goes at the current pace."""

    pace: int  # new wallets a month, rounded to 5 (0: too few to say)
    start: tuple[str, int] | None  # the last complete month and its wallets to date
    points: list[tuple[str, int]]  # each month from `start` to the last target's
    reaches: dict[int, str | None]  # target -> the month it is reached (None: not by then)


def project(indicators: Indicators) -> Projection:
    """The pace over the last complete months (at most PACE_MONTHS), from the
    published wallets to date, so that anyone can redo it from the public file."""

    def to_date(month: str) -> int:
        return indicators.cell(month, TOTAL, WALLETS_TO_DATE) or 0

    complete = indicators.months[:-1]
    if not complete:
        return Projection(0, None, [], {target: None for target, _ in TARGETS})
    window = complete[-PACE_MONTHS:]
    before = indicators.months.index(window[0]) - 1
    base = to_date(indicators.months[before]) if before >= 0 else 0
    pace = published_count(round((to_date(window[-1]) - base) / len(window))) or 0
    start = (window[-1], to_date(window[-1]))
    points, value, month = [start], start[1], start[0]
    last_target = TARGETS[-1][1]
    reaches: dict[int, str | None] = {target: None for target, _ in TARGETS}
    while month < last_target:
        month, value = next_month(month), value + pace
        points.append((month, value))
    for target, _ in TARGETS:
        if start[1] >= target:
            reaches[target] = next(m for m in complete if to_date(m) >= target)
        else:
            reaches[target] = next((m for m, v in points if v >= target), None)
    return Projection(pace, start, points, reaches)


# -- files ------------------------------------------------------------------------

CSV_HEADER = (
    "month",
    "centre",
    *[c if c != DOCUMENT_BYTES else "document_megabytes" for c in COLUMNS],
)


def _name(area: Area) -> str:
    text = area.name or ("no centre" if area.key == NO_CENTRE else "total")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def table_rows(
    indicators: Indicators, areas: Sequence[Area], months: Sequence[str] | None = None
) -> Iterator[dict[str, str]]:
    """One published row per month and area (newest month first), for CSV and JSON."""
    for month in reversed(months or indicators.months):
        for area in areas:
            row = indicators.row(month, area.key)
            yield {"month": month, "centre": _name(area)} | {
                header: shown(row[column])
                for header, column in zip(CSV_HEADER[2:], COLUMNS, strict=True)
            }


def csv_text(rows: Iterator[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
