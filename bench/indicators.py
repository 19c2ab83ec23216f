"""Figure: the indicators' dashboard with 5,000 wallets and two years of events
(goal: its figures in 1 s or less), and its ratio to the health endpoint's time
measured the same way in the same run.

The events are drawn at random (wallets made over two years, 70 % at one of ten
centres; each opened on some days of some months, adding documents, making and
opening shares, accepting deposits, a few recovered) and stored as the counters
keep them: one row per day, centre and metric, "wallets active" as first
openings of a month. A sample of events also goes through the real subscriber
(day_centres.indicators.IndicatorCounter) to time the cost of counting one.

Measured, alternating rounds: the figures alone (read_indicators, the
projection, the chart's geometry and every table row), the public page that
shows them all (GET /indicators/en: figures, chart and tables rendered) and
GET /api/v1/health, both through the application in this process.

Run: `.venv/bin/python bench/indicators.py [--wallets 5000] [--rounds 5]
[--backend sqlite|postgres]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import insert

from day_centres import centres
from day_centres.indicator_chart import draw
from day_centres.indicator_figures import project, read_indicators, table_rows
from day_centres.indicators import (
    DEPOSITS_ACCEPTED,
    DOCUMENT_BYTES,
    DOCUMENTS_STORED,
    NO_CENTRE,
    RECOVERIES_COMPLETED,
    SHARES_MADE,
    SHARES_OPENED,
    WALLETS_ACTIVE,
    WALLETS_CREATED,
    IndicatorCounter,
    month_of,
)
from day_centres.models import IndicatorCount
from pde.app import create_app
from pde.settings import Settings
from tests.pg import temporary_database
from wallet.db import make_engine, migrate, session_factory
from wallet.events import WALLET_OPENED, WalletEvent

DAYS = 730
CENTRES = 10


def generate(wallets: int, centre_ids: list[str], today: date, seed: int = 28) -> Counter[tuple]:  # type: ignore[type-arg]
    """(day, centre key, metric) -> value for `wallets` wallets over two years."""
    rng = random.Random(seed)
    counts: Counter[tuple] = Counter()  # type: ignore[type-arg]
    start = today - timedelta(days=DAYS)
    for _ in range(wallets):
        made = start + timedelta(days=int(rng.triangular(0, DAYS, DAYS)))
        centre = rng.choice(centre_ids) if rng.random() < 0.7 else NO_CENTRE
        counts[(made, centre, WALLETS_CREATED)] += 1
        counts[(made, centre, WALLETS_ACTIVE)] += 1  # opened when made
        month = month_of(made)
        day = made
        while day < today:
            day += timedelta(days=rng.randint(1, 40))
            if day >= today:
                break
            if month_of(day) != month:  # the first opening of a new month
                month = month_of(day)
                counts[(day, centre, WALLETS_ACTIVE)] += 1
            for metric, chance in (
                (DOCUMENTS_STORED, 0.5),
                (SHARES_MADE, 0.2),
                (SHARES_OPENED, 0.25),
                (DEPOSITS_ACCEPTED, 0.05),
                (RECOVERIES_COMPLETED, 0.004),
            ):
                if rng.random() < chance:
                    counts[(day, centre, metric)] += 1
                    if metric == DOCUMENTS_STORED:
                        counts[(day, centre, DOCUMENT_BYTES)] += rng.randint(50_000, 3_000_000)
    return counts


def fill(url: str, wallets: int, today: date) -> tuple[int, int]:
    """Ten centres and the counters of `wallets` wallets; (counter rows, events)."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            ids = [
                centres.create_centre(
                    db, centres.CentreDetails(f"Centre {n}", "", "", "", ["fr"], True)
                ).id
                for n in range(CENTRES)
            ]
            counts = generate(wallets, ids, today)
            rows = [
                {"day": d, "centre_key": c, "metric": m, "month": month_of(d), "value": v}
                for (d, c, m), v in counts.items()
            ]
            db.execute(insert(IndicatorCount), rows)
            db.commit()
        events = sum(v for (_, _, m), v in counts.items() if m != DOCUMENT_BYTES)
        return len(rows), events
    finally:
        engine.dispose()


def counting_cost(url: str, events: int = 2000) -> float:
    """Seconds per event through the real subscriber, one transaction per event."""
    engine = make_engine(url)
    counter = IndicatorCounter(b"bench key")
    try:
        with session_factory(engine)() as db:
            started = time.perf_counter()
            for n in range(events):
                event = WalletEvent(WALLET_OPENED, None, wallet_id=f"w{n % 500}")
                counter(db, event)
                db.commit()
            return (time.perf_counter() - started) / events
    finally:
        engine.dispose()


def figures(url: str) -> float:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            started = time.perf_counter()
            indicators = read_indicators(db)
            draw(indicators, project(indicators))
            rows = list(table_rows(indicators, indicators.areas))
            elapsed = time.perf_counter() - started
        assert rows
        return elapsed
    finally:
        engine.dispose()


def timed(http: TestClient, path: str) -> float:
    started = time.perf_counter()
    response = http.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wallets", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        env = {"data_dir": data}
        if args.backend == "postgres":
            env["database_url"] = stack.enter_context(temporary_database("pde_bench"))
        settings = Settings(**env)  # type: ignore[arg-type]
        migrate(settings.sqlalchemy_url)
        started = time.perf_counter()
        rows, events = fill(settings.sqlalchemy_url, args.wallets, date.today())
        made = time.perf_counter() - started
        print(
            f"indicators, {args.wallets} wallets, 2 years, {args.backend} database:"
            f" {events} events in {rows} counter rows (made in {made:.1f} s)"
        )
        http = stack.enter_context(TestClient(create_app(settings)))
        timed(http, "/indicators/en")  # warm up: templates, catalogs, connections
        timed(http, "/api/v1/health")
        alone, page, health = [], [], []
        for _ in range(args.rounds):
            health.append(timed(http, "/api/v1/health"))
            alone.append(figures(settings.sqlalchemy_url))
            page.append(timed(http, "/indicators/en"))
        per_event = counting_cost(settings.sqlalchemy_url)
    for name, times in (("health", health), ("figures", alone), ("page", page)):
        median, slowest = statistics.median(times) * 1000, max(times) * 1000
        print(f"  {name:8} median {median:8.1f} ms, max {slowest:8.1f} ms")
    print(f"  counting one event (its own transaction): {per_event * 1e6:.0f} µs")
    ratio = statistics.median(page) / statistics.median(health)
    print(f"  ratio page/health: {ratio:.1f}")
    worst = max(page)
    verdict = "ok" if worst <= 1 else "MISSED"
    print(f"  the dashboard's page, slowest round: {worst:.3f} s (goal <= 1 s): {verdict}")


if __name__ == "__main__":
    main()
