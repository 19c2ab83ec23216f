"""Resumable uploads of encrypted streams. Each part is written into the
upload where it belongs (the local store: in place in one file; S3: an object
per part) and acknowledged only once durable; a dropped connection resumes at
the last acknowledged offset. Completion makes the parts the content (a rename
on the local store), checks the whole ciphertext's SHA-256, and only then
makes the document visible."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta
from typing import BinaryIO

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.orm import Session

from crypto.stream import MAGIC, STREAM_VERSION
from wallet.clock import now
from wallet.errors import (
    IntegrityMismatch,
    InvalidRequest,
    NotFound,
    UploadIncomplete,
    UploadNotPending,
    UploadOffsetMismatch,
)
from wallet.models import Account, Document, UploadPart
from wallet.services.documents import (
    DEPOSITED,
    EVERY_COMPARTMENT,
    READY,
    UPLOADING,
    content_key,
    delete_blobs,
    find_pending_upload,
    part_key,
    release_bytes,
    upload_blobs,
    upload_key,
)
from wallet.settings import WalletSettings
from wallet.storage.base import BlobStore

STREAM_PREFIX = MAGIC + bytes([STREAM_VERSION])
STREAM_HEAD_BYTES = len(STREAM_PREFIX)


class RunningHashes:
    """SHA-256 of each upload as its parts arrive, so completion need not read
    everything again. Only an optimisation: after a restart it is recomputed."""

    def __init__(self) -> None:
        self._hashes: dict[str, tuple[int, hashlib._Hash]] = {}
        self._lock = threading.Lock()

    def resume(self, document_id: str, offset: int) -> hashlib._Hash | None:
        """A copy of the hash of bytes [0, offset), or None when it is not known."""
        if offset == 0:
            return hashlib.sha256()
        with self._lock:
            current = self._hashes.get(document_id)
        return current[1].copy() if current is not None and current[0] == offset else None

    def advance(self, document_id: str, offset: int, digest: hashlib._Hash | None) -> None:
        """Record the hash of bytes [0, offset) once a part is acknowledged."""
        with self._lock:
            if digest is None:
                self._hashes.pop(document_id, None)
            else:
                self._hashes[document_id] = (offset, digest)

    def final(self, document_id: str, size: int) -> bytes | None:
        """The whole upload's SHA-256 if every part went through this process."""
        with self._lock:
            current = self._hashes.pop(document_id, None)
        return current[1].digest() if current is not None and current[0] == size else None


class _HashingReader:
    """Feeds what the blob store reads into a hash, so the bytes are read once."""

    def __init__(self, body: BinaryIO, digest: hashlib._Hash | None) -> None:
        self._body, self._digest = body, digest

    def read(self, size: int = -1) -> bytes:
        chunk = self._body.read(size)
        if self._digest is not None:
            self._digest.update(chunk)
        return chunk


