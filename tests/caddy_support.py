"""This machine's Caddy (Debian's `caddy`; scripts/install-system-deps.sh installs it)
serving the real deploy/Caddyfile for tests: HTTPS for the test name pde.localhost
from Caddy's local CA, with only the addresses moved for the run (ports, storage,
the upstreams' dial addresses); every directive is the file's own.

tests/deploy/test_caddyfile.py checks the file with it in front of stand-in
upstreams; tests/e2e/test_direct_transfers_browser.py puts it in front of a PDE
server and ministack, as in a region.

    with running_caddy(tmp_path, {"app-1:8000": app, "app-2:8000": app, "minio:9000": s3}) as front:
        front.request("/api/v1/health")
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.needs import missing
from tests.storage.s3server import free_port

REPO = Path(__file__).resolve().parents[1]
CADDYFILE = REPO / "deploy" / "Caddyfile"
DOMAIN = "pde.localhost"  # browsers and curl take any *.localhost for 127.0.0.1
START_TIMEOUT = 20.0


def caddy() -> str:
    """Caddy's executable; skipped (failed under CI) when it is not installed."""
    found = shutil.which("caddy")
    if found is None:
        missing("Caddy is not installed: `apt-get install -y caddy` to check deploy/Caddyfile")
    return found


def adapt(**environment: str) -> dict[str, Any]:
    """The Caddyfile adapted to Caddy's JSON, with `environment` as Caddy's process env."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}
    done = subprocess.run(
        [caddy(), "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    warnings = [line for line in done.stderr.splitlines() if '"level":"warn"' in line]
    assert not warnings, warnings
    config: dict[str, Any] = json.loads(done.stdout)
    return config


def local_config(
    tmp_path: Path, https: int, dials: dict[str, str], domain: str = DOMAIN, **environment: str
) -> dict[str, Any]:
    """The Caddyfile adapted for the test name `domain`, with only its addresses moved to
    this machine: `https` to listen on, each upstream's dial (`app-1:8000`…) to `dials`'."""
    config = adapt(PDE_DOMAIN=domain, PDE_TLS="internal", **environment)
    text = json.dumps(config)
    for dial, address in dials.items():
        text = text.replace(f'"dial": "{dial}"', f'"dial": "{address}"')
    config = json.loads(text)
    http = config["apps"]["http"]
    http["http_port"], http["https_port"] = free_port(), https
    [server] = http["servers"].values()
    server["listen"] = [f"127.0.0.1:{https}"]
    config["admin"] = {"listen": f"127.0.0.1:{free_port()}"}
    config["storage"] = {"module": "file_system", "root": str(tmp_path / "caddy-data")}
    return config


@dataclass
class Front:
    """A running Caddy: HTTPS on `port` for `domain`, its local CA's root certificate."""

    port: int
    root_certificate: Path
    domain: str = DOMAIN

    @property
    def origin(self) -> str:
        return f"https://{self.domain}:{self.port}"

    def request(self, path: str, *args: str) -> tuple[str, dict[str, str], str]:
        """curl over HTTPS to the test name: (status line, headers, body)."""
        done = subprocess.run(
            [
                "curl", "-sS", "--http2", "--max-time", "20",
                "--resolve", f"{self.domain}:{self.port}:127.0.0.1",
                "--cacert", str(self.root_certificate),
                "-D", "/dev/stderr", "-o", "-",
                *args, f"{self.origin}{path}",
            ],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        status_line, *lines = done.stderr.strip().split("\r\n\r\n")[-1].splitlines()
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        return status_line, headers, done.stdout


@contextlib.contextmanager
def running_caddy(
    tmp_path: Path,
    dials: dict[str, str],
    *,
    https: int | None = None,
    domain: str = DOMAIN,
    **environment: str,
) -> Iterator[Front]:
    """Caddy serving the Caddyfile for `domain` (Caddy's `environment`: PDE_S3_BUCKET…)
    on `https` (a free port by default) until the block ends, once /api/v1/health
    answers through it; `dials` moves its upstreams."""
    if shutil.which("curl") is None:
        missing("curl is not installed: `apt-get install -y curl`")
    https = https or free_port()
    tmp_path.mkdir(parents=True, exist_ok=True)
    config_file = tmp_path / "caddy.json"
    config_file.write_text(json.dumps(local_config(tmp_path, https, dials, domain, **environment)))
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    log = tmp_path / "caddy.log"
    process = subprocess.Popen(
        [caddy(), "run", "--config", str(config_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    root = tmp_path / "caddy-data" / "pki" / "authorities" / "local" / "root.crt"
    front = Front(https, root, domain)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if root.exists():
                    front.request("/api/v1/health")
                    break
            except subprocess.CalledProcessError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Caddy did not start: {log.read_text()}")
            time.sleep(0.2)
        yield front
    finally:
        process.terminate()
        process.wait(timeout=10)
