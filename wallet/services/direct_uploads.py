"""Direct transfers (issue 12 §2): document content goes straight between the
client and the object store on presigned URLs; the server authorises, keeps
the quota, records what each part must be, and completes.

An upload is an S3 multipart upload on the document's content key, opened when
the client asks for its first part's URL. Parts sit on a fixed grid: every
part is `upload_part_max_bytes` but the last. For each part the client
declares its SHA-256, gets a presigned PUT carrying that checksum (the store
refuses a body that does not match), puts it, and acknowledges it: the server
lists the stored parts and advances `received` only if the part is there with
the declared size and checksum. Completion checks every part again (a part
can be overwritten after its acknowledgement while its URL lives), joins them,
and checks the object's size and first bytes with a ranged read. The ciphertext
is thus checked part by part by the store, never read through Python.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.clock import now
from wallet.errors import (
    DirectTransferOff,
    IntegrityMismatch,
    InvalidRequest,
    NotFound,
    UploadIncomplete,
    UploadOffsetMismatch,
    UploadPartMissing,
)
from wallet.models import Account, DirectUploadPart, Document
from wallet.services import uploads
from wallet.services.documents import (
    EVERY_COMPARTMENT,
    READY,
    UPLOADING,
    content_key,
    delete_blobs,
    find_pending_upload,
)
from wallet.settings import WalletSettings
from wallet.storage.base import BlobStore
from wallet.storage.s3_direct import DirectTransfers, PartsChanged, StoredPart, direct_transfers

ORPHAN_AGE = timedelta(hours=1)  # far longer than any request between opening and commit


@dataclass(frozen=True)
class PartUrl:
    """Where and how the client puts the part at `offset`."""

    offset: int
    url: str
    headers: dict[str, str]
    expires_at: datetime


@dataclass(frozen=True)
class ContentUrl:
    """Where the client gets a document's ciphertext."""

    url: str
    expires_at: datetime
    size: int


def transfers_for(settings: WalletSettings, blobs: BlobStore) -> DirectTransfers:
    """The direct transfers of this server; DirectTransferOff when content goes through it."""
    from wallet.storage.s3 import S3BlobStore

    if not settings.direct_transfers or not isinstance(blobs, S3BlobStore):
        raise DirectTransferOff()
    return direct_transfers(blobs, settings.s3_public_url, settings.s3_region)


def part_number(settings: WalletSettings, offset: int) -> int:
    """The S3 part number (from 1) of the part starting at `offset` on the grid."""
    return offset // settings.upload_part_max_bytes + 1


def part_length(settings: WalletSettings, document: Document, offset: int) -> int:
    """The fixed length of the part starting at `offset`: the part size, or the rest."""
    return min(settings.upload_part_max_bytes, document.size - offset)


def _lifetime(settings: WalletSettings) -> tuple[timedelta, datetime]:
    lifetime = timedelta(seconds=settings.s3_presign_seconds)
    return lifetime, now() + lifetime


def _owned_upload(
    db: Session, account: Account, document_id: str, compartment: bytes | None
) -> Document:
    """The owner's open upload; deposits keep the server path, so they are not found here."""
    return _not_a_deposit(find_pending_upload(db, account.id, document_id, compartment))


def _not_a_deposit(document: Document) -> Document:
    if document.deposit_id is not None:
        raise NotFound()
    return document


