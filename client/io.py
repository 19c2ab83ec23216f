"""Small file-like adapters the Python client streams through: a reader over
an HTTP body, a writer that hashes, and safe names for exported files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


class IteratorReader:
    """A read-only file over an iterator of byte chunks (a streamed HTTP body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


class HashingWriter:
    """Writes to a file and hashes what it writes, so the ciphertext is read once."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self._target.write(data)


class Borrowed:
    """Use a caller's open file in a `with` without closing it."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def __enter__(self) -> BinaryIO:
        return self._handle

    def __exit__(self, *_: object) -> None:
        return None


def unique_path(directory: Path, name: str) -> Path:
    """A path in `directory` for `name` that is safe (no folders) and not yet taken."""
    safe = Path(name.replace("\\", "/")).name.strip() or "document"
    safe = safe if safe not in {".", ".."} else "document"
    candidate, n = directory / safe, 1
    while candidate.exists():
        candidate = directory / f"{Path(safe).stem} ({n}){Path(safe).suffix}"
        n += 1
    return candidate
