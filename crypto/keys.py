"""The key hierarchy of FORMAT.md §3 to §5: from a passphrase (and an optional
wallet card) to the root key, and the wrapping of the master, document and
deposit keys. Pure functions: no I/O, no server."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.errors import DecryptionError
from crypto.primitives import (
    KEY_BYTES,
    PBKDF2_ITERATIONS,
    associated_data,
    hkdf,
    open_box,
    pbkdf2,
    random_bytes,
    seal_box,
)

ACCOUNT_SALT_BYTES = 16
RECOVERY_KEY_BYTES = 16
CARD_SECRET_BYTES = 16


@dataclass(frozen=True)
class LoginKeys:
    """What a passphrase (and card) gives: `auth_key` goes to the server, `kek` never does."""

    auth_key: bytes
    kek: bytes


@dataclass(frozen=True)
class RecoveryKeys:
    """What the recovery key gives: `auth` goes to the server, `kek` opens the master key."""

    auth: bytes
    kek: bytes


def normalize_secret_text(text: str) -> bytes:
    """UTF-8 of the NFKC form, so the same passphrase typed anywhere gives the same bytes."""
    return unicodedata.normalize("NFKC", text).encode()


def derive_login_keys(
    passphrase: str,
    account_salt: bytes,
    card_secret: bytes = b"",
    iterations: int = PBKDF2_ITERATIONS,
) -> LoginKeys:
    """root = HKDF(PBKDF2(passphrase, salt) ‖ card, salt, "pde/v1/root"); auth key, kek."""
    if len(account_salt) != ACCOUNT_SALT_BYTES:
        raise ValueError("an account salt has 16 bytes")
    if card_secret and len(card_secret) != CARD_SECRET_BYTES:
        raise ValueError("a card secret has 16 bytes")
    stretched = pbkdf2(normalize_secret_text(passphrase), account_salt, iterations)
    root = hkdf(stretched + card_secret, "pde/v1/root", salt=account_salt)
    return LoginKeys(auth_key=hkdf(root, "pde/v1/auth"), kek=hkdf(root, "pde/v1/kek"))


def derive_recovery_keys(recovery_key: bytes, account_salt: bytes) -> RecoveryKeys:
    """The recovery login token and key-encryption key from the 128-bit recovery key."""
    if len(recovery_key) != RECOVERY_KEY_BYTES:
        raise ValueError("a recovery key has 16 bytes")
    return RecoveryKeys(
        auth=hkdf(recovery_key, "pde/v1/recovery-auth", salt=account_salt),
        kek=hkdf(recovery_key, "pde/v1/recovery-kek", salt=account_salt),
    )


@dataclass(frozen=True)
class CompartmentKeys:
    """A hidden compartment's keys: `token` is shown to the server with each request of
    the compartment (it stores SHA-256 of it), `key` takes the master key's place."""

    token: bytes
    key: bytes


def compartment_salt(account_id: str) -> bytes:
    """A per-wallet salt that no passphrase change moves: SHA-256 of a label and the id."""
    return hashlib.sha256(b"pde/v1/compartment-salt" + account_id.encode()).digest()[:16]


def derive_compartment_keys(
    secret: str, account_id: str, iterations: int = PBKDF2_ITERATIONS
) -> CompartmentKeys:
    """croot = HKDF(PBKDF2(NFKC(secret), salt), salt, "pde/v1/compartment"); token, key.
    Any secret opens *a* compartment (empty unless used): the server cannot tell a
    wrong secret from an empty compartment, nor an unused wallet from a used one."""
    if not secret:
        raise ValueError("a compartment secret is not empty")
    salt = compartment_salt(account_id)
    stretched = pbkdf2(normalize_secret_text(secret), salt, iterations)
    root = hkdf(stretched, "pde/v1/compartment", salt=salt)
    return CompartmentKeys(
        token=hkdf(root, "pde/v1/compartment-token"), key=hkdf(root, "pde/v1/compartment-key")
    )


