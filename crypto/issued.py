"""Issued documents (FORMAT.md §7.3): an organisation signs what it deposits, with
Ed25519 in a compact JWS, over the SHA-256 of the file and the title, type and
issue date it declares. The signature travels in the document's sealed metadata
(field `issued`), so the server sees nothing new; whoever reads the document
checks it against the public list of organisations and their keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding, InvalidSignedDocument
from crypto.metadata import dump_json
from crypto.primitives import random_bytes

ED25519_KEY_BYTES = 32
ED25519_SIGNATURE_BYTES = 64
ISSUED_VERSION = 1
JWS_ALG = "EdDSA"
JWS_TYP = "pde-issued+jws"
# What a check can answer, in the order a reader meets them (FORMAT.md §7.3).
VERIFIED = "verified"
MISMATCH = "mismatch"
UNKNOWN = "unknown"
REVOKED = "revoked"
EXPIRED = "expired"
STATUSES = (VERIFIED, MISMATCH, UNKNOWN, REVOKED, EXPIRED)
PAYLOAD_FIELDS = ("v", "org", "kid", "title", "type", "date", "sha256")


@dataclass(frozen=True)
class OrgKey:
    """An organisation's Ed25519 key pair; `kid` is the public key's fingerprint."""

    private_key: bytes
    public_key: bytes
    kid: str


@dataclass(frozen=True)
class IssuedClaims:
    """What an organisation signs: who (organisation id and key id), what (the file's
    SHA-256), and what it declares the file to be (title, type, issue date)."""

    organisation_id: str
    kid: str
    title: str
    type: str
    date: str
    content_sha256: bytes


@dataclass(frozen=True)
class IssuedCheck:
    """The result of checking a signature: `status` is one of STATUSES; `claims` are
    the signed claims when the signature could be read (even if it does not hold);
    `organisation` is the list's entry for the signer when it has one."""

    status: str
    claims: IssuedClaims | None
    organisation: dict[str, Any] | None

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED


def org_key_id(public_key: bytes) -> str:
    """The key's fingerprint: b64u(SHA-256 of its canonical JWK
    {"crv":"Ed25519","kty":"OKP","x":b64u(public_key)}), 43 characters."""
    if len(public_key) != ED25519_KEY_BYTES:
        raise ValueError("an Ed25519 public key has 32 bytes")
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"' + b64u_encode(public_key) + '"}'
    return b64u_encode(hashlib.sha256(canonical.encode("ascii")).digest())


