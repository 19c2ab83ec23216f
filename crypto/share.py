"""Share links (FORMAT.md §6): the secret lives in the URL fragment, the server
keeps only hashes of the link token (proof of the link) and of the access token
(proof of the link and the PIN), and the worker's keys come from the secret and
the PIN spoken aloud."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from crypto.encoding import b64u_encode
from crypto.errors import DecryptionError
from crypto.keys import normalize_secret_text
from crypto.links import ID_BYTES, SHARE_SEGMENT, format_link, parse_link
from crypto.links import is_valid_id as is_valid_id
from crypto.metadata import open_padded_json, seal_padded_json
from crypto.primitives import associated_data, hkdf, open_box, random_bytes, seal_box

SHARE_SECRET_BYTES = 16


@dataclass(frozen=True)
class ShareKeys:
    """`share_key` stays with whoever holds the link; `link_token` (the link alone) and
    `access_token` (the link and the PIN) are shown to the server."""

    share_key: bytes
    link_token: bytes
    access_token: bytes


def new_id() -> str:
    """A fresh 128-bit identifier as 22 base64url characters (accounts, documents, shares)."""
    return b64u_encode(random_bytes(ID_BYTES))


# Eastern Arabic digits, as typed on Arabic and Persian keyboards, count as the
# same PIN as the ASCII digits spoken aloud (NFKC leaves them alone).
_PIN_DIGITS = str.maketrans({chr(base + n): str(n) for base in (0x0660, 0x06F0) for n in range(10)})


def normalize_pin(pin: str) -> str:
    """A PIN with U+0660 to U+0669 and U+06F0 to U+06F9 written as ASCII digits."""
    return pin.translate(_PIN_DIGITS)


def derive_share_keys(share_secret: bytes, share_id: str, pin: str = "") -> ShareKeys:
    """share_root = HKDF(secret ‖ NFKC(pin with Arabic digits as ASCII)); share key and
    access token from it. The link token comes from the secret alone: it proves the
    link without the PIN, so that only a link holder may spend PIN attempts."""
    if len(share_secret) != SHARE_SECRET_BYTES:
        raise ValueError("a share secret has 16 bytes")
    root = hkdf(share_secret + normalize_secret_text(normalize_pin(pin)), "pde/v1/share-root")
    salt = share_id.encode()
    return ShareKeys(
        share_key=hkdf(root, "pde/v1/share-key", salt=salt),
        link_token=hkdf(share_secret, "pde/v1/share-link", salt=salt),
        access_token=hkdf(root, "pde/v1/share-access", salt=salt),
    )


def access_token_hash(access_token: bytes) -> bytes:
    """What the server stores and compares: SHA-256 of a 256-bit token (the access
    token or the link token)."""
    return hashlib.sha256(access_token).digest()


def access_token_matches(stored_hash: bytes, presented_token: bytes) -> bool:
    """Constant-time comparison of a presented token with the stored hash."""
    return hmac.compare_digest(stored_hash, access_token_hash(presented_token))


def format_share_link(base_url: str, share_id: str, share_secret: bytes) -> str:
    """https://host/s/<share_id>#<b64u(secret)>."""
    return format_link(base_url, SHARE_SEGMENT, share_id, share_secret)


def parse_share_link(link: str) -> tuple[str, str, bytes]:
    """(base URL, share id, secret) from a share link; InvalidEncoding if it is not one.
    Surrounding whitespace, a path before `/s/` and a trailing `/` are accepted."""
    return parse_link(link, SHARE_SEGMENT)


def wrap_document_key_for_share(
    share_key: bytes,
    document_key: bytes,
    share_id: str,
    document_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """A document key sealed for the holder of the share link."""
    ad = associated_data("pde/v1/ad/share-document-key", share_id, document_id)
    return seal_box(share_key, document_key, ad, nonce)


def unwrap_document_key_from_share(
    share_key: bytes, wrapped: bytes, share_id: str, document_id: str
) -> bytes:
    """Inverse of `wrap_document_key_for_share`."""
    ad = associated_data("pde/v1/ad/share-document-key", share_id, document_id)
    key = open_box(share_key, wrapped, ad)
    if len(key) != 32:
        raise DecryptionError("ciphertext does not authenticate")
    return key


def encrypt_share_metadata(
    share_key: bytes,
    fields: dict[str, Any],
    share_id: str,
    document_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """Only the metadata fields the owner chose, sealed for the share."""
    key = hkdf(share_key, "pde/v1/share-metadata")
    ad = associated_data("pde/v1/ad/share-metadata", share_id, document_id)
    return seal_padded_json(key, fields, ad, nonce)


def decrypt_share_metadata(
    share_key: bytes, box: bytes, share_id: str, document_id: str
) -> dict[str, Any]:
    """Inverse of `encrypt_share_metadata`."""
    key = hkdf(share_key, "pde/v1/share-metadata")
    ad = associated_data("pde/v1/ad/share-metadata", share_id, document_id)
    return open_padded_json(key, box, ad)


def encrypt_share_info(
    share_key: bytes, info: dict[str, Any], share_id: str, nonce: bytes | None = None
) -> bytes:
    """The share's description (recipient, purpose, from: whose documents) as the worker
    sees it."""
    key = hkdf(share_key, "pde/v1/share-info")
    return seal_padded_json(key, info, associated_data("pde/v1/ad/share-info", share_id), nonce)


def decrypt_share_info(share_key: bytes, box: bytes, share_id: str) -> dict[str, Any]:
    """Inverse of `encrypt_share_info`."""
    key = hkdf(share_key, "pde/v1/share-info")
    return open_padded_json(key, box, associated_data("pde/v1/ad/share-info", share_id))


def _owner_key(master_key: bytes) -> bytes:
    return hkdf(master_key, "pde/v1/share-owner")


def encrypt_share_owner_record(
    master_key: bytes,
    record: dict[str, Any],
    account_id: str,
    share_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """The owner's own copy of a share (secret, PIN, recipient, purpose), sealed under
    the master key so the shares screen can show it and print the link again."""
    ad = associated_data("pde/v1/ad/share-owner", account_id, share_id)
    return seal_padded_json(_owner_key(master_key), record, ad, nonce)


def decrypt_share_owner_record(
    master_key: bytes, box: bytes, account_id: str, share_id: str
) -> dict[str, Any]:
    """Inverse of `encrypt_share_owner_record`."""
    ad = associated_data("pde/v1/ad/share-owner", account_id, share_id)
    return open_padded_json(_owner_key(master_key), box, ad)
