"""The streaming content format of FORMAT.md §5.1 (after Tink's AES-GCM-HKDF
streaming AEAD and age's STREAM): 1 MiB segments, each sealed with a nonce
that carries its index and a last-segment flag, so truncation, reordering and
splicing fail. Memory is bounded by two segments whatever the file size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto.errors import DecryptionError, UnsupportedVersion
from crypto.primitives import TAG_BYTES, associated_data, hkdf, random_bytes

MAGIC = b"PDEs"
STREAM_VERSION = 0x01
SALT_BYTES = 32
NONCE_PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + NONCE_PREFIX_BYTES  # 44
SEGMENT_BYTES = 1 << 20
CIPHER_SEGMENT_BYTES = SEGMENT_BYTES + TAG_BYTES
MAX_SEGMENTS = 1 << 32


def ciphertext_size(plaintext_size: int) -> int:
    """Length of the stream for `plaintext_size` bytes of content."""
    segments = max(1, -(-plaintext_size // SEGMENT_BYTES))
    return HEADER_BYTES + plaintext_size + TAG_BYTES * segments


def plaintext_size(stream_size: int) -> int:
    """Inverse of `ciphertext_size`; ValueError for a length no stream can have."""
    body = stream_size - HEADER_BYTES
    segments = max(1, -(-body // CIPHER_SEGMENT_BYTES))
    size = body - TAG_BYTES * segments
    if body < TAG_BYTES or ciphertext_size(size) != stream_size:
        raise ValueError("no stream has this length")
    return size


class _SegmentCipher:
    """AES-GCM under one file key, with FORMAT.md's nonce layout."""

    def __init__(self, document_key: bytes, document_id: str, header: bytes) -> None:
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        self._prefix = header[HEADER_BYTES - NONCE_PREFIX_BYTES : HEADER_BYTES]
        self._aead = AESGCM(hkdf(document_key, "pde/v1/content", salt=salt))
        self._ad = associated_data("pde/v1/ad/content", document_id)

    def _nonce(self, index: int, last: bool) -> bytes:
        if index >= MAX_SEGMENTS:
            raise ValueError("stream too long")
        return self._prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")

    def seal(self, index: int, plaintext: bytes, last: bool) -> bytes:
        return self._aead.encrypt(self._nonce(index, last), plaintext, self._ad)

    def open(self, index: int, ciphertext: bytes, last: bool) -> bytes:
        try:
            return self._aead.decrypt(self._nonce(index, last), ciphertext, self._ad)
        except InvalidTag:
            raise DecryptionError("ciphertext does not authenticate") from None


def make_header(salt: bytes | None = None, nonce_prefix: bytes | None = None) -> bytes:
    """A fresh stream header: magic, version, random salt and nonce prefix."""
    salt = salt if salt is not None else random_bytes(SALT_BYTES)
    nonce_prefix = nonce_prefix if nonce_prefix is not None else random_bytes(NONCE_PREFIX_BYTES)
    if len(salt) != SALT_BYTES or len(nonce_prefix) != NONCE_PREFIX_BYTES:
        raise ValueError("salt has 32 bytes and nonce prefix 7")
    return MAGIC + bytes([STREAM_VERSION]) + salt + nonce_prefix


def _read_full(src: BinaryIO, size: int) -> bytes:
    """Read `size` bytes, or fewer only at the end of the input."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = src.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def encrypt_chunks(
    src: BinaryIO,
    document_key: bytes,
    document_id: str,
    *,
    salt: bytes | None = None,
    nonce_prefix: bytes | None = None,
) -> Iterator[bytes]:
    """Yield the header, then each sealed segment of `src`'s content."""
    header = make_header(salt, nonce_prefix)
    cipher = _SegmentCipher(document_key, document_id, header)
    yield header
    current = _read_full(src, SEGMENT_BYTES)
    index = 0
    while True:
        following = _read_full(src, SEGMENT_BYTES) if len(current) == SEGMENT_BYTES else b""
        last = not following
        yield cipher.seal(index, current, last)
        if last:
            return
        current, index = following, index + 1


def decrypt_chunks(src: BinaryIO, document_key: bytes, document_id: str) -> Iterator[bytes]:
    """Yield the plaintext of each segment of the stream in `src`, each only once
    its tag has checked. A consumer that needs all-or-nothing must discard what
    it got when a later segment raises DecryptionError."""
    header = _read_full(src, HEADER_BYTES)
    if len(header) < len(MAGIC) + 1 or header[: len(MAGIC)] != MAGIC:
        raise UnsupportedVersion("not a PDE stream")
    if header[len(MAGIC)] != STREAM_VERSION:
        raise UnsupportedVersion(f"stream version {header[len(MAGIC)]}")
    if len(header) < HEADER_BYTES:
        raise DecryptionError("ciphertext does not authenticate")
    cipher = _SegmentCipher(document_key, document_id, header)
    current = _read_full(src, CIPHER_SEGMENT_BYTES)
    index = 0
    while True:
        full = len(current) == CIPHER_SEGMENT_BYTES
        following = _read_full(src, CIPHER_SEGMENT_BYTES) if full else b""
        last = not following
        yield cipher.open(index, current, last)
        if last:
            return
        current, index = following, index + 1


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    document_key: bytes,
    document_id: str,
    *,
    salt: bytes | None = None,
    nonce_prefix: bytes | None = None,
) -> int:
    """Encrypt all of `src` into `dst`; returns the number of bytes written."""
    written = 0
    for chunk in encrypt_chunks(
        src, document_key, document_id, salt=salt, nonce_prefix=nonce_prefix
    ):
        dst.write(chunk)
        written += len(chunk)
    return written


def decrypt_stream(src: BinaryIO, dst: BinaryIO, document_key: bytes, document_id: str) -> int:
    """Decrypt the stream in `src` into `dst`; returns plaintext bytes written.
    On DecryptionError `dst` may hold a verified prefix: discard it."""
    written = 0
    for chunk in decrypt_chunks(src, document_key, document_id):
        dst.write(chunk)
        written += len(chunk)
    return written
