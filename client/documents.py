"""A wallet's documents from Python: add (encrypted here, uploaded in resumable
parts), list and read with metadata decrypted here, rename, delete, move to and
from a hidden compartment, and export everything decrypted into a folder."""

from __future__ import annotations

import builtins
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from client.accounts import WalletSession
from client.http import DEFAULT_PART_BYTES, ClientError
from client.io import unique_path
from client.uploads import describe_file, upload_new_document
from crypto import (
    b64u_decode,
    b64u_encode,
    decrypt_metadata,
    decrypt_stream,
    derive_compartment_keys,
    encrypt_metadata,
    new_id,
    new_key,
    unwrap_document_key,
    wrap_document_key,
)


@dataclass(frozen=True)
class DocumentInfo:
    """A document as its owner sees it: decrypted metadata and ciphertext size."""

    document_id: str
    metadata: dict[str, Any]
    size: int
    created_at: str


class PdeClient(WalletSession):
    """One person's connection to a PDE server, doing its own encryption and loading
    no code from the server: the `pde client` command, scripts and the tests use it.
    Shares, deposit links and trustees take it as their first argument
    (client.shares, client.deposits, client.trustees)."""

    def add(
        self,
        source: Path | BinaryIO,
        *,
        title: str | None = None,
        category: str = "other",
        extra: dict[str, Any] | None = None,
        part_bytes: int = DEFAULT_PART_BYTES,
        progress: Any = None,
    ) -> str:
        """Encrypt a file here, upload it in resumable parts, and return its id."""
        account_id, key = self.require_keys()
        document_id, document_key = new_id(), new_key()

        def sealed_for_wallet(metadata: dict[str, Any]) -> dict[str, str]:
            wrapped = wrap_document_key(key, document_key, account_id, document_id)
            box = encrypt_metadata(document_key, metadata | (extra or {}), account_id, document_id)
            return {"wrapped_key": b64u_encode(wrapped), "metadata": b64u_encode(box)}

        upload_new_document(
            self,
            "/api/v1/documents",
            source,
            document_id,
            document_key,
            describe_file(source, title, category),
            sealed_for_wallet,
            part_bytes=part_bytes,
            progress=progress,
        )
        return document_id

    def list(self) -> builtins.list[DocumentInfo]:
        """Every completed document of the open view, with its metadata decrypted here."""
        return [self.document_info(item) for item in self.call("GET", "/api/v1/documents")]

    def document_key(self, item: dict[str, Any]) -> bytes:
        """The document key of a listed document, unwrapped with the open view's key."""
        account_id, key = self.require_keys()
        wrapped = b64u_decode(item["wrapped_key"])
        return unwrap_document_key(key, wrapped, account_id, item["document_id"])

    def document_info(self, item: dict[str, Any]) -> DocumentInfo:
        """A listed document with its metadata decrypted here."""
        account_id, _ = self.require_keys()
        metadata = decrypt_metadata(
            self.document_key(item),
            b64u_decode(item["metadata"]),
            account_id,
            item["document_id"],
        )
        return DocumentInfo(item["document_id"], metadata, item["size"], item["created_at"])

    def info(self, document_id: str) -> DocumentInfo:
        """One document's decrypted metadata."""
        return self.document_info(self.call("GET", f"/api/v1/documents/{document_id}"))

    def get(self, document_id: str, out: IO[bytes]) -> DocumentInfo:
        """Download and decrypt a document into `out`, streaming, in bounded memory.
        On a failed check `out` may hold a verified prefix: callers discard it."""
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        key = self.document_key(item)
        direct = self.account.get("transfer") == "direct"  # straight from the object store
        path = f"/api/v1/documents/{document_id}"
        self.decrypt_content(path, key, document_id, out, direct=direct)
        return self.document_info(item)

    def update(self, document_id: str, **fields: Any) -> DocumentInfo:
        """Change metadata fields (title, type, date, issuer…); None removes a field."""
        account_id, _ = self.require_keys()
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        info = self.document_info(item)
        metadata = {k: v for k, v in (info.metadata | fields).items() if v is not None}
        box = encrypt_metadata(self.document_key(item), metadata, account_id, document_id)
        self.call("PATCH", f"/api/v1/documents/{document_id}", json={"metadata": b64u_encode(box)})
        return self.info(document_id)

    def delete(self, document_id: str) -> None:
        """Delete a document and its ciphertext."""
        self.call("DELETE", f"/api/v1/documents/{document_id}")

    def move(self, document_id: str, to_secret: str | None) -> None:
        """Move a document from the open view to the compartment of `to_secret` (None:
        the normal view). Its key is re-wrapped, its metadata re-sealed; content stays."""
        account_id, master = self.master_keys()
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        document_key, info = self.document_key(item), self.document_info(item)
        target = derive_compartment_keys(to_secret, account_id) if to_secret else None
        key = target.key if target else master
        body = {
            "wrapped_key": b64u_encode(
                wrap_document_key(key, document_key, account_id, document_id)
            ),
            "metadata": b64u_encode(
                encrypt_metadata(document_key, info.metadata, account_id, document_id)
            ),
            "to_compartment": b64u_encode(target.token) if target else None,
        }
        self.call("POST", f"/api/v1/documents/{document_id}/move", json=body)

    def export(self, directory: Path) -> builtins.list[Path]:
        """Download the wallet's archive and decrypt every document into `directory`,
        with an index.json of their metadata. Returns the files written. The archive
        holds the normal view only, so a hidden compartment must be closed first."""
        self.master_keys()
        if self._compartment is not None:
            raise ClientError(409, "compartment_open", "Close the other place before exporting.")
        directory.mkdir(parents=True, exist_ok=True)
        written: builtins.list[Path] = []
        index = []
        with tempfile.TemporaryFile() as archive_file:
            self.download("/api/v1/account/export", archive_file)
            archive_file.seek(0)
            with zipfile.ZipFile(archive_file) as archive:
                manifest = json.loads(archive.read("manifest.json"))
                for entry in manifest["documents"]:
                    info = self.document_info(entry)
                    name = info.metadata.get("file_name") or info.document_id
                    target = unique_path(directory, str(name))
                    key = self.document_key(entry)
                    with archive.open(entry["content"]) as sealed, target.open("wb") as out:
                        decrypt_stream(sealed, out, key, info.document_id)  # type: ignore[arg-type]
                    written.append(target)
                    index.append(
                        {"file": target.name, "document_id": info.document_id} | info.metadata
                    )
        (directory / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1))
        return written