def accept_part(
    db: Session,
    settings: WalletSettings,
    account: Account,
    document_id: str,
    offset: int,
    length: int | None,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """The pending upload a part at `offset` belongs to, once the part may be written:
    `offset` is the next expected byte and `length`, when known yet, fits."""
    document = find_pending_upload(db, account.id, document_id, compartment)
    if offset != document.received:
        raise UploadOffsetMismatch(received=document.received)
    if length is not None:
        check_part_length(settings, document, offset, length)
    return document


def confirm_offset(db: Session, document: Document, offset: int) -> None:
    """Read the upload's state again, once its store holds it for this part (a part
    that raced in is committed by then), and refuse the part unless it starts there."""
    try:
        db.refresh(document, ["state", "received"])
    except InvalidRequestError:  # deleted meanwhile
        raise NotFound() from None
    if document.state != UPLOADING:
        raise UploadNotPending()
    if document.received != offset:
        raise UploadOffsetMismatch(received=document.received)


def part_room(settings: WalletSettings, document: Document, offset: int) -> int:
    """The most bytes a part at `offset` may have: the part limit, or what is left."""
    return min(settings.upload_part_max_bytes, document.size - offset)


def check_part_length(
    settings: WalletSettings, document: Document, offset: int, length: int
) -> None:
    """Refuse a part of no byte, over the part limit, or going past the declared size."""
    if length <= 0 or length > settings.upload_part_max_bytes:
        raise InvalidRequest(f"A part has 1 to {settings.upload_part_max_bytes} bytes.")
    if offset + length > document.size:
        raise InvalidRequest("This part goes past the declared size.", size=document.size)


def starts_like_a_stream(head: bytes) -> bool:
    """Whether the first bytes of an upload are those of a PDE encrypted stream."""
    return head[: len(STREAM_PREFIX)] == STREAM_PREFIX


def record_part(
    db: Session,
    hashes: RunningHashes,
    document: Document,
    offset: int,
    length: int,
    digest: hashlib._Hash | None,
) -> Document:
    """Record a part the store holds durably, to be acknowledged once committed;
    `digest` is the running hash through its end, if known."""
    db.add(UploadPart(document_id=document.id, part_offset=offset, length=length))
    document.received = offset + length
    document.updated_at = now()
    try:
        db.flush()
    except IntegrityError:  # the same part raced in twice: the other one won
        raise UploadOffsetMismatch(received=offset + length) from None
    hashes.advance(document.id, offset + length, digest)
    return document


def put_part(
    db: Session,
    blobs: BlobStore,
    settings: WalletSettings,
    hashes: RunningHashes,
    account: Account,
    document_id: str,
    offset: int,
    body: BinaryIO,
    length: int,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """Store one part at `offset` (which must be the next expected byte) and record it
    (a seekable `body` of `length` bytes; the server streams into PartsInPlace stores)."""
    document = accept_part(db, settings, account, document_id, offset, length, compartment)
    if offset == 0:
        head = body.read(len(STREAM_PREFIX))
        body.seek(0)
        if not starts_like_a_stream(head):
            raise IntegrityMismatch("This is not an encrypted PDE file.")
    digest = hashes.resume(document.id, offset)
    reader = _HashingReader(body, digest)
    blobs.write_part(upload_key(account.id, document.id), offset, reader, length)  # type: ignore[arg-type]
    return record_part(db, hashes, document, offset, length, digest)


def _stored_digest(blobs: BlobStore, key: str) -> bytes:
    digest = hashlib.sha256()
    for chunk in blobs.open(key):
        digest.update(chunk)
    return digest.digest()


def complete_upload(
    db: Session,
    blobs: BlobStore,
    hashes: RunningHashes,
    account: Account,
    document_id: str,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> list[str]:
    """Make the parts the document's content, check the whole ciphertext and make
    the document visible.

    Returns the blob keys to delete once this is committed. On a SHA-256 mismatch
    raises IntegrityMismatch with the rows unchanged: the caller then discards the
    upload, its content blob included, with `discard_upload`."""
    document = find_pending_upload(db, account.id, document_id, compartment)
    if document.received != document.size:
        raise UploadIncomplete(received=document.received, size=document.size)
    offsets = [part.part_offset for part in document.parts]
    known = hashes.final(document.id, document.size)
    content = content_key(account.id, document.id)
    blobs.finish_upload(upload_key(account.id, document.id), offsets, content)
    # Not hashed as it arrived (a restart, another worker): read once, still unlisted.
    if (known or _stored_digest(blobs, content)) != document.sha256:
        raise IntegrityMismatch()
    leftovers = [part_key(account.id, document.id, offset) for offset in offsets]
    document.state = READY if document.deposit_id is None else DEPOSITED
    document.updated_at = now()
    document.parts.clear()
    db.flush()
    return leftovers


def discard_upload(db: Session, account: Account, document_id: str) -> list[str]:
    """Drop an unfinished upload's row and reservation; returns its blob keys to delete."""
    document = find_pending_upload(db, account.id, document_id)
    return _discard(db, account, document)


def _discard(db: Session, account: Account, document: Document) -> list[str]:
    keys = [content_key(account.id, document.id), *upload_blobs(document)]
    release_bytes(db, account, document.size)
    db.delete(document)
    db.flush()
    return keys


def purge_abandoned_uploads(
    db: Session, blobs: BlobStore, settings: WalletSettings
) -> tuple[int, int]:
    """Discard uploads untouched for `upload_abandoned_hours` (a depositor's for
    `deposit_abandoned_minutes`: a link holder must not hold the owner's space long);
    returns how many were the owners' and how many depositors'."""
    moment = now()
    owners = moment - timedelta(hours=settings.upload_abandoned_hours)
    depositors = moment - timedelta(minutes=settings.deposit_abandoned_minutes)
    stale = db.scalars(
        select(Document).where(
            Document.state == UPLOADING,
            or_(
                Document.updated_at < owners,
                and_(Document.deposit_id.is_not(None), Document.updated_at < depositors),
            ),
        )
    ).all()
    deposits = sum(1 for document in stale if document.deposit_id is not None)
    leftovers: list[str] = []
    for document in stale:
        leftovers += _discard(db, document.account, document)
    db.commit()
    delete_blobs(blobs, leftovers)
    return len(stale) - deposits, deposits