def org_key_from_private(private_key: bytes) -> OrgKey:
    """The key pair and fingerprint of 32 private bytes (Ed25519's seed)."""
    if len(private_key) != ED25519_KEY_BYTES:
        raise ValueError("an Ed25519 private key has 32 bytes")
    public = (
        Ed25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    return OrgKey(private_key, public, org_key_id(public))


def new_org_key() -> OrgKey:
    """A fresh signing key for an organisation (made where the organisation keeps it)."""
    return org_key_from_private(random_bytes(ED25519_KEY_BYTES))


def org_key_to_jwk(key: OrgKey) -> dict[str, str]:
    """The private key file's content: a JWK that browsers' WebCrypto imports as is."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64u_encode(key.public_key),
        "d": b64u_encode(key.private_key),
        "kid": key.kid,
    }


def org_key_from_jwk(jwk: Any) -> OrgKey:
    """Inverse of `org_key_to_jwk`; InvalidEncoding for anything but such a private JWK
    (its `x` and `kid`, when present, must be those of `d`)."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise InvalidEncoding("not an Ed25519 private key (JWK)")
    private = b64u_decode(str(jwk.get("d", "")))
    if len(private) != ED25519_KEY_BYTES:
        raise InvalidEncoding("not an Ed25519 private key (JWK)")
    key = org_key_from_private(private)
    if jwk.get("x", b64u_encode(key.public_key)) != b64u_encode(key.public_key):
        raise InvalidEncoding("the key's public part does not match its private part")
    if jwk.get("kid", key.kid) != key.kid:
        raise InvalidEncoding("the key's kid is not its fingerprint")
    return key


def content_digest(chunks: Any) -> bytes:
    """SHA-256 of a file's plaintext given as an iterable of byte chunks."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.digest()


def _payload(claims: IssuedClaims) -> dict[str, Any]:
    return {
        "v": ISSUED_VERSION,
        "org": claims.organisation_id,
        "kid": claims.kid,
        "title": claims.title,
        "type": claims.type,
        "date": claims.date,
        "sha256": b64u_encode(claims.content_sha256),
    }


def _valid_date(text: Any) -> bool:
    if not isinstance(text, str) or len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def sign_issued(key: OrgKey, claims: IssuedClaims) -> str:
    """The compact JWS b64u(header) . b64u(payload) . b64u(Ed25519 signature)."""
    if claims.kid != key.kid:
        raise ValueError("the claims name another key")
    if not _valid_date(claims.date) or len(claims.content_sha256) != 32:
        raise ValueError("an issue date is yyyy-mm-dd and a SHA-256 has 32 bytes")
    header = {"alg": JWS_ALG, "kid": key.kid, "typ": JWS_TYP}
    signing_input = b64u_encode(dump_json(header)) + "." + b64u_encode(dump_json(_payload(claims)))
    signature = Ed25519PrivateKey.from_private_bytes(key.private_key).sign(signing_input.encode())
    return signing_input + "." + b64u_encode(signature)


def _json_object(part: str) -> dict[str, Any]:
    try:
        value = json.loads(b64u_decode(part).decode("utf-8"))
    except (InvalidEncoding, UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidSignedDocument("not a signed document") from None
    if not isinstance(value, dict):
        raise InvalidSignedDocument("not a signed document")
    return value


def read_issued(jws: str) -> tuple[IssuedClaims, bytes, bytes]:
    """(claims, signing input, signature) of a compact JWS, not yet verified;
    InvalidSignedDocument if it is not one of FORMAT.md §7.3."""
    parts = jws.split(".") if isinstance(jws, str) else []
    if len(parts) != 3:
        raise InvalidSignedDocument("not a signed document")
    header, payload = _json_object(parts[0]), _json_object(parts[1])
    try:
        signature = b64u_decode(parts[2])
    except InvalidEncoding:
        raise InvalidSignedDocument("not a signed document") from None
    strings = ("org", "kid", "title", "type", "date", "sha256")
    if (
        header.get("alg") != JWS_ALG
        or "crit" in header
        or payload.get("v") != ISSUED_VERSION
        or any(not isinstance(payload.get(name), str) for name in strings)
        or header.get("kid") != payload["kid"]
        or not _valid_date(payload["date"])
        or len(signature) != ED25519_SIGNATURE_BYTES
    ):
        raise InvalidSignedDocument("not a signed document")
    try:
        digest = b64u_decode(payload["sha256"])
    except InvalidEncoding:
        raise InvalidSignedDocument("not a signed document") from None
    if len(digest) != 32:
        raise InvalidSignedDocument("not a signed document")
    claims = IssuedClaims(
        payload["org"], payload["kid"], payload["title"], payload["type"], payload["date"], digest
    )
    return claims, (parts[0] + "." + parts[1]).encode("ascii"), signature


def _find_key(
    organisations: list[dict[str, Any]], claims: IssuedClaims
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    organisation = next((o for o in organisations if o.get("id") == claims.organisation_id), None)
    if organisation is None:
        return None, None
    key = next((k for k in organisation.get("keys", []) if k.get("kid") == claims.kid), None)
    return organisation, key


def verify_issued(
    jws: str, content_sha256: bytes, organisations: list[dict[str, Any]]
) -> IssuedCheck:
    """Check a signed document against the file's SHA-256 and the public list of
    organisations (the JSON of GET /api/v1/organisations, its `organisations`).

    mismatch: not a signature, a signature that does not hold, or another file;
    unknown: no such organisation, or it has no such key; revoked: the key was
    revoked on or before the issue date; expired: the issue date is outside the
    key's validity; verified otherwise."""
    try:
        claims, signing_input, signature = read_issued(jws)
    except InvalidSignedDocument:
        return IssuedCheck(MISMATCH, None, None)
    organisation, key = _find_key(organisations, claims)
    if organisation is None or key is None:
        return IssuedCheck(UNKNOWN, claims, organisation)
    try:
        public = b64u_decode(str(key.get("public_key", "")))
        if org_key_id(public) != claims.kid:
            return IssuedCheck(UNKNOWN, claims, organisation)
        Ed25519PublicKey.from_public_bytes(public).verify(signature, signing_input)
    except (InvalidEncoding, InvalidSignature, ValueError):
        return IssuedCheck(MISMATCH, claims, organisation)
    if len(content_sha256) != 32 or content_sha256 != claims.content_sha256:
        return IssuedCheck(MISMATCH, claims, organisation)
    return IssuedCheck(key_status_on(key, claims.date), claims, organisation)


def key_status_on(key: dict[str, Any], issued_on: str) -> str:
    """What a listed key says of a document issued on `issued_on` (yyyy-mm-dd text,
    which compares as the dates do): verified, revoked or expired."""
    revoked_from = key.get("revoked_from")
    if revoked_from and revoked_from <= issued_on:
        return REVOKED
    valid_from, valid_until = key.get("valid_from") or "", key.get("valid_until")
    if issued_on < valid_from or (valid_until and issued_on > valid_until):
        return EXPIRED
    return VERIFIED
