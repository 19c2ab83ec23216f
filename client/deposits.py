"""Deposit links from Python: the owner's side on a logged-in `PdeClient`
(create, list, revoke, inbox, accept, reject), and depositing files through a
link with no account (`pde deposit URL FILE…`). The depositor's files are
sealed here to the wallet's public key (FORMAT.md §7). The link's fragment
holds a secret that opens the link's info box: the owner's label for the link
and the wallet's public key, which the server stores but can neither read nor
change; nothing is sent unless the box opens and names the key the server
hands out."""

from __future__ import annotations

import builtins
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from client.documents import PdeClient
from client.http import DEFAULT_PART_BYTES, ClientError, Connection
from client.issued import Signer, fetch_organisations, signer_for
from client.uploads import describe_file, upload_new_document
from crypto import (
    b64u_decode,
    b64u_encode,
    decrypt_deposit_link_info,
    decrypt_deposit_link_record,
    decrypt_deposit_metadata,
    deposit_link_public_key,
    encrypt_deposit_link_info,
    encrypt_deposit_link_record,
    encrypt_deposit_metadata,
    encrypt_metadata,
    new_id,
    new_key,
    open_deposit_document_key,
    seal_deposit_document_key,
    unwrap_deposit_private_key,
    wrap_document_key,
)
from crypto.errors import DecryptionError, InvalidEncoding, UnsupportedVersion
from crypto.issued import OrgKey
from crypto.links import DEPOSIT_SECRET_BYTES, format_deposit_link, parse_deposit_link


@dataclass(frozen=True)
class DepositLinkSummary:
    """A deposit link as its owner sees it, label opened with the master key. `link`
    is "" for a link made before links carried a secret: it cannot be written again."""

    deposit_id: str
    link: str
    label: str
    state: str
    expires_at: str
    max_files: int
    files: int
    suspension: dict[str, str] | None = None  # set while the service suspends the link


@dataclass(frozen=True)
class InboxItem:
    """A deposited file as its owner sees it before accepting it."""

    document_id: str
    deposit_id: str
    metadata: dict[str, Any]
    size: int
    document_key: bytes


def _summary(client: PdeClient, item: dict[str, Any]) -> DepositLinkSummary:
    account_id, master = client.master_keys()
    record = decrypt_deposit_link_record(
        master, b64u_decode(item["label"]), account_id, item["deposit_id"]
    )
    secret = b64u_decode(str(record.get("secret", "")))
    return DepositLinkSummary(
        deposit_id=item["deposit_id"],
        link=format_deposit_link(client.server, item["deposit_id"], secret) if secret else "",
        label=str(record.get("label", "")),
        state=item["state"],
        expires_at=item["expires_at"],
        max_files=item["max_files"],
        files=item["files"],
        suspension=item.get("suspension"),
    )


def create_deposit_link(
    client: PdeClient, label: str, *, expires_in: timedelta = timedelta(days=7), max_files: int = 5
) -> DepositLinkSummary:
    """Open a write-only door into the logged-in wallet. The label is sealed twice:
    for the owner under the master key (with the link's secret), and for whoever
    holds the link under its secret (with the wallet's public key)."""
    account_id, master = client.master_keys()
    deposit_id, secret = new_id(), secrets.token_bytes(DEPOSIT_SECRET_BYTES)
    record = {"label": label, "secret": b64u_encode(secret)}
    info = {"label": label, "public_key": client.account["deposit_public_key"]}
    body = {
        "deposit_id": deposit_id,
        "expires_in": int(expires_in.total_seconds()),
        "max_files": max_files,
        "label": b64u_encode(encrypt_deposit_link_record(master, record, account_id, deposit_id)),
        "info": b64u_encode(encrypt_deposit_link_info(secret, info, deposit_id)),
    }
    return _summary(client, client.call("POST", "/api/v1/deposit-links", json=body))


def list_deposit_links(client: PdeClient) -> builtins.list[DepositLinkSummary]:
    """Every deposit link of the logged-in wallet, newest first."""
    return [_summary(client, item) for item in client.call("GET", "/api/v1/deposit-links")]


def revoke_deposit_link(client: PdeClient, deposit_id: str) -> DepositLinkSummary:
    """Close a deposit link now; what was deposited stays in the inbox."""
    return _summary(client, client.call("POST", f"/api/v1/deposit-links/{deposit_id}/revoke"))


def _deposit_private_key(client: PdeClient) -> bytes:
    account_id, master = client.master_keys()
    wrapped = b64u_decode(client.account["wrapped_deposit_private_key"])
    return unwrap_deposit_private_key(master, wrapped, account_id)


