"""Readable streams for the storage tests: large blobs without large memory."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable


class RandomStream:
    """Yields `size` random bytes, hashing them as they go, never holding them all.

    Several streams may share one hasher to get the digest of their concatenation.
    """

    def __init__(self, size: int, hasher: hashlib._Hash | None = None) -> None:
        self.remaining = size
        self.hasher = hasher or hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.remaining:
            size = self.remaining
        chunk = os.urandom(size)
        self.remaining -= size
        self.hasher.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self.hasher.hexdigest()


class FailingStream:
    """Yields `fail_after` bytes, then raises, like a client that disconnects."""

    def __init__(self, fail_after: int) -> None:
        self.inner = RandomStream(fail_after)

    def read(self, size: int = -1) -> bytes:
        if self.inner.remaining == 0:
            raise ConnectionResetError("client went away")
        return self.inner.read(size)


def digest_of(chunks: Iterable[bytes]) -> str:
    """SHA-256 of an iterable of chunks, consumed as it streams."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        hasher.update(chunk)
    return hasher.hexdigest()
