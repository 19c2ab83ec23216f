"""GDPR art. 17 and 20 on the server's side: export every wrapped key, sealed
metadata and ciphertext of a wallet as one archive, and erase the wallet with
everything it holds. Decrypting an export is the client's job."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from crypto import b64u_encode
from wallet.db import forget_deleted
from wallet.models import Account
from wallet.services.documents import account_prefix, content_key, list_documents
from wallet.storage.base import BlobStore

EXPORT_FORMAT = "pde-export/v1"


def export_manifest(db: Session, account: Account) -> dict[str, Any]:
    """Everything but the ciphertexts, as JSON (bytes in base64url)."""
    return {
        "format": EXPORT_FORMAT,
        "account": {
            "account_id": account.id,
            "handle": account.handle,
            "account_salt": b64u_encode(account.account_salt),
            "wrapped_master_key": b64u_encode(account.wrapped_master_key),
            "wrapped_master_key_recovery": b64u_encode(account.wrapped_master_key_recovery),
            "deposit_public_key": b64u_encode(account.deposit_public_key),
            "wrapped_deposit_private_key": b64u_encode(account.wrapped_deposit_private_key),
        },
        "documents": [
            {
                "document_id": d.id,
                "wrapped_key": b64u_encode(d.wrapped_key),
                "metadata": b64u_encode(d.metadata_box),
                "size": d.size,
                "sha256": d.sha256.hex(),
                "created_at": d.created_at.isoformat(),
                "content": f"documents/{d.id}.pdes",
            }
            for d in list_documents(db, account.id)
        ],
    }


class _Pipe:
    """A write-only, unseekable file whose contents are taken out as they are written."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._written = 0

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


def export_archive(manifest: dict[str, Any], blobs: BlobStore) -> Iterator[bytes]:
    """A zip (stored, zip64) of manifest.json and one .pdes file per document,
    produced chunk by chunk: memory stays bounded by one blob chunk."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        yield pipe.take()
        account_id = manifest["account"]["account_id"]
        for document in manifest["documents"]:
            info = zipfile.ZipInfo(document["content"])
            with archive.open(info, "w", force_zip64=True) as entry:
                for chunk in blobs.open(content_key(account_id, document["document_id"])):
                    entry.write(chunk)
                    yield pipe.take()
    yield pipe.take()


def erase_account(db: Session, blobs: BlobStore, account: Account) -> int:
    """Delete the wallet for good: every row (sessions and documents cascade) is
    committed away first, which destroys the wrapped keys, so any blob a failure
    leaves behind is unreadable; then every blob. Checks the store first so that
    an unreachable store refuses the erasure before anything changes."""
    blobs.check_health()
    account_id = account.id
    db.delete(account)
    db.commit()
    forget_deleted(db)
    return blobs.delete_prefix(account_prefix(account_id))
