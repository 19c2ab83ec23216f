"""Encrypted documents: declared up front (wrapped key, sealed metadata, size
and SHA-256 of the ciphertext), checked against limits before anything is
stored, listed only once their upload completed, deleted with their blob."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crypto.stream import plaintext_size
from wallet.clock import now
from wallet.errors import (
    AlreadyExists,
    DocumentTooLarge,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    UploadNotPending,
)
from wallet.models import Account, Document, RetiredDocumentId
from wallet.settings import WalletSettings
from wallet.storage.base import (
    BlobReader,
    BlobStore,
    BlobStoreUnavailable,
    upload_leftovers,
    upload_part_key,
)

log = logging.getLogger("pde.documents")

UPLOADING, READY, DEPOSITED = "uploading", "ready", "deposited"
# Lookups by id alone (uploads, deposits): the 128-bit id is the capability there.
EVERY_COMPARTMENT = b"*"


def in_compartment(query: Select[Any], compartment: bytes | None) -> Select[Any]:
    """`query` narrowed to one compartment: None is the normal view, else a hidden
    compartment's tag; EVERY_COMPARTMENT leaves it as it is."""
    if compartment == EVERY_COMPARTMENT:
        return query
    if compartment is None:
        return query.where(Document.compartment_tag.is_(None))
    return query.where(Document.compartment_tag == compartment)


def content_key(account_id: str, document_id: str) -> str:
    """Blob key of a document's ciphertext."""
    return f"accounts/{account_id}/documents/{document_id}"


def upload_key(account_id: str, document_id: str) -> str:
    """Blob key of an upload in progress (see BlobStore.write_part)."""
    return f"accounts/{account_id}/uploads/{document_id}"


def part_key(account_id: str, document_id: str, offset: int) -> str:
    """Blob key of one part of an upload in progress, in a store keeping parts apart."""
    return upload_part_key(upload_key(account_id, document_id), offset)


def upload_blobs(document: Document) -> list[str]:
    """Blob keys an unfinished upload may occupy, in any store: to delete once its row is."""
    offsets = [part.part_offset for part in document.parts]
    return upload_leftovers(upload_key(document.account_id, document.id), offsets)


def account_prefix(account_id: str) -> str:
    """Blob prefix holding everything of one wallet."""
    return f"accounts/{account_id}"


@dataclass(frozen=True)
class NewDocument:
    """A document as declared by the client before its upload."""

    document_id: str
    wrapped_key: bytes
    metadata_box: bytes
    size: int
    sha256: bytes
    deposit_id: str | None = None  # through a deposit link: the key is sealed, not wrapped
    compartment_tag: bytes | None = None  # a hidden compartment's, or None


@dataclass(frozen=True)
class MovedDocument:
    """A document's key and metadata sealed for its new compartment (tag None: normal)."""

    wrapped_key: bytes
    metadata_box: bytes
    compartment_tag: bytes | None


def reserve_bytes(db: Session, settings: WalletSettings, account: Account, size: int) -> None:
    """Take `size` bytes of the wallet's quota in one conditional UPDATE, so two
    uploads declared at once cannot pass the quota together (no lost update)."""
    fits = Account.used_bytes + size <= settings.wallet_quota_bytes
    used = db.scalar(
        update(Account)
        .where(Account.id == account.id, fits)
        .values(used_bytes=Account.used_bytes + size)
        .returning(Account.used_bytes)
        .execution_options(synchronize_session=False)
    )
    if used is None:
        raise QuotaExceeded(limit=settings.wallet_quota_bytes, used=account.used_bytes)
    set_committed_value(account, "used_bytes", used)


