"""Request and response bodies of the JSON API. Binary values travel as
unpadded base64url (FORMAT.md §1) and are checked for length here; the
schema of each (wallet.api.fields) says exactly which texts the server takes
(docs/api.md), so that a client written from /openapi.json alone sends
nothing it refuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.fields import FieldInfo

from wallet.api.fields import (
    CiphertextSize,
    Digest,
    Handle,
    Id,
    Key32,
    MetadataBox,
    NewHandle,
    Salt,
    WrappedKey,
    bytes_field,
    lifetime_field,
    setting_bound,
)


class Body(BaseModel):
    """Request bodies refuse unknown fields: a typo is an error, not silence. A
    number is a number: Python's bool is an int, so without the check below JSON's
    `true` would be taken as 1 (`"max_files": true`)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and _takes_integer(cls.model_fields[info.field_name or ""]):
            raise ValueError("a number is needed here, not true or false")
        return value


def _takes_integer(field: FieldInfo) -> bool:
    """Whether the field holds an integer (or an integer or null), not a boolean."""
    kinds = get_args(field.annotation) if get_origin(field.annotation) else (field.annotation,)
    return int in kinds and bool not in kinds


class SuggestedHandle(BaseModel):
    handle: str


class RegisterRequest(Body):
    account_id: Id
    handle: NewHandle
    account_salt: Salt
    auth_key: Key32
    recovery_auth: Key32
    wrapped_master_key: WrappedKey
    wrapped_master_key_recovery: WrappedKey
    deposit_public_key: Key32
    wrapped_deposit_private_key: WrappedKey


class LoginStartRequest(Body):
    handle: Handle


class LoginStartResponse(BaseModel):
    account_salt: Salt


class LoginRequest(Body):
    handle: Handle
    auth_key: Key32


class RecoveryLoginRequest(Body):
    handle: Handle
    recovery_auth: Key32


Transfer = Literal["server", "direct"]
TRANSFER_FIELD = Field(
    default="server",
    description="how document content travels: through this server (`/content`), or "
    "straight to the object store on presigned URLs (`content-url`, `upload/parts`)",
)


class AccountResponse(BaseModel):
    account_id: str
    handle: str
    account_salt: Salt
    wrapped_master_key: WrappedKey
    wrapped_master_key_recovery: WrappedKey
    deposit_public_key: Key32
    wrapped_deposit_private_key: WrappedKey
    must_change_passphrase: bool
    wrapped_master_key_trustees: WrappedKey | None = None
    used_bytes: int
    quota_bytes: int
    document_max_bytes: int
    created_at: datetime
    transfer: Transfer = TRANSFER_FIELD


class LoginResponse(BaseModel):
    session_token: str
    session_id: str
    expires_at: datetime
    account: AccountResponse


class PassphraseChangeRequest(Body):
    current_auth_key: Key32 | None = None
    account_salt: Salt
    auth_key: Key32
    wrapped_master_key: WrappedKey


class SessionResponse(BaseModel):
    session_id: str
    client: str
    current: bool
    recovery: bool
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class EraseRequest(Body):
    confirm_handle: NewHandle


class DocumentCreateRequest(Body):
    document_id: Id
    wrapped_key: WrappedKey
    metadata: MetadataBox
    size: CiphertextSize
    sha256: Digest = Field(description="SHA-256 of the encrypted stream (all `size` bytes)")


class DocumentUpdateRequest(Body):
    metadata: MetadataBox


class DocumentMoveRequest(Body):
    wrapped_key: WrappedKey
    metadata: MetadataBox
    to_compartment: Key32 | None = Field(
        description="the target hidden compartment's token; null: the normal view"
    )


class DocumentResponse(BaseModel):
    document_id: str
    wrapped_key: WrappedKey
    metadata: MetadataBox
    size: int
    created_at: datetime
    updated_at: datetime


class UploadStatus(BaseModel):
    document_id: str
    size: int
    received: int
    part_max_bytes: int
    complete: bool
    transfer: Transfer = TRANSFER_FIELD


SealedKey = bytes_field(93, 93)  # a 32-byte key sealed to a public key (FORMAT.md §7)


class DepositLinkCreateRequest(Body):
    deposit_id: Id
    expires_in: int = lifetime_field("deposit_max_days", 30)
    max_files: int = Field(
        ge=1,
        le=10000,
        description="files the link takes, at most PDE_DEPOSIT_FILES_PER_LINK (100 by default); "
        "`maximum` is this server's value",
        json_schema_extra=setting_bound("deposit_files_per_link", "count"),
    )
    label: MetadataBox
    info: MetadataBox = Field(
        description="the link's info box (FORMAT.md §7): the label and the wallet's public "
        "key, sealed under the link's secret for whoever holds the link"
    )


