"""Routes of direct transfers (issue 12 §2, docs/api.md): presigned URLs for the
parts of an owner's upload, their acknowledgement (one part, or several at once
for a client that keeps a few in flight), and a presigned GET of a document's
ciphertext. Only when the server announces `transfer: "direct"`;
otherwise 409 `direct_transfer_off` and the `/content` routes do it all. The
document is looked up first: another wallet's id is not found, whatever the mode."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, Discriminator, Field, Tag

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


# Parts one request may name: a client keeps a few in flight, asked and acknowledged together.
MAX_PARTS_PER_REQUEST = 64


class PartUrlRequest(Body):
    offset: int = Field(
        ge=0, le=1 << 50, description="where the part starts on the grid, at or after `received`"
    )
    length: int = Field(ge=1, le=1 << 50, description="the fixed part length at this offset")
    sha256: Digest = Field(description="SHA-256 of the part's bytes")


class PartUrlBatchRequest(Body):
    parts: list[PartUrlRequest] = Field(
        min_length=1,
        max_length=MAX_PARTS_PER_REQUEST,
        description="a part named twice is a retry: its last declaration counts",
    )


class PartUrlResponse(BaseModel):
    url: str = Field(description="presigned PUT URL on the object store, short-lived")
    method: Literal["PUT"]
    headers: dict[str, str] = Field(description="send exactly these headers, no other auth")
    expires_at: datetime


class BatchPartUrl(PartUrlResponse):
    offset: int = Field(description="the part this URL puts")


class PartUrlBatchResponse(BaseModel):
    parts: list[BatchPartUrl] = Field(description="in the order asked")


class PartAckRequest(Body):
    offset: int = Field(ge=0, le=1 << 50, description="where the part put on the store starts")


def _not_a_boolean(value: Any) -> Any:
    """Body refuses `true` for an integer field; this does it for a list's items."""
    if isinstance(value, bool):
        raise ValueError("a number is needed here, not true or false")
    return value


Offset = Annotated[int, Field(ge=0, le=1 << 50), BeforeValidator(_not_a_boolean)]


class PartAckBatchRequest(Body):
    offsets: list[Offset] = Field(
        min_length=1,
        max_length=MAX_PARTS_PER_REQUEST,
        description="where each part put on the store starts",
    )


def _shape(batch_field: str) -> Discriminator:
    """Chooses the batch body when it has `batch_field`, else the one-part body, so a
    refused body is explained by the shape it was meant to have (`part.…`, `batch.…`)."""

    def shape(body: Any) -> str:
        has_it = batch_field in body if isinstance(body, dict) else hasattr(body, batch_field)
        return "batch" if has_it else "part"

    return Discriminator(shape)


PartUrlBody = Annotated[
    Annotated[PartUrlRequest, Tag("part")] | Annotated[PartUrlBatchRequest, Tag("batch")],
    _shape("parts"),
]
PartAckBody = Annotated[
    Annotated[PartAckRequest, Tag("part")] | Annotated[PartAckBatchRequest, Tag("batch")],
    _shape("offsets"),
]


class ContentUrlResponse(BaseModel):
    url: str = Field(description="presigned GET URL on the object store (Range allowed)")
    expires_at: datetime
    size: int


DIRECT = (DirectTransferOff, StorageUnavailable)


@router.post(
    "/{document_id}/upload/parts",
    response_model=PartUrlResponse | PartUrlBatchResponse,
    responses=error_responses(
        *AUTH, *DIRECT, UploadOffsetMismatch, UploadNotPending, InvalidRequest
    ),
)
def part_url(
    document_id: Id,
    body: PartUrlBody,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> PartUrlResponse | PartUrlBatchResponse:
    """Presigned PUTs for one part (`{offset, length, sha256}`: its URL) or several
    (`{parts: [...]}`: their URLs, each with its offset), each at or after the
    acknowledged `received` count, of the fixed `length`, with the SHA-256 the object
    store will check. Ask again to retry."""
    upload = documents.find_pending_upload(db, account.id, document_id, compartment)
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)  # after: 404 first
    asked = body.parts if isinstance(body, PartUrlBatchRequest) else [body]
    wanted = [(part.offset, part.length, part.sha256) for part in asked]
    puts = direct_uploads.part_urls(db, transfers, runtime.settings, upload, wanted)
    db.commit()
    urls = [
        BatchPartUrl(
            offset=put.offset,
            url=put.url,
            method="PUT",
            headers=put.headers,
            expires_at=put.expires_at,
        )
        for put in puts
    ]
    if isinstance(body, PartUrlBatchRequest):
        return PartUrlBatchResponse(parts=urls)
    return PartUrlResponse(**urls[0].model_dump(exclude={"offset"}))


@router.post(
    "/{document_id}/upload/parts/ack",
    response_model=UploadStatus,
    responses=error_responses(
        *AUTH, *DIRECT, UploadOffsetMismatch, UploadNotPending, UploadPartMissing, IntegrityMismatch
    ),
)
def acknowledge_part(
    document_id: Id,
    body: PartAckBody,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    compartment: CompartmentTag,
) -> UploadStatus:
    """Acknowledge the part put at `offset` (or the parts at `offsets`): only once the
    object store holds each with the declared size and SHA-256 (else
    `upload_part_missing` or `integrity_mismatch`: put it again). `received` then
    advances over every part held as declared from where it stood, so a part
    acknowledged before the ones under it counts once they are acknowledged."""
    upload = documents.find_pending_upload(db, account.id, document_id, compartment)
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)  # after: 404 first
    offsets = body.offsets if isinstance(body, PartAckBatchRequest) else [body.offset]
    document = direct_uploads.acknowledge_parts(db, transfers, runtime.settings, upload, offsets)
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
