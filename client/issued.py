"""Issued documents from Python (crypto/FORMAT.md §7.3): an organisation signs
the files it deposits with its private key file, and whoever reads a document
(its owner, a worker opening a share) checks the signature against the public
list of organisations. Signing and checking run here; the server only ever
stores the signature inside sealed metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from client.http import ClientError, Connection
from crypto.encoding import b64u_encode
from crypto.errors import InvalidEncoding
from crypto.issued import (
    VERIFIED,
    IssuedCheck,
    IssuedClaims,
    OrgKey,
    content_digest,
    key_status_on,
    org_key_from_jwk,
    sign_issued,
    verify_issued,
)

CHUNK = 1 << 20
# What each answer of a check says, in one line (the interfaces translate the same).
STATUS_TEXT = {
    "verified": "signature verified",
    "mismatch": "signature does not match: the file or what it says was changed",
    "unknown": "organisation unknown: this signer is not on the public list",
    "revoked": "key revoked: the organisation's key was revoked before this date",
    "expired": "key expired: the organisation's key was not valid on this date",
}


def load_signing_key(path: Path) -> OrgKey:
    """An organisation's private key file (`pde org keygen`); ClientError if it is not one."""
    try:
        return org_key_from_jwk(json.loads(Path(path).read_text(encoding="utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, InvalidEncoding):
        raise ClientError(
            400, "not_a_signing_key", f"{path} is not a signing key file (pde org keygen)."
        ) from None


def fetch_organisations(http: Connection) -> list[dict[str, Any]]:
    """The server's public list of organisations and their keys."""
    return list(http.call("GET", "/api/v1/organisations")["organisations"])


@dataclass(frozen=True)
class Signer:
    """A signing key and the registered organisation it belongs to."""

    key: OrgKey
    organisation: dict[str, Any]

    def sign(self, source: Path | BinaryIO, title: str, category: str, issued_on: str) -> str:
        """The signature of one file with what the organisation declares it to be."""
        claims = IssuedClaims(
            self.organisation["id"], self.key.kid, title, category, issued_on, file_digest(source)
        )
        return sign_issued(self.key, claims)


def signer_for(key: OrgKey, organisations: list[dict[str, Any]], issued_on: str) -> Signer:
    """The organisation that registered `key`, refusing a key that would make documents
    that do not verify (not registered, revoked or not valid on `issued_on`)."""
    for organisation in organisations:
        for entry in organisation.get("keys", []):
            if entry.get("kid") != key.kid or entry.get("public_key") != b64u_encode(
                key.public_key
            ):
                continue
            status = key_status_on(entry, issued_on)
            if status != VERIFIED:
                raise ClientError(
                    409, "signing_key_not_valid", f"This key cannot sign: {STATUS_TEXT[status]}."
                )
            return Signer(key, organisation)
    raise ClientError(
        404,
        "signing_key_unknown",
        "This key is not registered on this server: give its public key to the operator "
        "(docs/issued-documents.md).",
    )


def file_digest(source: Path | BinaryIO) -> bytes:
    """SHA-256 of a file's bytes (a path, or an open file read from its start and rewound)."""
    if isinstance(source, (str, Path)):
        with Path(source).open("rb") as plain:
            return content_digest(iter(lambda: plain.read(CHUNK), b""))
    start = source.tell()
    digest = content_digest(iter(lambda: source.read(CHUNK), b""))
    source.seek(start)
    return digest


def check_file(
    metadata: dict[str, Any], path: Path, organisations: list[dict[str, Any]]
) -> IssuedCheck | None:
    """The check of a decrypted document's signature, or None if it carries none."""
    jws = metadata.get("issued")
    if jws is None:
        return None
    return verify_issued(str(jws), file_digest(path), organisations)


def describe_check(check: IssuedCheck) -> str:
    """One line: who issued it, when, as what, and the answer."""
    if check.claims is None:
        return STATUS_TEXT[check.status]
    name = (check.organisation or {}).get("name") or check.claims.organisation_id
    return (
        f"issued by {name} on {check.claims.date} as “{check.claims.title}” "
        f"({check.claims.type}): {STATUS_TEXT[check.status]}"
    )


def today() -> str:
    return date.today().isoformat()
