"""`pde indicators`: the anonymous indicators of one month (or every month), in
total and per centre, as CSV or JSON, with the same small-number protection as
the staff dashboard and the public page (day_centres/indicator_figures.py): a
figure under 10 is "<10", the others are rounded to 5. It reads the database of
the PDE_* settings; failures are one line (pde/cli_errors.py)."""

from __future__ import annotations

import argparse
import json
import re
import sys

from day_centres.indicator_figures import (
    TOTAL,
    Area,
    Indicators,
    csv_text,
    read_indicators,
    table_rows,
)
from day_centres.indicators import NO_CENTRE
from pde.cli_errors import fail
from pde.staff_commands import staff_database

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(text: str) -> str:
    if not MONTH.match(text):
        raise argparse.ArgumentTypeError(f"not a month (yyyy-mm, e.g. 2026-11): {text}")
    return text


def chosen_areas(indicators: Indicators, centre: str | None) -> list[Area]:
    """Every area, or the one named: a centre's id or name, "none" or "total"."""
    if centre is None:
        return indicators.areas
    wanted = centre.strip()
    for area in indicators.areas:
        named = area.name or ("none" if area.key == NO_CENTRE else TOTAL)
        if wanted in (area.key, named) or wanted.casefold() == named.casefold():
            return [area]
    fail(f"--centre: no centre has the id or name {wanted!r} (see the staff pages' Centres)")


def indicators_command(args: argparse.Namespace) -> int:
    with staff_database() as db:
        indicators = read_indicators(db)
    months = indicators.months
    if args.month is not None:
        if args.month > months[-1]:
            fail(f"--month: {args.month} has not begun; the last month is {months[-1]}")
        months = [args.month]
    areas = chosen_areas(indicators, args.centre)
    rows = table_rows(indicators, areas, months)
    if args.format == "json":
        json.dump([_numbers(row) for row in rows], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        sys.stdout.write(csv_text(rows))
    return 0


def _numbers(row: dict[str, str]) -> dict[str, str | int]:
    """A JSON row: figures as numbers, a suppressed one as the text "<10"."""
    return {key: int(value) if value.isdigit() else value for key, value in row.items()}


def add_indicator_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pde indicators [--month M] [--centre C] [--format csv|json]`."""
    parser = commands.add_parser(
        "indicators",
        help="the anonymous indicators per month, in total and per centre (CSV or JSON)",
        description=(
            "The anonymous indicators of measure 28, as published: figures under 10 are"
            " '<10', the others rounded to 5 (docs/day-centres.md, Indicators)."
        ),
    )
    parser.add_argument("--month", type=_month, help="one month, yyyy-mm (default: every month)")
    parser.add_argument(
        "--centre", help="one centre, by id or name; 'none' (made elsewhere) or 'total'"
    )
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(run=indicators_command)
