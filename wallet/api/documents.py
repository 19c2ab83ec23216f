"""Routes for documents: declare, upload in resumable parts, complete, list,
download (with HTTP Range), update metadata, delete."""

from __future__ import annotations

import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from wallet.api.deps import CompartmentTag, CurrentWallet, DbDep, RuntimeDep
from wallet.api.errors import error_responses
from wallet.api.parts import CIPHERTEXT_PART_BODY, PartOffset, store_part
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

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])
AUTH = (NotAuthenticated, PassphraseChangeRequired, NotFound)
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
    return document_response(finish_upload(db, runtime, account, document_id, compartment))


def finish_upload(
    db: DbDep,
    runtime: RuntimeDep,
    account: Account,
    document_id: str,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """Complete an upload in `compartment` (a depositor's: any), sent through the
    server or straight to the object store, and commit; on a SHA-256 mismatch discard
    it and re-raise."""
    try:
        leftovers = _complete(db, runtime, account, document_id, compartment)
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


def _complete(
    db: DbDep, runtime: RuntimeDep, account: Account, document_id: str, compartment: bytes | None
) -> list[str]:
    """Complete the upload the way its parts came; the blob keys to delete once committed."""
    settings = runtime.settings
    if settings.direct_transfers:
        pending = documents.find_pending_upload(db, account.id, document_id, compartment)
        if pending.direct_upload_id is not None:  # its parts are on the object store
            transfers = direct_uploads.transfers_for(settings, runtime.blobs)
            direct_uploads.complete_upload(
                db, transfers, settings, account, document_id, compartment
            )
            return []
    return uploads.complete_upload(
        db, runtime.blobs, runtime.hashes, account, document_id, compartment
    )


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
