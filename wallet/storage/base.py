"""The one interface PDE's server uses to keep blobs, and what every backend shares.

The server stores only ciphertext: encrypted document streams, and the parts of
a resumable upload while it is in progress. A backend never sees a key or a
plaintext, so this layer cares about three things only: keys cannot lead
outside the store, a blob is either wholly there or not there at all, and a
blob of 100 MiB never sits in memory at once.

Keys look like `accounts/<id>/documents/<id>`: segments of `[A-Za-z0-9_-]`
joined by "/". Prefixes used by `list_keys` and `delete_prefix` match whole
segments, so erasing `accounts/1` can never touch `accounts/10`.

A resumable upload is written part by part under an upload key (`write_part`)
and becomes a blob in one step (`finish_upload`). Each backend keeps the parts
its own way: the local store in one file written in place, so finishing is a
rename; S3 as one object per part, composed by the server. Either way the keys
of `upload_leftovers` are what to delete once the upload is finished or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import BinaryIO, Protocol, runtime_checkable

CHUNK_SIZE = 1024 * 1024
"""Bytes per read when streaming: large enough for throughput, small enough for memory."""

MAX_KEY_LENGTH = 256
MAX_SEGMENT_LENGTH = 128
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class BlobStoreError(Exception):
    """Base class of every error a blob store raises on purpose."""


class BlobNotFound(BlobStoreError):
    """No blob is stored under this key (never written, deleted, or erased)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no blob stored under {key!r}")
        self.key = key


class BlobStoreUnavailable(BlobStoreError):
    """The store cannot serve the request now: unreachable, timing out, failing
    (5xx, disk error) or refusing our credentials. Nothing was changed by the
    failed call; the API answers 503 so the client can retry later."""


class InvalidBlobKey(BlobStoreError, ValueError):
    """A key or prefix is malformed, or would lead outside the store's root.

    Keys are built by the server, never taken from a client, so this signals a
    bug or an attack and is never retried."""


class UploadBusy(BlobStoreError):
    """Another part of this upload is being written right now (two requests for the
    same upload at once): this one is refused, and the client asks where it stands."""


class BlobLengthMismatch(BlobStoreError, ValueError):
    """The stream ended before the declared length: nothing was stored, so a
    truncated upload can never pass for a whole blob."""

    def __init__(self, key: str, expected: int, received: int) -> None:
        super().__init__(f"stream for {key!r} ended after {received} of {expected} bytes")
        self.expected = expected
        self.received = received


def validate_key(key: object) -> str:
    """Return `key` if it is a well-formed blob key, else raise InvalidBlobKey.

    Only `[A-Za-z0-9_-]` segments are allowed, so "..", ".", absolute paths,
    backslashes, NUL bytes and empty segments are all refused by construction.
    """
    if not isinstance(key, str) or not key:
        raise InvalidBlobKey(f"blob key must be a non-empty string, got {key!r}")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidBlobKey(f"blob key longer than {MAX_KEY_LENGTH} characters")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment) or len(segment) > MAX_SEGMENT_LENGTH:
            raise InvalidBlobKey(f"invalid blob key {key!r}: bad segment {segment!r}")
    return key


def validate_prefix(prefix: object, *, allow_empty: bool) -> str:
    """Return a prefix made of whole key segments ("" means every key, where allowed)."""
    if prefix == "" and allow_empty:
        return ""
    return validate_key(prefix)


def upload_part_key(upload_key: str, offset: int) -> str:
    """Key of the part starting at `offset` of an upload, where a backend keeps
    parts as blobs of their own (S3)."""
    return f"{upload_key}/{offset:015d}"


def upload_leftovers(upload_key: str, offsets: Sequence[int]) -> list[str]:
    """The keys an unfinished upload may occupy in any backend, to `delete` once it is
    finished or dropped: the upload key itself (the local store's file) and its parts."""
    return [upload_key, *(upload_part_key(upload_key, offset) for offset in offsets)]


def check_range(start: int, end: int | None) -> None:
    """Refuse ranges no caller should build: negative starts, or end before start."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range start={start} end={end}")


def clip_range(start: int, end: int | None, size: int) -> tuple[int, int]:
    """Clip [start, end) to a blob of `size` bytes, like slicing a bytes object."""
    stop = size if end is None else min(end, size)
    start = min(start, size)
    return start, max(start, stop)


class BlobReader:
    """A ranged read in progress: iterate it for chunks of bytes.

    `open()` returns it only once the blob is known to exist, so a missing blob
    becomes a 404 before any response header is sent. Reading to the end
    releases the file or connection; stop early and you must call `close()`
    (or use `with`). `length` is the number of bytes the iteration yields and
    `total_size` the size of the whole blob, which is what an HTTP
    Content-Range header needs.
    """

    def __init__(
        self,
        chunks: Iterator[bytes],
        *,
        length: int,
        total_size: int,
        release: Callable[[], None],
    ) -> None:
        self.length = length
        self.total_size = total_size
        self._chunks = chunks
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._chunks
        finally:
            self.close()

    def read_all(self) -> bytes:
        """Return the whole range at once; only for small blobs and tests."""
        return b"".join(self)

    def close(self) -> None:
        """Release the underlying file or connection; safe to call twice."""
        release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class CountedSource:
    """Wraps the caller's stream: counts bytes and enforces a declared length.

    With a length, it never reads past it (the bytes after are left unread)
    and raises BlobLengthMismatch if the stream ends sooner, so both backends
    refuse a truncated upload the same way, before it becomes visible.
    Exceptions raised by the stream itself pass through unchanged.
    """

    def __init__(self, key: str, stream: BinaryIO, length: int | None) -> None:
        if length is not None and length < 0:
            raise ValueError(f"length must be >= 0, got {length}")
        self.key = key
        self.count = 0
        self._stream = stream
        self._length = length

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all that is left if negative), like a file."""
        if self._length is not None:
            remaining = self._length - self.count
            if remaining == 0:
                return b""
            size = remaining if size < 0 else min(size, remaining)
        chunk = self._stream.read(size)
        if not chunk and self._length is not None:
            raise BlobLengthMismatch(self.key, self._length, self.count)
        self.count += len(chunk)
        return chunk


