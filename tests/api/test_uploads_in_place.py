"""Uploads into the local store over HTTP: each part goes straight from the request
into the upload's one file at its offset, is synced to disk (fdatasync) before it
is acknowledged, and completion renames that file into the content, copying
nothing. A dropped connection loses at most the part in flight, which is sent again."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.api.support import API, RawWallet, assert_error
from tests.server import LiveServer
from wallet.runtime import open_blob_store


@pytest.fixture(scope="module")
def pde_server(api_servers: object) -> LiveServer:
    """The local store's server only: these tests look at its files."""
    return api_servers("sqlite-local")  # type: ignore[operator, no-any-return]


def account_folder(server: LiveServer, wallet: RawWallet) -> Path:
    root: Path = open_blob_store(server.settings()).root  # type: ignore[attr-defined]
    return root / "accounts" / wallet.account_id


def received(wallet: RawWallet, document_id: str) -> int:
    response = wallet.http.get(f"{API}/documents/{document_id}/upload")
    assert response.status_code == 200, response.text
    return int(response.json()["received"])


def start_part(
    server: LiveServer, wallet: RawWallet, document_id: str, offset: int, part: bytes
) -> socket.socket:
    """A connection that sent the headers and half the body of a part, left open."""
    address = urlsplit(server.url)
    head = (
        f"PUT {API}/documents/{document_id}/content?offset={offset} HTTP/1.1\r\n"
        f"Host: {address.netloc}\r\n"
        f"Authorization: {wallet.http.headers['Authorization']}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {len(part)}\r\n\r\n"
    ).encode()
    connection = socket.create_connection((str(address.hostname), int(address.port or 80)))
    connection.sendall(head + part[: len(part) // 2])
    time.sleep(0.5)  # the server has started writing the part
    return connection


def drop_mid_part(
    server: LiveServer, wallet: RawWallet, document_id: str, offset: int, part: bytes
) -> None:
    """Send the headers and half the body of a part, then close the connection."""
    start_part(server, wallet, document_id, offset, part).close()


def wait_for_size(path: Path, size: int) -> None:
    deadline = time.monotonic() + 10
    while path.stat().st_size != size:
        assert time.monotonic() < deadline, f"{path} stays at {path.stat().st_size} bytes"
        time.sleep(0.05)


def test_a_part_is_synced_to_disk_in_the_upload_file_before_it_is_acknowledged(
    pde_server: LiveServer, raw_wallet: RawWallet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed = raw_wallet.seal(os.urandom(3_000_000))
    raw_wallet.declare(sealed)
    upload = account_folder(pde_server, raw_wallet) / "uploads" / f"{sealed.document_id}.upload"
    synced: list[int] = []
    real_fdatasync = os.fdatasync  # the data and the size, all reading it back needs

    def fdatasync(fd: int) -> None:
        real_fdatasync(fd)
        if os.readlink(f"/proc/self/fd/{fd}") == str(upload):
            synced.append(os.fstat(fd).st_size)

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    first = raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext[:1_000_000])
    assert first.json()["received"] == 1_000_000
    assert synced == [1_000_000]
    second = raw_wallet.put_part(sealed.document_id, 1_000_000, sealed.ciphertext[1_000_000:])
    assert second.json()["received"] == sealed.size
    assert synced == [1_000_000, sealed.size]


def test_a_part_that_cannot_be_synced_to_disk_is_not_acknowledged(
    pde_server: LiveServer, raw_wallet: RawWallet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed = raw_wallet.seal(os.urandom(200_000))
    raw_wallet.declare(sealed)
    upload = account_folder(pde_server, raw_wallet) / "uploads" / f"{sealed.document_id}.upload"
    real_fdatasync = os.fdatasync

    def failing_fdatasync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}") == str(upload):
            raise OSError(5, "Input/output error")
        real_fdatasync(fd)

    monkeypatch.setattr(os, "fdatasync", failing_fdatasync)
    response = raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext)
    assert_error(response, 503, "storage_unavailable")
    monkeypatch.undo()
    assert received(raw_wallet, sealed.document_id) == 0
    assert raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext).is_success
    assert raw_wallet.complete(sealed.document_id).status_code == 200
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def test_a_connection_dropped_mid_part_acknowledges_nothing_and_the_part_is_sent_again(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.seal(os.urandom(12_000_000))  # the dropped half: over a batch
    raw_wallet.declare(sealed)
    upload = account_folder(pde_server, raw_wallet) / "uploads" / f"{sealed.document_id}.upload"
    raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext[:1_000_000])

    rest = sealed.ciphertext[1_000_000:]
    drop_mid_part(pde_server, raw_wallet, sealed.document_id, 1_000_000, rest)

    wait_for_size(upload, 1_000_000)  # what the dropped part wrote is cut again
    assert received(raw_wallet, sealed.document_id) == 1_000_000
    assert raw_wallet.document_ids() == []
    deadline = time.monotonic() + 10
    while (again := raw_wallet.put_part(sealed.document_id, 1_000_000, rest)).status_code == 409:
        assert again.headers["PDE-Upload-Received"] == "1000000"  # as a client, ask again
        assert time.monotonic() < deadline, "the dropped part still holds the upload"
        time.sleep(0.1)
    assert again.json()["received"] == sealed.size
    assert raw_wallet.complete(sealed.document_id).status_code == 200
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def test_completion_renames_the_upload_file_into_the_content(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.seal(os.urandom(2_000_000))
    raw_wallet.declare(sealed)
    raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext[:700_000])
    raw_wallet.put_part(sealed.document_id, 700_000, sealed.ciphertext[700_000:])
    folder = account_folder(pde_server, raw_wallet)
    inode = (folder / "uploads" / f"{sealed.document_id}.upload").stat().st_ino

    assert raw_wallet.complete(sealed.document_id).status_code == 200

    content = folder / "documents" / f"{sealed.document_id}.blob"
    assert content.stat().st_ino == inode, "the parts became the content: nothing copied"
    assert list((folder / "uploads").iterdir()) == []
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def test_a_sha256_mismatch_at_completion_leaves_no_file_behind(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.seal(os.urandom(500_000))
    tampered = bytearray(sealed.ciphertext)
    tampered[-100] ^= 0x01
    raw_wallet.declare(sealed)
    raw_wallet.put_part(sealed.document_id, 0, bytes(tampered))

    assert_error(raw_wallet.complete(sealed.document_id), 422, "integrity_mismatch")

    folder = account_folder(pde_server, raw_wallet)
    assert [path.name for path in folder.rglob("*") if path.is_file()] == []
    assert raw_wallet.used_bytes() == 0


def test_the_same_part_sent_twice_at_once_is_written_by_one_request_only(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    """A second request for a part being written must not write over it: it is
    refused (409, where the upload stands) and the first one completes."""
    sealed = raw_wallet.seal(os.urandom(2_000_000))
    raw_wallet.declare(sealed)
    first = start_part(pde_server, raw_wallet, sealed.document_id, 0, sealed.ciphertext)
    with first:
        other = bytearray(sealed.ciphertext)
        other[1000] ^= 0x01
        second = raw_wallet.put_part(sealed.document_id, 0, bytes(other))
        assert_error(second, 409, "upload_offset_mismatch")
        first.sendall(sealed.ciphertext[sealed.size // 2 :])
        answer = first.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert received(raw_wallet, sealed.document_id) == sealed.size
    assert raw_wallet.complete(sealed.document_id).status_code == 200
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def in_pieces(*pieces: bytes) -> Iterator[bytes]:
    """A body sent piece by piece, pausing so that each arrives on its own."""
    for piece in pieces:
        yield piece
        time.sleep(0.2)


def put_in_pieces(wallet: RawWallet, document_id: str, *pieces: bytes) -> httpx.Response:
    length = str(sum(len(piece) for piece in pieces))
    return wallet.http.put(
        f"{API}/documents/{document_id}/content",
        params={"offset": 0},
        content=in_pieces(*pieces),
        headers={"Content-Type": "application/octet-stream", "Content-Length": length},
    )


def test_a_streams_first_bytes_are_checked_however_the_body_is_cut(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.seal(os.urandom(3000))
    raw_wallet.declare(sealed)
    data = sealed.ciphertext
    not_a_stream = b"%P" + data[2:]
    refused = put_in_pieces(raw_wallet, sealed.document_id, not_a_stream[:1], not_a_stream[1:])
    assert_error(refused, 422, "integrity_mismatch")
    too_short = put_in_pieces(raw_wallet, sealed.document_id, data[:2])  # shorter than a head
    assert_error(too_short, 422, "integrity_mismatch")
    assert received(raw_wallet, sealed.document_id) == 0

    taken = put_in_pieces(raw_wallet, sealed.document_id, data[:1], data[1:3], data[3:])
    assert taken.status_code == 200, taken.text
    assert raw_wallet.complete(sealed.document_id).status_code == 200
    assert raw_wallet.content(sealed.document_id) == data