def part_urls(
    db: Session,
    transfers: DirectTransfers,
    settings: WalletSettings,
    upload: Document,
    wanted: Sequence[tuple[int, int, bytes]],
) -> list[PartUrl]:
    """Record the declared SHA-256 of each part wanted, as (offset, length, sha256), of
    the owner's open `upload` (find_pending_upload's), and presign its PUT. A part may
    be asked for at or after the acknowledged count, so a client keeps several in
    flight; the multipart upload opens with the first asked for. Everything is checked
    before anything is recorded or opened."""
    document = _not_a_deposit(upload)
    for offset, length, _ in wanted:
        _check_on_the_grid(settings, document, offset)
        expected = part_length(settings, document, offset)
        if length != expected:
            message = f"The part at {offset} has exactly {expected} bytes."
            raise InvalidRequest(message, length=expected)
    key = content_key(document.account_id, document.id)
    if document.direct_upload_id is None:
        if document.received:
            raise InvalidRequest("This upload goes through the server: send its parts there.")
        document.direct_upload_id = transfers.create_upload(key)
    declared = _declared_rows(db, document)
    for offset, _, sha256 in wanted:
        number = part_number(settings, offset)
        if number in declared:  # a retry: the last declaration counts
            declared[number].sha256 = sha256
        else:
            declared[number] = DirectUploadPart(
                document_id=document.id, part_number=number, sha256=sha256
            )
            db.add(declared[number])
    document.updated_at = now()
    db.flush()
    lifetime, expires_at = _lifetime(settings)
    return [
        PartUrl(
            offset,
            transfers.presign_part(
                key, document.direct_upload_id, part_number(settings, offset), lifetime
            ),
            {"x-amz-checksum-sha256": base64.b64encode(sha256).decode()},
            expires_at,
        )
        for offset, _, sha256 in wanted
    ]


def _check_on_the_grid(settings: WalletSettings, document: Document, offset: int) -> None:
    """UploadOffsetMismatch (with where to resume) unless `offset` starts a part not yet
    acknowledged: on the grid, at or after `received`, before the end."""
    on_the_grid = offset % settings.upload_part_max_bytes == 0
    if not (on_the_grid and document.received <= offset < document.size):
        raise UploadOffsetMismatch(received=document.received)


def _declared_rows(db: Session, document: Document) -> dict[int, DirectUploadPart]:
    rows = db.scalars(select(DirectUploadPart).where(DirectUploadPart.document_id == document.id))
    return {row.part_number: row for row in rows}


def _declared(db: Session, document: Document) -> dict[int, bytes]:
    return {number: row.sha256 for number, row in _declared_rows(db, document).items()}


def _matches(
    settings: WalletSettings, document: Document, part: StoredPart | None, declared: bytes | None
) -> bool:
    """Whether a stored part is the one declared for its place on the grid."""
    if part is None or declared is None:
        return False
    offset = (part.number - 1) * settings.upload_part_max_bytes
    return part.size == part_length(settings, document, offset) and part.sha256 == declared


def acknowledge_parts(
    db: Session,
    transfers: DirectTransfers,
    settings: WalletSettings,
    upload: Document,
    offsets: Sequence[int],
) -> Document:
    """Check that the store holds each part at `offsets` of the owner's open `upload`
    as declared (UploadPartMissing if one is not there, IntegrityMismatch if one is
    there but wrong), then advance `received` over the parts held as declared from
    where it stands: parts put out of order count once the ones before them are
    there, so `received` stays a prefix."""
    document = _not_a_deposit(upload)
    for offset in offsets:
        _check_on_the_grid(settings, document, offset)
    declared = _declared(db, document)
    numbers = [part_number(settings, offset) for offset in offsets]
    if document.direct_upload_id is None or any(n not in declared for n in numbers):
        raise UploadPartMissing()
    key = content_key(document.account_id, document.id)
    stored = {p.number: p for p in transfers.list_parts(key, document.direct_upload_id)}
    for offset, number in zip(offsets, numbers, strict=True):
        if number not in stored:
            raise UploadPartMissing(f"The part at {offset} has not arrived. Send it again.")
        if not _matches(settings, document, stored[number], declared[number]):
            raise IntegrityMismatch(
                f"The part at {offset} arrived damaged or is not the one declared: put it again."
            )
    _advance_over_stored(settings, document, stored, declared)
    db.flush()
    return document


def _advance_over_stored(
    settings: WalletSettings,
    document: Document,
    stored: dict[int, StoredPart],
    declared: dict[int, bytes],
) -> None:
    """Move `received` past each part, in order from where it stands, that the store
    holds as declared; stop at the first one it does not."""
    while document.received < document.size:
        number = part_number(settings, document.received)
        if not _matches(settings, document, stored.get(number), declared.get(number)):
            break
        document.received += part_length(settings, document, document.received)
        document.updated_at = now()


