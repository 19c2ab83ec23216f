"""Deposit links from Python: the owner's side on a logged-in `PdeClient`
(create, list, revoke, inbox, accept, reject), and depositing files through a
link with no account (`pde deposit URL FILE…`). The depositor's files are
sealed here to the wallet's public key (FORMAT.md §7); the link's fragment
holds a fingerprint of that key, checked before anything is sent."""

from __future__ import annotations

import builtins
import hmac
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from client.documents import PdeClient
from client.http import DEFAULT_PART_BYTES, ClientError, Connection
from client.uploads import describe_file, upload_new_document
from crypto import (
    b64u_decode,
    b64u_encode,
    decrypt_deposit_link_record,
    decrypt_deposit_metadata,
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
from crypto.errors import InvalidEncoding
from crypto.links import deposit_key_fingerprint, format_deposit_link, parse_deposit_link


@dataclass(frozen=True)
class DepositLinkSummary:
    """A deposit link as its owner sees it, label opened with the master key."""

    deposit_id: str
    link: str
    label: str
    state: str
    expires_at: str
    max_files: int
    files: int


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
    public_key = b64u_decode(client.account["deposit_public_key"])
    record = decrypt_deposit_link_record(
        master, b64u_decode(item["label"]), account_id, item["deposit_id"]
    )
    return DepositLinkSummary(
        deposit_id=item["deposit_id"],
        link=format_deposit_link(client.server, item["deposit_id"], public_key),
        label=str(record.get("label", "")),
        state=item["state"],
        expires_at=item["expires_at"],
        max_files=item["max_files"],
        files=item["files"],
    )


def create_deposit_link(
    client: PdeClient, label: str, *, expires_in: timedelta = timedelta(days=7), max_files: int = 5
) -> DepositLinkSummary:
    """Open a write-only door into the logged-in wallet; the label stays sealed."""
    account_id, master = client.master_keys()
    deposit_id = new_id()
    body = {
        "deposit_id": deposit_id,
        "expires_in": int(expires_in.total_seconds()),
        "max_files": max_files,
        "label": b64u_encode(
            encrypt_deposit_link_record(master, {"label": label}, account_id, deposit_id)
        ),
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


def deposit(
    link: str,
    files: builtins.list[Path],
    *,
    category: str = "other",
    part_bytes: int = DEFAULT_PART_BYTES,
    retry_seconds: float = 30.0,
) -> builtins.list[str]:
    """Seal each file to the wallet behind `link` and upload it; returns the new ids.
    Refuses before sending anything if the server's key does not match the link."""
    try:
        base_url, deposit_id, fingerprint = parse_deposit_link(link)
    except InvalidEncoding:
        raise ClientError(404, "deposit_not_found", "This is not a PDE deposit link.") from None
    for path in files:  # every file readable before any is sent: a link's count is spent
        with Path(path).open("rb"):
            pass
    with Connection(base_url, retry_seconds=retry_seconds, client_label="pde deposit") as http:
        info = http.call("GET", f"/api/v1/d/{deposit_id}")
        public_key = b64u_decode(info["public_key"])
        if not hmac.compare_digest(deposit_key_fingerprint(public_key), fingerprint):
            raise ClientError(
                409, "deposit_key_mismatch", "The wallet's key does not match the link."
            )
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

            metadata = describe_file(path, None, category)
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
