"""Request and response bodies of the share routes (docs/shares.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from wallet.api.schemas import Body, Digest, Id, Key32, MetadataBox, WrappedKey

ShareState = Literal["active", "expired", "revoked", "locked", "used_up"]
ShareEventKind = Literal["opened", "wrong_access", "locked", "revoked"]


class SharedDocumentRequest(Body):
    document_id: Id
    wrapped_key: WrappedKey
    metadata: MetadataBox


class ShareCreateRequest(Body):
    share_id: Id
    access_hash: Digest = Field(description="SHA-256 of the access token the viewer will derive")
    pin: bool
    expires_in: int = Field(ge=3600, le=365 * 86400, description="seconds")
    max_opens: int | None = Field(default=None, ge=1, le=1000)
    info: MetadataBox
    owner_record: MetadataBox
    documents: list[SharedDocumentRequest] = Field(min_length=1, max_length=1000)


class ShareEventResponse(BaseModel):
    at: datetime
    event: ShareEventKind


class ShareResponse(BaseModel):
    share_id: str
    pin: bool
    created_at: datetime
    expires_at: datetime
    max_opens: int | None
    opens: int
    state: ShareState
    revoked_at: datetime | None
    owner_record: MetadataBox
    document_ids: list[str]
    events: list[ShareEventResponse]


class ShareStatusResponse(BaseModel):
    share_id: str
    pin: bool


class ShareOpenRequest(Body):
    access_token: Key32


class OpenedDocumentResponse(BaseModel):
    document_id: str
    wrapped_key: WrappedKey
    metadata: MetadataBox
    size: int


class ShareOpenResponse(BaseModel):
    view_token: str
    view_expires_at: datetime
    expires_at: datetime
    opens: int
    max_opens: int | None
    info: MetadataBox
    documents: list[OpenedDocumentResponse]
