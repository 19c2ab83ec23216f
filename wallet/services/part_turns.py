"""Parts sent ahead. A client may send the next part of an upload as soon as it has
sent the last byte of the part before, without waiting for that part's answer: the
new part's body then fills the connection's buffers while the server fsyncs and
records the part before, instead of after a round trip.

Such a part waits here for its turn, on the event loop, holding nothing: woken at
once when the part before it ends in this process, else looking again every
`POLL_SECONDS` (the part before may be in another process), for at most
`WAIT_SECONDS`. It waits only while the part before is being written (a writer
holds the upload), or for `START_SECONDS` after it came (the part before may not
have started yet): a part sent ahead of nothing is refused, as a part at the wrong
offset is. It is then written as any part: only once it holds the upload and the
upload's `received` is its offset. One part per upload waits at a time.
"""

from __future__ import annotations

import asyncio
import time

POLL_SECONDS = 0.025  # how often a waiting part looks again, when nothing wakes it
WAIT_SECONDS = 300.0  # the longest a part waits for the one before it
START_SECONDS = 0.5  # how long a part waits for the one before it to start being written


def may_start_soon(since: float) -> bool:
    """Whether the part before one that came at `since` (monotonic) may not have
    started yet: then it waits for it even though no writer holds the upload."""
    return time.monotonic() - since <= START_SECONDS


class _Waiting:
    """A part waiting for its turn, and how the part before it ended, once it has."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.dropped = False


class PartTurns:
    """The parts of this process waiting for the part before them, by upload."""

    def __init__(self) -> None:
        self._waiting: dict[str, _Waiting] = {}

    async def wait(self, document_id: str, since: float) -> bool:
        """Wait a little for the part before this one (the part waiting since the
        monotonic time `since`); whether to look again (False: give up now, because
        the part before was dropped, another part waits already, or time is out)."""
        if document_id in self._waiting or time.monotonic() - since > WAIT_SECONDS:
            return False
        waiting = self._waiting[document_id] = _Waiting()
        try:
            await asyncio.wait_for(waiting.event.wait(), POLL_SECONDS)
        except TimeoutError:
            pass
        finally:
            del self._waiting[document_id]
        return not waiting.dropped

    def ended(self, document_id: str, recorded: bool) -> None:
        """A part of the upload ended (`recorded`, or dropped): wake the part waiting."""
        waiting = self._waiting.get(document_id)
        if waiting is not None:
            waiting.dropped = not recorded
            waiting.event.set()
