"""A real PDE server for tests: `pde migrate` then `pde serve` in a subprocess
on a free port, with its own data folder and its log captured to a file, so
tests can kill it, restart it and read what it wrote.

    with live_server(tmp_path) as server:
        client = PdeClient(server.url)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.storage.s3server import S3Server, free_port
from wallet.db import migrate

REPO_ROOT = Path(__file__).resolve().parents[1]
PDE = [sys.executable, "-m", "pde.cli"]
START_TIMEOUT = 90.0  # generous: CI machines are shared and imports are slow under load


@dataclass
class LiveServer:
    """One `pde serve` process; its data survives stop() for restart tests."""

    data_dir: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def _run_env(self) -> dict[str, str]:
        return os.environ | {"PDE_DATA_DIR": str(self.data_dir)} | self.env

    def migrate(self) -> None:
        """`pde migrate`, in this process (a subprocess would cost seconds of imports)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        url = self.env.get("PDE_DATABASE_URL") or f"sqlite:///{self.data_dir / 'pde.sqlite3'}"
        migrate(url)

    def start(self) -> None:
        """Start serving and wait until /api/v1/health answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*PDE, "serve", "--port", str(self.port)],
            env=self._run_env(),
            cwd=REPO_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pde serve exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("pde serve did not become healthy")

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server: SIGTERM, or SIGKILL to simulate a crash."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self, *, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def s3_env(s3: S3Server, bucket: str) -> dict[str, str]:
    """Settings that point PDE's blob store at a test S3 server."""
    return {
        "PDE_BLOB_BACKEND": "s3",
        "PDE_S3_ENDPOINT": s3.endpoint,
        "PDE_S3_ACCESS_KEY": s3.access_key,
        "PDE_S3_SECRET_KEY": s3.secret_key,
        "PDE_S3_BUCKET": bucket,
        "PDE_S3_REGION": "us-east-1",
    }


@contextlib.contextmanager
def live_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """A migrated, running PDE server, stopped afterwards."""
    server = LiveServer(data_dir=data_dir, env=env or {})
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()
