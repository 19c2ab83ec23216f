"""Figure: a bounded load run. Simulated people log in, list their documents,
upload a small encrypted file, download one and open a share as a viewer, with
think times between actions, against `pde serve --workers 2` on PostgreSQL, an
S3 server (ministack) and Redis, all started here on 127.0.0.1. Prints count,
p50 and p95 of each operation, errors by status, and each worker's resident
memory (RSS) after the warm-up and at the end; exits non-zero on any failed
request (5xx above all) or a worker growing by more than 64 MiB.

Rate limits stay on: each person comes from an X-Forwarded-For address of its
own, the server believing it from 127.0.0.1 (PDE_TRUSTED_PROXIES), as it would
from a reverse proxy. Wallets, their first document and the shares are made
before the clock starts, from login keys derived once for every wallet, so the
load generator measures the server, not its own key derivation; each upload's
ciphertext is made before its request is timed.

Run: `.venv/bin/python bench/load.py [--users 200] [--seconds 300] [--warmup 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import os
import random
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg
import redis

from client import PdeClient
from client.shares import create_share, shown_proofs
from crypto import (
    b64u_encode,
    derive_login_keys,
    derive_share_keys,
    encrypt_metadata,
    encrypt_stream,
    new_id,
    new_key,
    parse_share_link,
    wrap_document_key,
)
from crypto.keys import ACCOUNT_SALT_BYTES, LoginKeys
from crypto.primitives import random_bytes
from tests.pg import temporary_database
from tests.server import ServeProcess, s3_env
from tests.storage.s3server import S3Server

API = "/api/v1"
MIB = 1 << 20
RSS_GROWTH_LIMIT = 64 * MIB
REDIS_DB_URL = "redis://127.0.0.1:6379/11"  # a database of its own, flushed before and after
PASSPHRASE = "a long enough passphrase for the load run"
SHARES = 5
FILE_BYTES = (8 << 10, 64 << 10)  # plaintext size of each upload, drawn between these
RSS_EVERY_SECONDS = 5.0
# uvicorn closes a keep-alive connection idle for 5 s; a request sent just then finds it
# closed without an answer, and a browser sends it again on a new connection.
CLOSED_WHILE_IDLE = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)
IDLE_RACE_SECONDS = 4.0


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


# --- Before the clock starts ---------------------------------------------------------


@dataclass
class Person:
    """One simulated person: a wallet, its keys, and the address it comes from."""

    number: int
    handle: str
    account_id: str
    master_key: bytes
    address: str


@dataclass(frozen=True)
class OpenableShare:
    """A share a person may open as a viewer: its id and the body proving the link."""

    share_id: str
    proofs: dict[str, str]


class ForwardedClient(PdeClient):
    """The Python client, as seen by the server from `address` (X-Forwarded-For)."""

    def __init__(self, server: str, address: str) -> None:
        super().__init__(server)
        self.address = address

    def _headers(self) -> dict[str, str]:
        return super()._headers() | {"X-Forwarded-For": self.address}


def address_of(number: int) -> str:
    """A documentation-range-like private address per person: 10.x.y.z."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def register(base_url: str, number: int, salt: bytes, login: LoginKeys) -> tuple[Person, str]:
    """A new wallet with one document; the person, and that document's id."""
    address = address_of(number + 1)
    with ForwardedClient(base_url, address) as wallet:
        wallet.register_with_keys(f"load-{number}-{secrets.token_hex(3)}", salt, login)
        document_id = wallet.add(io.BytesIO(random_bytes(FILE_BYTES[0])), title="first")
        account_id, master_key = wallet.master_keys()
        return Person(number, str(wallet.handle), account_id, master_key, address), document_id


def share_of(base_url: str, person: Person, document_id: str) -> OpenableShare:
    """A share of the person's first document, without a PIN, opened as many times as wished."""
    with ForwardedClient(base_url, person.address) as wallet:
        wallet.login(person.handle, PASSPHRASE)
        link = create_share(wallet, [document_id], recipient="CPAS", purpose="load").link
    _, share_id, secret = parse_share_link(link)
    return OpenableShare(share_id, shown_proofs(derive_share_keys(secret, share_id, "")))


