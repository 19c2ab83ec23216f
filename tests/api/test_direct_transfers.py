"""Direct transfers (issue 12 §2): with the S3 backend and PDE_S3_PUBLIC_URL, document
content goes between the client and the object store on presigned URLs, and the
server only authorises, records and checks. One ministack and one server in direct
mode for the module (here the client reaches the store on its own origin; the
browser tests go through Caddy); 5 MiB parts and ~11 MiB documents, so three parts."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from pydantic import ValidationError

from client import PdeClient
from client.direct import PARTS_IN_FLIGHT
from client.http import Connection, ServerUnreachable
from client.object_store import ObjectStore, StoreFailure
from client.shares import ShareViewer, create_share
from crypto import b64u_encode
from tests.api.share_support import make_share, open_share
from tests.api.support import API, RawWallet, SealedDocument, assert_error, register_raw
from tests.conftest import FAST_ENV
from tests.server import LiveServer, live_server, s3_env
from tests.storage.s3server import S3Server, require_ministack
from wallet.services import direct_uploads
from wallet.services.documents import content_key
from wallet.settings import MIB, WalletSettings
from wallet.storage.s3 import S3BlobStore
from wallet.storage.s3_direct import DirectTransfers, PartsChanged

PART = 5 * MIB
CONTENT = bytes(range(256)) * (11 * MIB // 256)  # ~11 MiB of plaintext: three parts


class StoreSpy:
    """Wraps the server's blob store: records every write and every byte read."""

    def __init__(self, store: S3BlobStore) -> None:
        self.writes: list[str] = []
        self.read_bytes = 0
        self._store = store
        self._put, self._concat, self._open = store.put, store.concat, store.open
        store.put = self._spy_put  # type: ignore[method-assign]
        store.concat = self._spy_concat  # type: ignore[method-assign]
        store.open = self._spy_open  # type: ignore[method-assign]

    def _spy_put(self, key: str, *args: Any, **kwargs: Any) -> int:
        self.writes.append(key)
        return self._put(key, *args, **kwargs)

    def _spy_concat(self, parts: Any, dest: str) -> int:
        self.writes.append(dest)
        return self._concat(parts, dest)

    def _spy_open(self, key: str, start: int = 0, end: int | None = None) -> Any:
        reader = self._open(key, start, end)
        self.read_bytes += reader.length
        return reader

    def reset(self) -> None:
        self.writes, self.read_bytes = [], 0


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    require_ministack()
    server = S3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    yield server
    server.stop()


def direct_env(s3: S3Server, bucket: str) -> dict[str, str]:
    return FAST_ENV | s3_env(s3, bucket) | {"PDE_UPLOAD_PART_MAX_BYTES": str(PART)}


