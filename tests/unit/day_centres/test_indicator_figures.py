"""Small numbers in the published indicators: under 10 shown "<10", every other
figure rounded to 5 from its own true value, so that no subtraction of published
figures (a month's total, the running total of wallets) gives back a suppressed
one; and the projection towards measure 28's targets."""

from __future__ import annotations

import itertools

import pytest

from day_centres.indicator_figures import (
    CSV_HEADER,
    SUPPRESSED,
    TOTAL,
    WALLETS_TO_DATE,
    build_indicators,
    csv_text,
    project,
    published_count,
    published_megabytes,
    table_rows,
)
from day_centres.indicators import (
    DOCUMENT_BYTES,
    DOCUMENTS_STORED,
    NO_CENTRE,
    WALLETS_CREATED,
)

NAMES = {"A" * 22: "Centre A", "B" * 22: "Centre B"}
A, B = "A" * 22, "B" * 22


@pytest.mark.parametrize(
    ("true", "published"),
    [
        (0, None),
        (3, None),
        (9, None),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (2004, 2005),
    ],
)
def test_a_figure_under_10_is_suppressed_and_others_are_rounded_to_5(
    true: int, published: int | None
) -> None:
    assert published_count(true) == published


def test_megabytes_show_only_where_the_documents_count_does() -> None:
    assert published_megabytes(50_000_000, 9) is None
    assert published_megabytes(54_000_000, 10) == 50
    assert published_megabytes(56_000_000, 10) == 60


def test_a_centre_with_3_new_wallets_shows_less_than_10() -> None:
    counts = [("2026-11", A, WALLETS_CREATED, 3), ("2026-11", B, WALLETS_CREATED, 40)]
    indicators = build_indicators(counts, NAMES, "2026-11")
    rows = {row["centre"]: row for row in table_rows(indicators, indicators.areas)}
    assert rows["Centre A"]["wallets_created"] == SUPPRESSED
    assert rows["Centre A"]["wallets_to_date"] == SUPPRESSED
    assert rows["Centre B"]["wallets_created"] == "40"
    assert rows["total"]["wallets_created"] == "45"  # 43, rounded: not 40 + 3


def publication(a: tuple[int, int], b: tuple[int, int], n: tuple[int, int]) -> tuple[str, ...]:
    """Everything published about wallets over two months for centres A, B and none."""
    counts = [
        (month, key, WALLETS_CREATED, value)
        for key, values in ((A, a), (B, b), (NO_CENTRE, n))
        for month, value in zip(("2026-10", "2026-11"), values, strict=True)
    ]
    indicators = build_indicators(counts, NAMES, "2026-11")
    return tuple(
        text
        for row in table_rows(indicators, indicators.areas)
        for text in (row["wallets_created"], row["wallets_to_date"])
    )


def test_no_subtraction_of_published_figures_recovers_a_suppressed_one() -> None:
    """An attacker who knows every published figure, and tries every true value of
    the other cells near what is published, still finds several values possible for
    centre A's 3 new wallets in November: totals and running totals give a range."""
    seen = publication((12, 3), (40, 21), (15, 11))
    assert seen[0] == SUPPRESSED  # November (the newest month first), centre A
    possible = set()
    for a1, a2, b1, b2 in itertools.product(
        range(8, 17), range(0, 10), range(36, 45), range(17, 26)
    ):
        for n1, n2 in ((15, 11), (16, 9)):
            if publication((a1, a2), (b1, b2), (n1, n2)) == seen:
                possible.add(a2)
    assert 3 in possible
    assert len(possible) >= 4, possible


def test_totals_are_published_from_their_own_true_value_not_summed() -> None:
    counts = [
        ("2026-11", A, WALLETS_CREATED, 12),
        ("2026-11", B, WALLETS_CREATED, 12),
        ("2026-11", NO_CENTRE, WALLETS_CREATED, 12),
    ]
    indicators = build_indicators(counts, NAMES, "2026-11")
    assert [indicators.cell("2026-11", k, WALLETS_CREATED) for k in (A, B, NO_CENTRE)] == [10] * 3
    assert indicators.cell("2026-11", TOTAL, WALLETS_CREATED) == 35  # 36, not 30


def test_bytes_follow_the_documents_count() -> None:
    counts = [
        ("2026-11", A, DOCUMENTS_STORED, 4),
        ("2026-11", A, DOCUMENT_BYTES, 9_000_000),
        ("2026-11", B, DOCUMENTS_STORED, 30),
        ("2026-11", B, DOCUMENT_BYTES, 81_000_000),
    ]
    indicators = build_indicators(counts, NAMES, "2026-11")
    assert indicators.cell("2026-11", A, DOCUMENT_BYTES) is None
    assert indicators.cell("2026-11", B, DOCUMENT_BYTES) == 80
    assert indicators.cell("2026-11", TOTAL, DOCUMENT_BYTES) == 90


def test_the_months_run_from_the_first_counted_to_the_current_one() -> None:
    counts = [("2026-10", A, WALLETS_CREATED, 20), ("2027-01", A, WALLETS_CREATED, 5)]
    indicators = build_indicators(counts, NAMES, "2026-12")
    assert indicators.months == ["2026-10", "2026-11", "2026-12"]  # a later month is not shown
    assert indicators.value("2026-12", A, WALLETS_TO_DATE) == 20


def test_the_projection_follows_the_pace_of_the_last_complete_months() -> None:
    counts = [
        (f"2026-{m:02d}", A, WALLETS_CREATED, 100) for m in range(1, 12)
    ]  # 100 a month, January to November; November is the current month
    projection = project(build_indicators(counts, NAMES, "2026-11"))
    assert projection.pace == 100
    assert projection.start == ("2026-10", 1000)
    assert projection.reaches[2000] == "2027-08"
    assert projection.reaches[5000] is None  # 1000 + 26 * 100 by December 2028
    assert projection.points[-1] == ("2028-12", 1000 + 26 * 100)


def test_a_first_month_has_no_pace_yet() -> None:
    projection = project(build_indicators([("2026-11", A, WALLETS_CREATED, 30)], NAMES, "2026-11"))
    assert projection.pace == 0 and projection.points == []


def test_the_csv_has_one_row_per_month_and_area_and_a_formula_is_not_run() -> None:
    names = {A: "=HYPERLINK(1)"}
    indicators = build_indicators([("2026-11", A, WALLETS_CREATED, 30)], names, "2026-11")
    text = csv_text(table_rows(indicators, indicators.areas))
    lines = text.splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert lines[1].startswith("2026-11,'=HYPERLINK(1),30,30,")
    assert lines[2].startswith("2026-11,no centre,<10,<10,")
    assert lines[3].startswith("2026-11,total,30,30,")