def release_bytes(db: Session, account: Account, size: int) -> None:
    """Give `size` bytes back to the quota, in one UPDATE (never below zero)."""
    used = db.scalar(
        update(Account)
        .where(Account.id == account.id)
        .values(used_bytes=case((Account.used_bytes >= size, Account.used_bytes - size), else_=0))
        .returning(Account.used_bytes)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(account, "used_bytes", used or 0)


def create_document(
    db: Session, settings: WalletSettings, account: Account, new: NewDocument
) -> Document:
    """Declare a document; limits and quota are checked here, before any byte is stored."""
    try:
        content_bytes = plaintext_size(new.size)
    except ValueError:
        raise InvalidRequest("No encrypted file can have this size.", field="size") from None
    if content_bytes > settings.document_max_bytes:
        raise DocumentTooLarge(limit=settings.document_max_bytes)
    count = db.scalar(select(func.count()).where(Document.account_id == account.id)) or 0
    if count >= settings.documents_per_wallet:
        raise QuotaExceeded("Your wallet has too many documents.", limit=count)
    if db.get(Document, new.document_id) is not None or _retired(db, new.document_id):
        raise AlreadyExists()
    moment = now()
    document = Document(
        id=new.document_id,
        account_id=account.id,
        state=UPLOADING,
        deposit_id=new.deposit_id,
        compartment_tag=new.compartment_tag,
        wrapped_key=new.wrapped_key,
        metadata_box=new.metadata_box,
        size=new.size,
        sha256=new.sha256,
        received=0,
        created_at=moment,
        updated_at=moment,
    )
    reserve_bytes(db, settings, account, new.size)  # now, so concurrent uploads cannot overrun
    db.add(document)
    db.flush()
    return document


def find_document(
    db: Session,
    account_id: str,
    document_id: str,
    state: str | None = READY,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """The account's document (in `state`, unless None, and in `compartment`);
    NotFound for anything else, whoever owns it."""
    query = select(Document).where(Document.id == document_id, Document.account_id == account_id)
    query = in_compartment(query, compartment)
    if state is not None:
        query = query.where(Document.state == state)
    document = db.scalar(query)
    if document is None:
        raise NotFound()
    return document


def find_pending_upload(
    db: Session, account_id: str, document_id: str, compartment: bytes | None = EVERY_COMPARTMENT
) -> Document:
    """The account's document in `compartment` whose upload is still open;
    UploadNotPending once it completed (a client retrying a lost answer learns it is
    done), else NotFound, also for one in another compartment."""
    document = find_document(db, account_id, document_id, state=None, compartment=compartment)
    if document.state != UPLOADING:
        raise UploadNotPending()
    return document


def list_documents(
    db: Session, account_id: str, compartment: bytes | None = None
) -> list[Document]:
    """The completed documents of one compartment (the normal view unless a hidden
    compartment's tag is given), oldest first. Uploads in progress are not listed."""
    query = select(Document).where(Document.account_id == account_id, Document.state == READY)
    query = in_compartment(query, compartment)
    return list(db.scalars(query.order_by(Document.created_at, Document.id)))


def compartment_usage(db: Session, account_id: str, compartment: bytes | None) -> int:
    """Ciphertext bytes held in one compartment: what that view shows as used. The
    same query runs whether or not a hidden compartment holds anything."""
    query = in_compartment(select(func.coalesce(func.sum(Document.size), 0)), compartment)
    return int(db.scalar(query.where(Document.account_id == account_id)) or 0)


def update_document(
    db: Session,
    account_id: str,
    document_id: str,
    metadata_box: bytes,
    compartment: bytes | None = None,
) -> Document:
    """Replace a document's sealed metadata (rename, re-categorise)."""
    document = find_document(db, account_id, document_id, compartment=compartment)
    document.metadata_box = metadata_box
    document.updated_at = now()
    return document


def move_document(
    db: Session,
    account_id: str,
    document_id: str,
    moved: MovedDocument,
    compartment: bytes | None,
) -> Document:
    """Move a document from `compartment` to another: the client re-wrapped its key and
    re-sealed its metadata with the other compartment's key; the content stays."""
    document = find_document(db, account_id, document_id, compartment=compartment)
    document.wrapped_key = moved.wrapped_key
    document.metadata_box = moved.metadata_box
    document.compartment_tag = moved.compartment_tag
    document.updated_at = now()
    db.flush()
    return document


def delete_document(
    db: Session, account: Account, document_id: str, compartment: bytes | None = EVERY_COMPARTMENT
) -> list[str]:
    """Delete a document's row and reservation; returns the blob keys to delete once
    that is committed. A blob left behind by a crash is orphaned ciphertext whose
    key is gone, never a listed document without content."""
    query = select(Document).where(Document.id == document_id, Document.account_id == account.id)
    document = db.scalar(in_compartment(query, compartment))
    if document is None:
        raise NotFound()
    parts = upload_blobs(document) if document.state == UPLOADING else []
    release_bytes(db, account, document.size)
    if document.state != UPLOADING:  # it was seen in a list: its id stays taken
        db.add(RetiredDocumentId(id_hash=_id_hash(document.id)))
    db.delete(document)
    db.flush()
    return [content_key(account.id, document.id), *parts]


def _id_hash(document_id: str) -> bytes:
    return hashlib.sha256(document_id.encode()).digest()


def _retired(db: Session, document_id: str) -> bool:
    return db.get(RetiredDocumentId, _id_hash(document_id)) is not None


def delete_blobs(blobs: BlobStore, keys: list[str]) -> None:
    """Delete blobs whose rows are already gone; a failure leaves unreadable orphans."""
    try:
        for key in keys:
            blobs.delete(key)
    except BlobStoreUnavailable:
        log.warning("blob store unavailable: %d orphaned blobs left to sweep", len(keys))


def open_content(
    blobs: BlobStore, document: Document, start: int = 0, end: int | None = None
) -> BlobReader:
    """Stream bytes [start, end) of a document's ciphertext."""
    return blobs.open(content_key(document.account_id, document.id), start, end)
