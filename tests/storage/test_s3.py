"""What only the S3 backend must guarantee: a store that is down, hanging,
failing or refusing our keys gives BlobStoreUnavailable within seconds, and
acknowledged blobs survive a crash of the S3 server."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.storage.s3server import (
    S3Server,
    free_port,
    fresh_bucket_name,
    require_ministack,
    start_s3_server,
)
from tests.storage.streams import RandomStream, digest_of
from wallet.storage.base import BlobStoreUnavailable
from wallet.storage.s3 import S3BlobStore

MIB = 1024 * 1024
DOC = "accounts/a1/documents/d1"
QUICKLY = 10.0  # seconds: an API request must get its 503 well before a client gives up


def every_operation(store: S3BlobStore) -> dict[str, Callable[[], object]]:
    return {
        "ensure_bucket": store.ensure_bucket,
        "check_health": store.check_health,
        "put": lambda: store.put(DOC, io.BytesIO(b"x")),
        "open": lambda: store.open(DOC),
        "size": lambda: store.size(DOC),
        "exists": lambda: store.exists(DOC),
        "list_keys": lambda: list(store.list_keys("accounts/a1")),
        "delete": lambda: store.delete(DOC),
        "delete_prefix": lambda: store.delete_prefix("accounts/a1"),
        "concat": lambda: store.concat([DOC], "accounts/a1/documents/d2"),
    }


def assert_all_unavailable(store: S3BlobStore, match: str, only: set[str] | None = None) -> None:
    """Every operation (or those in `only`) fails with BlobStoreUnavailable, quickly."""
    for name, operation in every_operation(store).items():
        if only is not None and name not in only:
            continue
        started = time.monotonic()
        with pytest.raises(BlobStoreUnavailable, match=match):
            operation()
            pytest.fail(f"{name} did not fail")
        assert time.monotonic() - started < QUICKLY, f"{name} took too long to fail"


def test_unreachable_store_is_unavailable_quickly() -> None:
    store = S3BlobStore(f"127.0.0.1:{free_port()}", "key", "secret", "bucket", secure=False)
    assert_all_unavailable(store, match="unreachable")


def test_hanging_store_times_out() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # the kernel accepts connections; nobody ever answers
        endpoint = f"127.0.0.1:{sock.getsockname()[1]}"
        store = S3BlobStore(
            endpoint, "k", "s", "bucket", secure=False, region="us-east-1", read_timeout=0.3
        )
        started = time.monotonic()
        with pytest.raises(BlobStoreUnavailable, match="unreachable"):
            store.open(DOC)
        assert time.monotonic() - started < QUICKLY


class _BreaksMidDownload(BaseHTTPRequestHandler):
    """Starts sending a 1000-byte object, then stalls or hangs up."""

    hang_up = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"x" * 10)
        self.wfile.flush()
        if not self.hang_up:
            time.sleep(2)
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


class _StallsMidDownload(_BreaksMidDownload):
    hang_up = False


@contextlib.contextmanager
def fake_s3(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve `handler` on a free port in a thread; yields the endpoint."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("handler", [_BreaksMidDownload, _StallsMidDownload])
def test_download_broken_midway_is_unavailable(handler: type[BaseHTTPRequestHandler]) -> None:
    with fake_s3(handler) as endpoint:
        store = S3BlobStore(
            endpoint, "k", "s", "bucket", secure=False, region="us-east-1", read_timeout=0.3
        )
        with store.open(DOC) as reader, pytest.raises(BlobStoreUnavailable):
            reader.read_all()


class _AlwaysFailing(BaseHTTPRequestHandler):
    """An S3 endpoint whose every answer is 503, as an overloaded MinIO gives."""

    def _fail(self) -> None:
        body = b"<Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error>"
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _fail

    def log_message(self, *args: object) -> None:
        pass


def test_failing_store_5xx_is_unavailable() -> None:
    with fake_s3(_AlwaysFailing) as endpoint:
        store = S3BlobStore(endpoint, "k", "s", "bucket", secure=False, region="us-east-1")
        assert_all_unavailable(store, match="failing")


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[S3Server]:
    """A server of this test's own, since the test stops or restarts it."""
    require_ministack()
    with start_s3_server(tmp_path) as server:
        yield server


def test_blobs_survive_a_crash_of_the_s3_server(own_server: S3Server) -> None:
    store = own_server.store("pde-blobs")
    source = RandomStream(6 * MIB)
    store.put(DOC, source)  # type: ignore[arg-type]

    own_server.stop(kill=True)
    assert_all_unavailable(store, match="unreachable", only={"put", "open", "exists"})
    own_server.restart()

    assert store.size(DOC) == 6 * MIB
    with store.open(DOC) as reader:
        assert digest_of(reader) == source.hexdigest()
    assert list(store.list_keys()) == [DOC]


def test_wrong_credentials_are_unavailable_with_a_clear_message(s3_server: S3Server) -> None:
    assert s3_server.auth, "the shared server checks signatures"
    bucket = fresh_bucket_name()
    good = s3_server.store(bucket)
    good.put(DOC, io.BytesIO(b"ciphertext"))

    wrong_secret = S3BlobStore(
        s3_server.endpoint,
        s3_server.access_key,
        s3_server.secret_key + "x",
        bucket,
        secure=False,
        region="us-east-1",
    )
    assert_all_unavailable(wrong_secret, match="refused our credentials")
    unknown_key = S3BlobStore(
        s3_server.endpoint,
        "AKIANOBODY0000000000",
        s3_server.secret_key,
        bucket,
        secure=False,
        region="us-east-1",
    )
    assert_all_unavailable(unknown_key, match="refused our credentials")
    assert good.open(DOC).read_all() == b"ciphertext"


def test_missing_bucket_is_unavailable(s3_server: S3Server) -> None:
    store = s3_server.store(fresh_bucket_name(), create=False)
    # HEAD answers carry no error code, so a missing bucket looks like a missing key there
    assert_all_unavailable(
        store,
        match="does not exist",
        only={"check_health", "put", "list_keys", "delete_prefix"},
    )
    store.ensure_bucket()
    store.ensure_bucket()  # idempotent
    store.put(DOC, io.BytesIO(b"x"))


def test_concat_composes_large_parts_server_side(
    s3_store: S3BlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    composed: list[str] = []
    real_compose = s3_store._client.compose_object

    def spy(bucket: str, key: str, sources: list[object]) -> object:
        composed.append(key)
        return real_compose(bucket, key, sources)  # type: ignore[arg-type]

    monkeypatch.setattr(s3_store._client, "compose_object", spy)
    for i, size in enumerate([5 * MIB, 10]):
        s3_store.put(f"parts/{i}", RandomStream(size))  # type: ignore[arg-type]
    s3_store.concat(["parts/0", "parts/1"], "composed")
    s3_store.concat(["parts/1", "parts/0"], "streamed")  # a small part first: S3 refuses
    assert composed == ["composed"]
    assert s3_store.size("composed") == s3_store.size("streamed") == 5 * MIB + 10


def test_part_size_below_the_s3_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="part size"):
        S3BlobStore("127.0.0.1:9", "k", "s", "bucket", secure=False, part_size=MIB)
