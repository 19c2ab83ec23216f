"""Figure: a bounded load run. Simulated people log in, list their documents,
upload a small encrypted file, download one and open a share as a viewer, with
think times between actions, against `pde serve --workers 2` on PostgreSQL, an
S3 server (ministack) and Redis, all started here on 127.0.0.1. Prints count,
p50 and p95 of each operation, errors by status and code, the workers' CPU per
request and per visit, each worker's resident memory (RSS) after the warm-up
and at the end, and what the run stored; exits non-zero on any failed request
(5xx above all) or a worker growing by more than 64 MiB. With `--direct`,
content goes between the people and the object store on presigned URLs
(PDE_S3_PUBLIC_URL). The people themselves are in bench/load_people.py;
docs/scaling.md has the figures.

Rate limits stay on: each person comes from an X-Forwarded-For address of its
own, the server believing it from 127.0.0.1 (PDE_TRUSTED_PROXIES), as it would
from a reverse proxy. Wallets, their first document and the shares are made
before the clock starts, from login keys derived once for every wallet, so the
load generator measures the server, not its own key derivation; each upload's
ciphertext is made before its request is timed.

Run: `.venv/bin/python bench/load.py [--users 200] [--seconds 300] [--warmup 30]
[--think 1,5] [--direct]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg
import redis

from bench.load_people import OpenableShare, Person, Tally, Visit, live, prepare
from crypto.keys import LoginKeys
from tests.pg import temporary_database
from tests.server import ServeProcess, s3_env
from tests.storage.s3server import S3Server

MIB = 1 << 20
RSS_GROWTH_LIMIT = 64 * MIB
REDIS_DB_URL = "redis://127.0.0.1:6379/11"  # a database of its own, flushed before and after
RSS_EVERY_SECONDS = 5.0


# --- The servers ---------------------------------------------------------------------


@contextmanager
def servers(base: Path, workers: int, *, direct: bool) -> Iterator[ServeProcess]:
    """ministack, a fresh PostgreSQL database, Redis's database 11 flushed, and
    `pde serve --workers N` over them, trusting 127.0.0.1 as its proxy; `direct`:
    content goes between clients and ministack on presigned URLs."""
    with ExitStack() as stack:
        s3 = S3Server(base / "s3")
        s3.start()
        stack.callback(s3.stop)
        url = stack.enter_context(temporary_database("pde_load"))
        limits = redis.Redis.from_url(REDIS_DB_URL)
        limits.flushdb()
        stack.callback(limits.close)
        stack.callback(limits.flushdb)
        env = s3_env(s3, "pde-load") | {
            "PDE_DATABASE_URL": url,
            "PDE_REDIS_URL": REDIS_DB_URL,
            "PDE_SERVER_SECRET": secrets.token_hex(32),
            "PDE_TRUSTED_PROXIES": "127.0.0.1",
            "PDE_LOG_FORMAT": "text",
        }
        if direct:
            env["PDE_S3_PUBLIC_URL"] = f"http://{s3.endpoint}"
        server = ServeProcess(data_dir=base / "server", env=env, workers=workers)
        server.migrate()
        stack.callback(server.stop)  # also when it never became healthy
        try:
            server.start()
        except RuntimeError:
            print(server.log_text()[-3000:], file=sys.stderr)
            raise
        yield server


def worker_pids(server: ServeProcess) -> list[int]:
    """The worker processes of `pde serve --workers N`: its children started by
    multiprocessing's spawn (not its resource tracker)."""
    assert server.process is not None
    parent = server.process.pid
    if server.workers == 1:
        return [parent]
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (VmRSS), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time each process has used so far, in seconds."""
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):  # a database backend may have ended
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
            used[pid] = ticks / os.sysconf("SC_CLK_TCK")
    return used


# --- The run -------------------------------------------------------------------------


@dataclass
class Memory:
    """Each worker's RSS: after the warm-up and at the end (nothing in progress
    either time), and the highest seen while people were busy."""

    start: dict[int, int] = field(default_factory=dict)
    end: dict[int, int] = field(default_factory=dict)
    peak: dict[int, int] = field(default_factory=dict)
    cpu_start: dict[str, dict[int, float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the measured part

    def start_cpu(self, name: str, pids: list[int]) -> None:
        self.cpu_start[name] = cpu_seconds(pids)

    def end_cpu(self, name: str) -> None:
        """CPU used since `start_cpu` by the processes alive at both ends."""
        start = self.cpu_start[name]
        end = cpu_seconds(list(start))
        self.cpu[name] = sum(end[pid] - start[pid] for pid in end)

    def sample(self, pids: list[int]) -> dict[int, int]:
        now = {pid: rss_bytes(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
        for pid, rss in now.items():
            self.peak[pid] = max(self.peak.get(pid, 0), rss)
        return now


async def watch_memory(memory: Memory, pids: list[int], end: float) -> None:
    """Sample every few seconds until `end`, for the peak."""
    while time.perf_counter() < end:
        await asyncio.sleep(min(RSS_EVERY_SECONDS, max(0.0, end - time.perf_counter())))
        memory.sample(pids)


async def run_people(
    base_url: str,
    people: list[Person],
    shares: list[OpenableShare],
    login: LoginKeys,
    args: argparse.Namespace,
    pids: list[int],
) -> tuple[Tally, Memory, float]:
    """Every person lives through the warm-up, then through the measured seconds,
    each phase's starts spread over its first seconds. RSS is read while nobody
    waits for an answer, after each phase: a login in progress holds Argon2id's
    64 MiB, which would blur the comparison. (tally, memory, seconds measured)"""
    tally, memory = Tally(), Memory()
    clients = [httpx.AsyncClient(base_url=base_url, timeout=60) for _ in people]
    pool = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
    store = httpx.AsyncClient(timeout=60, limits=pool) if args.direct else None

    async def phase(seconds: float) -> None:
        end = time.perf_counter() + seconds
        ramp = min(seconds / 2, 10.0)

        async def person_life(n: int) -> None:
            await asyncio.sleep(ramp * n / len(people))
            visit = Visit(people[n], clients[n], tally, login, store)
            await live(visit, shares, args.think, end)

        watcher = asyncio.create_task(watch_memory(memory, pids, end))
        await asyncio.gather(*(person_life(n) for n in range(len(people))))
        await watcher

    try:
        await phase(args.warmup)
        memory.start = memory.sample(pids)
        memory.start_cpu("workers", pids)
        tally.since = time.perf_counter()
        await phase(args.seconds)
        memory.end = memory.sample(pids)
        memory.end_cpu("workers")
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
        if store is not None:
            await store.aclose()
    return tally, memory, time.perf_counter() - tally.since


# --- What was stored, and the report -------------------------------------------------


def stored_figures(server: ServeProcess, s3_dir: Path) -> list[str]:
    """Lines on what the run left: database size and rows, Redis keys, S3 bytes."""
    url = server.env["PDE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as db:
        size = db.execute("SELECT pg_database_size(current_database())").fetchone()
        db.execute("ANALYZE")  # row counts up to date
        rows = db.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) FROM pg_stat_user_tables"
            " WHERE n_live_tup > 0 ORDER BY n_live_tup DESC LIMIT 6"
        ).fetchall()
        documents = db.execute("SELECT count(*), coalesce(sum(size), 0) FROM documents").fetchone()
    limits = redis.Redis.from_url(REDIS_DB_URL)
    keys = list(limits.scan_iter(count=1000))
    redis_bytes = sum(limits.memory_usage(key) or 0 for key in keys)
    limits.close()
    s3_bytes = sum(f.stat().st_size for f in s3_dir.rglob("*") if f.is_file())
    assert size is not None and documents is not None
    return [
        f"database: {size[0] / MIB:.1f} MiB, {documents[0]} documents of"
        f" {documents[1] / MIB:.1f} MiB ciphertext; most rows: "
        + ", ".join(f"{name} {n} ({size / n:.0f} B each)" for name, n, size in rows),
        f"redis: {len(keys)} keys, {redis_bytes / 1024:.0f} KiB (MEMORY USAGE)",
        f"s3 server folder: {s3_bytes / MIB:.1f} MiB",
    ]


def milliseconds(values: list[float], fraction: float) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000:.0f}"


def report(tally: Tally, memory: Memory, seconds: float) -> list[str]:
    """The table of operations, the failures and the memory; returns the problems."""
    print(f"{'operation':<18}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'failed':>8}")
    operations = sorted(set(tally.times) | {op for op, _ in tally.failures})
    for operation in operations:
        times = tally.times.get(operation, [])
        failed = sum(n for (op, _), n in tally.failures.items() if op == operation)
        p50, p95 = milliseconds(times, 0.5), milliseconds(times, 0.95)
        print(f"{operation:<18}{len(times):>8}{p50:>9}{p95:>9}{failed:>8}")
    resent = sum(tally.resent.values())
    print(
        f"sent again after finding an idle connection closed (as browsers do): {resent}"
        + (f" ({dict(tally.resent)})" if resent else "")
    )
    done = sum(len(times) for times in tally.times.values())
    print(f"{done} requests answered in {seconds:.0f} s: {done / seconds:.1f} per second")
    visits = max(len(tally.times.get("login", [])), 1)
    for name, used in memory.cpu.items():
        each, per_visit = used / max(done, 1) * 1000, used / visits * 1000
        print(
            f"CPU of the {name}: {used:.0f} s, {each:.1f} ms per request answered,"
            f" {per_visit:.0f} ms per login (one visit)"
        )
    problems = []
    by_status = Counter[str]()
    for (operation, outcome), n in tally.failures.items():
        by_status[outcome] += n
        print(f"failed: {operation}: {outcome} x {n}")
    server_errors = sum(n for outcome, n in by_status.items() if not outcome.startswith("4"))
    print(f"errors by status: {dict(by_status) or 'none'} (5xx and dropped: {server_errors})")
    if by_status:
        problems.append(f"{sum(by_status.values())} failed requests")
    for pid in memory.start:
        start, end, peak = memory.start[pid], memory.end.get(pid, 0), memory.peak[pid]
        growth = end - start
        print(
            f"worker {pid}: RSS {start / MIB:.1f} MiB after warm-up, {end / MIB:.1f} MiB at"
            f" the end (peak {peak / MIB:.1f}): growth {growth / MIB:+.1f} MiB"
        )
        if growth > RSS_GROWTH_LIMIT:
            problems.append(f"worker {pid} grew by {growth / MIB:.1f} MiB")
    return problems


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return float(low), float(high or low)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300, help="measured, after the warm-up")
    parser.add_argument("--warmup", type=float, default=30, help="seconds before measuring")
    parser.add_argument(
        "--think", type=think_range, default=(1.0, 5.0), help="seconds between actions: MIN,MAX"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--direct", action="store_true", help="content on presigned URLs (PDE_S3_PUBLIC_URL)"
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} cores (shared)", flush=True)
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="pde-load-") as folder,
        servers(Path(folder), args.workers, direct=args.direct) as server,
    ):
        ready = time.perf_counter()
        print(f"servers started in {ready - began:.0f} s", flush=True)
        people, shares, login = prepare(server.url, args.users)
        print(
            f"prepared {len(people)} wallets and {len(shares)} shares"
            f" in {time.perf_counter() - ready:.0f} s",
            flush=True,
        )
        pids = worker_pids(server)
        tally, memory, seconds = asyncio.run(
            run_people(server.url, people, shares, login, args, pids)
        )
        print(
            f"{args.users} people, think {args.think[0]:g}-{args.think[1]:g} s, "
            f"{args.workers} workers, PostgreSQL + S3 (ministack) + Redis,"
            f" {'direct' if args.direct else 'server'} transfers,"
            f" warm-up {args.warmup:g} s:"
        )
        problems = report(tally, memory, seconds)
        if sorted(pids) != sorted(worker_pids(server)):
            problems.append("a worker process was replaced during the run")
        for line in stored_figures(server, Path(folder) / "s3"):
            print(line)
    print(f"load average after: {os.getloadavg()}")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
