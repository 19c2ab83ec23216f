"""The client's file adapters (client/io.py): a reader over a streamed body gives
exactly what is asked across chunks; a part of a file sent as a request body
(FileSlice) gives its bytes a piece at a time, never more than a piece in memory,
and the same bytes again when a request is tried again; a file shorter than its
declared size is told plainly."""

from __future__ import annotations

import io
import re

import pytest

from client.io import FileSlice, IteratorReader

DATA = bytes(range(256)) * 20_000  # 5,120,000 bytes


def test_a_slice_gives_its_bytes_in_pieces_and_again_when_iterated_again() -> None:
    source = io.BytesIO(DATA)
    part = FileSlice(source, 1_000_001, 3_000_000)
    pieces = list(part)
    assert b"".join(pieces) == DATA[1_000_001:4_000_001]
    assert max(len(piece) for piece in pieces) == FileSlice.PIECE_BYTES
    source.seek(0)  # the file moved meanwhile, as another part's read would move it
    assert b"".join(part) == DATA[1_000_001:4_000_001]


def test_a_file_shorter_than_its_declared_size_is_an_error_not_a_short_body() -> None:
    with pytest.raises(ValueError, match="shorter than the size"):
        list(FileSlice(io.BytesIO(DATA), 5_000_000, 200_000))


def test_the_body_reader_gives_exactly_what_is_asked_across_chunks() -> None:
    reader = IteratorReader(iter([b"abc", b"", b"defgh", b"ij"]))
    assert [reader.read(2), reader.read(4), reader.read(10), reader.read(1)] == [
        b"ab",
        b"cdef",
        b"ghij",
        b"",
    ]
    assert IteratorReader(iter([b"abc", b"de"])).read() == b"abcde"
    assert re.fullmatch(rb"x+", IteratorReader(iter([b"x" * 5] * 4)).read(17))
