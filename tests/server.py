"""Real PDE servers for tests, each on a free 127.0.0.1 port with its own data
folder and `PDE_*` settings (`env`), freshly migrated:

- `live_server()`: the application `pde serve` runs, served by uvicorn with the
  same options in a thread of the test process. It starts in a fraction of a
  second (a subprocess costs seconds of imports, tens under a loaded run), so it
  is what tests use unless the process itself is under test.
- `serve_process()`: `pde serve` in a subprocess with its log captured to a
  file, for tests that kill it, restart it or read what it wrote.

    with live_server(tmp_path) as server:
        client = PdeClient(server.url)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from pde.app import create_app
from pde.cli import serve_options
from pde.settings import Settings
from tests.storage.s3server import S3Server, free_port
from wallet.db import migrate

REPO_ROOT = Path(__file__).resolve().parents[1]
PDE = [sys.executable, "-m", "pde.cli"]
START_TIMEOUT = 90.0  # generous: CI machines are shared and imports are slow under load


def settings_of(data_dir: Path, env: dict[str, str]) -> Settings:
    """The settings a server with this data folder and `PDE_*` environment runs with."""
    fields = {
        name.removeprefix("PDE_").lower(): value
        for name, value in env.items()
        if name.startswith("PDE_")
    }
    return Settings(**(fields | {"data_dir": data_dir}))


class ServedApp:
    """uvicorn serving `create_app(settings)` in a background thread of this process,
    on a socket bound first (no race for the port), with `pde serve`'s options."""

    def __init__(self, settings: Settings) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._app = create_app(settings)
        options = serve_options(settings)  # what `pde serve` gives uvicorn
        config = uvicorn.Config(self._app, log_level="warning", lifespan="on", **options)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the PDE test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
        self._app.state.runtime.engine.dispose()  # its database may be dropped next


@dataclass
class LiveServer:
    """A migrated PDE server with its own data folder and `PDE_*` settings, served in
    this process; `ServeProcess` serves it with `pde serve` instead."""

    data_dir: Path
    env: dict[str, str]
    port: int = 0
    _app: ServedApp | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        """What the server runs with: its `PDE_*` environment and data folder."""
        return settings_of(self.data_dir, self.env)

    def migrate(self) -> None:
        """`pde migrate`, in this process."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.settings().sqlalchemy_url)

    def start(self) -> None:
        self._app = ServedApp(self.settings())
        self._app.start()
        self.port = self._app.port

    def stop(self) -> None:
        if self._app is not None:
            self._app.stop()
            self._app = None


@dataclass
class ServeProcess(LiveServer):
    """`pde serve` in a subprocess; its data survives stop() for restart tests."""

    process: subprocess.Popen[bytes] | None = None
    workers: int = 1  # above 1: `pde serve --workers N`

    def __post_init__(self) -> None:
        self.port = self.port or free_port()

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def _run_env(self) -> dict[str, str]:
        return os.environ | {"PDE_DATA_DIR": str(self.data_dir)} | self.env

    def start(self) -> None:
        """Start serving and wait until /api/v1/health answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        workers = ["--workers", str(self.workers)] if self.workers > 1 else []
        self.process = subprocess.Popen(
            [*PDE, "serve", "--port", str(self.port), *workers],
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
def _running(server: LiveServer) -> Iterator[LiveServer]:
    server.migrate()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def live_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """A migrated server running in this process, stopped afterwards."""
    with _running(LiveServer(data_dir=data_dir, env=env or {})) as server:
        yield server


@contextlib.contextmanager
def serve_process(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[ServeProcess]:
    """A migrated `pde serve` process, stopped afterwards."""
    with _running(ServeProcess(data_dir=data_dir, env=env or {})) as server:
        assert isinstance(server, ServeProcess)
        yield server
