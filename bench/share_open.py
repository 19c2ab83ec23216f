"""Figure: opening a share (the server's part: check the token, count the
opening, log it, hand out a viewer token and the sealed boxes) at 64
concurrent clients, as the ratio of its p95 latency to the p95 of the bare
health endpoint measured the same way in the same run (goal: 3 or less).

Measured with one server process and with two (`pde serve --workers 2`, which
shares rate limits through Redis), on SQLite and on PostgreSQL: one line of
figures for each. Rounds of health and of openings alternate, so a noisy
neighbour on this shared machine weighs on both. The clients derive the link
and access tokens once, as a viewer does; PBKDF2 and decryption happen in the
browser, not here.

Run: `.venv/bin/python bench/share_open.py [--clients 64] [--requests 1500]
[--backend sqlite|postgres] [--workers 1|2] [--redis-url URL]` (without
--backend or --workers, every combination).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from client import PdeClient
from client.shares import create_share, shown_proofs
from crypto import derive_share_keys, parse_share_link
from tests.pg import temporary_database
from tests.server import ServeProcess

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
    return f"/api/v1/s/{share_id}/open", shown_proofs(derive_share_keys(secret, share_id, "4821"))


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken by hand: httpx's async pool
    itself becomes the bottleneck at 64 concurrent connections, which would
    measure the client instead of the server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def to(cls, host: str, port: int) -> Connection:
        return cls(*await asyncio.open_connection(host, port))

    async def request(self, raw: bytes) -> int:
        """Send one request; read the whole answer; return its status."""
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def http_request(method: str, path: str, body: bytes = b"") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += "Content-Type: application/json\r\n"
    return head.encode() + b"\r\n" + body


async def run_round(raw: bytes, base_url: str, clients: int, requests: int) -> list[float]:
    """`requests` calls spread over `clients` concurrent connections; their latencies."""
    url = httpx.URL(base_url)
    connections = [await Connection.to(url.host, url.port or 80) for _ in range(clients)]
    latencies: list[float] = []
    left = [requests]

    async def worker(connection: Connection) -> None:
        while left[0] > 0:
            left[0] -= 1
            started = time.perf_counter()
            status = await connection.request(raw)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"unexpected answer {status}")

    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()
    return latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(
    base_url: str, clients: int, requests: int, rounds: int
) -> tuple[list[float], list[float]]:
    """Latencies of health and of opening, in seconds, over alternating rounds."""
    path, body = prepare_share(base_url)
    health = http_request("GET", "/api/v1/health")
    open_share = http_request("POST", path, json.dumps(body).encode())
    health_times: list[float] = []
    open_times: list[float] = []
    for warm_up in (health, open_share):  # each process's first requests read and build
        asyncio.run(run_round(warm_up, base_url, clients, clients * 4))
    for _ in range(rounds):
        health_times += asyncio.run(run_round(health, base_url, clients, requests))
        open_times += asyncio.run(run_round(open_share, base_url, clients, requests))
    return health_times, open_times


def serve(stack: ExitStack, backend: str, workers: int, redis_url: str) -> ServeProcess:
    """A migrated `pde serve` with `workers` processes on a new database of `backend`."""
    env = dict(NO_LIMITS)
    if backend == "postgres":
        env["PDE_DATABASE_URL"] = stack.enter_context(temporary_database("pde_bench"))
    if workers > 1:  # what `pde serve --workers` asks for
        env |= {"PDE_REDIS_URL": redis_url, "PDE_SERVER_SECRET": secrets.token_hex(32)}
    base = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    server = ServeProcess(data_dir=base / "server", env=env, workers=workers)
    server.migrate()
    server.start()
    stack.callback(server.stop)
    return server


def report(
    backend: str, workers: int, clients: int, health: list[float], opening: list[float]
) -> None:
    """One configuration's figures: median and p95 of each, and the ratio of the p95s."""
    print(f"share open, {clients} concurrent clients, {backend}, {workers} worker(s):")
    for name, times in (("health", health), ("open", opening)):
        median, slowest = statistics.median(times) * 1000, p95(times) * 1000
        print(f"  {name:6} median {median:7.1f} ms, p95 {slowest:7.1f} ms")
    print(f"  ratio open/health p95: {p95(opening) / p95(health):.2f} (goal <= 3)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--requests", type=int, default=1500, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help="default: both")
    parser.add_argument("--workers", type=int, choices=[1, 2], help="default: both")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/13", help="for 2 workers' shared limits"
    )
    args = parser.parse_args()
    backends = [args.backend] if args.backend else ["sqlite", "postgres"]
    workers = [args.workers] if args.workers else [1, 2]
    for backend in backends:
        for count in workers:
            with ExitStack() as stack:
                server = serve(stack, backend, count, args.redis_url)
                health, opening = measure(server.url, args.clients, args.requests, args.rounds)
            report(backend, count, args.clients, health, opening)


if __name__ == "__main__":
    main()
