"""Figure: opening a share (the server's part: check the token, count the
opening, log it, hand out a viewer token and the sealed boxes) at 64
concurrent clients, as the ratio of its p95 latency to the p95 of the bare
health endpoint measured the same way in the same run (goal ≤ 3×).

Rounds of health and of openings alternate, so a noisy neighbour on this
shared machine weighs on both. The clients derive the access token once, as a
viewer does; PBKDF2 and decryption happen in the browser, not here.

Run: `.venv/bin/python bench/share_open.py [--clients 64] [--requests 1500] [--backend local|postgres]`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from crypto import b64u_encode, derive_share_keys, parse_share_link
from share_links.client import create_share
from tests.pg import temporary_database
from tests.server import live_server
from wallet.client import PdeClient

NO_LIMITS = {
    "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": "100000000",
    "PDE_LOGIN_ATTEMPTS_PER_CLIENT": "1000",
}


def prepare_share(base_url: str) -> tuple[str, dict[str, str]]:
    """A wallet with three documents shared with a PIN; (open path, its JSON body)."""
    with PdeClient(base_url) as owner:
        owner.register("bench-owner", "a long enough bench passphrase")
        ids = [owner.add(io.BytesIO(bytes(2000 * n)), title=f"doc {n}") for n in (1, 2, 3)]
        share = create_share(owner, ids, recipient="CPAS", purpose="bench", pin="4821")
    _, share_id, secret = parse_share_link(share.link)
    token = derive_share_keys(secret, share_id, "4821").access_token
    return f"/api/v1/s/{share_id}/open", {"access_token": b64u_encode(token)}


async def run_round(
    send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]],
    base_url: str,
    clients: int,
    requests: int,
) -> list[float]:
    """`requests` calls spread over `clients` concurrent connections; their latencies."""
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(requests):
        queue.put_nowait(n)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as http:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await send(http)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"unexpected answer {response.status_code}: {response.text}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(base_url: str, clients: int, requests: int, rounds: int) -> tuple[float, float]:
    """(p95 of health, p95 of opening) in seconds, over alternating rounds."""
    path, body = prepare_share(base_url)

    async def health(http: httpx.AsyncClient) -> httpx.Response:
        return await http.get("/api/v1/health")

    async def open_share(http: httpx.AsyncClient) -> httpx.Response:
        return await http.post(path, json=body)

    health_times: list[float] = []
    open_times: list[float] = []
    asyncio.run(run_round(health, base_url, clients, clients * 2))  # warm the connections
    for _ in range(rounds):
        health_times += asyncio.run(run_round(health, base_url, clients, requests))
        open_times += asyncio.run(run_round(open_share, base_url, clients, requests))
    return p95(health_times), p95(open_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1500, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=["local", "postgres"], default="local")
    args = parser.parse_args()
    with ExitStack() as stack:
        env = dict(NO_LIMITS)
        if args.backend == "postgres":
            env["PDE_DATABASE_URL"] = stack.enter_context(temporary_database("pde_bench"))
        base = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(live_server(base / "server", env))
        health_p95, open_p95 = measure(server.url, args.clients, args.requests, args.rounds)
    print(f"share open, {args.clients} concurrent clients, {args.backend} database:")
    print(f"  health p95 {health_p95 * 1000:.1f} ms, open p95 {open_p95 * 1000:.1f} ms")
    print(f"  ratio open/health p95: {open_p95 / health_p95:.2f} (goal <= 3)")


if __name__ == "__main__":
    main()
