"""`pde indicators --month M [--centre C] --format csv|json`, run in-process on a
migrated SQLite database of its own: the published figures (under 10 "<10", the
others rounded to 5) of a month, of one centre by id or name, and one line for
every mistake."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from day_centres import centres
from day_centres.indicators import NO_CENTRE, add
from pde.settings import Settings
from tests.api.support import Run
from tests.staff_support import database
from wallet.clock import now
from wallet.db import migrate


@pytest.fixture
def centre_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database with centre "Le Phare" (3 wallets in November 2026, 42 elsewhere)."""
    for name in ("PDE_DATABASE_URL", "PDE_BLOB_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "var"))
    url = Settings().sqlalchemy_url
    migrate(url)
    details = centres.CentreDetails("Le Phare", "", "", "", ["fr"], True)
    with database(url) as db:
        centre = centres.create_centre(db, details).id
        add(db, date(2026, 11, 3), centre, "wallets_created", 3)
        add(db, date(2026, 11, 4), NO_CENTRE, "wallets_created", 42)
        add(db, date(2026, 10, 4), NO_CENTRE, "wallets_created", 20)
    yield centre


def rows_of(run: Run) -> list[dict[str, str]]:
    assert run.code == 0, run.err
    return list(csv.DictReader(io.StringIO(run.out)))


def test_a_month_in_csv_shows_each_centre_none_and_the_total(
    pde: Callable[..., Run], centre_id: str
) -> None:
    rows = rows_of(pde("indicators", "--month", "2026-11", "--format", "csv"))
    got = {row["centre"]: (row["wallets_created"], row["wallets_to_date"]) for row in rows}
    assert got == {"Le Phare": ("<10", "<10"), "no centre": ("40", "60"), "total": ("45", "65")}
    assert {row["month"] for row in rows} == {"2026-11"}


def test_one_centre_by_name_or_id_in_json(pde: Callable[..., Run], centre_id: str) -> None:
    by_name = pde("indicators", "--month", "2026-11", "--centre", "le phare", "--format", "json")
    by_id = pde("indicators", "--month", "2026-11", f"--centre={centre_id}", "--format", "json")
    assert by_name.code == 0 and by_id.out == by_name.out
    [row] = json.loads(by_name.out)
    assert row["centre"] == "Le Phare" and row["wallets_created"] == "<10"
    [total] = json.loads(
        pde("indicators", "--month", "2026-10", "--centre", "total", "--format", "json").out
    )
    assert total["wallets_created"] == 20  # a number, not a text


def test_every_month_without_month(pde: Callable[..., Run], centre_id: str) -> None:
    months = {row["month"] for row in rows_of(pde("indicators"))}
    assert {"2026-10", "2026-11"} <= months and max(months) == f"{now():%Y-%m}"


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (("--month", "2026-13"), "not a month (yyyy-mm, e.g. 2026-11): 2026-13"),
        (("--month", "November"), "not a month"),
        (("--month", "2999-01"), "--month: 2999-01 has not begun"),
        (("--centre", "Nowhere"), "--centre: no centre has the id or name 'Nowhere'"),
        (("--format", "xml"), "invalid choice: 'xml'"),
    ],
)
def test_a_mistake_is_one_line_and_a_failure(
    pde: Callable[..., Run], centre_id: str, args: tuple[str, ...], told: str
) -> None:
    run = pde("indicators", *args)
    assert run.code != 0 and run.out == ""
    assert run.err.startswith("error: ") and told in run.err
    assert len(run.err.strip().splitlines()) == 1
