"""Small file-like adapters the Python client streams through: a reader over
an HTTP body, a part of a file sent as a request body, a writer that hashes, one
that counts, and safe names for saved files."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO


class IteratorReader:
    """A read-only file over an iterator of byte chunks (a streamed HTTP body), in one
    growing buffer so that each byte is copied twice at most (in, then out), whatever
    the chunks' sizes; an empty chunk is not the end."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        size = len(self._buffer) if size < 0 else min(size, len(self._buffer))
        out = bytes(self._buffer[:size])
        del self._buffer[:size]  # from the front of a bytearray: no copy of the rest
        return out


class FileSlice:
    """`length` bytes of a seekable file from `offset`, as a request body: read a
    piece at a time just before it is sent (while still in the processor's cache,
    and never the whole part in memory), and iterable again, so that a request
    tried again sends it again."""

    PIECE_BYTES = 1 << 20

    def __init__(self, source: BinaryIO, offset: int, length: int) -> None:
        self._source, self._offset, self.length = source, offset, length

    def __iter__(self) -> Iterator[bytes]:
        self._source.seek(self._offset)
        left = self.length
        while left > 0:
            piece = self._source.read(min(self.PIECE_BYTES, left))
            if not piece:
                raise ValueError("The file is shorter than the size it was sent with.")
            left -= len(piece)
            yield piece


class HashingWriter:
    """Writes to a file and hashes what it writes, so the ciphertext is read once."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self._target.write(data)


class CountingWriter:
    """Writes to a file and tells `progress` how many bytes it has written so far."""

    def __init__(self, target: BinaryIO, progress: Callable[[int], None]) -> None:
        self._target, self._progress = target, progress
        self.written = 0

    def write(self, data: bytes) -> int:
        written = self._target.write(data)
        self.written += len(data)
        self._progress(self.written)
        return written


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


# Python's own table of media types, not the machine's (/etc/mime.types), so that a
# document gets the same extension wherever it is saved.
_MEDIA_TYPES = mimetypes.MimeTypes()


def document_file_name(metadata: dict[str, object], fallback: str) -> str:
    """The name to save a document under: its file name when that travelled, else
    its title (or `fallback`) with the extension of its media type, so that the
    saved file opens with the right program."""
    if metadata.get("file_name"):
        return str(metadata["file_name"])
    name = str(metadata.get("title") or fallback)
    media_type = str(metadata.get("media_type") or "")
    extension = _MEDIA_TYPES.guess_extension(media_type)
    if extension and extension != ".bin" and _MEDIA_TYPES.guess_type(name)[0] != media_type:
        name += extension
    return name
