"""The streaming format refuses every modification and round-trips every size."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import stream
from crypto.errors import DecryptionError, UnsupportedVersion

KEY = bytes(range(32))
DOC = "ZG9jdW1lbnQtaWQtMDAwMQ"
OTHER_DOC = "b3RoZXItZG9jdW1lbnQtMQ"
SEG = stream.SEGMENT_BYTES
CSEG = stream.CIPHER_SEGMENT_BYTES
HDR = stream.HEADER_BYTES


def encrypt(plaintext: bytes, document_id: str = DOC) -> bytes:
    out = io.BytesIO()
    stream.encrypt_stream(io.BytesIO(plaintext), out, KEY, document_id)
    return out.getvalue()


def decrypt(ciphertext: bytes, document_id: str = DOC, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    stream.decrypt_stream(io.BytesIO(ciphertext), out, key, document_id)
    return out.getvalue()


@pytest.fixture(scope="module")
def three_segments() -> tuple[bytes, bytes]:
    plaintext = bytes(range(256)) * (2 * SEG // 256) + b"tail"
    return plaintext, encrypt(plaintext)


def test_every_flipped_byte_of_a_short_stream_is_refused() -> None:
    ciphertext = encrypt(b"a short note that fits in one segment")
    for i in range(len(ciphertext)):
        tampered = bytearray(ciphertext)
        tampered[i] ^= 0x01
        with pytest.raises((DecryptionError, UnsupportedVersion)):
            decrypt(bytes(tampered))


def test_flipped_bytes_in_every_segment_and_header_of_a_long_stream_are_refused(
    three_segments: tuple[bytes, bytes],
) -> None:
    _, ciphertext = three_segments
    positions = (
        list(range(HDR))
        + [
            HDR + s * CSEG + offset
            for s in range(3)
            for offset in (0, 1, 1000, CSEG - 1)
            if HDR + s * CSEG + offset < len(ciphertext)
        ]
        + [len(ciphertext) - 1]
    )
    for i in positions:
        tampered = bytearray(ciphertext)
        tampered[i] ^= 0x80
        with pytest.raises((DecryptionError, UnsupportedVersion)):
            decrypt(bytes(tampered))


def test_truncation_at_a_segment_boundary_is_refused(three_segments: tuple[bytes, bytes]) -> None:
    _, ciphertext = three_segments
    for cut in (HDR + CSEG, HDR + 2 * CSEG, HDR, HDR + 10, len(ciphertext) - 1):
        with pytest.raises(DecryptionError):
            decrypt(ciphertext[:cut])


def test_swapped_or_duplicated_segments_are_refused(three_segments: tuple[bytes, bytes]) -> None:
    _, c = three_segments
    header, s0, s1, s2 = (
        c[:HDR],
        c[HDR : HDR + CSEG],
        c[HDR + CSEG : HDR + 2 * CSEG],
        c[HDR + 2 * CSEG :],
    )
    for forged in (header + s1 + s0 + s2, header + s0 + s0 + s2, header + s0 + s2):
        with pytest.raises(DecryptionError):
            decrypt(forged)


def test_extension_after_the_last_segment_is_refused() -> None:
    ciphertext = encrypt(b"x" * SEG)  # one full segment, flagged last
    with pytest.raises(DecryptionError):
        decrypt(ciphertext + ciphertext[HDR:])


def test_splicing_a_segment_from_another_stream_of_the_same_document_is_refused(
    three_segments: tuple[bytes, bytes],
) -> None:
    plaintext, ciphertext = three_segments
    other = encrypt(plaintext)  # same key and document, fresh salt and prefix
    spliced = ciphertext[: HDR + CSEG] + other[HDR + CSEG :]
    with pytest.raises(DecryptionError):
        decrypt(spliced)


def test_a_stream_moved_to_another_document_or_key_is_refused() -> None:
    ciphertext = encrypt(b"content")
    with pytest.raises(DecryptionError):
        decrypt(ciphertext, document_id=OTHER_DOC)
    with pytest.raises(DecryptionError):
        decrypt(ciphertext, key=bytes(32))


def test_unknown_magic_or_version_is_reported_as_unsupported() -> None:
    ciphertext = encrypt(b"content")
    with pytest.raises(UnsupportedVersion):
        decrypt(b"PDEs\x02" + ciphertext[5:])
    with pytest.raises(UnsupportedVersion):
        decrypt(b"%PDF-1.7" + ciphertext)


def test_the_same_content_encrypts_differently_each_time() -> None:
    assert encrypt(b"same") != encrypt(b"same")


def test_sizes_are_what_format_md_says() -> None:
    assert len(encrypt(b"")) == 60
    assert stream.ciphertext_size(SEG) == HDR + SEG + 16
    assert stream.ciphertext_size(SEG + 1) == HDR + SEG + 1 + 32
    for n in (0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG):
        assert stream.plaintext_size(stream.ciphertext_size(n)) == n
    for bad in (0, HDR, HDR + 15, HDR + CSEG + 1):
        with pytest.raises(ValueError):
            stream.plaintext_size(bad)


class TrickleReader(io.RawIOBase):
    """A reader that returns at most 1000 bytes per read, as a socket might."""

    def __init__(self, data: bytes) -> None:
        self._data, self._pos = data, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 1000 if size < 0 else min(size, 1000)
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk


def test_short_reads_from_the_source_give_the_same_stream() -> None:
    plaintext = b"\x07" * (SEG + 5)
    ciphertext = encrypt(plaintext)
    out = io.BytesIO()
    stream.decrypt_stream(TrickleReader(ciphertext), out, KEY, DOC)  # type: ignore[arg-type]
    assert out.getvalue() == plaintext


@settings(max_examples=25, deadline=None)
@given(
    size=st.one_of(
        st.integers(0, 300),
        st.integers(SEG - 40, SEG + 40),
        st.integers(2 * SEG - 20, 2 * SEG + 20),
    ),
    seed=st.integers(0, 255),
)
def test_round_trip_of_any_size_around_segment_boundaries(size: int, seed: int) -> None:
    plaintext = bytes([seed]) * size
    ciphertext = encrypt(plaintext)
    assert len(ciphertext) == stream.ciphertext_size(size)
    assert decrypt(ciphertext) == plaintext
