"""Figures: upload and download of an encrypted 1 GiB document through the
server, as ratios to a baseline measured in the same run, with the server's
peak memory growth.

- local blob store: ratio to a bare uvicorn app (uvloop, httptools, no
  framework: bench/bare_file_server.py) that streams the same body into a file
  with fsync, and streams the file back (goal >= 0.8 each way);
- S3 blob store (a local S3-compatible test server): ratio to a direct
  minio-SDK put and get of the same bytes to the same server (goal >= 0.9).
  The server runs with PDE_S3_PUBLIC_URL set to that store's origin, so a
  client that transfers straight to the store (direct transfers) does so.

Each backend runs `--rounds` rounds (3 by default), each a baseline then PDE, on
the same servers; the figures are the median of the rounds' ratios, with their
range. On this shared machine one pair can be far off (the disk's speed for the
same 1 GiB with fsync varies from 350 MB/s to 1.7 GB/s from one run to the next).

Run: `.venv/bin/python bench/server_throughput.py [--mib 1024] [--backend local|s3|both]
[--rounds 3]`.
The client side here sends ciphertext made beforehand, so the figures measure
the server, not the encryption (bench/crypto_throughput.py measures that).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from client import PdeClient, direct
from crypto import b64u_encode, encrypt_stream, new_id, new_key
from tests.server import ServeProcess, s3_env, serve_process
from tests.storage.s3server import S3Server, free_port

MIB = 1 << 20
PART = 16 * MIB
BIG_LIMITS = {"PDE_DOCUMENT_MAX_BYTES": str(8 << 30), "PDE_WALLET_QUOTA_BYTES": str(16 << 30)}


def make_ciphertext(path: Path, mib: int) -> bytes:
    """An encrypted stream of `mib` MiB of random content; returns its SHA-256."""

    class Random(io.RawIOBase):
        def __init__(self) -> None:
            self.left = mib * MIB

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
            n = min(len(buffer), self.left)
            buffer[:n] = os.urandom(n)
            self.left -= n
            return n

    with path.open("wb") as out:
        encrypt_stream(io.BufferedReader(Random(), MIB), out, new_key(), new_id())
    digest = hashlib.sha256()
    with path.open("rb") as sealed:
        while chunk := sealed.read(MIB):
            digest.update(chunk)
    return digest.digest()


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def file_chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(start)
        while length > 0:
            chunk = f.read(min(MIB, length))
            length -= len(chunk)
            yield chunk


def upload(client: PdeClient, sealed: Path, digest: bytes) -> tuple[str, float]:
    """Declare, send in 16 MiB parts as the Python client does (to the server, or
    straight to the object store when the server says transfer: direct), complete;
    returns (document id, seconds)."""
    size = sealed.stat().st_size
    document_id = new_id()
    body = {
        "document_id": document_id,
        "wrapped_key": b64u_encode(bytes([1]) + bytes(60)),
        "metadata": b64u_encode(bytes([1]) + bytes(256 + 28)),
        "size": size,
        "sha256": b64u_encode(digest),
    }
    start = time.perf_counter()
    client.call("POST", "/api/v1/documents", json=body)
    with sealed.open("rb") as source:
        client.upload_parts(document_id, source, size, PART)
    client.call("POST", f"/api/v1/documents/{document_id}/complete")
    return document_id, time.perf_counter() - start


def download(client: PdeClient, document_id: str, target: Path) -> tuple[float, str]:
    """The ciphertext as the Python client gets it: from the server, or on the
    presigned URL of the content-url route in direct mode; (seconds, mode)."""
    path = f"/api/v1/documents/{document_id}"
    if client.account.get("transfer") == "direct":  # the client's own code: client/direct.py
        # Timed as the baseline's get is: the body read to its end and not kept (writing
        # 1 GiB to this disk, which minio's get does not do, costs 0.5-1.5 s of its own).
        start = time.perf_counter()
        where = client.call("GET", f"{path}/content-url")
        received = direct.fetch(client, client._store, where, Discard())
        seconds = time.perf_counter() - start
        assert received == where["size"], (received, where["size"])
        with target.open("wb") as out:  # again, untimed, for the caller's check of the bytes
            direct.fetch(client, client._store, where, out)
        return seconds, "direct"
    token = {"Authorization": f"Bearer {client._token}"}
    return fetch(f"{client.server}{path}/content", token, target), "server"


class Discard:
    """A file that keeps nothing: what the baseline's get does with the bytes it reads."""

    def write(self, data: bytes) -> int:
        return len(data)


def fetch(url: str, headers: dict[str, str], target: Path) -> float:
    """GET `url` into the file `target`; returns the seconds it took."""
    start = time.perf_counter()
    with (
        httpx.stream("GET", url, headers=headers, timeout=600) as response,
        target.open("wb") as out,
    ):
        response.raise_for_status()
        for chunk in response.iter_bytes(MIB):
            out.write(chunk)
    return time.perf_counter() - start


def measure_server(
    server: ServeProcess, sealed: Path, digest: bytes, work: Path
) -> dict[str, float]:
    client = PdeClient(server.url)
    client.register(f"bench-{secrets.token_hex(4)}", "benchmark passphrase")
    assert server.process is not None
    rss_before = peak_rss_mib(server.process.pid)
    document_id, t_up = upload(client, sealed, digest)
    t_down, mode = download(client, document_id, work / "downloaded.pdes")
    rss_growth = peak_rss_mib(server.process.pid) - rss_before
    assert (work / "downloaded.pdes").stat().st_size == sealed.stat().st_size
    (work / "downloaded.pdes").unlink()
    client.call("DELETE", f"/api/v1/documents/{document_id}")  # the next round's room
    return {"upload_s": t_up, "download_s": t_down, "rss_growth_mib": rss_growth, mode: 1.0}


