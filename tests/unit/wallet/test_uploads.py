"""Completing an upload, at the service level: the SHA-256 hashed as the parts
arrived is used when this process saw them all; after a restart (the running
hashes gone) the whole content is read again from the store, so damage on disk
is still caught."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from crypto import new_id
from crypto.stream import ciphertext_size
from tests.unit.wallet.test_housekeeping import STREAM_START, make_account
from wallet.errors import IntegrityMismatch
from wallet.models import Account, Document
from wallet.runtime import Runtime
from wallet.services import documents, uploads
from wallet.services.documents import READY
from wallet.storage.base import BlobReader

SIZE = ciphertext_size(100_000)


def upload_every_part(runtime: Runtime) -> tuple[str, str, Path]:
    """An upload whose every byte arrived in two parts; its account and document
    ids, and its file in the local store."""
    content = STREAM_START + os.urandom(SIZE - len(STREAM_START))
    with runtime.db() as db:
        account = make_account(db)
        new = documents.NewDocument(
            new_id(), bytes(61), bytes(285), SIZE, hashlib.sha256(content).digest()
        )
        document = documents.create_document(db, runtime.settings, account, new)
        for offset, part in ((0, content[:60_000]), (60_000, content[60_000:])):
            uploads.put_part(
                db,
                runtime.blobs,
                runtime.settings,
                runtime.hashes,
                account,
                document.id,
                offset,
                io.BytesIO(part),
                len(part),
            )
            db.commit()
        account_id, document_id = account.id, document.id
    folder = runtime.settings.data_dir / "blobs" / "accounts" / account_id / "uploads"
    return account_id, document_id, folder / f"{document_id}.upload"


def complete(runtime: Runtime, account_id: str, document_id: str) -> None:
    with runtime.db() as db:
        account = db.get(Account, account_id)
        assert account is not None
        uploads.complete_upload(db, runtime.blobs, runtime.hashes, account, document_id)
        db.commit()


@pytest.fixture
def opened(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys the store is asked to read."""
    keys: list[str] = []
    real_open = runtime.blobs.open

    def spy(key: str, start: int = 0, end: int | None = None) -> BlobReader:
        keys.append(key)
        return real_open(key, start, end)

    monkeypatch.setattr(runtime.blobs, "open", spy)
    return keys


def test_completion_uses_the_hash_taken_as_the_parts_arrived_and_reads_nothing(
    runtime: Runtime, opened: list[str]
) -> None:
    account_id, document_id, _ = upload_every_part(runtime)
    complete(runtime, account_id, document_id)
    with runtime.db() as db:
        assert db.get(Document, document_id).state == READY  # type: ignore[union-attr]
    assert opened == []


def test_completion_after_a_restart_hashes_the_stored_content_again(
    runtime: Runtime, opened: list[str]
) -> None:
    account_id, document_id, _ = upload_every_part(runtime)
    runtime.hashes = uploads.RunningHashes()  # the server restarted: nothing in memory
    complete(runtime, account_id, document_id)
    with runtime.db() as db:
        assert db.get(Document, document_id).state == READY  # type: ignore[union-attr]
    assert opened == [documents.content_key(account_id, document_id)]


def test_after_a_restart_a_damaged_upload_file_fails_completion(runtime: Runtime) -> None:
    account_id, document_id, upload_file = upload_every_part(runtime)
    with upload_file.open("r+b") as damaged:
        damaged.seek(70_000)
        damaged.write(b"\x00")
    runtime.hashes = uploads.RunningHashes()
    with pytest.raises(IntegrityMismatch):
        complete(runtime, account_id, document_id)
