"""Shares from Python: the owner's side on a logged-in `PdeClient` (create, list,
revoke, delete), and opening a link with no account at all. Every key is
derived and every box sealed or opened here (crypto/FORMAT.md §6); the server
sees the SHA-256 of the access token and nothing secret."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from client.documents import PdeClient
from client.http import ClientError, Connection
from client.io import CountingWriter, document_file_name, unique_path
from client.issued import fetch_organisations
from crypto import (
    b64u_decode,
    b64u_encode,
    decrypt_share_info,
    decrypt_share_metadata,
    decrypt_share_owner_record,
    derive_share_keys,
    encrypt_share_info,
    encrypt_share_metadata,
    encrypt_share_owner_record,
    format_share_link,
    new_id,
    parse_share_link,
    unwrap_document_key_from_share,
    wrap_document_key_for_share,
)
from crypto.errors import InvalidEncoding
from crypto.share import SHARE_SECRET_BYTES, ShareKeys, access_token_hash

# What travels with each document unless the owner says otherwise: enough to
# recognise and show it. Media type and size always travel (the viewer needs them),
# and so does an issued document's signature (FORMAT.md §7.3), which the worker checks.
DEFAULT_FIELDS = ("title", "type")
OPTIONAL_FIELDS = ("title", "type", "date", "issuer", "file_name")
ALWAYS_FIELDS = ("media_type", "size", "issued")


@dataclass(frozen=True)
class ShareSummary:
    """A share as its owner sees it: the sealed parts opened with the master key."""

    share_id: str
    link: str
    pin: str
    recipient: str
    purpose: str
    state: str
    created_at: str
    expires_at: str
    opens: int
    max_opens: int | None
    document_ids: list[str]
    events: list[dict[str, str]]
    suspension: dict[str, str] | None = None  # set while the service suspends the share


def parse_duration(text: str) -> timedelta:
    """'90m', '12h', '7d' (or a number of seconds) as a timedelta."""
    units = {"m": 60, "h": 3600, "d": 86400, "s": 1}
    text = text.strip().lower()
    try:
        if text and text[-1] in units:
            return timedelta(seconds=float(text[:-1]) * units[text[-1]])
        return timedelta(seconds=float(text))
    except (ValueError, OverflowError):  # OverflowError: "infh", "1e300d"
        raise ValueError(f"not a duration: {text!r} (use e.g. 1h, 7d)") from None


def stored_proofs(keys: ShareKeys) -> dict[str, str]:
    """What the server keeps to check an opening (FORMAT.md §6): SHA-256 of the link
    token and of the access token, as fields of POST /shares."""
    return {
        "access_hash": b64u_encode(access_token_hash(keys.access_token)),
        "link_hash": b64u_encode(access_token_hash(keys.link_token)),
    }


def shown_proofs(keys: ShareKeys) -> dict[str, str]:
    """The body of POST /s/{share_id}/open: the link token proves the link, the access
    token the link and the PIN."""
    return {
        "link_token": b64u_encode(keys.link_token),
        "access_token": b64u_encode(keys.access_token),
    }


def _shared_fields(metadata: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    chosen = [f for f in fields if f in OPTIONAL_FIELDS] + list(ALWAYS_FIELDS)
    return {name: metadata[name] for name in chosen if name in metadata}


def create_share(
    client: PdeClient,
    document_ids: builtins.list[str],
    *,
    recipient: str,
    purpose: str,
    sender: str = "",
    expires_in: timedelta = timedelta(days=7),
    max_opens: int | None = None,
    pin: str = "",
    fields: tuple[str, ...] = DEFAULT_FIELDS,
) -> ShareSummary:
    """Share `document_ids` of the logged-in wallet; returns the share with its link.
    Only `fields` of each document's metadata (plus media type and size) travel.
    `sender` is whose documents these are, as the worker will see it ("" says nothing)."""
    account_id, master = client.require_keys()
    share_id, secret = new_id(), secrets.token_bytes(SHARE_SECRET_BYTES)
    keys = derive_share_keys(secret, share_id, pin)
    documents = []
    for document_id in document_ids:
        item = client.call("GET", f"/api/v1/documents/{document_id}")
        info = client.document_info(item)
        wrapped = wrap_document_key_for_share(
            keys.share_key, client.document_key(item), share_id, document_id
        )
        sealed = encrypt_share_metadata(
            keys.share_key, _shared_fields(info.metadata, fields), share_id, document_id
        )
        documents.append(
            {
                "document_id": document_id,
                "wrapped_key": b64u_encode(wrapped),
                "metadata": b64u_encode(sealed),
            }
        )
    record = {"secret": b64u_encode(secret), "pin": pin, "recipient": recipient, "purpose": purpose}
    described = {"recipient": recipient, "purpose": purpose, "from": sender}
    body = {
        "share_id": share_id,
        **stored_proofs(keys),
        "pin": bool(pin),
        "expires_in": int(expires_in.total_seconds()),
        "max_opens": max_opens,
        "info": b64u_encode(encrypt_share_info(keys.share_key, described, share_id)),
        "owner_record": b64u_encode(
            encrypt_share_owner_record(master, record, account_id, share_id)
        ),
        "documents": documents,
    }
    return _summary(client, client.call("POST", "/api/v1/shares", json=body))


def _summary(client: PdeClient, item: dict[str, Any]) -> ShareSummary:
    account_id, master = client.require_keys()
    share_id = item["share_id"]
    record = decrypt_share_owner_record(
        master, b64u_decode(item["owner_record"]), account_id, share_id
    )
    return ShareSummary(
        share_id=share_id,
        link=format_share_link(client.server, share_id, b64u_decode(record["secret"])),
        pin=record.get("pin", ""),
        recipient=record.get("recipient", ""),
        purpose=record.get("purpose", ""),
        state=item["state"],
        created_at=item["created_at"],
        expires_at=item["expires_at"],
        opens=item["opens"],
        max_opens=item["max_opens"],
        document_ids=item["document_ids"],
        events=item["events"],
        suspension=item.get("suspension"),
    )


def list_shares(client: PdeClient) -> builtins.list[ShareSummary]:
    """Every share of the logged-in wallet, newest first, with openings."""
    return [_summary(client, item) for item in client.call("GET", "/api/v1/shares")]


def revoke_share(client: PdeClient, share_id: str) -> ShareSummary:
    """End a share now, for viewers already open too."""
    return _summary(client, client.call("POST", f"/api/v1/shares/{share_id}/revoke"))


def delete_share(client: PdeClient, share_id: str) -> None:
    """Forget a share and its log."""
    client.call("DELETE", f"/api/v1/shares/{share_id}")


# Opening a link: no account ------------------------------------------------------


@dataclass(frozen=True)
class SharedFile:
    """One document of an opened share: the metadata its owner let travel."""

    document_id: str
    metadata: dict[str, Any]
    size: int
    key: bytes


@dataclass(frozen=True)
class OpenedShare:
    """An opened share: what the owner wrote for the recipient, and the documents."""

    share_id: str
    recipient: str
    purpose: str
    sender: str
    expires_at: str
    opens: int
    max_opens: int | None
    documents: list[SharedFile]
    view_token: str
    transfer: str = "server"  # "direct": the ciphertext comes from the object store


class ShareViewer:
    """Whoever holds a share link: opens it and decrypts its documents."""

    def __init__(self, link: str, *, retry_seconds: float = 30.0) -> None:
        try:
            base_url, self.share_id, self._secret = parse_share_link(link)
        except InvalidEncoding:
            raise ClientError(404, "share_not_found", "This is not a PDE share link.") from None
        self._http = Connection(base_url, retry_seconds=retry_seconds, client_label="pde viewer")

    def needs_pin(self) -> bool:
        """Whether the owner set a PIN (also: raises the share's state if it cannot open)."""
        return bool(self._http.call("GET", f"/api/v1/s/{self.share_id}")["pin"])

    def open(self, pin: str = "") -> OpenedShare:
        """Open the share (counts one opening) and decrypt what describes it."""
        keys = derive_share_keys(self._secret, self.share_id, pin)
        opened = self._http.call("POST", f"/api/v1/s/{self.share_id}/open", json=shown_proofs(keys))
        info = decrypt_share_info(keys.share_key, b64u_decode(opened["info"]), self.share_id)
        files = []
        for item in opened["documents"]:
            document_id = item["document_id"]
            key = unwrap_document_key_from_share(
                keys.share_key, b64u_decode(item["wrapped_key"]), self.share_id, document_id
            )
            metadata = decrypt_share_metadata(
                keys.share_key, b64u_decode(item["metadata"]), self.share_id, document_id
            )
            files.append(SharedFile(document_id, metadata, item["size"], key))
        return OpenedShare(
            share_id=self.share_id,
            recipient=str(info.get("recipient", "")),
            purpose=str(info.get("purpose", "")),
            sender=str(info.get("from", "")),
            expires_at=opened["expires_at"],
            opens=opened["opens"],
            max_opens=opened["max_opens"],
            documents=files,
            view_token=opened["view_token"],
            transfer=opened.get("transfer", "server"),
        )

    def organisations(self) -> builtins.list[dict[str, Any]]:
        """The server's public list of organisations, to check issued documents against
        (client.issued.check_file)."""
        return fetch_organisations(self._http)

    def download(self, opened: OpenedShare, shared: SharedFile, out: IO[bytes]) -> None:
        """Decrypt one shared document into `out`, streaming."""
        path = f"/api/v1/s/{self.share_id}/documents/{shared.document_id}"
        direct = opened.transfer == "direct"
        token = opened.view_token
        self._http.decrypt_content(path, shared.key, shared.document_id, out, token, direct=direct)

    def save_all(
        self,
        opened: OpenedShare,
        directory: Path,
        progress: Callable[[Path, SharedFile], Callable[[int], None]] | None = None,
    ) -> builtins.list[Path]:
        """Decrypt every document into `directory` (names made safe, never overwritten;
        without its file name, a document is named by its title and media type).
        `progress(target, shared)` gives each file's callback of bytes written."""
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for n, shared in enumerate(opened.documents, start=1):
            target = unique_path(directory, document_file_name(shared.metadata, f"{n}"))
            partial = target.with_name(target.name + ".part")
            try:
                with partial.open("wb") as plain:
                    out = CountingWriter(plain, progress(target, shared)) if progress else plain
                    self.download(opened, shared, out)  # type: ignore[arg-type]
                partial.replace(target)
            finally:
                partial.unlink(missing_ok=True)
            written.append(target)
        return written

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ShareViewer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
