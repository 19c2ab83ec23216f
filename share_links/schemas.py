"""Request and response bodies of the share routes (docs/shares.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from wallet.api.fields import (
    Digest,
    Id,
    Key32,
    MetadataBox,
    WrappedKey,
    lifetime_field,
    setting_bound,
)
from wallet.api.schemas import TRANSFER_FIELD, Body, SuspensionResponse, Transfer

ShareState = Literal["active", "expired", "revoked", "locked", "used_up"]
ShareEventKind = Literal["opened", "wrong_access", "locked", "revoked"]


class SharedDocumentRequest(Body):
    document_id: Id
    wrapped_key: WrappedKey
    metadata: MetadataBox


class ShareCreateRequest(Body):
    share_id: Id
    access_hash: Digest = Field(description="SHA-256 of the access token the viewer will derive")
    link_hash: Digest = Field(description="SHA-256 of the link token (FORMAT.md §6)")
    pin: bool
    expires_in: int = lifetime_field("share_max_days", 30)
    max_opens: int | None = Field(default=None, ge=1, le=1000, description="null: no limit")
    info: MetadataBox
    owner_record: MetadataBox
    documents: list[SharedDocumentRequest] = Field(
        min_length=1,
        max_length=1000,
        description="different documents of the wallet (an id given twice is refused), at "
        "most PDE_DOCUMENTS_PER_SHARE (50 by default); `maxItems` is this server's value",
        json_schema_extra=setting_bound("documents_per_share", "count", "maxItems"),
    )


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
    suspension: SuspensionResponse | None = Field(
        default=None, description="set while the service suspends the share"
    )


class ShareStatusResponse(BaseModel):
    share_id: str
    pin: bool


class ShareOpenRequest(Body):
    link_token: Key32 = Field(description="from the link's secret alone: proves the link")
    access_token: Key32 = Field(description="from the link's secret and the PIN")


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
    transfer: Transfer = TRANSFER_FIELD
