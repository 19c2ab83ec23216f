"""Routes for documents: declare, upload in resumable parts, complete, list,
download (with HTTP Range), update metadata, delete."""

from __future__ import annotations

import asyncio
import hashlib
import re
import tempfile
from collections.abc import Callable
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from wallet.api.deps import CompartmentTag, CurrentWallet, DbDep, RuntimeDep
from wallet.api.errors import error_responses
from wallet.api.schemas import (
    DocumentCreateRequest,
    DocumentMoveRequest,
    DocumentResponse,
    DocumentUpdateRequest,
    Id,
    UploadStatus,
)
from wallet.errors import (
    AlreadyExists,
    DocumentTooLarge,
    IntegrityMismatch,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PassphraseChangeRequired,
    QuotaExceeded,
    RangeNotSatisfiable,
    StorageUnavailable,
    UploadIncomplete,
    UploadNotPending,
    UploadOffsetMismatch,
)
from wallet.events import DOCUMENT_STORED
from wallet.metrics import UPLOADS
from wallet.models import Account, Document
from wallet.services import direct_uploads, documents, uploads
from wallet.services.documents import EVERY_COMPARTMENT
from wallet.storage.base import PartsInPlace, PartWriter, UploadBusy

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
AUTH = (NotAuthenticated, PassphraseChangeRequired, NotFound)
SPOOL_IN_MEMORY = 1 << 20
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def document_response(document: Document) -> DocumentResponse:
    return DocumentResponse(
        document_id=document.id,
        wrapped_key=document.wrapped_key,
        metadata=document.metadata_box,
        size=document.size,
        created_at=document.created_at,
        updated_at=document.updated_at,
    )


def upload_status(runtime: RuntimeDep, document: Document) -> UploadStatus:
    return UploadStatus(
        document_id=document.id,
        size=document.size,
        received=document.received,
        part_max_bytes=runtime.settings.upload_part_max_bytes,
        complete=document.state == documents.READY,
        # Deposits keep the server path; the owner's uploads go direct when the server can.
        transfer="direct"
        if runtime.settings.direct_transfers and document.deposit_id is None
        else "server",
    )


