"""Encrypted, padded JSON (FORMAT.md §5, §6, §7): document metadata, share
metadata and share descriptions. Padding to power-of-two buckets hides the
length of titles, names and notes from the server."""

from __future__ import annotations

import json
from typing import Any

from crypto.errors import DecryptionError, MetadataTooLarge
from crypto.primitives import associated_data, hkdf, open_box, seal_box

MIN_BUCKET = 256
MAX_BUCKET = 65_536
LENGTH_PREFIX = 4


def pad(message: bytes) -> bytes:
    """u32be(len) ‖ message ‖ zeros, to the smallest power of two ≥ max(256, 4 + len)."""
    needed = LENGTH_PREFIX + len(message)
    if needed > MAX_BUCKET:
        raise MetadataTooLarge(f"metadata of {len(message)} bytes is over the largest bucket")
    bucket = MIN_BUCKET
    while bucket < needed:
        bucket *= 2
    return len(message).to_bytes(4, "big") + message + bytes(bucket - needed)


def unpad(padded: bytes) -> bytes:
    """Inverse of `pad`; refuses a length that does not fit or non-zero padding."""
    size = len(padded)
    if size < MIN_BUCKET or size > MAX_BUCKET or size & (size - 1):
        raise DecryptionError("ciphertext does not authenticate")
    length = int.from_bytes(padded[:LENGTH_PREFIX], "big")
    end = LENGTH_PREFIX + length
    if end > len(padded) or any(padded[end:]):
        raise DecryptionError("ciphertext does not authenticate")
    return padded[LENGTH_PREFIX:end]


def dump_json(value: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, keys in insertion order, as JavaScript's JSON.stringify writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def seal_padded_json(
    key: bytes, value: dict[str, Any], ad: bytes, nonce: bytes | None = None
) -> bytes:
    """A JSON object, padded, in a box."""
    return seal_box(key, pad(dump_json(value)), ad, nonce)


def open_padded_json(key: bytes, box: bytes, ad: bytes) -> dict[str, Any]:
    """Inverse of `seal_padded_json`; anything but a JSON object is a DecryptionError."""
    try:
        value = json.loads(unpad(open_box(key, box, ad)).decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DecryptionError("ciphertext does not authenticate") from None
    if not isinstance(value, dict):
        raise DecryptionError("ciphertext does not authenticate")
    return value


def metadata_key(document_key: bytes) -> bytes:
    """The key that seals a document's metadata, derived from its document key."""
    return hkdf(document_key, "pde/v1/metadata")


def _seal_metadata(
    document_key: bytes, value: dict[str, Any], ad: bytes, nonce: bytes | None
) -> bytes:
    return seal_padded_json(metadata_key(document_key), value, ad, nonce)


def _open_metadata(document_key: bytes, box: bytes, ad: bytes) -> dict[str, Any]:
    return open_padded_json(metadata_key(document_key), box, ad)


def encrypt_metadata(
    document_key: bytes,
    metadata: dict[str, Any],
    account_id: str,
    document_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """A document's metadata (title, type, file name, …) sealed for its owner."""
    ad = associated_data("pde/v1/ad/metadata", account_id, document_id)
    return _seal_metadata(document_key, metadata, ad, nonce)


def decrypt_metadata(
    document_key: bytes, box: bytes, account_id: str, document_id: str
) -> dict[str, Any]:
    """Inverse of `encrypt_metadata`."""
    ad = associated_data("pde/v1/ad/metadata", account_id, document_id)
    return _open_metadata(document_key, box, ad)


def encrypt_deposit_metadata(
    document_key: bytes,
    metadata: dict[str, Any],
    deposit_id: str,
    document_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """Metadata of a deposited document, sealed by the depositor for the wallet."""
    ad = associated_data("pde/v1/ad/deposit-metadata", deposit_id, document_id)
    return _seal_metadata(document_key, metadata, ad, nonce)


def decrypt_deposit_metadata(
    document_key: bytes, box: bytes, deposit_id: str, document_id: str
) -> dict[str, Any]:
    """Inverse of `encrypt_deposit_metadata`."""
    ad = associated_data("pde/v1/ad/deposit-metadata", deposit_id, document_id)
    return _open_metadata(document_key, box, ad)


def encrypt_deposit_link_record(
    master_key: bytes,
    record: dict[str, Any],
    account_id: str,
    deposit_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """The owner's own description of a deposit link (its label), sealed under the
    master key: the server and the depositor never read it."""
    ad = associated_data("pde/v1/ad/deposit-link", account_id, deposit_id)
    return seal_padded_json(hkdf(master_key, "pde/v1/deposit-link"), record, ad, nonce)


def decrypt_deposit_link_record(
    master_key: bytes, box: bytes, account_id: str, deposit_id: str
) -> dict[str, Any]:
    """Inverse of `encrypt_deposit_link_record`."""
    ad = associated_data("pde/v1/ad/deposit-link", account_id, deposit_id)
    return open_padded_json(hkdf(master_key, "pde/v1/deposit-link"), box, ad)
