"""Routes of direct transfers (issue 12 §2, docs/api.md): presigned URLs for the
parts of an owner's upload, their acknowledgement, and a presigned GET of a
document's ciphertext. Only when the server announces `transfer: "direct"`;
otherwise 409 `direct_transfer_off` and the `/content` routes do it all. The
document is looked up first: another wallet's id is not found, whatever the mode."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from wallet.api.deps import CompartmentTag, CurrentWallet, DbDep, RuntimeDep
from wallet.api.documents import AUTH, upload_status
from wallet.api.errors import error_responses
from wallet.api.fields import Digest, Id
from wallet.api.schemas import Body, UploadStatus
from wallet.errors import (
    DirectTransferOff,
    IntegrityMismatch,
    InvalidRequest,
    StorageUnavailable,
    UploadNotPending,
    UploadOffsetMismatch,
    UploadPartMissing,
)
from wallet.services import direct_uploads, documents

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])


class PartUrlRequest(Body):
    offset: int = Field(ge=0, le=1 << 50, description="the acknowledged `received` count")
    length: int = Field(ge=1, le=1 << 50, description="the fixed part length at this offset")
    sha256: Digest = Field(description="SHA-256 of the part's bytes")


class PartUrlResponse(BaseModel):
    url: str = Field(description="presigned PUT URL on the object store, short-lived")
    method: Literal["PUT"]
    headers: dict[str, str] = Field(description="send exactly these headers, no other auth")
    expires_at: datetime


class PartAckRequest(Body):
    offset: int = Field(ge=0, le=1 << 50, description="where the part put on the store starts")


class ContentUrlResponse(BaseModel):
    url: str = Field(description="presigned GET URL on the object store (Range allowed)")
    expires_at: datetime
    size: int


DIRECT = (DirectTransferOff, StorageUnavailable)


@router.post(
    "/{document_id}/upload/parts",
    response_model=PartUrlResponse,
    responses=error_responses(
        *AUTH, *DIRECT, UploadOffsetMismatch, UploadNotPending, InvalidRequest
    ),
)
def part_url(
    document_id: Id,
    body: PartUrlRequest,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> PartUrlResponse:
    """A presigned PUT for the part at `offset` (the acknowledged `received` count) of
    the fixed `length`, with the SHA-256 the object store will check. Ask again to retry."""
    documents.find_pending_upload(db, account.id, document_id, compartment)  # before the mode
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)
    where = (body.offset, body.length, body.sha256)
    put = direct_uploads.part_url(
        db, transfers, runtime.settings, account, document_id, *where, compartment
    )
    db.commit()
    return PartUrlResponse(
        url=put.url, method="PUT", headers=put.headers, expires_at=put.expires_at
    )


@router.post(
    "/{document_id}/upload/parts/ack",
    response_model=UploadStatus,
    responses=error_responses(
        *AUTH, *DIRECT, UploadOffsetMismatch, UploadNotPending, UploadPartMissing, IntegrityMismatch
    ),
)
def acknowledge_part(
    document_id: Id,
    body: PartAckRequest,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> UploadStatus:
    """Acknowledge the part put at `offset`: only once the object store holds it with
    the declared size and SHA-256 (else `upload_part_missing` or `integrity_mismatch`:
    put it again)."""
    documents.find_pending_upload(db, account.id, document_id, compartment)  # before the mode
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)
    document = direct_uploads.acknowledge_part(
        db, transfers, runtime.settings, account, document_id, body.offset, compartment
    )
    db.commit()
    return upload_status(runtime, document)


@router.get(
    "/{document_id}/content-url",
    response_model=ContentUrlResponse,
    responses=error_responses(*AUTH, *DIRECT),
)
def content_url(
    document_id: Id,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> ContentUrlResponse:
    """A short-lived presigned GET of the ciphertext (Range allowed), fetched without
    the session's Authorization header."""
    document = documents.find_document(db, account.id, document_id, compartment=compartment)
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)
    return content_url_response(direct_uploads.content_url(transfers, runtime.settings, document))


def content_url_response(url: direct_uploads.ContentUrl) -> ContentUrlResponse:
    return ContentUrlResponse(url=url.url, expires_at=url.expires_at, size=url.size)