@router.post(
    "",
    status_code=201,
    response_model=UploadStatus,
    responses=error_responses(*AUTH, AlreadyExists, DocumentTooLarge, QuotaExceeded),
)
def create_document(
    body: DocumentCreateRequest,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> UploadStatus:
    """Declare a document (wrapped key, sealed metadata, ciphertext size and SHA-256).
    Limits and quota are checked now, before any byte is sent."""
    new = documents.NewDocument(
        body.document_id,
        body.wrapped_key,
        body.metadata,
        body.size,
        body.sha256,
        compartment_tag=compartment,
    )
    document = documents.create_document(db, runtime.settings, account, new)
    db.commit()
    return upload_status(runtime, document)


@router.get("", response_model=list[DocumentResponse], responses=error_responses(*AUTH))
def list_documents(
    db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> list[DocumentResponse]:
    """Every completed document of the wallet's normal view, or of the hidden
    compartment whose token is shown. Uploads in progress are not listed."""
    return [document_response(d) for d in documents.list_documents(db, account.id, compartment)]


@router.get("/{document_id}", response_model=DocumentResponse, responses=error_responses(*AUTH))
def get_document(
    document_id: Id, db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> DocumentResponse:
    """One completed document's wrapped key and sealed metadata."""
    document = documents.find_document(db, account.id, document_id, compartment=compartment)
    return document_response(document)


@router.patch("/{document_id}", response_model=DocumentResponse, responses=error_responses(*AUTH))
def update_document(
    document_id: Id,
    body: DocumentUpdateRequest,
    db: DbDep,
    account: CurrentWallet,
    compartment: CompartmentTag,
) -> DocumentResponse:
    """Replace the sealed metadata (rename, change type, date, issuer)."""
    document = documents.update_document(db, account.id, document_id, body.metadata, compartment)
    db.commit()
    return document_response(document)


@router.post(
    "/{document_id}/move", response_model=DocumentResponse, responses=error_responses(*AUTH)
)
def move_document(
    document_id: Id,
    body: DocumentMoveRequest,
    db: DbDep,
    account: CurrentWallet,
    compartment: CompartmentTag,
) -> DocumentResponse:
    """Move a document out of the compartment of this request into another (the key
    re-wrapped and the metadata re-sealed by the client; the content stays)."""
    target = hashlib.sha256(body.to_compartment).digest() if body.to_compartment else None
    moved = documents.MovedDocument(body.wrapped_key, body.metadata, target)
    document = documents.move_document(db, account.id, document_id, moved, compartment)
    db.commit()
    return document_response(document)


@router.delete(
    "/{document_id}", status_code=204, responses=error_responses(*AUTH, StorageUnavailable)
)
def delete_document(
    document_id: Id,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> None:
    """Delete a document (or an unfinished upload) and its ciphertext."""
    leftovers = documents.delete_document(db, account, document_id, compartment)
    db.commit()
    UPLOADS.labels("completed").inc()
    documents.delete_blobs(runtime.blobs, leftovers)


@router.get("/{document_id}/upload", response_model=UploadStatus, responses=error_responses(*AUTH))
def get_upload(
    document_id: Id,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> UploadStatus:
    """How many bytes of an upload are acknowledged: where to resume after a drop
    (`complete` once the document is visible)."""
    # In this request's place only: one in another place is NotFound, as an id never made.
    document = documents.find_document(db, account.id, document_id, None, compartment)
    if runtime.settings.direct_transfers and document.direct_upload_id is not None:
        # Parts put on the store but never acknowledged (a cut connection) count now.
        transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)
        direct_uploads.resume_point(db, transfers, runtime.settings, document)
        db.commit()
    return upload_status(runtime, document)


# A part of a ciphertext is sent as it is, not as JSON or a form: say so in the schema.
CIPHERTEXT_PART_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
PartOffset = Annotated[int, Query(ge=0, le=1 << 50)]  # where a part starts in the ciphertext


async def _receive_body(request: Request, spool: BinaryIO, limit: int) -> int:
    """Copy the request body into `spool`, refusing more than `limit` bytes; returns its length."""
    length = 0
    async for chunk in request.stream():
        length += len(chunk)
        if length > limit:
            raise InvalidRequest(f"A part has at most {limit} bytes.")
        spool.write(chunk)
    spool.seek(0)
    return length


class _PartInPlace:
    """A part streamed from the request straight into a PartsInPlace store: a thread
    writes and hashes one batch of chunks while the event loop receives the next."""

    def __init__(self, writer: PartWriter, digest: hashlib._Hash | None, check_start: bool) -> None:
        self.writer, self.digest = writer, digest
        self.check_start = check_start  # the upload's first bytes: a PDE stream's?
        self.length = 0

    async def receive(self, request: Request, room: Callable[[int], None], limit: int) -> int:
        """Write the whole body; `room(length)` raises once it is more than `limit` bytes."""
        batch: list[bytes] = []
        batched = 0
        writing: asyncio.Future[None] | None = None
        try:
            async for chunk in request.stream():
                self.length += len(chunk)
                if self.length > limit:
                    room(self.length)
                batch.append(chunk)
                batched += len(chunk)
                if batched >= PART_BATCH_BYTES:
                    self._check_start(batch)
                    if writing is not None:
                        await writing
                    writing = asyncio.ensure_future(run_in_threadpool(self._write, batch))
                    batch, batched = [], 0
            if writing is not None:
                await writing
            if batch:
                self._check_start(batch)
                await run_in_threadpool(self._write, batch)
        finally:
            if writing is not None and not writing.done():  # never close under a writing thread
                await asyncio.wait([writing])
        return self.length

    def _check_start(self, batch: list[bytes]) -> None:
        if self.check_start:
            head = b""
            for chunk in batch:  # the first few bytes, however the body was cut
                head += chunk[: uploads.STREAM_HEAD_BYTES - len(head)]
            if not uploads.starts_like_a_stream(head):
                raise IntegrityMismatch("This is not an encrypted PDE file.")
            self.check_start = False

    def _write(self, batch: list[bytes]) -> None:
        self.writer.write(batch)
        if self.digest is not None:
            for chunk in batch:
                self.digest.update(chunk)


PART_BATCH_BYTES = 4 << 20  # handed to the writing thread at once: few hops, bounded memory


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


@router.put(
    "/{document_id}/content",
    response_model=UploadStatus,
    openapi_extra=CIPHERTEXT_PART_BODY,
    responses=error_responses(
        *AUTH, UploadOffsetMismatch, UploadNotPending, IntegrityMismatch, StorageUnavailable
    ),
)
async def put_part(
    document_id: Id,
    request: Request,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    offset: PartOffset,
    compartment: CompartmentTag,
) -> UploadStatus:
    """Send the part of the ciphertext that starts at `offset` (the acknowledged
    `received` count). Acknowledged only once stored; resend after a drop."""
    document = await store_part(request, db, runtime, account, document_id, offset, compartment)
    return upload_status(runtime, document)


async def store_part(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    account: Account,
    document_id: str,
    offset: int,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """Receive one part of an upload in `compartment` (a depositor's: any), store it
    and commit before acknowledging it."""
    if isinstance(runtime.blobs, PartsInPlace):
        return await _stream_part(
            request, db, runtime, runtime.blobs, account, document_id, offset, compartment
        )
    # Spooled: memory up to 1 MiB, then a temporary file, so a part never fills memory.
    with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as spool:
        limit = runtime.settings.upload_part_max_bytes
        length = await _receive_body(request, spool, limit)  # type: ignore[arg-type]
        document = await run_in_threadpool(
            uploads.put_part,
            db,
            runtime.blobs,
            runtime.settings,
            runtime.hashes,
            account,
            document_id,
            offset,
            spool,  # type: ignore[arg-type]
            length,
            compartment,
        )
        await run_in_threadpool(db.commit)
    return document


async def _stream_part(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    blobs: PartsInPlace,
    account: Account,
    document_id: str,
    offset: int,
    compartment: bytes | None,
) -> Document:
    """The part straight from the request into its place in the upload (no spool),
    fsynced, then recorded and committed: never acknowledged before its bytes are on
    disk. The store holds the upload meanwhile, so a second request for it is refused."""
    settings = runtime.settings
    declared = _declared_length(request)

    def begin() -> tuple[Document, PartWriter]:
        # Checked before the store creates anything, then again once it holds the upload.
        document = uploads.accept_part(
            db, settings, account, document_id, offset, declared, compartment
        )
        try:
            writer = blobs.begin_part(documents.upload_key(account.id, document.id), offset)
        except UploadBusy:  # the same part twice at once: the other one goes on
            raise UploadOffsetMismatch(received=document.received) from None
        try:
            uploads.confirm_offset(db, document, offset)
        except BaseException:
            writer.close()
            raise
        return document, writer

    document, writer = await run_in_threadpool(begin)
    part = _PartInPlace(writer, runtime.hashes.resume(document.id, offset), offset == 0)

    def refuse(length: int) -> None:
        uploads.check_part_length(settings, document, offset, length)

    def finish() -> Document:
        uploads.check_part_length(settings, document, offset, part.length)
        length = writer.finish()
        recorded = uploads.record_part(db, runtime.hashes, document, offset, length, part.digest)
        db.commit()
        return recorded

    try:
        await part.receive(request, refuse, uploads.part_room(settings, document, offset))
        document = await run_in_threadpool(finish)
    except BaseException:
        await run_in_threadpool(writer.abort)
        raise
    writer.close()  # recorded: the next part may come
    return document


@router.post(
    "/{document_id}/complete",
    response_model=DocumentResponse,
    responses=error_responses(
        *AUTH, UploadIncomplete, UploadNotPending, IntegrityMismatch, StorageUnavailable
    ),
)
def complete_upload(
    document_id: Id,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> DocumentResponse:
    """Check the whole ciphertext against the declared SHA-256 and make the document
    visible. A mismatch discards the upload: it must be sent again."""
    if runtime.settings.direct_transfers:
        finished = direct_uploads.finish_upload(
            db, runtime.blobs, runtime.settings, runtime.events, account, document_id, compartment
        )
        if finished is not None:
            return document_response(finished)
    return document_response(finish_upload(db, runtime, account, document_id, compartment))


def finish_upload(
    db: DbDep,
    runtime: RuntimeDep,
    account: Account,
    document_id: str,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """Complete an upload in `compartment` (a depositor's: any) and commit; on a
    SHA-256 mismatch discard it and re-raise."""
    try:
        leftovers = uploads.complete_upload(
            db, runtime.blobs, runtime.hashes, account, document_id, compartment
        )
    except IntegrityMismatch:
        UPLOADS.labels("integrity_mismatch").inc()
        db.rollback()
        discarded = uploads.discard_upload(db, account, document_id)
        db.commit()  # rows first: a crash now leaves orphaned parts, not a broken upload
        documents.delete_blobs(runtime.blobs, discarded)
        raise
    stored = db.get(Document, document_id)  # in the session: complete_upload read it
    if stored is not None and stored.deposit_id is None:  # the owner's own, not a deposit
        runtime.events.wallet(db, DOCUMENT_STORED, account, size=stored.size)
    db.commit()
    UPLOADS.labels("completed").inc()
    documents.delete_blobs(runtime.blobs, leftovers)
    return documents.find_document(db, account.id, document_id, state=None)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end) of a single `bytes=` range, None for the whole file."""
    if header is None:
        return None
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        raise RangeNotSatisfiable()
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start = int(first)
        end = min(size, int(last) + 1) if last else size
    if start >= size or start >= end:
        raise RangeNotSatisfiable()
    return start, end


CIPHERTEXT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/octet-stream": {}}},
    206: {"description": "range"},
}
RangeHeader = Annotated[str | None, Header(alias="Range")]


@router.get(
    "/{document_id}/content",
    response_class=StreamingResponse,
    responses={
        **CIPHERTEXT_RESPONSES,
        **error_responses(*AUTH, RangeNotSatisfiable, StorageUnavailable),
    },
)
def download(
    document_id: Id,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
    range_header: RangeHeader = None,
) -> StreamingResponse:
    """The ciphertext, streamed, with HTTP Range for resumed or partial downloads."""
    document = documents.find_document(db, account.id, document_id, compartment=compartment)
    return ciphertext_response(runtime, document, range_header)


def ciphertext_response(
    runtime: RuntimeDep, document: Document, range_header: str | None
) -> StreamingResponse:
    """A document's ciphertext as an attachment, whole or the one range asked for."""
    wanted = parse_range(range_header, document.size)
    start, end = wanted or (0, document.size)
    reader = documents.open_content(runtime.blobs, document, start, end)
    headers = {
        "Content-Length": str(end - start),
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'attachment; filename="{document.id}.pdes"',
    }
    if wanted:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{document.size}"
    return StreamingResponse(
        iter(reader),
        status_code=206 if wanted else 200,
        media_type="application/octet-stream",
        headers=headers,
    )
