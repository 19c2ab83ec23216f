"""Resumable uploads: parts are acknowledged in order and an interrupted upload
resumes where the server says it stands; completion checks the whole
ciphertext, and anything damaged, incomplete or not a PDE stream is refused
without leaving a half document, a part or a reservation behind."""

from __future__ import annotations

import io

import pytest

from client import PdeClient
from crypto.stream import SEGMENT_BYTES, ciphertext_size, plaintext_size
from tests.api.support import API, RawWallet, assert_error, login_raw, stored_keys, stored_rows
from tests.conftest import PASSPHRASE
from tests.server import LiveServer
from wallet.models import Document, UploadPart


def upload_status(wallet: RawWallet, document_id: str) -> dict[str, object]:
    response = wallet.http.get(f"{API}/documents/{document_id}/upload")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_interrupted_upload_resumes_from_received_and_completes_intact(
    pde_server: LiveServer, wallet: PdeClient
) -> None:
    content = bytes(range(256)) * (3 * SEGMENT_BYTES // 256 + 77)  # four segments
    with login_raw(pde_server.url, str(wallet.handle), PASSPHRASE) as first_terminal:
        sealed = first_terminal.seal(content, {"title": "Diplome", "type": "work"})
        declared = first_terminal.declare(sealed)
        assert declared.status_code == 201
        assert declared.json()["received"] == 0 and declared.json()["complete"] is False
        first = first_terminal.put_part(sealed.document_id, 0, sealed.ciphertext[:1_500_000])
        assert first.json()["received"] == 1_500_000
        # …the terminal is closed here; the upload goes on from another client.

    assert wallet.list() == []
    wallet.upload_parts(sealed.document_id, io.BytesIO(sealed.ciphertext), sealed.size, 700_000)
    with login_raw(pde_server.url, str(wallet.handle), PASSPHRASE) as later:
        assert upload_status(later, sealed.document_id)["received"] == sealed.size
        completed = later.complete(sealed.document_id)
        assert completed.status_code == 200, completed.text
        assert later.content(sealed.document_id) == sealed.ciphertext

    out = io.BytesIO()
    assert wallet.get(sealed.document_id, out).metadata["title"] == "Diplome"
    assert out.getvalue() == content
    assert [d.document_id for d in wallet.list()] == [sealed.document_id]


def test_a_part_at_the_wrong_offset_is_409_with_the_received_count(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.seal(b"x" * 5000)
    raw_wallet.declare(sealed)
    assert raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext[:1000]).is_success

    for offset in (0, 500, 1001, 4000):
        response = raw_wallet.put_part(sealed.document_id, offset, sealed.ciphertext[offset:])
        assert_error(response, 409, "upload_offset_mismatch")
        assert response.headers["PDE-Upload-Received"] == "1000"
    assert upload_status(raw_wallet, sealed.document_id)["received"] == 1000


def test_a_part_over_the_part_limit_is_refused_422_and_not_acknowledged(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.seal(b"small")
    part_max = int(raw_wallet.declare(sealed).json()["part_max_bytes"])
    too_big = sealed.ciphertext + bytes(part_max + 1 - sealed.size)
    assert_error(raw_wallet.put_part(sealed.document_id, 0, too_big), 422, "invalid_request")
    assert upload_status(raw_wallet, sealed.document_id)["received"] == 0


@pytest.mark.parametrize("kind", ["empty", "past-the-declared-size"])
def test_a_part_that_cannot_fit_the_declared_upload_is_refused_422(
    raw_wallet: RawWallet, kind: str
) -> None:
    sealed = raw_wallet.seal(b"y" * 1000)
    raw_wallet.declare(sealed)
    data = b"" if kind == "empty" else sealed.ciphertext + b"extra"
    assert_error(raw_wallet.put_part(sealed.document_id, 0, data), 422, "invalid_request")
    assert upload_status(raw_wallet, sealed.document_id)["received"] == 0


def test_completing_before_every_byte_arrived_is_409_upload_incomplete(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.seal(b"z" * 3000)
    raw_wallet.declare(sealed)
    assert_error(raw_wallet.complete(sealed.document_id), 409, "upload_incomplete")
    raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext[:-1])
    assert_error(raw_wallet.complete(sealed.document_id), 409, "upload_incomplete")

    raw_wallet.put_part(sealed.document_id, sealed.size - 1, sealed.ciphertext[-1:])
    assert raw_wallet.complete(sealed.document_id).status_code == 200
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def test_a_tampered_upload_is_discarded_at_completion_with_its_parts_and_reservation(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    kept = raw_wallet.add(b"already here " * 100)
    used_before = raw_wallet.used_bytes()
    sealed = raw_wallet.seal(b"genuine content " * 5000)
    tampered = bytearray(sealed.ciphertext)
    tampered[sealed.size // 2] ^= 0x01
    raw_wallet.declare(sealed)
    half = sealed.size // 3
    raw_wallet.put_part(sealed.document_id, 0, bytes(tampered[:half]))
    raw_wallet.put_part(sealed.document_id, half, bytes(tampered[half:]))
    assert raw_wallet.used_bytes() == used_before + sealed.size

    assert_error(raw_wallet.complete(sealed.document_id), 422, "integrity_mismatch")

    assert raw_wallet.document_ids() == [kept.document_id]
    assert_error(
        raw_wallet.http.get(f"{API}/documents/{sealed.document_id}/upload"), 404, "not_found"
    )
    assert raw_wallet.used_bytes() == used_before
    assert stored_keys(pde_server, f"accounts/{raw_wallet.account_id}/uploads") == []
    with stored_rows(pde_server) as db:
        assert db.get(Document, sealed.document_id) is None
        assert db.query(UploadPart).filter_by(document_id=sealed.document_id).count() == 0
    # The same document may be sent again, correctly this time.
    assert raw_wallet.upload(sealed) == sealed.document_id
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext


def test_a_first_part_that_is_not_a_pde_stream_is_refused_as_integrity_mismatch(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.seal(b"w" * 2000)
    raw_wallet.declare(sealed)
    not_a_stream = b"%PDF" + sealed.ciphertext[4:]
    response = raw_wallet.put_part(sealed.document_id, 0, not_a_stream)
    assert_error(response, 422, "integrity_mismatch")
    assert upload_status(raw_wallet, sealed.document_id)["received"] == 0


@pytest.mark.parametrize(
    "size",
    [ciphertext_size(SEGMENT_BYTES) + 1, ciphertext_size(5 * SEGMENT_BYTES) + 16, 59, -1],
    ids=[
        "one-byte-after-a-full-segment",
        "empty-last-segment",
        "shorter-than-a-header",
        "negative",
    ],
)
def test_a_size_no_encrypted_stream_can_have_is_refused_422(
    raw_wallet: RawWallet, size: int
) -> None:
    if size >= 60:  # the server must refuse what the format refuses
        with pytest.raises(ValueError):
            plaintext_size(size)
    sealed = raw_wallet.seal(b"v")
    assert_error(raw_wallet.declare(sealed, size=size), 422, "invalid_request")
    assert raw_wallet.used_bytes() == 0


def test_the_upload_status_of_a_finished_upload_says_it_is_complete(
    raw_wallet: RawWallet,
) -> None:
    """A client resuming after a drop asks where the upload stands (PdeClient's
    upload_parts does); once completed, the answer is `complete`, which
    UploadStatus carries for this, not 404."""
    sealed = raw_wallet.add(b"done " * 300)
    status = upload_status(raw_wallet, sealed.document_id)
    assert status["complete"] is True
    assert status["received"] == status["size"] == sealed.size


def test_a_finished_upload_refuses_more_parts_and_a_second_completion_as_not_pending(
    raw_wallet: RawWallet,
) -> None:
    """A client whose connection dropped after the last part or the completion
    retries; the server must say the upload is finished (upload_not_pending,
    wallet/errors.py), not that the document does not exist."""
    sealed = raw_wallet.add(b"done " * 300)
    assert_error(raw_wallet.complete(sealed.document_id), 409, "upload_not_pending")
    again = raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext)
    assert_error(again, 409, "upload_not_pending")
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext
