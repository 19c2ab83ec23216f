"""The database: pseudonymous accounts, their sessions and their encrypted
documents. Nothing here is readable content: keys are wrapped, metadata is
sealed and padded, handles are pseudonyms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 22  # 16 random bytes as base64url


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are refused: use wallet.clock.now()")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff and drop."""

    metadata = MetaData(naming_convention=NAMING)


class Account(Base):
    """A wallet. The handle is a pseudonym; the server holds verifiers and
    wrapped keys it cannot open."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    handle: Mapped[str] = mapped_column(String(64))
    handle_key: Mapped[str] = mapped_column(String(64), unique=True)  # casefolded, for lookups
    account_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    verifier: Mapped[str] = mapped_column(String(200))
    recovery_verifier: Mapped[str] = mapped_column(String(200))
    wrapped_master_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    wrapped_master_key_recovery: Mapped[bytes] = mapped_column(LargeBinary(128))
    deposit_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    wrapped_deposit_private_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    must_change_passphrase: Mapped[bool] = mapped_column(Boolean, default=False)
    # Recovery by trustees (FORMAT.md §7.2), set up by the owner: k of n shares of a
    # trustee key open `wrapped_master_key_trustees`, after a recovery request's delay.
    trustee_threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trustee_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    trustee_verifier: Mapped[str | None] = mapped_column(String(200), nullable=True)
    wrapped_master_key_trustees: Mapped[bytes | None] = mapped_column(
        LargeBinary(128), nullable=True
    )
    trustee_record: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    used_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # The day centre whose enrolled terminal the wallet was created at, for the anonymous
    # indicators only (None: elsewhere). No foreign key: the core does not know centres.
    centre_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    sessions: Mapped[list[AuthSession]] = relationship(
        back_populates="account", cascade="all, delete-orphan", passive_deletes=True
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="account", cascade="all, delete-orphan", passive_deletes=True
    )


class AuthSession(Base):
    """A logged-in session. Only the SHA-256 of its token is stored; no IP address."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    client: Mapped[str] = mapped_column(String(40), default="")
    recovery: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship(back_populates="sessions")


class Document(Base):
    """An encrypted document: a wrapped key, sealed metadata and, once its upload
    completed, one ciphertext blob. `state` is 'uploading' until then, and such a
    document is never listed; a completed deposit is 'deposited' (in the owner's
    inbox) until the owner accepts it, and only then 'ready'."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    # Set while the document came through a deposit link and is not yet accepted:
    # its key is then sealed to the wallet's public key (FORMAT.md §7).
    deposit_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True, index=True)
    # SHA-256 of a hidden compartment's token (FORMAT.md §4.1); None: the normal view.
    compartment_tag: Mapped[bytes | None] = mapped_column(
        LargeBinary(32), nullable=True, index=True
    )
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    metadata_box: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)  # ciphertext bytes, declared up front
    sha256: Mapped[bytes] = mapped_column(LargeBinary(32))
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    # Set while the content goes straight to the object store: the id of the S3
    # multipart upload on the content key (wallet.services.direct_uploads).
    direct_upload_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    account: Mapped[Account] = relationship(back_populates="documents")
    parts: Mapped[list[UploadPart]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="UploadPart.part_offset",
    )
    direct_parts: Mapped[list[DirectUploadPart]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DirectUploadPart.part_number",
    )


class UploadPart(Base):
    """One acknowledged part of a resumable upload, stored as its own blob."""

    __tablename__ = "upload_parts"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    part_offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    length: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="parts")


class DirectUploadPart(Base):
    """A part of a direct upload the client asked to put on the object store, with
    the SHA-256 it declared: the part is acknowledged only if the store holds it
    with this checksum."""

    __tablename__ = "direct_upload_parts"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    part_number: Mapped[int] = mapped_column(Integer, primary_key=True)  # from 1, as in S3
    sha256: Mapped[bytes] = mapped_column(LargeBinary(32))


class RetiredDocumentId(Base):
    """SHA-256 of a deleted document's id: the id stays taken, so that declaring it
    again answers as for a document hidden in another place (`already_exists`),
    and the normal view cannot tell a deleted document from a hidden one."""

    __tablename__ = "retired_document_ids"

    id_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)


class LinkLifetime:
    """The columns of a handed-out link's life (wallet.links), mixed into its model."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DepositLink(LinkLifetime, Base):
    """A write-only door into a wallet: whoever holds the link can add files sealed
    to the wallet's public key, until it expires or its count is used, and can
    never list or read anything. The label is sealed for the owner (with the link's
    secret), and again with the wallet's public key for whoever holds the link (the
    info box; none for a link made before links carried a secret)."""

    __tablename__ = "deposit_links"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    label_box: Mapped[bytes] = mapped_column(LargeBinary)
    info_box: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    max_files: Mapped[int] = mapped_column(Integer)
    files: Mapped[int] = mapped_column(Integer, default=0)

    account: Mapped[Account] = relationship()


class TrusteeShare(Base):
    """One trustee's share of an owner's trustee key, sealed to the trustee wallet's
    public key: the server cannot open it, and one share alone tells nothing."""

    __tablename__ = "trustee_shares"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    x: Mapped[int] = mapped_column(Integer, primary_key=True)
    trustee_account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    set_id: Mapped[bytes] = mapped_column(LargeBinary(8))
    sealed_share: Mapped[bytes] = mapped_column(LargeBinary)


class RecoveryRequest(Base):
    """Someone asks to recover a wallet through its trustees. Nothing happens before
    `opens_at`; the owner sees it at login until then and can cancel it. A request
    for a handle that does not exist is stored too (account None), so the answer
    never tells which handles exist."""

    __tablename__ = "recovery_requests"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), nullable=True, index=True
    )
    request_public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ReleasedShare(Base):
    """A trustee's share, re-sealed by the trustee to one recovery request's key."""

    __tablename__ = "released_shares"

    request_id: Mapped[str] = mapped_column(
        ForeignKey("recovery_requests.id", ondelete="CASCADE"), primary_key=True
    )
    x: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed_share: Mapped[bytes] = mapped_column(LargeBinary)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkReport(Base):
    """Someone holding a share or deposit link reported a problem with it (issue 11
    §5): the link's id (never its secret), a reason from a list and an optional short
    text the reporter typed for the operator. No address, no browser, nothing of the
    link's content (the server has only ciphertext). Kept until the operator closes it."""

    __tablename__ = "link_reports"
    __table_args__ = (
        CheckConstraint("link_kind IN ('share', 'deposit')", name="link_kind"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    link_kind: Mapped[str] = mapped_column(String(8))
    link_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LinkSuspension(Base):
    """The service suspended a share or deposit link (an operator, after a report): the
    link answers `share_suspended` or `deposit_suspended` with the reason until the
    suspension is lifted. Lifted suspensions stay as the link's history. No foreign
    key: shares are share_links' table, and a suspension names a link by id only."""

    __tablename__ = "link_suspensions"
    __table_args__ = (CheckConstraint("link_kind IN ('share', 'deposit')", name="link_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    link_kind: Mapped[str] = mapped_column(String(8))
    link_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    reason: Mapped[str] = mapped_column(String(24))
    suspended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
