"""The building blocks of FORMAT.md §1 and §2: HKDF, PBKDF2, associated data and the *box*."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from crypto.errors import DecryptionError, UnsupportedVersion

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
BOX_VERSION = 0x01
BOX_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES
PBKDF2_ITERATIONS = 600_000


def random_bytes(n: int) -> bytes:
    """`n` bytes from the operating system's CSPRNG."""
    return os.urandom(n)


def hkdf(ikm: bytes, info: str, salt: bytes = b"", length: int = KEY_BYTES) -> bytes:
    """HKDF-SHA256 with a `pde/v1/...` label as info."""
    if not info.startswith("pde/v1/"):
        raise ValueError("every derived key names its purpose with a pde/v1/ label")
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info.encode()
    ).derive(ikm)


def pbkdf2(password: bytes, salt: bytes, iterations: int = PBKDF2_ITERATIONS) -> bytes:
    """PBKDF2-HMAC-SHA256, 32-byte output. Counts below 1,000 are refused: only
    tests use fewer than 600,000, to run fast."""
    if iterations < 1000:
        raise ValueError("PBKDF2 needs at least 1,000 iterations")
    return PBKDF2HMAC(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations
    ).derive(password)


def associated_data(label: str, *fields: str) -> bytes:
    """AD(label, f1, …): the label, then each field as u16be length and UTF-8 bytes."""
    out = bytearray(label.encode("ascii"))
    for field in fields:
        encoded = field.encode()
        if len(encoded) > 0xFFFF:
            raise ValueError("associated-data field too long")
        out += len(encoded).to_bytes(2, "big") + encoded
    return bytes(out)


def seal_box(key: bytes, plaintext: bytes, ad: bytes, nonce: bytes | None = None) -> bytes:
    """box = 0x01 ‖ nonce ‖ AES-256-GCM(key, nonce, plaintext, ad)."""
    nonce = nonce if nonce is not None else random_bytes(NONCE_BYTES)
    if len(nonce) != NONCE_BYTES:
        raise ValueError("a box nonce has 12 bytes")
    return bytes([BOX_VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def open_box(key: bytes, box: bytes, ad: bytes) -> bytes:
    """Open a box sealed with `key` for exactly this associated data."""
    if len(box) < BOX_OVERHEAD:
        raise DecryptionError("ciphertext does not authenticate")
    if box[0] != BOX_VERSION:
        raise UnsupportedVersion(f"box version {box[0]}")
    try:
        return AESGCM(key).decrypt(box[1 : 1 + NONCE_BYTES], box[1 + NONCE_BYTES :], ad)
    except InvalidTag:
        raise DecryptionError("ciphertext does not authenticate") from None