def inbox(client: PdeClient) -> builtins.list[InboxItem]:
    """Deposited files waiting in the logged-in wallet, their metadata opened here."""
    private_key = _deposit_private_key(client)
    items = []
    for item in client.call("GET", "/api/v1/inbox"):
        document_id, deposit_id = item["document_id"], item["deposit_id"]
        key = open_deposit_document_key(
            private_key, b64u_decode(item["sealed_key"]), deposit_id, document_id
        )
        metadata = decrypt_deposit_metadata(
            key, b64u_decode(item["metadata"]), deposit_id, document_id
        )
        items.append(InboxItem(document_id, deposit_id, metadata, item["size"], key))
    return items


def accept(client: PdeClient, item: InboxItem) -> str:
    """Move a deposited file into the wallet: key wrapped under the master key,
    metadata sealed as the wallet's own. The content is not touched."""
    account_id, master = client.master_keys()
    body = {
        "wrapped_key": b64u_encode(
            wrap_document_key(master, item.document_key, account_id, item.document_id)
        ),
        "metadata": b64u_encode(
            encrypt_metadata(item.document_key, item.metadata, account_id, item.document_id)
        ),
    }
    client.call("POST", f"/api/v1/inbox/{item.document_id}/accept", json=body)
    return item.document_id


def reject(client: PdeClient, item: InboxItem) -> None:
    """Delete a deposited file for good."""
    client.call("DELETE", f"/api/v1/inbox/{item.document_id}")


def _link_target(info: dict[str, Any], secret: bytes, deposit_id: str) -> tuple[bytes, str]:
    """(wallet's public key, owner's label) from the server's answer for a link: its
    info box opened with the link's secret, and naming the key the server hands out."""
    mismatch = ClientError(409, "deposit_key_mismatch", "The wallet's key does not match the link.")
    try:
        opened = decrypt_deposit_link_info(secret, b64u_decode(info.get("info") or ""), deposit_id)
        public_key = deposit_link_public_key(opened)
    except (DecryptionError, InvalidEncoding):
        raise mismatch from None
    if not hmac.compare_digest(public_key, b64u_decode(info["public_key"])):
        raise mismatch
    return public_key, str(opened.get("label", ""))


def deposit(
    link: str,
    files: builtins.list[Path],
    *,
    category: str = "other",
    part_bytes: int = DEFAULT_PART_BYTES,
    retry_seconds: float = 30.0,
    recipient: Callable[[str], None] | None = None,
    signing_key: OrgKey | None = None,
    title: str | None = None,
    issued_on: str | None = None,
) -> builtins.list[str]:
    """Seal each file to the wallet behind `link` and upload it; returns the new ids.
    Refuses before sending anything if the link's info box does not open or names
    another key than the server's. `recipient(label)` hears the owner's label for the
    link (who the files go to) before anything is sent.

    With `signing_key`, an organisation's key registered on that server, each file is
    signed as issued (FORMAT.md §7.3) with its title (`title`, else the file's name),
    `category` and `issued_on` (yyyy-mm-dd, default today); the signature travels in
    the sealed metadata. A key the server's list does not give as valid on that day
    is refused before anything is sent."""
    try:
        base_url, deposit_id, secret = parse_deposit_link(link)
    except UnsupportedVersion:
        raise ClientError(
            410,
            "deposit_link_outdated",
            "This deposit link is of an older kind: ask for a new one.",
        ) from None
    except InvalidEncoding:
        raise ClientError(404, "deposit_not_found", "This is not a PDE deposit link.") from None
    for path in files:  # every file readable before any is sent: a link's count is spent
        with Path(path).open("rb"):
            pass
    with Connection(base_url, retry_seconds=retry_seconds, client_label="pde deposit") as http:
        public_key, label = _link_target(
            http.call("GET", f"/api/v1/d/{deposit_id}"), secret, deposit_id
        )
        signer: Signer | None = None
        if signing_key is not None:
            issued_on = issued_on or date.today().isoformat()
            signer = signer_for(signing_key, fetch_organisations(http), issued_on)
        if recipient:
            recipient(label)
        base = f"/api/v1/d/{deposit_id}/documents"
        ids = []
        for path in files:
            document_id, key = new_id(), new_key()

            def sealed_to_wallet(
                metadata: dict[str, Any], document_id: str = document_id, key: bytes = key
            ) -> dict[str, str]:
                sealed_key = seal_deposit_document_key(public_key, key, deposit_id, document_id)
                box = encrypt_deposit_metadata(key, metadata, deposit_id, document_id)
                return {"sealed_key": b64u_encode(sealed_key), "metadata": b64u_encode(box)}

            metadata = describe_file(path, title, category)
            if signer is not None and issued_on is not None:
                metadata["date"] = issued_on
                metadata["issued"] = signer.sign(path, metadata["title"], category, issued_on)
            upload_new_document(
                http,
                base,
                path,
                document_id,
                key,
                metadata,
                sealed_to_wallet,
                part_bytes=part_bytes,
            )
            ids.append(document_id)
    return ids
