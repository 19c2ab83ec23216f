"""A throwaway S3-compatible server (ministack) for tests and benchmarks.

No MinIO server can be installed on these machines, so the S3 backend is
tested against ministack, installed by `make setup` in its own venv
(`.venv-s3/`, because it pins its own botocore). Each server gets a free
127.0.0.1 port and its own folders, so parallel pytest workers never share one.

    with start_s3_server(tmp_path) as server:
        store = server.store("my-bucket")

With `auth=True` ministack checks signatures: the server creates an IAM user
allowed `s3:*` and hands out that user's keys, since ministack never checks
the root key's signature.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from minio.credentials.credentials import Credentials
from minio.helpers import DictType
from minio.signer import _sign_v4  # private, but stable across minio 7.x; we pin 7.2.20

from wallet.storage.s3 import S3BlobStore

REPO_ROOT = Path(__file__).resolve().parents[2]
MINISTACK = REPO_ROOT / ".venv-s3" / "bin" / "ministack"
REGION = "us-east-1"
START_TIMEOUT = 30.0


class MinistackMissing(RuntimeError):
    """`.venv-s3/bin/ministack` is not installed: run `make setup` (or `make test`)."""


def require_ministack() -> None:
    """Inside pytest: fail under CI (which must run every test), else skip."""
    from tests.needs import missing

    if MINISTACK.exists():
        return
    message = f"{MINISTACK} is missing: run `make setup` to install the S3 test server"
    missing(message)


def fresh_bucket_name() -> str:
    """A bucket name no other test uses, so tests sharing a server never meet."""
    return f"pde-test-{uuid.uuid4().hex[:16]}"


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: have the kernel SIGTERM the server if the process that started it
    dies without stopping it (a killed pytest or benchmark), so none is orphaned."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


class S3Server:
    """One ministack process; its data folder outlives `stop()` for restart tests."""

    def __init__(self, base_dir: Path, *, auth: bool = False) -> None:
        if not MINISTACK.exists():
            raise MinistackMissing(MinistackMissing.__doc__)
        self.base_dir = base_dir
        self.auth = auth
        self.port = free_port()
        self.root_access_key = "root" + secrets.token_hex(8)
        self.root_secret_key = secrets.token_hex(20)
        self.access_key = self.root_access_key
        self.secret_key = self.root_secret_key
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def store(self, bucket: str, *, create: bool = True, **options: Any) -> S3BlobStore:
        """An S3BlobStore on this server (keys, region, plain HTTP), its bucket created."""
        store = S3BlobStore(
            self.endpoint,
            self.access_key,
            self.secret_key,
            bucket,
            secure=False,
            region=REGION,
            **options,
        )
        if create:
            store.ensure_bucket()
        return store

    def start(self) -> None:
        """Start ministack and wait for its health check; a port race gets a new port."""
        for _attempt in range(3):
            if self._spawn():
                if self.auth and self.access_key == self.root_access_key:
                    self._create_iam_user()
                return
            self.port = free_port()
        raise RuntimeError(f"ministack did not start; see {self.base_dir / 'ministack.log'}")

    def _spawn(self) -> bool:
        tmp = self.base_dir / "tmp"  # ministack writes its pid file to TMPDIR
        tmp.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "BIND_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(self.port),
            "S3_PERSIST": "1",
            "S3_DATA_DIR": str(self.base_dir / "s3"),
            "PERSIST_STATE": "1",
            "STATE_DIR": str(self.base_dir / "state"),
            "AWS_ACCESS_KEY_ID": self.root_access_key,
            "AWS_SECRET_ACCESS_KEY": self.root_secret_key,
            "AUTH": "true" if self.auth else "false",
            "LOG_LEVEL": "WARNING",
            "TMPDIR": str(tmp),
        }
        with (self.base_dir / "ministack.log").open("ab") as log:
            self._process = subprocess.Popen(
                [str(MINISTACK)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        return self._wait_healthy()

    def _wait_healthy(self) -> bool:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        url = f"http://{self.endpoint}/_ministack/health"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                return False
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return True
            time.sleep(0.05)
        self.stop(kill=True)
        return False

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL, to prove acknowledged writes survive a crash) and wait."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self, *, kill: bool = False) -> None:
        """Stop and start again on the same port and data folders."""
        self.stop(kill=kill)
        if not self._spawn():
            raise RuntimeError(f"ministack did not restart on port {self.port}")

    def _create_iam_user(self) -> None:
        """Create an IAM user allowed s3:* and switch to its keys (AUTH=true only)."""
        user = "pde-test"
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        self._iam("CreateUser", UserName=user)
        self._iam(
            "PutUserPolicy", UserName=user, PolicyName="s3-all", PolicyDocument=json.dumps(policy)
        )
        answer = self._iam("CreateAccessKey", UserName=user)
        self.access_key = _xml_field(answer, "AccessKeyId")
        self.secret_key = _xml_field(answer, "SecretAccessKey")

    def _iam(self, action: str, **params: str) -> str:
        """One IAM query-API call, signed with the root keys (SigV4, service "iam")."""
        body = urllib.parse.urlencode({"Action": action, "Version": "2010-05-08", **params})
        digest = hashlib.sha256(body.encode()).hexdigest()
        now = datetime.datetime.now(datetime.UTC)
        headers: DictType = {
            "Host": self.endpoint,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ"),
            "x-amz-content-sha256": digest,
        }
        _sign_v4(
            service_name="iam",
            method="POST",
            url=urllib.parse.urlsplit(f"http://{self.endpoint}/"),
            region=REGION,
            headers=headers,
            credentials=Credentials(self.root_access_key, self.root_secret_key),
            content_sha256=digest,
            date=now,
        )
        request = urllib.request.Request(
            f"http://{self.endpoint}/",
            data=body.encode(),
            method="POST",
            headers={name: str(value) for name, value in headers.items()},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(response.read().decode())


def _xml_field(xml: str, name: str) -> str:
    match = re.search(f"<{name}>([^<]+)</{name}>", xml)
    if match is None:
        raise RuntimeError(f"no {name} in IAM answer: {xml[:300]}")
    return match.group(1)


@contextlib.contextmanager
def start_s3_server(base_dir: Path, *, auth: bool = False) -> Iterator[S3Server]:
    """Run a ministack server for the duration of the `with` block.

    Raises MinistackMissing if `.venv-s3/bin/ministack` is not installed.
    """
    server = S3Server(base_dir, auth=auth)
    server.start()
    try:
        yield server
    finally:
        server.stop()