def prepare(base_url: str, users: int) -> tuple[list[Person], list[OpenableShare], LoginKeys]:
    """`users` wallets (login keys derived once, shared by all) and a few shares."""
    salt = random_bytes(ACCOUNT_SALT_BYTES)
    login = derive_login_keys(PASSPHRASE, salt)
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda n: register(base_url, n, salt, login), range(users)))
        shares = list(pool.map(lambda pair: share_of(base_url, *pair), made[:SHARES]))
    return [person for person, _ in made], shares, login


# --- The people ----------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies by operation and failures by operation and status, counted from
    `since` (the end of the warm-up) on."""

    since: float = float("inf")
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    resent: Counter[str] = field(default_factory=Counter)  # by operation

    def record(self, operation: str, started: float, outcome: str | None) -> None:
        if started < self.since:
            return
        if outcome is None:
            self.times[operation].append(time.perf_counter() - started)
        else:
            self.failures[(operation, outcome)] += 1


def error_of(response: httpx.Response) -> str:
    """The status and the API's error code: "503 limits_unavailable"."""
    try:
        return f"{response.status_code} {response.json()['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return str(response.status_code)


class Failed(Exception):
    """A request failed; the person gives up this visit and starts another."""


@dataclass
class Visit:
    """One person's HTTP connection and what each of their requests needs. With
    `store` (direct transfers) content goes to and from the object store on the
    presigned URLs the server gives, through that client, with no header of ours."""

    person: Person
    http: httpx.AsyncClient
    tally: Tally
    login: LoginKeys
    store: httpx.AsyncClient | None = None
    token: str = ""
    answered: dict[int, float] = field(default_factory=dict)  # last answer, by client

    async def request(
        self, operation: str, method: str, path: str, **options: Any
    ) -> httpx.Response:
        """One timed request to the server; Failed unless it succeeded."""
        headers = {"X-Forwarded-For": self.person.address} | options.pop("headers", {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return await self.timed(operation, self.http, method, path, headers=headers, **options)

    async def timed(
        self, operation: str, http: httpx.AsyncClient, method: str, url: str, **options: Any
    ) -> httpx.Response:
        """One timed request with `http`; Failed unless it succeeded. A request that
        finds its idle keep-alive connection closed is sent again once, as browsers do."""
        started = time.perf_counter()
        idle = started - self.answered.get(id(http), started)
        try:
            try:
                response = await http.request(method, url, **options)
            except CLOSED_WHILE_IDLE:
                if idle < IDLE_RACE_SECONDS:
                    raise
                self.tally.resent[operation] += started >= self.tally.since
                response = await http.request(method, url, **options)
        except httpx.HTTPError as error:
            outcome = f"dropped ({type(error).__name__}, after {idle:.0f} s idle)"
            self.tally.record(operation, started, outcome)
            raise Failed(operation) from None
        self.answered[id(http)] = time.perf_counter()
        failed = response.status_code >= 400
        self.tally.record(operation, started, error_of(response) if failed else None)
        if failed:
            raise Failed(operation)
        return response

    async def log_in(self) -> None:
        handle = self.person.handle
        await self.request("login start", "POST", f"{API}/login/start", json={"handle": handle})
        body = {"handle": handle, "auth_key": b64u_encode(self.login.auth_key)}
        answer = await self.request("login", "POST", f"{API}/login", json=body)
        self.token = answer.json()["session_token"]

    async def list_documents(self) -> list[str]:
        answer = await self.request("list", "GET", f"{API}/documents")
        return [item["document_id"] for item in answer.json()]

    async def upload(self) -> None:
        declared, ciphertext = sealed_upload(self.person)
        path = f"{API}/documents/{declared['document_id']}"
        await self.request("upload declare", "POST", f"{API}/documents", json=declared)
        if self.store is None:
            await self.request(
                "upload part",
                "PUT",
                f"{path}/content",
                params={"offset": 0},
                content=ciphertext,
                headers={"Content-Type": "application/octet-stream"},
            )
        else:
            await self.put_direct(path, ciphertext)
        await self.request("upload complete", "POST", f"{path}/complete")

    async def put_direct(self, path: str, ciphertext: bytes) -> None:
        """The one part of a small file: its presigned URL, put on the store, acknowledged."""
        assert self.store is not None
        digest = b64u_encode(hashlib.sha256(ciphertext).digest())
        part = {"offset": 0, "length": len(ciphertext), "sha256": digest}
        presigned = await self.request("upload part url", "POST", f"{path}/upload/parts", json=part)
        target = presigned.json()
        await self.timed(
            "store put",
            self.store,
            "PUT",
            target["url"],
            content=ciphertext,
            headers=target["headers"],
        )
        await self.request(
            "upload part ack", "POST", f"{path}/upload/parts/ack", json={"offset": 0}
        )

    async def fetch(self, operation: str, path: str, headers: dict[str, str]) -> None:
        """A ciphertext: from the server at `path`, or (direct) from the store on the
        URL of `path`-url."""
        if self.store is None:
            await self.request(operation, "GET", path, headers=headers)
            return
        answer = await self.request(f"{operation} url", "GET", f"{path}-url", headers=headers)
        await self.timed("store get", self.store, "GET", answer.json()["url"])

    async def download(self, document_id: str) -> None:
        await self.fetch("download", f"{API}/documents/{document_id}/content", {})

    async def open_share(self, share: OpenableShare) -> None:
        path = f"{API}/s/{share.share_id}"
        opened = (
            await self.request("share open", "POST", f"{path}/open", json=share.proofs)
        ).json()
        document_id = opened["documents"][0]["document_id"]
        viewer = {"Authorization": f"Bearer {opened['view_token']}"}
        await self.fetch("share download", f"{path}/documents/{document_id}/content", viewer)

    async def log_out(self) -> None:
        await self.request("logout", "POST", f"{API}/logout")
        self.token = ""


def sealed_upload(person: Person) -> tuple[dict[str, Any], bytes]:
    """A new document's declaration and ciphertext: a few KiB of random content
    encrypted under a fresh key wrapped with the person's master key."""
    document_id, document_key = new_id(), new_key()
    plaintext = random_bytes(random.randint(*FILE_BYTES))
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), sealed, document_key, document_id)
    ciphertext = sealed.getvalue()
    metadata = {"title": "load", "type": "other", "media_type": "image/jpeg"}
    metadata["size"] = len(plaintext)
    wrapped = wrap_document_key(person.master_key, document_key, person.account_id, document_id)
    box = encrypt_metadata(document_key, metadata, person.account_id, document_id)
    declared = {
        "document_id": document_id,
        "wrapped_key": b64u_encode(wrapped),
        "metadata": b64u_encode(box),
        "size": len(ciphertext),
        "sha256": b64u_encode(hashlib.sha256(ciphertext).digest()),
    }
    return declared, ciphertext


async def live(
    visit: Visit, shares: list[OpenableShare], think: tuple[float, float], end: float
) -> None:
    """Visits until `end`: log in, list, upload, download one, open a share, log out,
    thinking between actions; a failed request ends the visit."""

    async def think_a_while() -> None:
        await asyncio.sleep(min(random.uniform(*think), max(0.0, end - time.perf_counter())))

    async def pause() -> None:
        await think_a_while()
        if time.perf_counter() >= end:
            raise Failed("time is up")

    while time.perf_counter() < end:
        try:
            await visit.log_in()
            await pause()
            documents = await visit.list_documents()
            await pause()
            await visit.upload()
            await pause()
            await visit.download(random.choice(documents))
            await pause()
            await visit.open_share(random.choice(shares))
            await pause()
            await visit.log_out()
            await pause()
        except Failed:
            visit.token = ""
            await think_a_while()


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