def resume_point(
    db: Session, transfers: DirectTransfers, settings: WalletSettings, document: Document
) -> Document:
    """Acknowledge, in order, the parts the store holds as declared but that were never
    acknowledged (the connection was cut), so `received` is where to resume."""
    if document.state != UPLOADING or document.direct_upload_id is None:
        return document
    key = content_key(document.account_id, document.id)
    stored = {p.number: p for p in transfers.list_parts(key, document.direct_upload_id)}
    _advance_over_stored(settings, document, stored, _declared(db, document))
    db.flush()
    return document


def complete_upload(
    db: Session,
    transfers: DirectTransfers,
    settings: WalletSettings,
    account: Account,
    document_id: str,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> None:
    """Check every stored part against its declaration, join them into the content
    key and check the result; then the document is visible. On a mismatch, abort the
    multipart upload and raise IntegrityMismatch: the caller discards the document."""
    document = _owned_upload(db, account, document_id, compartment)
    if document.received != document.size or document.direct_upload_id is None:
        raise UploadIncomplete(received=document.received, size=document.size)
    key = content_key(account.id, document.id)
    upload_id = document.direct_upload_id
    declared = _declared(db, document)
    parts = transfers.list_parts(key, upload_id)
    count = part_number(settings, document.size - 1) if document.size else 0
    grid_ok = [p.number for p in parts] == list(range(1, count + 1))
    if not grid_ok or not all(
        _matches(settings, document, p, declared.get(p.number)) for p in parts
    ):
        transfers.abort(key, upload_id)
        raise IntegrityMismatch()
    try:
        transfers.complete(key, upload_id, parts)
    except PartsChanged:  # a part put again between the listing and the joining
        transfers.abort(key, upload_id)
        raise IntegrityMismatch() from None
    if not _joined_as_declared(transfers, key, document.size):
        delete_blobs(transfers.store, [key])
        raise IntegrityMismatch("This is not an encrypted PDE file.")
    document.state = READY  # an owner's own: deposits keep the server path
    document.direct_upload_id = None
    document.direct_parts.clear()
    document.updated_at = now()
    db.flush()


def _joined_as_declared(transfers: DirectTransfers, key: str, size: int) -> bool:
    """The joined object has the declared size and starts like a PDE stream."""
    if transfers.store.size(key) != size:
        return False
    with transfers.store.open(key, 0, uploads.STREAM_HEAD_BYTES) as head:
        return uploads.starts_like_a_stream(head.read_all())


def content_url(
    transfers: DirectTransfers, settings: WalletSettings, document: Document
) -> ContentUrl:
    """A short-lived presigned GET of a completed document's ciphertext."""
    lifetime, expires_at = _lifetime(settings)
    url = transfers.presign_get(content_key(document.account_id, document.id), lifetime)
    return ContentUrl(url, expires_at, document.size)


def abort_orphaned_multipart_uploads(
    db: Session, settings: WalletSettings, blobs: BlobStore, *, older_than: timedelta = ORPHAN_AGE
) -> int:
    """Housekeeping: abort the multipart uploads, opened more than `older_than` ago, of
    documents no longer uploading (deleted, discarded as abandoned, erased); returns
    how many. Nothing to do (0) unless transfers are direct. The age spares an upload
    opened by a request whose row is not committed yet."""
    if not settings.direct_transfers:
        return 0
    transfers = transfers_for(settings, blobs)
    opened_before = now() - older_than
    aborted = 0
    for pending in transfers.pending_uploads("accounts"):
        if pending.initiated is not None and pending.initiated > opened_before:
            continue
        alive = db.scalar(
            select(Document.id).where(
                Document.direct_upload_id == pending.upload_id, Document.state == UPLOADING
            )
        )
        if alive is None:
            transfers.abort(pending.key, pending.upload_id)
            aborted += 1
    return aborted