def new_key() -> bytes:
    """A fresh random 256-bit key (master key or document key)."""
    return random_bytes(KEY_BYTES)


def _unwrap_key(key: bytes, box: bytes, ad: bytes) -> bytes:
    plain = open_box(key, box, ad)
    if len(plain) != KEY_BYTES:
        raise DecryptionError("ciphertext does not authenticate")
    return plain


def wrap_master_key(
    kek: bytes, master_key: bytes, account_id: str, nonce: bytes | None = None
) -> bytes:
    """The master key sealed under the passphrase's kek, bound to the account."""
    return seal_box(kek, master_key, associated_data("pde/v1/ad/master-key", account_id), nonce)


def unwrap_master_key(kek: bytes, wrapped: bytes, account_id: str) -> bytes:
    """Inverse of `wrap_master_key`; DecryptionError on a wrong passphrase or account."""
    return _unwrap_key(kek, wrapped, associated_data("pde/v1/ad/master-key", account_id))


def wrap_master_key_for_recovery(
    recovery_kek: bytes, master_key: bytes, account_id: str, nonce: bytes | None = None
) -> bytes:
    """The master key sealed under the recovery sheet's key, bound to the account."""
    ad = associated_data("pde/v1/ad/master-key-recovery", account_id)
    return seal_box(recovery_kek, master_key, ad, nonce)


def unwrap_master_key_for_recovery(recovery_kek: bytes, wrapped: bytes, account_id: str) -> bytes:
    """Inverse of `wrap_master_key_for_recovery`."""
    ad = associated_data("pde/v1/ad/master-key-recovery", account_id)
    return _unwrap_key(recovery_kek, wrapped, ad)


def wrap_document_key(
    master_key: bytes,
    document_key: bytes,
    account_id: str,
    document_id: str,
    nonce: bytes | None = None,
) -> bytes:
    """A document key sealed under the master key, bound to its account and document."""
    wrap = hkdf(master_key, "pde/v1/document-key-wrap")
    ad = associated_data("pde/v1/ad/document-key", account_id, document_id)
    return seal_box(wrap, document_key, ad, nonce)


def unwrap_document_key(
    master_key: bytes, wrapped: bytes, account_id: str, document_id: str
) -> bytes:
    """Inverse of `wrap_document_key`; a key moved to another document fails."""
    wrap = hkdf(master_key, "pde/v1/document-key-wrap")
    ad = associated_data("pde/v1/ad/document-key", account_id, document_id)
    return _unwrap_key(wrap, wrapped, ad)


@dataclass(frozen=True)
class DepositKeyPair:
    """The wallet's X25519 key pair: the public half is stored in clear for depositors."""

    private_key: bytes
    public_key: bytes


def new_deposit_key_pair(private_key: bytes | None = None) -> DepositKeyPair:
    """A fresh X25519 key pair (or the one for a given 32-byte private key)."""
    private = (
        X25519PrivateKey.from_private_bytes(private_key)
        if private_key is not None
        else X25519PrivateKey.generate()
    )
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return DepositKeyPair(private_key=private.private_bytes_raw(), public_key=raw_public)


def wrap_deposit_private_key(
    master_key: bytes, private_key: bytes, account_id: str, nonce: bytes | None = None
) -> bytes:
    """The deposit private key sealed under the master key."""
    wrap = hkdf(master_key, "pde/v1/deposit-key-wrap")
    ad = associated_data("pde/v1/ad/deposit-private-key", account_id)
    return seal_box(wrap, private_key, ad, nonce)


def unwrap_deposit_private_key(master_key: bytes, wrapped: bytes, account_id: str) -> bytes:
    """Inverse of `wrap_deposit_private_key`."""
    wrap = hkdf(master_key, "pde/v1/deposit-key-wrap")
    ad = associated_data("pde/v1/ad/deposit-private-key", account_id)
    return _unwrap_key(wrap, wrapped, ad)