def baseline_bare(sealed: Path, work: Path) -> tuple[float, float]:
    """One PUT of the whole ciphertext to the bare uvicorn app (written to a file,
    fsynced) and one GET of it back; returns (put seconds, get seconds)."""
    port = free_port()
    bare = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "bench.bare_file_server:app"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            *("--loop", "uvloop", "--http", "httptools"),
        ],
        env=os.environ | {"BARE_FILE": str(work / "bare.pdes")},
        cwd=Path(__file__).resolve().parents[1],
    )
    url = f"http://127.0.0.1:{port}/file"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        (work / "bare.pdes").unlink(missing_ok=True)
        size = sealed.stat().st_size
        start = time.perf_counter()
        httpx.put(
            url,
            content=file_chunks(sealed, 0, size),
            headers={"Content-Length": str(size)},
            timeout=600,
        ).raise_for_status()
        t_put = time.perf_counter() - start
        t_get = fetch(url, {}, work / "got.pdes")
        assert (work / "got.pdes").stat().st_size == size
    finally:
        bare.terminate()
        bare.wait()
        for leftover in ("bare.pdes", "got.pdes"):
            (work / leftover).unlink(missing_ok=True)
    return t_put, t_get


def baseline_minio(s3: S3Server, sealed: Path) -> tuple[float, float]:
    """A minio-SDK put of the ciphertext as a new object, as PDE's upload makes one
    (putting over the same key each round made the baseline's later rounds faster:
    5.8-6.1 s against 7.9 s for the first), its get, then its deletion, as PDE's."""
    client, key = s3.store("bench-direct")._client, f"direct-{secrets.token_hex(4)}"
    start = time.perf_counter()
    with sealed.open("rb") as f:
        client.put_object("bench-direct", key, f, length=-1, part_size=PART)
    t_put = time.perf_counter() - start
    start = time.perf_counter()
    response = client.get_object("bench-direct", key)
    try:
        for _ in response.stream(MIB):
            pass
    finally:
        response.close()
        response.release_conn()
    t_get = time.perf_counter() - start
    client.remove_object("bench-direct", key)
    return t_put, t_get


Rounds = list[tuple[dict[str, float], tuple[float, float]]]  # (PDE's figures, baseline's)


def report(
    name: str,
    rounds: Rounds,
    size_mib: float,
    goal: float,
) -> None:
    """Each round's times and ratios, then the median ratio each way and its range."""
    print(f"{name} ({'direct transfers' if 'direct' in rounds[0][0] else 'through the server'})")
    ratios: dict[str, list[float]] = {"upload": [], "download": []}
    for number, (figures, baseline) in enumerate(rounds, 1):
        line = []
        for way, seconds, base in (
            ("upload", figures["upload_s"], baseline[0]),
            ("download", figures["download_s"], baseline[1]),
        ):
            ratios[way].append(base / seconds)
            line.append(
                f"{way} {seconds:.2f} s ({size_mib / seconds:.0f} MiB/s) vs {base:.2f} s:"
                f" {base / seconds:.2f}"
            )
        peak = figures["rss_growth_mib"]
        print(f"  round {number}: {'; '.join(line)}; server RSS growth {peak:.1f} MiB")
    for way, values in ratios.items():
        print(
            f"  {way:8} ratio to baseline {statistics.median(values):.2f}"
            f" (rounds {min(values):.2f}-{max(values):.2f}; goal >= {goal})"
        )
    growth = max(figures["rss_growth_mib"] for figures, _ in rounds)
    print(f"  server peak RSS growth {growth:.1f} MiB  (goal <= 64)")


def alternated(
    count: int,
    baseline: Callable[[], tuple[float, float]],
    server: ServeProcess,
    sealed: Path,
    digest: bytes,
) -> Rounds:
    """`count` rounds, each the baseline run first, then PDE: per round, PDE's figures
    and the baseline's (put, get) seconds."""
    rounds: Rounds = []
    for _ in range(count):
        base = baseline()
        rounds.append((measure_server(server, sealed, digest, sealed.parent), base))
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--backend", choices=["local", "s3", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3, help="baseline-then-PDE pairs")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir="/var/tmp")))
        sealed = work / "sealed.pdes"
        digest = make_ciphertext(sealed, args.mib)
        size_mib = sealed.stat().st_size / MIB
        print(f"ciphertext of {args.mib} MiB of content ({size_mib:.1f} MiB)")
        if args.backend in ("local", "both"):
            with serve_process(work / "local", BIG_LIMITS) as server:
                bare = partial(baseline_bare, sealed, work)
                rounds = alternated(args.rounds, bare, server, sealed, digest)
            print("baseline: bare uvicorn to a file, one PUT with fsync and one GET")
            report("local blob store", rounds, size_mib, 0.8)
            shutil.rmtree(work / "local")
        if args.backend in ("s3", "both"):
            s3 = S3Server(work / "s3")
            s3.start()
            stack.callback(s3.stop)
            env = BIG_LIMITS | s3_env(s3, "bench-pde")
            env["PDE_S3_PUBLIC_URL"] = f"http://{s3.endpoint}"  # direct transfers
            with serve_process(work / "s3-server", env) as server:
                direct = partial(baseline_minio, s3, sealed)
                rounds = alternated(args.rounds, direct, server, sealed, digest)
            print("baseline: a direct minio put and get of the same bytes")
            report("S3 blob store", rounds, size_mib, 0.9)


if __name__ == "__main__":
    main()
