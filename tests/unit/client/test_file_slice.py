"""A part of a file sent as a request body (client/io.py FileSlice): its bytes a
piece at a time, never more than a piece in memory, and the same bytes again when
a request is tried again; a file shorter than its declared size is told plainly."""

from __future__ import annotations

import io

import pytest

from client.io import FileSlice

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
