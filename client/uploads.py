"""Adding one file, the same way for a wallet's owner and for a depositor:
describe it, encrypt it here into a temporary file, declare it with its sealed
key and metadata, upload the ciphertext in resumable parts, complete it. Only
how the key and metadata are sealed differs (the owner wraps them under a
master key, a depositor seals them to the wallet's public key)."""

from __future__ import annotations

import mimetypes
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from client.http import DEFAULT_PART_BYTES, Connection
from client.io import Borrowed, HashingWriter
from crypto import b64u_encode, encrypt_stream
from crypto.stream import plaintext_size

# From the finished metadata (size included) to the declaration's sealed fields.
SealFields = Callable[[dict[str, Any]], dict[str, str]]


def describe_file(source: Path | BinaryIO, title: str | None, category: str) -> dict[str, Any]:
    """The metadata of a file about to be added: title, type, file name, media type."""
    name = Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", "")
    name = Path(str(name or "document")).name
    return {
        "title": title or Path(name).stem,
        "type": category,
        "file_name": name,
        "media_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
    }


def encrypt_file(
    source: Path | BinaryIO, sealed: BinaryIO, document_key: bytes, document_id: str
) -> tuple[int, bytes]:
    """Encrypt a file (a path or an open file) into `sealed`; (ciphertext size, SHA-256)."""
    writer = HashingWriter(sealed)
    path = Path(source) if isinstance(source, (str, Path)) else None
    with path.open("rb") if path else Borrowed(source) as plain:  # type: ignore[union-attr]
        encrypt_stream(plain, writer, document_key, document_id)  # type: ignore[arg-type]
    return sealed.tell(), writer.digest.digest()


def upload_new_document(
    connection: Connection,
    base: str,
    source: Path | BinaryIO,
    document_id: str,
    document_key: bytes,
    metadata: dict[str, Any],
    seal_fields: SealFields,
    *,
    part_bytes: int = DEFAULT_PART_BYTES,
    progress: Any = None,
) -> None:
    """Encrypt `source` under `document_key`, declare it at `base` with the fields
    `seal_fields` makes of its metadata, send its parts and complete it."""
    with tempfile.TemporaryFile() as sealed:
        size, digest = encrypt_file(source, sealed, document_key, document_id)
        metadata = metadata | {"size": plaintext_size(size)}
        declared = {"document_id": document_id, **seal_fields(metadata)}
        declared |= {"size": size, "sha256": b64u_encode(digest)}
        connection.call("POST", base, json=declared)
        connection.upload_parts(document_id, sealed, size, part_bytes, progress, base=base)
    connection.call("POST", f"{base}/{document_id}/complete")
