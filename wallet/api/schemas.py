"""Request and response bodies of the JSON API. Binary values travel as
unpadded base64url (FORMAT.md §1) and are checked for length here."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from crypto import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding
from crypto.share import is_valid_id


def bytes_field(min_len: int, max_len: int) -> Any:
    def decode(value: Any) -> bytes:
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, str):
            try:
                data = b64u_decode(value)
            except InvalidEncoding:
                raise ValueError("must be unpadded base64url") from None
        else:
            raise ValueError("must be a base64url string")
        if not min_len <= len(data) <= max_len:
            raise ValueError(f"must encode {min_len} to {max_len} bytes")
        return data

    return Annotated[
        bytes,
        BeforeValidator(decode),
        PlainSerializer(b64u_encode, return_type=str, when_used="json"),
        Field(
            json_schema_extra={
                "type": "string",
                "format": "base64url",
                "minLength": (min_len * 4 + 2) // 3,
                "maxLength": (max_len * 4 + 2) // 3,
            }
        ),
    ]


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_id(value):
        raise ValueError("must be 22 base64url characters (16 bytes)")
    return value


Id = Annotated[
    str,
    BeforeValidator(_check_id),
    Field(min_length=22, max_length=22, pattern=r"^[A-Za-z0-9_-]{22}$"),
]
Salt = bytes_field(16, 16)
Key32 = bytes_field(32, 32)
WrappedKey = bytes_field(61, 61)  # box of a 32-byte key
MetadataBox = bytes_field(256 + 29, 65536 + 29)  # box of padded JSON
Digest = bytes_field(32, 32)
Handle = Annotated[str, Field(min_length=1, max_length=64)]


class Body(BaseModel):
    """Request bodies refuse unknown fields: a typo is an error, not silence."""

    model_config = ConfigDict(extra="forbid")


class SuggestedHandle(BaseModel):
    handle: str


class RegisterRequest(Body):
    account_id: Id
    handle: Handle
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
    confirm_handle: Handle


class DocumentCreateRequest(Body):
    document_id: Id
    wrapped_key: WrappedKey
    metadata: MetadataBox
    size: int = Field(ge=60, le=1 << 50, description="ciphertext bytes")
    sha256: Digest


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


SealedKey = bytes_field(93, 93)  # a 32-byte key sealed to a public key (FORMAT.md §7)


class DepositLinkCreateRequest(Body):
    deposit_id: Id
    expires_in: int = Field(ge=3600, le=365 * 86400, description="seconds")
    max_files: int = Field(ge=1, le=10000)
    label: MetadataBox


class DepositLinkResponse(BaseModel):
    deposit_id: str
    label: MetadataBox
    created_at: datetime
    expires_at: datetime
    max_files: int
    files: int
    state: Literal["active", "expired", "revoked", "used_up"]


class DepositInfoResponse(BaseModel):
    deposit_id: str
    public_key: Key32
    expires_at: datetime
    files_left: int
    document_max_bytes: int
    part_max_bytes: int


class DepositDeclareRequest(Body):
    document_id: Id
    sealed_key: SealedKey
    metadata: MetadataBox
    size: int = Field(ge=60, le=1 << 50, description="ciphertext bytes")
    sha256: Digest


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


class TrusteeSetupRequest(Body):
    set_id: SetId
    threshold: int = Field(ge=2, le=16)
    total: int = Field(ge=2, le=16)
    trustee_auth: Key32
    wrapped_master_key: WrappedKey
    record: MetadataBox
    wallet_trustees: list[WalletTrusteeRequest] = Field(max_length=16)


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