class PartWriter(Protocol):
    """One part being written in place into an upload (see `PartsInPlace`)."""

    def write(self, chunks: Sequence[bytes]) -> None:
        """Write the chunks one after the other, after what this part already holds."""
        ...

    def finish(self) -> int:
        """Make the part durable (synced to disk) and return its length; acknowledge it
        only then. The writer still holds the upload: `close` it once it is recorded."""
        ...

    def close(self) -> None:
        """Let the upload go (another part may be written); safe to call twice."""
        ...

    def abort(self) -> None:
        """Give the part up (refused or dropped) and let the upload go: it stays as
        acknowledged, what this part wrote is cut."""
        ...


@runtime_checkable
class PartsInPlace(Protocol):
    """A store that writes a part straight into its upload as the bytes arrive (the
    local store), so a server can stream a request body there without spooling it."""

    def begin_part(self, upload_key: str, offset: int) -> PartWriter:
        """Start writing the part of `upload_key` that starts at `offset`, holding the
        upload until the writer is closed; UploadBusy if another writer holds it."""
        ...


@runtime_checkable
class BlobStore(Protocol):
    """Where PDE keeps ciphertext blobs; chosen by configuration, one suite tests all.

    Every method validates its keys (InvalidBlobKey), reports a store it cannot
    reach or that fails as BlobStoreUnavailable, and never exposes a partly
    written blob under its key.
    """

    def put(self, key: str, stream: BinaryIO, length: int | None = None) -> int:
        """Store the stream under `key` (replacing any blob there) and return its size.

        Reads the stream in chunks; the blob appears under its key only once
        complete. With `length`, reads exactly that many bytes and raises
        BlobLengthMismatch if the stream ends sooner.
        """
        ...

    def open(self, key: str, start: int = 0, end: int | None = None) -> BlobReader:
        """Start streaming bytes [start, end) of the blob; `end` past the size is clipped.

        A start at or past the size yields nothing. Raises BlobNotFound at once.
        """
        ...

    def size(self, key: str) -> int:
        """Return the blob's size in bytes, or raise BlobNotFound."""
        ...

    def exists(self, key: str) -> bool:
        """Tell whether a blob is stored under `key`."""
        ...

    def delete(self, key: str) -> None:
        """Delete the blob, or the unfinished upload written under `key`; deleting
        nothing is not an error (retries are safe)."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete every blob under `prefix/` (a whole wallet) and return how many.

        The blob named `prefix` itself, if any, is kept; an empty prefix is refused.
        """
        ...

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys under `prefix/` (every key for ""), in no particular order."""
        ...

    def write_part(self, upload_key: str, offset: int, stream: BinaryIO, length: int) -> int:
        """Store `length` bytes of the stream as the part of the unfinished upload
        `upload_key` that starts at `offset`; they are durable when this returns.

        Parts come in order, each where the acknowledged ones end; a part sent again
        at the same offset (after a dropped connection) replaces the attempt before.
        An unfinished upload is no blob (`open`, `size` and `exists` do not see it),
        but `list_keys` names the keys it occupies, those of `upload_leftovers`.
        Raises BlobLengthMismatch if the stream ends early.
        """
        ...

    def finish_upload(self, upload_key: str, offsets: Sequence[int], dest_key: str) -> int:
        """Make the upload's parts (starting at `offsets`, in order) the blob `dest_key`
        and return its size: without copying a byte where the backend can.

        What remains of the upload is deleted through `upload_leftovers` once the
        result is recorded. Called again after it succeeded (the record failed), it
        leaves `dest_key` as it is. Raises BlobNotFound if the upload is missing.
        """
        ...

    def concat(self, part_keys: Sequence[str], dest_key: str) -> int:
        """Store the concatenation of the parts under `dest_key`; return its size.

        Parts (any size >= 0) stay in place for the caller to delete once the
        result is recorded, so a failure midway can be retried. Raises
        BlobNotFound if a part is missing, leaving `dest_key` untouched.
        """
        ...

    def check_health(self) -> None:
        """Raise BlobStoreUnavailable unless the store can serve requests now."""
        ...
