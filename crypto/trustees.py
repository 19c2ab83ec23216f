"""Recovery by trustees (FORMAT.md §7.2): the trustee key that is split among
trustees, what it derives, and the recovery request whose key the trustees
release their shares to. Splitting itself is `crypto.shamir`; sealing a
share to a trustee is `crypto.seal.seal_trustee_share`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.errors import DecryptionError
from crypto.metadata import open_padded_json, seal_padded_json
from crypto.primitives import KEY_BYTES, associated_data, hkdf, open_box, seal_box
from crypto.seal import open_sealed, seal_to_public_key

TRUSTEE_KEY_BYTES = 16
REQUEST_SECRET_BYTES = 16


@dataclass(frozen=True)
class TrusteeKeys:
    """`auth` is shown to the server at a trustee recovery login; `kek` opens the
    master key wrapped for trustees."""

    auth: bytes
    kek: bytes


@dataclass(frozen=True)
class RequestKeys:
    """A recovery request's X25519 pair (trustees seal their shares to `public_key`)
    and the token that proves the request is one's own."""

    private_key: bytes
    public_key: bytes
    token: bytes


def derive_trustee_keys(trustee_key: bytes) -> TrusteeKeys:
    """kek and auth from the 128-bit trustee key (random: no salt or slow hash needed;
    the requester knows only the handle until the login answers with the account)."""
    if len(trustee_key) != TRUSTEE_KEY_BYTES:
        raise ValueError("a trustee key has 16 bytes")
    return TrusteeKeys(
        auth=hkdf(trustee_key, "pde/v1/trustee-auth"), kek=hkdf(trustee_key, "pde/v1/trustee-kek")
    )


def wrap_master_key_for_trustees(
    trustee_kek: bytes, master_key: bytes, account_id: str, nonce: bytes | None = None
) -> bytes:
    """The master key, wrapped so that k trustees' shares together open it."""
    ad = associated_data("pde/v1/ad/master-key-trustees", account_id)
    return seal_box(trustee_kek, master_key, ad, nonce)


def unwrap_master_key_for_trustees(trustee_kek: bytes, wrapped: bytes, account_id: str) -> bytes:
    """Inverse of `wrap_master_key_for_trustees`."""
    key = open_box(
        trustee_kek, wrapped, associated_data("pde/v1/ad/master-key-trustees", account_id)
    )
    if len(key) != KEY_BYTES:
        raise DecryptionError("ciphertext does not authenticate")
    return key


def derive_request_keys(request_secret: bytes, request_id: str) -> RequestKeys:
    """The request's key pair and token from the secret the requester writes down:
    they come back after the delay with it and nothing else."""
    if len(request_secret) != REQUEST_SECRET_BYTES:
        raise ValueError("a request secret has 16 bytes")
    salt = request_id.encode()
    private = hkdf(request_secret, "pde/v1/recovery-request-key", salt=salt)
    public = (
        X25519PrivateKey.from_private_bytes(private)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    token = hkdf(request_secret, "pde/v1/recovery-request-token", salt=salt)
    return RequestKeys(private_key=private, public_key=public, token=token)


def _release_ad(request_id: str, x: int) -> bytes:
    return associated_data("pde/v1/ad/trustee-release", request_id, str(x))


def seal_released_share(
    request_public: bytes,
    share_bytes: bytes,
    request_id: str,
    x: int,
    *,
    ephemeral_private: bytes | None = None,
    nonce: bytes | None = None,
) -> bytes:
    """A trustee's share, re-sealed by the trustee to one recovery request."""
    return seal_to_public_key(
        request_public,
        share_bytes,
        _release_ad(request_id, x),
        ephemeral_private=ephemeral_private,
        nonce=nonce,
    )


def open_released_share(request_private: bytes, sealed: bytes, request_id: str, x: int) -> bytes:
    """Inverse of `seal_released_share`, in the requester's client."""
    return open_sealed(request_private, sealed, _release_ad(request_id, x))


def encrypt_trustee_record(
    master_key: bytes, record: dict[str, Any], account_id: str, nonce: bytes | None = None
) -> bytes:
    """The owner's own notes on their trustees (`{"notes": [...], "printed": [x...]}`),
    sealed under the master key: the server and the trustees never read them."""
    ad = associated_data("pde/v1/ad/trustee-record", account_id)
    return seal_padded_json(hkdf(master_key, "pde/v1/trustee-record"), record, ad, nonce)


def decrypt_trustee_record(master_key: bytes, box: bytes, account_id: str) -> dict[str, Any]:
    """Inverse of `encrypt_trustee_record`."""
    ad = associated_data("pde/v1/ad/trustee-record", account_id)
    return open_padded_json(hkdf(master_key, "pde/v1/trustee-record"), box, ad)
