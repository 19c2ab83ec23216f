"""Helpers of the deposit tests: a raw-HTTP wallet that holds a real X25519
deposit key pair (so its inbox can be opened here), deposit links made as the
owner's client would, files sealed and uploaded as a depositor's client would
(with `crypto`, not `client.deposits`, so tests can send what it never
would), and a look at (or a change to) what the server stored.

Changing the stored expiry is how the tests reach "expired" without sleeping."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Any

import httpx
from sqlalchemy import func, select, update

from crypto import (
    b64u_decode,
    b64u_encode,
    decrypt_deposit_metadata,
    encrypt_deposit_link_info,
    encrypt_deposit_link_record,
    encrypt_deposit_metadata,
    encrypt_metadata,
    encrypt_stream,
    new_deposit_key_pair,
    new_id,
    new_key,
    open_deposit_document_key,
    seal_deposit_document_key,
    wrap_document_key,
)
from crypto.primitives import random_bytes
from tests.api.support import API, RawWallet, registration_body, stored_rows, unique_handle
from tests.server import LiveServer
from wallet.clock import now
from wallet.models import DepositLink, Document

WEEK = 7 * 86400


@dataclass
class DepositOwner(RawWallet):
    """A raw-HTTP wallet whose deposit key pair is real: its inbox opens here."""

    deposit_private_key: bytes = b""
    deposit_public_key: bytes = b""


def register_owner(url: str) -> DepositOwner:
    """A new wallet with random keys but a real deposit key pair (no PBKDF2)."""
    handle, auth_key, pair = unique_handle("dep"), random_bytes(32), new_deposit_key_pair()
    body = registration_body(handle, auth_key) | {
        "deposit_public_key": b64u_encode(pair.public_key)
    }
    response = httpx.post(f"{url}{API}/accounts", json=body, timeout=60)
    assert response.status_code == 201, response.text
    token = response.json()["session_token"]
    client = httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"})
    return DepositOwner(
        client,
        body["account_id"],
        handle,
        new_key(),
        token,
        auth_key,
        pair.private_key,
        pair.public_key,
    )


def link_body(
    owner: RawWallet,
    *,
    deposit_id: str | None = None,
    expires_in: int = WEEK,
    max_files: int = 5,
    label: str = "CPAS Ixelles, housing",
    secret: bytes | None = None,
) -> dict[str, Any]:
    """The body of POST /deposit-links: the label and the link's secret sealed under
    the owner's master key, and the link's info box under the secret (FORMAT.md §7)."""
    deposit_id = deposit_id or new_id()
    secret = secret or random_bytes(16)
    record = encrypt_deposit_link_record(
        owner.master_key,
        {"label": label, "secret": b64u_encode(secret)},
        owner.account_id,
        deposit_id,
    )
    public_key = getattr(owner, "deposit_public_key", b"") or random_bytes(32)
    info = {"label": label, "public_key": b64u_encode(public_key)}
    return {
        "deposit_id": deposit_id,
        "expires_in": expires_in,
        "max_files": max_files,
        "label": b64u_encode(record),
        "info": b64u_encode(encrypt_deposit_link_info(secret, info, deposit_id)),
    }


def make_link(owner: RawWallet, **options: Any) -> str:
    """Create a deposit link; fails the test unless it is stored. Returns its id."""
    body = link_body(owner, **options)
    response = owner.http.post(f"{API}/deposit-links", json=body)
    assert response.status_code == 201, response.text
    return str(body["deposit_id"])


def links_of(owner: RawWallet) -> list[dict[str, Any]]:
    response = owner.http.get(f"{API}/deposit-links")
    assert response.status_code == 200, response.text
    return list(response.json())


def link_of(owner: RawWallet, deposit_id: str) -> dict[str, Any]:
    [link] = [item for item in links_of(owner) if item["deposit_id"] == deposit_id]
    return link


@dataclass(frozen=True)
class SealedDeposit:
    """A file sealed by a depositor: what to declare and the exact ciphertext."""

    deposit_id: str
    document_id: str
    document_key: bytes
    content: bytes
    metadata: dict[str, Any]
    ciphertext: bytes
    declaration: dict[str, Any]

    @property
    def size(self) -> int:
        return len(self.ciphertext)


def seal_deposit(
    public_key: bytes,
    deposit_id: str,
    content: bytes,
    metadata: dict[str, Any] | None = None,
    document_id: str | None = None,
) -> SealedDeposit:
    """Seal `content` to the wallet's public key as a depositor's client would."""
    document_id, key = document_id or new_id(), new_key()
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(content), out, key, document_id)
    ciphertext = out.getvalue()
    meta = {
        "title": "deposited",
        "type": "other",
        "file_name": "deposited.pdf",
        "media_type": "application/pdf",
        "size": len(content),
    } | (metadata or {})
    declaration = {
        "document_id": document_id,
        "sealed_key": b64u_encode(
            seal_deposit_document_key(public_key, key, deposit_id, document_id)
        ),
        "metadata": b64u_encode(encrypt_deposit_metadata(key, meta, deposit_id, document_id)),
        "size": len(ciphertext),
        "sha256": b64u_encode(sha256(ciphertext).digest()),
    }
    return SealedDeposit(deposit_id, document_id, key, content, meta, ciphertext, declaration)


def declare(http: httpx.Client, sealed: SealedDeposit, **changes: Any) -> httpx.Response:
    return http.post(f"{API}/d/{sealed.deposit_id}/documents", json=sealed.declaration | changes)


def put_part(
    http: httpx.Client, deposit_id: str, document_id: str, offset: int, data: bytes
) -> httpx.Response:
    return http.put(
        f"{API}/d/{deposit_id}/documents/{document_id}/content",
        params={"offset": offset},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )


def upload_status(http: httpx.Client, deposit_id: str, document_id: str) -> httpx.Response:
    return http.get(f"{API}/d/{deposit_id}/documents/{document_id}/upload")


def complete(http: httpx.Client, deposit_id: str, document_id: str) -> httpx.Response:
    return http.post(f"{API}/d/{deposit_id}/documents/{document_id}/complete")


def deposit(http: httpx.Client, sealed: SealedDeposit) -> str:
    """Declare, send in one part and complete; fails the test on any error."""
    response = declare(http, sealed)
    assert response.status_code == 201, response.text
    response = put_part(http, sealed.deposit_id, sealed.document_id, 0, sealed.ciphertext)
    assert response.status_code == 200, response.text
    response = complete(http, sealed.deposit_id, sealed.document_id)
    assert response.status_code == 200, response.text
    return sealed.document_id


def deposit_content(
    http: httpx.Client, owner: DepositOwner, deposit_id: str, content: bytes, **meta: Any
) -> SealedDeposit:
    """Seal `content` to `owner` through `deposit_id` and deposit it."""
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, content, meta or None)
    deposit(http, sealed)
    return sealed


@dataclass(frozen=True)
class OpenedItem:
    """An inbox item as the owner's client opens it."""

    raw: dict[str, Any]
    document_key: bytes
    metadata: dict[str, Any]

    @property
    def document_id(self) -> str:
        return str(self.raw["document_id"])


