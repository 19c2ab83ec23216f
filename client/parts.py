"""Sending an upload's ciphertext through the server, in parts, from where the
server says the upload stands (docs/api.md, uploads).

Where the upload's status says `parts_ahead` (the server writes parts in place),
the next part goes out on a second connection as soon as the last byte of the part
before has been sent, without waiting for that part's answer: its body fills the
connection's buffers while the server fsyncs and records the part before, instead
of after a round trip. Answers are taken in order. After a refusal or a drop, the
parts still on their way end first (the server lets a part waiting for a dropped
one go at once), then the upload goes on from where the server says it stands.

This module stands under `client.http`, which calls it with its own way to send
one part (`PutPart`), so it does not import it."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

from client.io import FileSlice


class Resume(Exception):
    """The server refused a part: the upload goes on from `received`."""

    def __init__(self, received: int) -> None:
        super().__init__(f"the upload goes on from byte {received}")
        self.received = received


# Sends one part (offset, body) and returns the upload's `received` once it is
# acknowledged; raises Resume where the server wants the upload to go on from
# elsewhere, or the client's error for any other refusal.
PutPart = Callable[[int, "SentPart"], int]


class SentPart(FileSlice):
    """A part of the ciphertext as a request body that says when its last byte has
    gone out (`sent`, and `changed` for whoever waits on several): the next part may
    start then. `ahead`: sent while the part before is still on its way."""

    def __init__(
        self,
        source: BinaryIO,
        offset: int,
        length: int,
        lock: threading.Lock,
        changed: threading.Event,
        ahead: bool = False,
    ) -> None:
        super().__init__(source, offset, length, lock)
        self.changed, self.ahead, self.sent = changed, ahead, threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield from super().__iter__()
        self.sent.set()
        self.changed.set()


def send_parts(
    put: PutPart,
    sealed: BinaryIO,
    size: int,
    received: int,
    part_bytes: int,
    ahead: int,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Send `sealed` (`size` bytes) from `received` on, in parts of `part_bytes`,
    with up to `ahead` parts on their way behind the one not yet acknowledged."""
    lock, changed = threading.Lock(), threading.Event()
    in_flight: deque[tuple[SentPart, Future[int]]] = deque()
    with ThreadPoolExecutor(1 + ahead, thread_name_prefix="pde-part") as pool:

        def start(offset: int) -> None:
            length = min(part_bytes, size - offset)
            part = SentPart(sealed, offset, length, lock, changed, ahead=bool(in_flight))
            future = pool.submit(put, offset, part)
            future.add_done_callback(lambda _: (part.sent.set(), changed.set()))
            in_flight.append((part, future))

        following = received  # where the next part to start begins
        while received < size:
            changed.clear()  # whatever happens from here on wakes the wait below
            while following < size and len(in_flight) <= ahead:
                if in_flight and not in_flight[-1][0].sent.is_set():
                    break  # the part before is still going out
                start(following)
                following += in_flight[-1][0].length
            future = in_flight[0][1]
            if not future.done():
                changed.wait()
                continue
            in_flight.popleft()
            try:
                received = future.result()
            except Resume as refusal:
                received = max(refusal.received, _drain(in_flight))
                following = received
                continue
            except BaseException:
                _drain(in_flight)
                raise
            if progress:
                progress(received, size)


def _drain(in_flight: deque[tuple[SentPart, Future[int]]]) -> int:
    """Let the parts still on their way end; the furthest `received` they were told
    (0 if none was told any). Their other errors go: the first one is the caller's."""
    furthest = 0
    while in_flight:
        future = in_flight.popleft()[1]
        error = future.exception()
        if error is None:
            furthest = max(furthest, future.result())
        elif isinstance(error, Resume):
            furthest = max(furthest, error.received)
    return furthest