class SuspensionResponse(BaseModel):
    """The service suspended the link after a report (docs/day-centres.md)."""

    reason: Literal["harmful", "fraud", "wrong_recipient", "other"]
    suspended_at: datetime


class DepositLinkResponse(BaseModel):
    deposit_id: str
    label: MetadataBox
    created_at: datetime
    expires_at: datetime
    max_files: int
    files: int
    pending_files: int = Field(
        ge=0, description="files declared through the link and not yet sent (among `files`)"
    )
    pending_bytes: int = Field(
        ge=0,
        description="the wallet's quota bytes those files hold until they arrive, or until "
        "they are dropped (PDE_DEPOSIT_ABANDONED_MINUTES untouched, or the link revoked)",
    )
    state: Literal["active", "expired", "revoked", "used_up"]
    suspension: SuspensionResponse | None = Field(
        default=None, description="set while the service suspends the link"
    )


class DepositInfoResponse(BaseModel):
    deposit_id: str
    public_key: Key32
    info: MetadataBox | None = Field(
        description="the link's info box (FORMAT.md §7), which the link's secret opens; "
        "null for a link made before links carried a secret"
    )
    expires_at: datetime
    files_left: int
    document_max_bytes: int
    part_max_bytes: int


class DepositDeclareRequest(Body):
    document_id: Id
    sealed_key: SealedKey
    metadata: MetadataBox
    size: CiphertextSize
    sha256: Digest = Field(description="SHA-256 of the encrypted stream (all `size` bytes)")


class InboxItemResponse(BaseModel):
    document_id: str
    deposit_id: str
    sealed_key: SealedKey
    metadata: MetadataBox
    size: int
    created_at: datetime


class InboxAcceptRequest(Body):
    wrapped_key: WrappedKey
    metadata: MetadataBox


SealedShare = bytes_field(93, 256)  # a Shamir share sealed to a public key (FORMAT.md §7)
SetId = bytes_field(8, 8)


class WalletTrusteeRequest(Body):
    handle: Handle
    public_key: Key32
    x: int = Field(ge=1, le=16)
    sealed_share: SealedShare


def _trustee_counts(schema: dict[str, Any]) -> None:
    """What one field's schema cannot say: the threshold is at most the total, and each
    trustee wallet's share number `x` is one of 1 to the total."""
    schema["anyOf"] = [
        {
            "properties": {
                "total": {"const": total},
                "threshold": {"maximum": total},
                "wallet_trustees": {
                    "maxItems": total,
                    "items": {"properties": {"x": {"maximum": total}}},
                },
            }
        }
        for total in range(2, 17)
    ]


def _at_most_one_with(x: int) -> dict[str, Any]:
    """No two trustee wallets hold the share of the same number `x`."""
    return {"contains": {"properties": {"x": {"const": x}}}, "minContains": 0, "maxContains": 1}


class TrusteeSetupRequest(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_trustee_counts)

    set_id: SetId
    threshold: int = Field(ge=2, le=16, description="how many shares give the key back")
    total: int = Field(ge=2, le=16, description="how many shares there are")
    trustee_auth: Key32
    wrapped_master_key: WrappedKey
    record: MetadataBox
    wallet_trustees: list[WalletTrusteeRequest] = Field(
        max_length=16,
        description="the shares sealed to trustees' wallets, each with its own number `x`; "
        "the others are printed",
        json_schema_extra={"allOf": [_at_most_one_with(x) for x in range(1, 17)]},
    )


class WalletTrusteeResponse(BaseModel):
    x: int
    handle: str


class TrusteesResponse(BaseModel):
    threshold: int | None
    total: int | None
    record: MetadataBox | None
    wallet_trustees: list[WalletTrusteeResponse]


class RecoveryRequestCreate(Body):
    request_id: Id
    handle: Handle
    public_key: Key32
    token: Key32


class RecoveryRequestResponse(BaseModel):
    request_id: str
    created_at: datetime
    opens_at: datetime
    state: Literal["waiting", "ready", "cancelled", "completed"]


class RecoveryRequestProof(Body):
    token: Key32


class ReleasedShareResponse(BaseModel):
    x: int
    sealed_share: SealedShare


class RecoveryStatusResponse(RecoveryRequestResponse):
    released: list[ReleasedShareResponse]


class TrusteeRequestResponse(RecoveryRequestResponse):
    owner_handle: str
    owner_account_id: str
    public_key: Key32
    x: int
    set_id: SetId
    sealed_share: SealedShare
    released: bool


class ReleaseRequest(Body):
    sealed_share: SealedShare


class TrusteeLoginRequest(Body):
    handle: Handle
    request_id: Id
    token: Key32
    trustee_auth: Key32


class ErrorBody(BaseModel):
    code: str
    message: str
    attempts_left: int | None = Field(
        default=None, description="share_wrong_access only: tries left before the share locks"
    )


class ErrorResponse(BaseModel):
    error: ErrorBody
