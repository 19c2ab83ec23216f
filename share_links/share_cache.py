"""The parts of a share that never change after it is made, kept in memory by
each server process, so that an opening reads nothing before it is counted.

What a share opens (its documents' keys wrapped for it and their sealed
metadata, its info box) and its link's hash are written once, when the share
is made: no route changes them. What may change is never kept here and is
checked (or returned) by the opening's one statement in the database all
processes share (share_links/openings.py): revocation, deletion, expiry, the
open limit and the count, wrong attempts and the lock, and the service's
suspension. A share's documents only ever leave it (deleted with
their document) and its id may be taken again once it is deleted, so that
statement also returns how many documents the share holds now and when it was
made: when either differs from what is kept here, the share is read again.
Each process keeps at most `SHARES` shares and `BOX_BYTES` of their boxes; the
one opened least recently leaves first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

SHARES = 4096
BOX_BYTES = 64 * 1024 * 1024  # a share holds up to 50 boxes of up to 64 KiB: bound the bytes too
ENTRY_BYTES = 512  # what an entry costs besides its boxes, roughly


@dataclass(frozen=True)
class OpenedDocument:
    """A shared document as the viewer receives it: sealed for the share."""

    document_id: str
    wrapped_key: bytes
    metadata_box: bytes
    size: int


@dataclass(frozen=True)
class SharedContent:
    """What never changes in a share once it is made (see above)."""

    share_id: str
    made_at: datetime  # tells it apart from a later share given the same id
    link_hash: bytes | None
    info_box: bytes
    documents: tuple[OpenedDocument, ...]

    @property
    def weight(self) -> int:
        """Roughly the bytes it holds."""
        boxes = sum(len(d.wrapped_key) + len(d.metadata_box) for d in self.documents)
        return ENTRY_BYTES * (1 + len(self.documents)) + len(self.info_box) + boxes


class ShareCache:
    """A bounded least-recently-used map of share id to its `SharedContent`, safe
    to use from the request threads of one process."""

    def __init__(self, shares: int = SHARES, box_bytes: int = BOX_BYTES) -> None:
        self._entries: OrderedDict[str, SharedContent] = OrderedDict()
        self._shares, self._box_bytes = shares, box_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, share_id: str) -> SharedContent | None:
        """The kept content of the share, if any (and it becomes the most recent)."""
        with self._lock:
            content = self._entries.get(share_id)
            if content is not None:
                self._entries.move_to_end(share_id)
            return content

    def keep(self, content: SharedContent) -> None:
        """Keep `content`, in place of what was kept for its id, leaving out the least
        recently opened beyond the bounds (and `content` itself when it alone is larger)."""
        with self._lock:
            self._drop(content.share_id)
            if content.weight > self._box_bytes:
                return
            self._entries[content.share_id] = content
            self._bytes += content.weight
            while len(self._entries) > self._shares or self._bytes > self._box_bytes:
                self._drop(next(iter(self._entries)))

    def forget(self, share_id: str) -> None:
        """Drop what is kept for the share (it was deleted, or made again)."""
        with self._lock:
            self._drop(share_id)

    def _drop(self, share_id: str) -> None:
        content = self._entries.pop(share_id, None)
        if content is not None:
            self._bytes -= content.weight

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """Roughly the bytes kept (see `SharedContent.weight`)."""
        return self._bytes
