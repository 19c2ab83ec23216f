"""Figures: upload and download of an encrypted 1 GiB document through the
server, as ratios to a baseline measured in the same run, with the server's
peak memory growth.

- local blob store: ratio to a plain file copy of the same bytes;
- S3 blob store (a local S3-compatible test server): ratio to a direct
  minio-SDK put and get of the same bytes to the same server.

Run: `.venv/bin/python bench/server_throughput.py [--mib 1024] [--backend local|s3|both]`.
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
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from client import PdeClient
from crypto import b64u_encode, encrypt_stream, new_id, new_key
from tests.server import ServeProcess, s3_env, serve_process
from tests.storage.s3server import S3Server

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


def upload(server: ServeProcess, token: str, sealed: Path, digest: bytes) -> tuple[str, float]:
    """Declare, send in 16 MiB parts, complete; returns (document id, seconds)."""
    size = sealed.stat().st_size
    headers = {"Authorization": f"Bearer {token}"}
    document_id = new_id()
    body = {
        "document_id": document_id,
        "wrapped_key": b64u_encode(bytes([1]) + bytes(60)),
        "metadata": b64u_encode(bytes([1]) + bytes(256 + 28)),
        "size": size,
        "sha256": b64u_encode(digest),
    }
    with httpx.Client(base_url=server.url, headers=headers, timeout=600) as http:
        start = time.perf_counter()
        http.post("/api/v1/documents", json=body).raise_for_status()
        for offset in range(0, size, PART):
            length = min(PART, size - offset)
            http.put(
                f"/api/v1/documents/{document_id}/content",
                params={"offset": offset},
                content=file_chunks(sealed, offset, length),
                headers={"Content-Length": str(length)},
            ).raise_for_status()
        http.post(f"/api/v1/documents/{document_id}/complete").raise_for_status()
        return document_id, time.perf_counter() - start


def download(server: ServeProcess, token: str, document_id: str, target: Path) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    start = time.perf_counter()
    with (
        httpx.stream(
            "GET",
            f"{server.url}/api/v1/documents/{document_id}/content",
            headers=headers,
            timeout=600,
        ) as response,
        target.open("wb") as out,
    ):
        response.raise_for_status()
        for chunk in response.iter_bytes(MIB):
            out.write(chunk)
    return time.perf_counter() - start


def session_token(server: ServeProcess) -> str:
    client = PdeClient(server.url)
    client.register(f"bench-{secrets.token_hex(4)}", "benchmark passphrase")
    return str(client._token)


def measure_server(
    server: ServeProcess, sealed: Path, digest: bytes, work: Path
) -> dict[str, float]:
    token = session_token(server)
    assert server.process is not None
    rss_before = peak_rss_mib(server.process.pid)
    document_id, t_up = upload(server, token, sealed, digest)
    t_down = download(server, token, document_id, work / "downloaded.pdes")
    rss_growth = peak_rss_mib(server.process.pid) - rss_before
    assert (work / "downloaded.pdes").stat().st_size == sealed.stat().st_size
    (work / "downloaded.pdes").unlink()
    return {"upload_s": t_up, "download_s": t_down, "rss_growth_mib": rss_growth}


def baseline_copy(sealed: Path, work: Path) -> float:
    start = time.perf_counter()
    shutil.copyfile(sealed, work / "copy.pdes")
    with (work / "copy.pdes").open("rb+") as f:
        os.fsync(f.fileno())  # the server's local store fsyncs too
    elapsed = time.perf_counter() - start
    (work / "copy.pdes").unlink()
    return elapsed


def baseline_minio(s3: S3Server, sealed: Path) -> tuple[float, float]:
    store = s3.store("bench-direct")
    client = store._client
    start = time.perf_counter()
    with sealed.open("rb") as f:
        client.put_object("bench-direct", "direct", f, length=-1, part_size=PART)
    t_put = time.perf_counter() - start
    start = time.perf_counter()
    response = client.get_object("bench-direct", "direct")
    try:
        for _ in response.stream(MIB):
            pass
    finally:
        response.close()
        response.release_conn()
    return t_put, time.perf_counter() - start


def report(
    name: str, figures: dict[str, float], base_up: float, base_down: float, size_mib: float
) -> None:
    print(f"{name}")
    print(
        f"  upload   {figures['upload_s']:6.2f} s  ({size_mib / figures['upload_s']:5.0f} MiB/s)"
        f"  ratio to baseline {base_up / figures['upload_s']:.2f}  (goal >= 0.8)"
    )
    print(
        f"  download {figures['download_s']:6.2f} s  ({size_mib / figures['download_s']:5.0f}"
        f" MiB/s)  ratio to baseline {base_down / figures['download_s']:.2f}  (goal >= 0.8)"
    )
    print(f"  server peak RSS growth {figures['rss_growth_mib']:.1f} MiB  (goal <= 64)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--backend", choices=["local", "s3", "both"], default="both")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(dir="/var/tmp")))
        sealed = work / "sealed.pdes"
        digest = make_ciphertext(sealed, args.mib)
        size_mib = sealed.stat().st_size / MIB
        print(f"ciphertext of {args.mib} MiB of content ({size_mib:.1f} MiB)")
        if args.backend in ("local", "both"):
            base = baseline_copy(sealed, work)
            print(f"baseline: plain file copy {base:.2f} s ({size_mib / base:.0f} MiB/s)")
            with serve_process(work / "local", BIG_LIMITS) as server:
                report(
                    "local blob store",
                    measure_server(server, sealed, digest, work),
                    base,
                    base,
                    size_mib,
                )
            shutil.rmtree(work / "local")
        if args.backend in ("s3", "both"):
            s3 = S3Server(work / "s3")
            s3.start()
            stack.callback(s3.stop)
            base_put, base_get = baseline_minio(s3, sealed)
            print(f"baseline: direct minio put {base_put:.2f} s, get {base_get:.2f} s")
            with serve_process(work / "s3-server", BIG_LIMITS | s3_env(s3, "bench-pde")) as server:
                report(
                    "S3 blob store",
                    measure_server(server, sealed, digest, work),
                    base_put,
                    base_get,
                    size_mib,
                )


if __name__ == "__main__":
    main()