@pytest.fixture(scope="module")
def pde_server(s3: S3Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The module's server in direct mode: the public URL is the store's own origin."""
    env = direct_env(s3, "pde-direct") | {"PDE_S3_PUBLIC_URL": f"http://{s3.endpoint}"}
    with live_server(tmp_path_factory.mktemp("direct"), env) as server:
        yield server


@pytest.fixture(scope="module")
def runtime_store(pde_server: LiveServer) -> S3BlobStore:
    store = pde_server._app._app.state.runtime.blobs  # type: ignore[union-attr]
    assert isinstance(store, S3BlobStore)
    return store


@pytest.fixture(scope="module")
def spy(runtime_store: S3BlobStore) -> StoreSpy:
    return StoreSpy(runtime_store)


@pytest.fixture(scope="module")
def transfers(pde_server: LiveServer, runtime_store: S3BlobStore) -> DirectTransfers:
    settings = pde_server.settings()
    return direct_uploads.transfers_for(settings, runtime_store)


# --- the steps of a direct upload, as a client takes them ---------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def parts(sealed: SealedDocument) -> list[tuple[int, bytes]]:
    data = sealed.ciphertext
    return [(offset, data[offset : offset + PART]) for offset in range(0, len(data), PART)]


def ask_part(
    wallet: RawWallet,
    document_id: str,
    offset: int,
    data: bytes,
    *,
    length: int | None = None,
    digest: bytes | None = None,
) -> httpx.Response:
    body = {
        "offset": offset,
        "length": len(data) if length is None else length,
        "sha256": b64u_encode(digest or sha256(data)),
    }
    return wallet.http.post(f"{API}/documents/{document_id}/upload/parts", json=body)


def put_on_store(put: dict[str, Any], data: bytes, headers: dict[str, str] | None = None) -> int:
    """PUT on the presigned URL as a client does: no Authorization, no cookie."""
    sent = put["headers"] if headers is None else headers
    return httpx.request(put["method"], put["url"], content=data, headers=sent).status_code


def ack(wallet: RawWallet, document_id: str, offset: int) -> httpx.Response:
    return wallet.http.post(
        f"{API}/documents/{document_id}/upload/parts/ack", json={"offset": offset}
    )


def send_part(wallet: RawWallet, document_id: str, offset: int, data: bytes) -> dict[str, Any]:
    """Ask, put and acknowledge one part; returns the acknowledged status."""
    asked = ask_part(wallet, document_id, offset, data)
    assert asked.status_code == 200, asked.text
    assert put_on_store(asked.json(), data) == 200
    acked = ack(wallet, document_id, offset)
    assert acked.status_code == 200, acked.text
    return dict(acked.json())


def declare(wallet: RawWallet, sealed: SealedDocument) -> dict[str, Any]:
    response = wallet.declare(sealed)
    assert response.status_code == 201, response.text
    return dict(response.json())


def upload_direct(wallet: RawWallet, sealed: SealedDocument) -> None:
    declare(wallet, sealed)
    for offset, data in parts(sealed):
        send_part(wallet, sealed.document_id, offset, data)
    completed = wallet.complete(sealed.document_id)
    assert completed.status_code == 200, completed.text


def content_url(wallet: RawWallet, document_id: str) -> httpx.Response:
    return wallet.http.get(f"{API}/documents/{document_id}/content-url")


def upload_status(wallet: RawWallet, document_id: str) -> httpx.Response:
    return wallet.http.get(f"{API}/documents/{document_id}/upload")


@pytest.fixture(scope="module")
def owner(pde_server: LiveServer) -> Iterator[RawWallet]:
    with register_raw(pde_server.url) as wallet:
        yield wallet


# --- uploads --------------------------------------------------------------------


def test_a_three_part_upload_goes_straight_to_the_store_and_downloads_byte_identical(
    owner: RawWallet, spy: StoreSpy
) -> None:
    sealed = owner.seal(CONTENT)
    assert len(parts(sealed)) == 3
    spy.reset()

    declared = declare(owner, sealed)
    assert declared["transfer"] == "direct" and declared["part_max_bytes"] == PART
    for offset, data in parts(sealed):
        status = send_part(owner, sealed.document_id, offset, data)
        assert status["received"] == offset + len(data)
    completed = owner.complete(sealed.document_id)
    assert completed.status_code == 200, completed.text

    # Nothing went through the app but the first bytes of the joined object it checked.
    assert spy.writes == [] and spy.read_bytes <= 5
    answer = content_url(owner, sealed.document_id)
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["size"] == sealed.size and got["url"].startswith("http://127.0.0.1:")
    fetched = httpx.get(got["url"])
    assert fetched.status_code == 200 and fetched.content == sealed.ciphertext
    ranged = httpx.get(got["url"], headers={"Range": "bytes=5242870-5242889"})
    assert ranged.status_code == 206 and ranged.content == sealed.ciphertext[5242870:5242890]
    assert spy.read_bytes <= 5
    assert owner.content(sealed.document_id) == sealed.ciphertext  # old clients: /content


def test_an_old_clients_upload_through_the_server_still_completes_in_direct_mode(
    owner: RawWallet,
) -> None:
    sealed = owner.seal(b"sent the old way " * 1000)
    owner.upload(sealed)  # PUT /content, then complete
    assert owner.content(sealed.document_id) == sealed.ciphertext
    fetched = httpx.get(content_url(owner, sealed.document_id).json()["url"])
    assert fetched.content == sealed.ciphertext


def test_the_account_announces_direct_transfers(owner: RawWallet) -> None:
    assert owner.http.get(f"{API}/account").json()["transfer"] == "direct"


def test_resume_acknowledges_a_part_put_on_the_store_but_never_acknowledged(
    owner: RawWallet,
) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), (third, data3) = parts(sealed)
    send_part(owner, sealed.document_id, first, data1)
    asked = ask_part(owner, sealed.document_id, second, data2)
    assert put_on_store(asked.json(), data2) == 200  # ... and the connection is cut

    status = upload_status(owner, sealed.document_id)
    assert status.status_code == 200 and status.json()["received"] == third

    send_part(owner, sealed.document_id, third, data3)
    assert owner.complete(sealed.document_id).status_code == 200


def test_a_part_with_a_wrong_checksum_is_refused_by_the_store_and_a_correct_retry_goes_on(
    owner: RawWallet,
) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    offset, data = parts(sealed)[0]
    asked = ask_part(owner, sealed.document_id, offset, data).json()
    damaged = data[:100] + bytes([data[100] ^ 1]) + data[101:]

    assert put_on_store(asked, damaged) == 400  # BadDigest: the store checked it
    assert_error(ack(owner, sealed.document_id, offset), 409, "upload_part_missing")

    assert put_on_store(asked, data) == 200
    assert ack(owner, sealed.document_id, offset).json()["received"] == PART
    for offset, data in parts(sealed)[1:]:
        send_part(owner, sealed.document_id, offset, data)
    assert owner.complete(sealed.document_id).status_code == 200


def test_a_stored_part_unlike_its_declaration_is_not_acknowledged_and_fails_completion(
    owner: RawWallet, runtime_store: S3BlobStore, transfers: DirectTransfers
) -> None:
    """The presigned URL does not bind the checksum header: a part put with another
    body and that body's own checksum is stored. Acknowledging it is refused; one
    overwritten after its acknowledgement fails completion, which discards it all."""
    used_before = owner.used_bytes()
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), (last, data3) = parts(sealed)
    other = bytes(len(data1))
    asked = ask_part(owner, sealed.document_id, first, data1).json()
    own_checksum = {"x-amz-checksum-sha256": base64.b64encode(sha256(other)).decode()}
    assert put_on_store(asked, other, own_checksum) == 200
    assert_error(ack(owner, sealed.document_id, first), 422, "integrity_mismatch")
    assert upload_status(owner, sealed.document_id).json()["received"] == 0  # resume skips it

    assert put_on_store(asked, data1) == 200
    assert ack(owner, sealed.document_id, first).status_code == 200
    send_part(owner, sealed.document_id, second, data2)
    asked_last = ask_part(owner, sealed.document_id, last, data3).json()
    assert put_on_store(asked_last, data3) == 200
    assert ack(owner, sealed.document_id, last).json()["received"] == sealed.size
    assert put_on_store(asked, other, own_checksum) == 200  # overwritten after its ack

    assert_error(owner.complete(sealed.document_id), 422, "integrity_mismatch")
    assert_error(upload_status(owner, sealed.document_id), 404, "not_found")
    assert owner.used_bytes() == used_before
    key = content_key(owner.account_id, sealed.document_id)
    assert not runtime_store.exists(key)
    assert all(p.key != key for p in transfers.pending_uploads("accounts"))  # aborted


def test_offsets_and_lengths_off_the_grid_are_refused_with_stable_codes(owner: RawWallet) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    document_id = sealed.document_id
    (first, data1), (second, data2), (last, data3) = parts(sealed)

    assert_error(ack(owner, document_id, 0), 409, "upload_part_missing")  # nothing asked yet
    response = ask_part(owner, document_id, 7, data1)
    assert_error(response, 409, "upload_offset_mismatch")
    assert response.headers["PDE-Upload-Received"] == "0"
    assert_error(
        ask_part(owner, document_id, 3 * PART, b"past the end"), 409, "upload_offset_mismatch"
    )
    assert_error(
        ask_part(owner, document_id, first, data1, length=PART - 1), 422, "invalid_request"
    )
    assert_error(ack(owner, document_id, 3), 409, "upload_offset_mismatch")
    bad_digest = {"offset": 0, "length": PART, "sha256": "not-a-digest"}
    response = owner.http.post(f"{API}/documents/{document_id}/upload/parts", json=bad_digest)
    assert_error(response, 422, "invalid_request")

    send_part(owner, document_id, first, data1)
    response = ask_part(owner, document_id, first, data1)  # acknowledged: not asked again
    assert_error(response, 409, "upload_offset_mismatch")
    assert response.headers["PDE-Upload-Received"] == str(PART)
    assert_error(ack(owner, document_id, first), 409, "upload_offset_mismatch")
    send_part(owner, document_id, second, data2)
    assert_error(ask_part(owner, document_id, last, data3, length=PART), 422, "invalid_request")
    assert_error(owner.complete(document_id), 409, "upload_incomplete")


def test_a_part_may_be_asked_for_and_put_ahead_of_the_ones_under_it(owner: RawWallet) -> None:
    """One-part bodies as the kiosk sends them: a part ahead of `received` may be asked
    for, put and acknowledged; `received` moves over it once the parts under it are in."""
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), (last, data3) = parts(sealed)

    asked = ask_part(owner, sealed.document_id, second, data2)
    assert asked.status_code == 200, asked.text
    assert set(asked.json()) == {"url", "method", "headers", "expires_at"}  # as it always was
    assert put_on_store(asked.json(), data2) == 200
    acked = ack(owner, sealed.document_id, second)
    assert acked.status_code == 200 and acked.json()["received"] == 0  # the first is missing

    assert send_part(owner, sealed.document_id, first, data1)["received"] == last
    assert send_part(owner, sealed.document_id, last, data3)["received"] == sealed.size
    assert owner.complete(sealed.document_id).status_code == 200
    assert owner.content(sealed.document_id) == sealed.ciphertext


def ask_parts(wallet: RawWallet, document_id: str, body: Any) -> httpx.Response:
    return wallet.http.post(f"{API}/documents/{document_id}/upload/parts", json=body)


def ack_parts(wallet: RawWallet, document_id: str, body: Any) -> httpx.Response:
    return wallet.http.post(f"{API}/documents/{document_id}/upload/parts/ack", json=body)


def asked(offset: int, data: bytes) -> dict[str, Any]:
    return {"offset": offset, "length": len(data), "sha256": b64u_encode(sha256(data))}


def test_parts_asked_and_acknowledged_together_land_byte_identical_in_any_order(
    owner: RawWallet,
) -> None:
    """A client with several parts in flight asks for their URLs in one request and
    acknowledges those that arrived in one request; `received` stays the prefix the
    store holds, whatever order the parts arrive in."""
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), (last, data3) = parts(sealed)

    answer = ask_parts(
        owner, sealed.document_id, {"parts": [asked(o, d) for o, d in parts(sealed)]}
    )
    assert answer.status_code == 200, answer.text
    puts = answer.json()["parts"]
    assert [put["offset"] for put in puts] == [first, second, last]
    assert all(put["method"] == "PUT" and "partNumber" in put["url"] for put in puts)
    assert len({put["url"] for put in puts}) == 3

    assert put_on_store(puts[2], data3) == 200
    assert put_on_store(puts[1], data2) == 200
    acked = ack_parts(owner, sealed.document_id, {"offsets": [second, last]})
    assert acked.status_code == 200 and acked.json()["received"] == 0  # the first is not in
    assert put_on_store(puts[0], data1) == 200
    acked = ack_parts(owner, sealed.document_id, {"offsets": [first]})
    assert acked.status_code == 200 and acked.json()["received"] == sealed.size

    assert owner.complete(sealed.document_id).status_code == 200
    assert httpx.get(content_url(owner, sealed.document_id).json()["url"]).content == (
        sealed.ciphertext
    )


def test_a_batch_acknowledges_nothing_when_one_of_its_parts_is_missing(owner: RawWallet) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), _ = parts(sealed)
    puts = ask_parts(
        owner, sealed.document_id, {"parts": [asked(first, data1), asked(second, data2)]}
    )
    assert put_on_store(puts.json()["parts"][0], data1) == 200

    response = ack_parts(owner, sealed.document_id, {"offsets": [first, second]})
    error = assert_error(response, 409, "upload_part_missing")
    assert str(second) in error["message"]
    assert upload_status(owner, sealed.document_id).json()["received"] == second  # resume
    assert ack_parts(owner, sealed.document_id, {"offsets": [first]}).status_code == 409


@pytest.mark.parametrize(
    ("route", "body", "where"),
    [
        ("parts", {"parts": []}, "batch.parts"),
        ("parts", {"parts": [{"offset": 0, "length": PART}]}, "batch.parts.0.sha256"),
        (
            "parts",
            {"parts": [{"offset": 0, "length": PART, "sha256": "A" * 43}] * 65},
            "batch.parts",
        ),
        ("parts", {"parts": "all of them"}, "batch.parts"),
        (
            "parts",
            {"parts": [{"offset": 0, "length": 7, "sha256": "A" * 43}], "offset": 0},
            "batch.offset",
        ),
        ("parts", {"offset": 0}, "part.length"),
        ("parts", [{"offset": 0}], "part"),
        ("parts/ack", {"offsets": []}, "batch.offsets"),
        ("parts/ack", {"offsets": [True]}, "batch.offsets.0"),
        ("parts/ack", {"offsets": [-1]}, "batch.offsets.0"),
        ("parts/ack", {"offsets": list(range(0, 65 * PART, PART))}, "batch.offsets"),
        ("parts/ack", {"offsets": [0], "offset": 0}, "batch.offset"),
        ("parts/ack", {"offset": True}, "part.offset"),
        ("parts/ack", {}, "part.offset"),
    ],
)
def test_part_url_and_acknowledgement_batches_that_are_not_valid_are_refused_with_a_stable_code(
    owner: RawWallet, route: str, body: Any, where: str
) -> None:
    sealed = owner.seal(b"refused")
    declare(owner, sealed)
    response = owner.http.post(f"{API}/documents/{sealed.document_id}/upload/{route}", json=body)
    error = assert_error(response, 422, "invalid_request")
    assert where in error["message"]
    assert upload_status(owner, sealed.document_id).json()["received"] == 0


def test_a_part_named_twice_in_a_batch_is_a_retry_where_the_last_declaration_counts(
    owner: RawWallet,
) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), *_ = parts(sealed)
    batch = {"parts": [asked(first, bytes(len(data1))), asked(first, data1)]}
    answer = ask_parts(owner, sealed.document_id, batch)
    assert answer.status_code == 200, answer.text
    assert put_on_store(answer.json()["parts"][1], data1) == 200
    acked = ack_parts(owner, sealed.document_id, {"offsets": [first, first]})
    assert acked.status_code == 200 and acked.json()["received"] == PART


def test_a_batch_with_one_part_off_the_grid_records_nothing(owner: RawWallet) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    (first, data1), (second, data2), _ = parts(sealed)
    batch = {"parts": [asked(first, data1), asked(second + 1, data2)]}
    assert_error(ask_parts(owner, sealed.document_id, batch), 409, "upload_offset_mismatch")
    batch = {"parts": [asked(first, data1), asked(second, data2[:-1])]}
    assert_error(ask_parts(owner, sealed.document_id, batch), 422, "invalid_request")
    # Nothing was declared (nor a multipart upload opened): acknowledging finds nothing.
    assert_error(ack(owner, sealed.document_id, first), 409, "upload_part_missing")


def test_another_wallets_document_is_not_found(
    owner: RawWallet, new_raw_wallet: Callable[[], RawWallet]
) -> None:
    sealed = owner.seal(b"mine")
    declare(owner, sealed)
    offset, data = parts(sealed)[0]
    stranger = new_raw_wallet()
    assert_error(ask_part(stranger, sealed.document_id, offset, data), 404, "not_found")
    assert_error(ack(stranger, sealed.document_id, offset), 404, "not_found")
    send_part(owner, sealed.document_id, offset, data)
    assert owner.complete(sealed.document_id).status_code == 200
    assert_error(content_url(stranger, sealed.document_id), 404, "not_found")


def test_presigned_urls_past_their_expiry_or_tampered_are_refused_by_the_store(
    owner: RawWallet, transfers: DirectTransfers
) -> None:
    sealed = owner.seal(b"short-lived")
    upload_direct(owner, sealed)
    url = content_url(owner, sealed.document_id).json()["url"]
    assert httpx.get(url).status_code == 200

    scheme, netloc, path, query, _ = urlsplit(url)
    params = dict(parse_qsl(query))
    params["X-Amz-Signature"] = "0" * len(params["X-Amz-Signature"])
    assert httpx.get(urlunsplit((scheme, netloc, path, urlencode(params), ""))).status_code == 403
    other = upload_and_get_url(owner)
    other_path = urlsplit(other).path
    assert httpx.get(urlunsplit((scheme, netloc, other_path, query, ""))).status_code == 403

    key = content_key(owner.account_id, sealed.document_id)
    expiring = transfers.presign_get(key, timedelta(seconds=1))
    time.sleep(2.1)
    assert httpx.get(expiring).status_code == 403


def upload_and_get_url(owner: RawWallet) -> str:
    sealed = owner.seal(b"another")
    upload_direct(owner, sealed)
    return str(content_url(owner, sealed.document_id).json()["url"])


def test_the_viewers_content_url_works_with_a_view_token_and_refuses_without(
    owner: RawWallet, http: httpx.Client
) -> None:
    sealed = owner.seal(CONTENT)
    upload_direct(owner, sealed)
    prepared = make_share(owner, [sealed])
    opened = open_share(http, prepared).json()
    assert opened["transfer"] == "direct"
    path = f"{API}/s/{prepared.share_id}/documents/{sealed.document_id}/content-url"

    answer = http.get(path, headers={"Authorization": f"Bearer {opened['view_token']}"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["size"] == sealed.size
    assert httpx.get(answer.json()["url"]).content == sealed.ciphertext

    assert_error(http.get(path), 401, "share_view_expired")
    assert_error(
        http.get(path, headers={"Authorization": f"Bearer {owner.token}"}),
        401,
        "share_view_expired",
    )


def test_abandoned_multipart_uploads_are_aborted_by_housekeeping(
    owner: RawWallet, pde_server: LiveServer, transfers: DirectTransfers
) -> None:
    sealed = owner.seal(CONTENT)
    declare(owner, sealed)
    asked = ask_part(owner, sealed.document_id, 0, parts(sealed)[0][1]).json()
    assert put_on_store(asked, parts(sealed)[0][1]) == 200
    assert owner.http.delete(f"{API}/documents/{sealed.document_id}").status_code == 204
    key = content_key(owner.account_id, sealed.document_id)
    assert any(p.key == key for p in transfers.pending_uploads("accounts"))

    runtime = pde_server._app._app.state.runtime  # type: ignore[union-attr]
    with runtime.db() as db:
        abort = direct_uploads.abort_orphaned_multipart_uploads
        assert abort(db, runtime.settings, runtime.blobs) == 0  # opened just now: spared
        assert any(p.key == key for p in transfers.pending_uploads("accounts"))
        assert abort(db, runtime.settings, runtime.blobs, older_than=timedelta(0)) >= 1
    assert all(p.key != key for p in transfers.pending_uploads("accounts"))
    # Uploads still going are kept.
    kept = owner.seal(CONTENT)
    declare(owner, kept)
    send_part(owner, kept.document_id, 0, parts(kept)[0][1])
    with runtime.db() as db:
        assert abort(db, runtime.settings, runtime.blobs, older_than=timedelta(0)) == 0
    kept_key = content_key(owner.account_id, kept.document_id)
    assert any(p.key == kept_key for p in transfers.pending_uploads("accounts"))


# --- the Python client ---------------------------------------------------------


def test_the_python_client_uploads_and_downloads_in_direct_mode(
    pde_server: LiveServer, spy: StoreSpy, tmp_path: Path
) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(CONTENT)
    with PdeClient(pde_server.url, retry_seconds=5) as client:
        client.register(f"direct-{time.monotonic_ns() % 10**8}", "correct horse battery staple")
        assert client.account["transfer"] == "direct"
        spy.reset()
        document_id = client.add(source)
        assert spy.writes == [] and spy.read_bytes <= 5
        out = io.BytesIO()
        client.get(document_id, out)
        assert out.getvalue() == CONTENT and spy.read_bytes <= 5

        share = create_share(client, [document_id], recipient="CPAS", purpose="RIS")
    with ShareViewer(share.link) as viewer:
        opened = viewer.open()
        assert opened.transfer == "direct"
        shared = io.BytesIO()
        viewer.download(opened, opened.documents[0], shared)
    assert shared.getvalue() == CONTENT and spy.read_bytes <= 5


class CutOnce(ObjectStore):
    """The object store as the client reaches it: the connection of one part's first
    PUT is cut; records which parts were put and how many at once."""

    def __init__(self, part_number: str) -> None:
        super().__init__(PARTS_IN_FLIGHT, timeout=30, connect=5)
        self.part_number, self.puts = part_number, list[str]()
        self.lock, self.putting, self.most_at_once = threading.Lock(), 0, 0

    def put(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        number = dict(parse_qsl(urlsplit(url).query))["partNumber"]
        with self.lock:
            self.puts.append(number)
            self.putting += 1
            self.most_at_once = max(self.most_at_once, self.putting)
        try:
            if number == self.part_number and self.puts.count(number) == 1:
                time.sleep(0.2)  # those after it, on their way, arrive first
                raise StoreFailure(url, 0, "the connection was lost")
            super().put(method, url, body, headers)
        finally:
            with self.lock:
                self.putting -= 1


class SessionConnection(Connection):
    def __init__(self, server: str, token: str) -> None:
        super().__init__(server, retry_seconds=5)
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def test_the_python_client_puts_parts_at_once_and_resumes_after_one_is_cut_mid_way(
    owner: RawWallet, pde_server: LiveServer
) -> None:
    sealed = owner.seal(os.urandom(6 * PART))  # seven parts
    declare(owner, sealed)
    store = CutOnce(part_number="4")
    with SessionConnection(pde_server.url, owner.token) as connection:
        connection._store = store
        with pytest.raises(ServerUnreachable):
            connection.upload_parts(sealed.document_id, io.BytesIO(sealed.ciphertext), sealed.size)
        assert upload_status(owner, sealed.document_id).json()["received"] == 3 * PART
        connection.upload_parts(sealed.document_id, io.BytesIO(sealed.ciphertext), sealed.size)

    assert 1 < store.most_at_once <= PARTS_IN_FLIGHT
    assert [store.puts.count(n) for n in "1234"] == [1, 1, 1, 2]  # those counted: once
    assert owner.complete(sealed.document_id).status_code == 200
    fetched = httpx.get(content_url(owner, sealed.document_id).json()["url"])
    assert fetched.content == sealed.ciphertext


# --- a server that sends content through itself ------------------------------------


def test_a_server_without_a_public_url_turns_direct_transfers_off(
    s3: S3Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with (
        live_server(tmp_path_factory.mktemp("server-mode"), direct_env(s3, "pde-server")) as server,
        register_raw(server.url) as wallet,
        httpx.Client(base_url=server.url) as http,
    ):
        assert wallet.http.get(f"{API}/account").json()["transfer"] == "server"
        sealed = wallet.seal(b"through the server")
        assert declare(wallet, sealed)["transfer"] == "server"
        offset, data = parts(sealed)[0]
        assert_error(ask_part(wallet, sealed.document_id, offset, data), 409, "direct_transfer_off")
        assert_error(ack(wallet, sealed.document_id, offset), 409, "direct_transfer_off")
        assert wallet.put_part(sealed.document_id, 0, data).status_code == 200
        assert wallet.complete(sealed.document_id).status_code == 200
        assert_error(content_url(wallet, sealed.document_id), 409, "direct_transfer_off")

        prepared = make_share(wallet, [sealed])
        opened = open_share(http, prepared).json()
        assert opened["transfer"] == "server"
        path = f"{API}/s/{prepared.share_id}/documents/{sealed.document_id}/content-url"
        bearer = {"Authorization": f"Bearer {opened['view_token']}"}
        assert_error(http.get(path, headers=bearer), 409, "direct_transfer_off")


def test_direct_transfers_refuse_parts_under_s3s_minimum_at_start() -> None:
    direct = {"blob_backend": "s3", "s3_public_url": "https://pde.example.org"}
    with pytest.raises(ValidationError, match="5 MiB"):
        WalletSettings(**direct, upload_part_max_bytes=MIB)  # type: ignore[arg-type]
    assert WalletSettings(**direct, upload_part_max_bytes=PART).direct_transfers  # type: ignore[arg-type]
    assert not WalletSettings(blob_backend="s3", upload_part_max_bytes=MIB).direct_transfers


def test_a_part_put_again_between_the_check_and_the_join_makes_the_store_refuse_the_join(
    owner: RawWallet, transfers: DirectTransfers
) -> None:
    """Completion gives each listed part's ETag and checksum, so a part changed after
    the listing cannot slip into the joined object."""
    key = content_key(owner.account_id, "race-" + owner.handle[-8:])
    upload_id = transfers.create_upload(key)
    url = transfers.presign_part(key, upload_id, 1, timedelta(seconds=60))
    first = b"first bytes"
    headers = {"x-amz-checksum-sha256": base64.b64encode(sha256(first)).decode()}
    assert httpx.put(url, content=first, headers=headers).status_code == 200
    listed = transfers.list_parts(key, upload_id)
    assert [p.sha256 for p in listed] == [sha256(first)]

    again = b"other bytes"
    headers = {"x-amz-checksum-sha256": base64.b64encode(sha256(again)).decode()}
    assert httpx.put(url, content=again, headers=headers).status_code == 200
    with pytest.raises(PartsChanged):
        transfers.complete(key, upload_id, listed)
    transfers.abort(key, upload_id)
