"""Figure: what measuring and logging every request costs (the request
middleware: metrics, one JSON log line, a request id), as the ratio of the
health endpoint's p50 latency with the middleware to its p50 without, in the
same run on the same database.

Both apps are built by `create_app`; the second has the middleware taken out
before it serves. Requests go through httpx's ASGI transport, in this process,
so the network does not drown the difference; rounds of each app alternate, so
a noisy neighbour weighs on both. Logging is set up as `pde serve` sets it (JSON
lines), written to /dev/null.

Run: `.venv/bin/python bench/metrics_overhead.py [--requests 4000] [--rounds 8]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.config
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from fastapi import FastAPI

from pde.app import create_app
from pde.settings import Settings
from wallet.api.observability import RequestObservability
from wallet.db import migrate
from wallet.logs import logging_config

HEALTH = "/api/v1/health"


def without_middleware(app: FastAPI) -> FastAPI:
    """`app` with the request middleware taken out (before its first request)."""
    app.user_middleware = [m for m in app.user_middleware if m.cls is not RequestObservability]
    return app


async def latencies(app: FastAPI, count: int) -> list[float]:
    """`count` health requests one after another; each one's seconds."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    out = []
    async with httpx.AsyncClient(transport=transport, base_url="http://pde.test") as client:
        for _ in range(count):
            started = time.perf_counter()
            answer = await client.get(HEALTH)
            out.append(time.perf_counter() - started)
            assert answer.status_code == 200
    return out


async def measure(requests: int, rounds: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        migrate(settings.sqlalchemy_url)
        measured, bare = create_app(settings), without_middleware(create_app(settings))
        await latencies(measured, 200)  # warm both up
        await latencies(bare, 200)
        with_times: list[float] = []
        without_times: list[float] = []
        for _ in range(rounds):
            with_times += await latencies(measured, requests // rounds)
            without_times += await latencies(bare, requests // rounds)
        for app in (measured, bare):
            app.state.runtime.engine.dispose()
    return statistics.median(with_times), statistics.median(without_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    logging.config.dictConfig(logging_config("json"))
    with open(os.devnull, "w") as devnull:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(devnull)
        with_p50, without_p50 = asyncio.run(measure(args.requests, args.rounds))
    print(f"health p50 with the request middleware:    {with_p50 * 1e6:8.0f} µs")
    print(f"health p50 without it:                     {without_p50 * 1e6:8.0f} µs")
    print(f"ratio (with / without): {with_p50 / without_p50:.2f}")


if __name__ == "__main__":
    main()
