"""Sealing to a public key (FORMAT.md §7): a depositor or a trustee's sender
can write to a wallet's X25519 public key without being able to read anything."""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.encoding import b64u_encode
from crypto.errors import DecryptionError, InvalidShare, UnsupportedVersion
from crypto.primitives import KEY_BYTES, NONCE_BYTES, TAG_BYTES, associated_data, hkdf, random_bytes
from crypto.shamir import Share, share_from_bytes, share_to_bytes

SEAL_VERSION = 0x01
SEAL_OVERHEAD = 1 + KEY_BYTES + NONCE_BYTES + TAG_BYTES


def _seal_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    if shared == bytes(KEY_BYTES):
        raise DecryptionError("ciphertext does not authenticate")
    return hkdf(shared, "pde/v1/seal", salt=ephemeral_public + recipient_public)


def seal_to_public_key(
    recipient_public: bytes,
    plaintext: bytes,
    ad: bytes,
    *,
    ephemeral_private: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """0x01 ‖ ephemeral public ‖ nonce ‖ AES-GCM(HKDF(X25519(e, R)), plaintext, ad)."""
    eph = (
        X25519PrivateKey.from_private_bytes(ephemeral_private)
        if ephemeral_private is not None
        else X25519PrivateKey.generate()
    )
    eph_public = eph.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key = _seal_key(shared, eph_public, recipient_public)
    nonce = nonce if nonce is not None else random_bytes(NONCE_BYTES)
    return bytes([SEAL_VERSION]) + eph_public + nonce + AESGCM(key).encrypt(nonce, plaintext, ad)


def open_sealed(recipient_private: bytes, sealed: bytes, ad: bytes) -> bytes:
    """Inverse of `seal_to_public_key`, with the recipient's private key."""
    if len(sealed) < SEAL_OVERHEAD:
        raise DecryptionError("ciphertext does not authenticate")
    if sealed[0] != SEAL_VERSION:
        raise UnsupportedVersion(f"sealed version {sealed[0]}")
    eph_public = sealed[1 : 1 + KEY_BYTES]
    nonce = sealed[1 + KEY_BYTES : 1 + KEY_BYTES + NONCE_BYTES]
    private = X25519PrivateKey.from_private_bytes(recipient_private)
    recipient_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph_public))
    except ValueError:  # all-zero shared secret (low-order point)
        raise DecryptionError("ciphertext does not authenticate") from None
    key = _seal_key(shared, eph_public, recipient_public)
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + KEY_BYTES + NONCE_BYTES :], ad)
    except InvalidTag:
        raise DecryptionError("ciphertext does not authenticate") from None


def seal_deposit_document_key(
    wallet_public: bytes,
    document_key: bytes,
    deposit_id: str,
    document_id: str,
    *,
    ephemeral_private: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """A depositor's fresh document key, sealed to the wallet's deposit public key."""
    ad = associated_data("pde/v1/ad/deposit-document-key", deposit_id, document_id)
    return seal_to_public_key(
        wallet_public, document_key, ad, ephemeral_private=ephemeral_private, nonce=nonce
    )


def open_deposit_document_key(
    wallet_private: bytes, sealed: bytes, deposit_id: str, document_id: str
) -> bytes:
    """Inverse of `seal_deposit_document_key`, in the owner's client."""
    ad = associated_data("pde/v1/ad/deposit-document-key", deposit_id, document_id)
    key = open_sealed(wallet_private, sealed, ad)
    if len(key) != KEY_BYTES:
        raise DecryptionError("ciphertext does not authenticate")
    return key


def trustee_share_ad(account_id: str, set_id: bytes, x: int) -> bytes:
    """AD("pde/v1/ad/trustee-share", account_id, b64u(set_id), decimal x)."""
    return associated_data("pde/v1/ad/trustee-share", account_id, b64u_encode(set_id), str(x))


def seal_trustee_share(
    trustee_public: bytes,
    share: Share,
    account_id: str,
    *,
    ephemeral_private: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """A trustee's share of the owner's recovery key, sealed to the trustee's X25519 key
    and bound to the owner's account, the split and the share's number."""
    ad = trustee_share_ad(account_id, share.set_id, share.x)
    return seal_to_public_key(
        trustee_public, share_to_bytes(share), ad, ephemeral_private=ephemeral_private, nonce=nonce
    )


def open_trustee_share(
    trustee_private: bytes, sealed: bytes, account_id: str, set_id: bytes, x: int
) -> Share:
    """Inverse of `seal_trustee_share`, in the trustee's client; DecryptionError on any
    mismatch, including a sealed share whose own header names another split or number."""
    plaintext = open_sealed(trustee_private, sealed, trustee_share_ad(account_id, set_id, x))
    try:
        share = share_from_bytes(plaintext)
    except (InvalidShare, UnsupportedVersion):
        raise DecryptionError("ciphertext does not authenticate") from None
    if share.set_id != set_id or share.x != x:
        raise DecryptionError("ciphertext does not authenticate")
    return share
