"""The Python client's direct transfers (client/direct.py) against a stand-in PDE
server (an httpx mock transport) and a stand-in object store (a small HTTP server on
127.0.0.1, reached as the real one is, over urllib3): parts put several at once land
byte-identical, each with its checksum; their URLs and acknowledgements go in
batches; no more than `PARTS_IN_FLIGHT` parts are held at once; a part that fails
mid-way, with others in flight, is put again on resume and nothing else is lost.
The real server's side is tested in tests/api/test_direct_transfers.py."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from client import direct
from client.direct import PARTS_IN_FLIGHT
from client.http import ClientError, Connection, ServerUnreachable
from crypto import b64u_decode, encrypt_stream, new_id, new_key
from tests.storage.s3server import free_port

PART = 64 * 1024
UPLOAD = "/api/v1/documents/doc/upload"


class StoreCut(Exception):
    """The stand-in store drops the connection without answering."""


class Store:
    """A stand-in object store on 127.0.0.1: presigned part URLs `{url}/part/{n}`, and
    `{url}/content` serving `content` in odd-sized chunks."""

    def __init__(self) -> None:
        self.parts: dict[int, bytes] = {}
        self.puts: list[int] = []
        self.lock = threading.Lock()
        self.putting = self.most_at_once = 0
        self.fail: Callable[[int], None] = lambda number: None
        self.lose: set[int] = set()
        self.content = b""
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _StoreHandler)
        self.http.store = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, args=(0.01,), daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def put(self, path: str, body: bytes, checksum: str | None) -> tuple[int, bytes]:
        number = int(path.rsplit("/", 1)[1])
        with self.lock:
            self.puts.append(number)
            self.putting += 1
            self.most_at_once = max(self.most_at_once, self.putting)
        try:
            time.sleep(0.01)  # long enough for puts to overlap
            self.fail(number)
            if checksum != base64.b64encode(hashlib.sha256(body).digest()).decode():
                return 400, b"<Code>BadDigest</Code>"
            with self.lock:
                if number in self.lose:
                    self.lose.discard(number)
                else:
                    self.parts[number] = body
            return 200, b""
        finally:
            with self.lock:
                self.putting -= 1


class _StoreHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_PUT(self) -> None:
        store: Store = self.server.store  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            status, answer = store.put(self.path, body, self.headers["x-amz-checksum-sha256"])
        except StoreCut:
            self.close_connection = True  # no answer at all
            return
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self) -> None:
        assert "authorization" not in self.headers  # the URL is its own authority
        if self.path != "/content":
            self.send_response(404)
            self.send_header("Content-Length", "22")
            self.end_headers()
            self.wfile.write(b"<Code>NoSuchKey</Code>")
            return
        content = self.server.store.content  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(content), 10_007):  # chunks of no particular size
            piece = content[i : i + 10_007]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, *_: object) -> None:
        pass


class Server:
    """A stand-in PDE server for one direct upload, with the real one's rules: a part
    at or after `received` on the grid may be asked for; `received` moves over the
    parts the store holds as declared, in order."""

    def __init__(self, store: Store, size: int) -> None:
        self.store, self.size, self.received = store, size, 0
        self.declared: dict[int, bytes] = {}
        self.requests: list[tuple[str, Any]] = []
        self.lock = threading.Lock()

    def status(self) -> dict[str, Any]:
        return {"size": self.size, "received": self.received, "part_max_bytes": PART}

    def advance(self) -> None:
        while self.received < self.size:
            number = self.received // PART + 1
            held = self.store.parts.get(number)
            if held is None or hashlib.sha256(held).digest() != self.declared.get(number):
                return
            self.received += len(held)

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.lock:
            what = request.url.path.removeprefix(UPLOAD) or "status"
            self.requests.append((f"{request.method} {what}", json.loads(body) if body else None))
            if request.method == "GET":
                self.advance()
                return httpx.Response(200, json=self.status())
            asked = self.requests[-1][1]
            offsets = (
                [p["offset"] for p in asked["parts"]] if what == "/parts" else asked["offsets"]
            )
            if any(o < self.received or o % PART or o >= self.size for o in offsets):
                return error(409, "upload_offset_mismatch")
            if what == "/parts":
                return httpx.Response(200, json={"parts": [self.url(p) for p in asked["parts"]]})
            for offset in offsets:
                if offset // PART + 1 not in self.store.parts:
                    return error(409, "upload_part_missing")
            self.advance()
            return httpx.Response(200, json=self.status())

    def url(self, part: dict[str, Any]) -> dict[str, Any]:
        number, digest = part["offset"] // PART + 1, b64u_decode(part["sha256"])
        self.declared[number] = digest
        checksum = {"x-amz-checksum-sha256": base64.b64encode(digest).decode()}
        url = f"{self.store.url}/part/{number}"
        return {"offset": part["offset"], "url": url, "method": "PUT", "headers": checksum}

    def asked(self, what: str) -> list[Any]:
        return [body for request, body in self.requests if request == what]


def error(status: int, code: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": code}})


@contextmanager
def connected(server: Server, store: Store) -> Iterator[Connection]:
    connection = Connection("http://pde.test", retry_seconds=0)
    connection._http = httpx.Client(
        base_url=connection.server, transport=httpx.MockTransport(server.handle)
    )
    try:
        with connection:
            yield connection
    finally:
        store.close()


class CountingFile(io.BytesIO):
    """The sealed file, telling the most parts read and not yet stored (held in memory)."""

    def __init__(self, data: bytes, store: Store) -> None:
        super().__init__(data)
        self.store, self.reads, self.most_held = store, 0, 0

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        self.most_held = max(self.most_held, self.reads - len(self.store.parts))
        return super().read(size)


def upload(connection: Connection, sealed: io.BytesIO) -> None:
    direct.upload(connection, connection._store, UPLOAD, sealed, status(len(sealed.getvalue())))


def status(size: int, received: int = 0) -> dict[str, Any]:
    return {"size": size, "received": received, "part_max_bytes": PART}


def joined(store: Store) -> bytes:
    return b"".join(store.parts[n] for n in sorted(store.parts))


@pytest.fixture
def data() -> bytes:
    return os.urandom(PART * 13 + 1234)  # 14 parts, the last one short


def test_parts_put_several_at_once_land_byte_identical_with_their_checksums(data: bytes) -> None:
    store = Store()
    server = Server(store, len(data))
    seen: list[tuple[int, int]] = []
    with connected(server, store) as connection:
        direct.upload(
            connection,
            connection._store,
            UPLOAD,
            io.BytesIO(data),
            status(len(data)),
            lambda received, size: seen.append((received, size)),
        )
    assert joined(store) == data and server.received == len(data)
    assert 1 < store.most_at_once <= PARTS_IN_FLIGHT
    assert sorted(store.puts) == list(range(1, 15))  # each part once
    assert seen[-1] == (len(data), len(data))
    assert [received for received, _ in seen] == sorted(received for received, _ in seen)


def test_urls_are_asked_and_parts_acknowledged_in_batches(data: bytes) -> None:
    store = Store()
    server = Server(store, len(data))
    with connected(server, store) as connection:
        upload(connection, io.BytesIO(data))
    asks, acks = server.asked("POST /parts"), server.asked("POST /parts/ack")
    assert len(asks[0]["parts"]) == PARTS_IN_FLIGHT
    assert sum(len(ask["parts"]) for ask in asks) == 14 and len(asks) < 14
    acknowledged = [offset for ack in acks for offset in ack["offsets"]]
    assert len(acks) < 14 and set(acknowledged) <= set(range(0, len(data), PART))
    assert len(acknowledged) == len(set(acknowledged))  # none twice
    assert all(ask.keys() == {"parts"} for ask in asks)
    part = asks[0]["parts"][1]
    assert part["length"] == PART
    assert b64u_decode(part["sha256"]) == hashlib.sha256(data[PART : 2 * PART]).digest()


def test_no_more_than_the_parts_in_flight_are_held_at_once(data: bytes) -> None:
    store = Store()
    server = Server(store, len(data))
    sealed = CountingFile(data, store)
    with connected(server, store) as connection:
        upload(connection, sealed)
    assert joined(store) == data
    assert sealed.reads == 14 and sealed.most_held == PARTS_IN_FLIGHT


def test_a_part_that_fails_mid_way_is_put_again_on_resume_and_nothing_else_is_lost(
    data: bytes,
) -> None:
    store = Store()
    server = Server(store, len(data))

    def cut_once(number: int) -> None:
        if number == 6 and store.puts.count(6) == 1:
            time.sleep(0.05)  # the parts after it, already on their way, arrive first
            raise StoreCut()

    store.fail = cut_once
    with connected(server, store) as connection:
        with pytest.raises(ServerUnreachable) as cut:
            upload(connection, io.BytesIO(data))
        assert cut.value.code == "server_unreachable" and "127.0.0.1" in cut.value.message
        assert 6 not in store.parts and len(store.parts) > 5  # parts after it went on
        put_before = set(store.parts)

        resumed = connection.call("GET", UPLOAD)  # the server counts what the store holds
        assert resumed["received"] == 5 * PART
        direct.upload(connection, connection._store, UPLOAD, io.BytesIO(data), resumed)
    assert joined(store) == data and server.received == len(data)
    assert all(store.puts.count(n) == 1 for n in range(1, 6))  # acknowledged: not put again
    assert store.puts.count(6) == 2
    assert put_before - {6} <= set(store.parts)


def test_a_part_the_server_does_not_find_is_put_again_from_where_it_stands(data: bytes) -> None:
    store = Store()
    server = Server(store, len(data))
    store.lose.add(3)  # the store answers 200 but keeps nothing, once
    with connected(server, store) as connection:
        upload(connection, io.BytesIO(data))
    assert joined(store) == data and server.received == len(data)
    assert ("GET status", None) in server.requests  # it asked where the upload stood
    assert store.puts.count(3) == 2


def test_a_part_the_store_refuses_is_a_client_error_with_the_stores_answer(data: bytes) -> None:
    store = Store()
    server = Server(store, len(data))
    sealed = io.BytesIO(data)
    with connected(server, store) as connection:
        original = server.url

        def wrong_checksum(part: dict[str, Any]) -> dict[str, Any]:
            put = original(part)
            put["headers"]["x-amz-checksum-sha256"] = base64.b64encode(bytes(32)).decode()
            return put

        server.url = wrong_checksum  # type: ignore[method-assign]
        with pytest.raises(ClientError) as refused:
            upload(connection, sealed)
    assert refused.value.code == "store_refused" and refused.value.status == 400
    assert "BadDigest" in refused.value.message


# --- downloads --------------------------------------------------------------------


def test_a_download_decrypts_whatever_the_size_of_the_chunks_it_arrives_in() -> None:
    key, document_id = new_key(), new_id()
    plaintext = os.urandom(3 * (1 << 20) + 777)
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), sealed, key, document_id)
    ciphertext = sealed.getvalue()

    store = Store()
    store.content = ciphertext
    with connected(Server(store, 0), store) as connection:
        out = io.BytesIO()
        where = {"url": f"{store.url}/content", "size": len(ciphertext)}
        direct.decrypt(connection, connection._store, where, key, document_id, out)
        assert out.getvalue() == plaintext
        fetched = io.BytesIO()
        assert direct.fetch(connection, connection._store, where, fetched) == len(ciphertext)
        assert fetched.getvalue() == ciphertext


def test_a_download_the_store_refuses_or_that_finds_no_store_is_told_plainly() -> None:
    store = Store()
    with connected(Server(store, 0), store) as connection:
        where = {"url": f"{store.url}/part/1", "size": 10}  # no such object
        with pytest.raises(ClientError) as refused:
            direct.fetch(connection, connection._store, where, io.BytesIO())
        assert refused.value.code == "store_refused" and refused.value.status == 404
        assert "NoSuchKey" in refused.value.message
        gone = {"url": f"http://127.0.0.1:{free_port()}/content", "size": 10}
        with pytest.raises(ServerUnreachable) as unreachable:
            direct.fetch(connection, connection._store, gone, io.BytesIO())
        assert "127.0.0.1" in unreachable.value.message
