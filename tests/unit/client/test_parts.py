"""Sending an upload's parts (client/parts.py): with a part allowed ahead, the next
part starts as soon as the last byte of the one before has gone out, never more
than one ahead, and answers are taken in order; a refusal lets the parts on their
way end, then the upload goes on from the furthest point the server told; any other
error is raised once they have ended. With none ahead, one part at a time."""

from __future__ import annotations

import io
import threading
import time

import pytest

from client.parts import Resume, SentPart, send_parts

DATA = bytes(range(256)) * 400  # 102,400 bytes
PART = 30_000


class FakeServer:
    """Takes parts as the server does: in order, each acknowledged once the parts
    before it are; records what it got and how many parts were on their way at once."""

    def __init__(self, refuse: dict[int, BaseException] | None = None) -> None:
        self.received, self.stored = 0, bytearray()
        self.refuse = refuse or {}
        self.on_their_way = self.most_on_their_way = 0
        self.started_before_sent: list[int] = []
        self.lock, self.turn = threading.Lock(), threading.Condition()
        self.latest: SentPart | None = None
        self.after_dropped = -1  # the offset that followed the part last dropped

    def put(self, offset: int, part: SentPart) -> int:
        with self.lock:
            if self.latest is not None and not self.latest.sent.is_set():
                self.started_before_sent.append(offset)
            self.latest = part
            self.on_their_way += 1
            self.most_on_their_way = max(self.most_on_their_way, self.on_their_way)
        try:
            body = b"".join(part)  # sent: the next part may start
            time.sleep(0.01)  # the fsync and the commit
            with self.turn:  # a part ahead waits for the one before it, or its drop
                self.turn.wait_for(
                    lambda: offset in (self.received, self.after_dropped), timeout=5
                )
                if offset == self.after_dropped:
                    self.after_dropped = -1  # told once, as the server tells the part waiting
                if offset in self.refuse:
                    self.after_dropped = offset + len(body)
                    self.turn.notify_all()
                    raise self.refuse.pop(offset)
                if offset != self.received:
                    raise Resume(self.received)
                self.stored += body
                self.received += len(body)
                self.turn.notify_all()
                return self.received
        finally:
            with self.lock:
                self.on_their_way -= 1


def test_a_part_goes_out_as_soon_as_the_one_before_is_sent_and_no_further() -> None:
    server, told = FakeServer(), []
    send_parts(server.put, io.BytesIO(DATA), len(DATA), 0, PART, 1, lambda r, s: told.append(r))
    assert bytes(server.stored) == DATA
    assert told == [30_000, 60_000, 90_000, len(DATA)]
    assert server.most_on_their_way == 2
    assert server.started_before_sent == []


def test_with_no_part_ahead_one_part_at_a_time() -> None:
    server = FakeServer()
    server.received, server.stored = 30_000, bytearray(DATA[:30_000])
    send_parts(server.put, io.BytesIO(DATA), len(DATA), 30_000, PART, 0)
    assert server.most_on_their_way == 1
    assert bytes(server.stored) == DATA  # from where the upload stood


def test_after_a_refusal_the_upload_goes_on_from_where_the_server_stands() -> None:
    server = FakeServer(refuse={60_000: Resume(60_000)})  # e.g. the part was dropped
    send_parts(server.put, io.BytesIO(DATA), len(DATA), 0, PART, 1)
    assert bytes(server.stored) == DATA


def test_any_other_error_is_raised_once_the_parts_on_their_way_ended() -> None:
    server = FakeServer(refuse={30_000: PermissionError("refused")})
    with pytest.raises(PermissionError):
        send_parts(server.put, io.BytesIO(DATA), len(DATA), 0, PART, 1)
    assert server.on_their_way == 0
    assert bytes(server.stored) == DATA[:30_000]


def test_parts_read_at_once_from_one_file_each_get_their_own_bytes() -> None:
    source, lock = io.BytesIO(DATA), threading.Lock()
    changed = threading.Event()
    first, second = (SentPart(source, o, 40_000, lock, changed) for o in (0, 40_000))
    SentPart.PIECE_BYTES = 1000
    try:
        pieces_a, pieces_b = iter(first), iter(second)
        got_a, got_b = bytearray(), bytearray()
        for a, b in zip(pieces_a, pieces_b, strict=False):  # interleaved reads
            got_a += a
            got_b += b
        got_a += b"".join(pieces_a)
        got_b += b"".join(pieces_b)
    finally:
        del SentPart.PIECE_BYTES
    assert (bytes(got_a), bytes(got_b)) == (DATA[:40_000], DATA[40_000:80_000])
    assert first.sent.is_set() and second.sent.is_set() and changed.is_set()