def inbox_of(owner: DepositOwner) -> list[OpenedItem]:
    """The owner's inbox, each sealed key and metadata opened with the private key."""
    response = owner.http.get(f"{API}/inbox")
    assert response.status_code == 200, response.text
    opened = []
    for item in response.json():
        document_id, deposit_id = item["document_id"], item["deposit_id"]
        key = open_deposit_document_key(
            owner.deposit_private_key, b64u_decode(item["sealed_key"]), deposit_id, document_id
        )
        meta = decrypt_deposit_metadata(key, b64u_decode(item["metadata"]), deposit_id, document_id)
        opened.append(OpenedItem(item, key, meta))
    return opened


def accept_body(owner: RawWallet, document_id: str, key: bytes, metadata: dict[str, Any]) -> dict:  # type: ignore[type-arg]
    """What the owner's client sends to accept: key wrapped, metadata re-sealed as its own."""
    return {
        "wrapped_key": b64u_encode(
            wrap_document_key(owner.master_key, key, owner.account_id, document_id)
        ),
        "metadata": b64u_encode(encrypt_metadata(key, metadata, owner.account_id, document_id)),
    }


# --- what the server stored ------------------------------------------------------


def set_link_expiry(server: LiveServer, deposit_id: str, when: datetime) -> None:
    """Move a link's expiry in the server's database (no sleeping in tests)."""
    with stored_rows(server) as db:
        db.execute(update(DepositLink).where(DepositLink.id == deposit_id).values(expires_at=when))
        db.commit()


def expire_link(server: LiveServer, deposit_id: str) -> None:
    set_link_expiry(server, deposit_id, now() - timedelta(seconds=1))


def age_document(server: LiveServer, document_id: str, by: timedelta) -> None:
    """Make a document (an upload) look untouched for `by`."""
    with stored_rows(server) as db:
        db.execute(
            update(Document)
            .where(Document.id == document_id)
            .values(updated_at=now() - by, created_at=now() - by)
        )
        db.commit()


def stored_link(server: LiveServer, deposit_id: str) -> DepositLink | None:
    with stored_rows(server) as db:
        link = db.get(DepositLink, deposit_id)
        if link is not None:
            db.expunge(link)
        return link


def stored_document(server: LiveServer, document_id: str) -> Document | None:
    with stored_rows(server) as db:
        document = db.get(Document, document_id)
        if document is not None:
            db.expunge(document)
        return document


def links_stored_for(server: LiveServer, account_id: str) -> int:
    with stored_rows(server) as db:
        query = select(func.count()).select_from(DepositLink)
        return int(db.scalar(query.where(DepositLink.account_id == account_id)) or 0)


def documents_stored_for(server: LiveServer, account_id: str) -> int:
    with stored_rows(server) as db:
        query = select(func.count()).select_from(Document)
        return int(db.scalar(query.where(Document.account_id == account_id)) or 0)
