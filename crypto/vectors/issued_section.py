"""Known answers for issued documents (FORMAT.md §7.3): a signature made with a
fixed key, and one case for each answer a check can give."""

from __future__ import annotations

import json
from typing import Any

from crypto.encoding import b64u_decode, b64u_encode
from crypto.issued import (
    IssuedClaims,
    content_digest,
    org_key_from_private,
    org_key_to_jwk,
    sign_issued,
    verify_issued,
)
from crypto.metadata import dump_json
from crypto.vectors.common import fixed

ORGANISATION_ID = "Y3Bhcy1peGVsbGVzLTAwMQ"  # b64u(b"cpas-ixelles-001")
OTHER_ORGANISATION_ID = "dW5rbm93bi1vcmctMDAwMQ"  # b64u(b"unknown-org-0001")
CONTENT = "Décision du CPAS: revenu d'intégration accordé.\n".encode()


def _organisations(good: Any, revoked: Any, expired: Any) -> list[dict[str, Any]]:
    def key(k: Any, **dates: Any) -> dict[str, Any]:
        entry = {
            "kid": k.kid,
            "public_key": b64u_encode(k.public_key),
            "valid_from": "2025-01-01",
            "valid_until": None,
            "revoked_from": None,
            "revocation_reason": "",
        }
        entry.update(dates)
        return entry

    return [
        {
            "id": ORGANISATION_ID,
            "name": "CPAS d'Ixelles",
            "kind": "cpas",
            "address": "Chaussée de Boondael 92, 1050 Ixelles",
            "keys": [
                key(good),
                key(revoked, revoked_from="2026-02-01", revocation_reason="key lost"),
                key(expired, valid_until="2025-12-31"),
            ],
        }
    ]


def _tamper_title(jws: str, title: str) -> str:
    header, payload, signature = jws.split(".")
    claims = json.loads(b64u_decode(payload))
    claims["title"] = title
    return ".".join((header, b64u_encode(dump_json(claims)), signature))


def issued_vectors() -> dict[str, Any]:
    good = org_key_from_private(fixed("issued/key/good", 32))
    revoked = org_key_from_private(fixed("issued/key/revoked", 32))
    expired = org_key_from_private(fixed("issued/key/expired", 32))
    organisations = _organisations(good, revoked, expired)
    digest = content_digest([CONTENT])

    def signed(key: Any, issued_on: str, organisation_id: str = ORGANISATION_ID) -> str:
        claims = IssuedClaims(
            organisation_id, key.kid, "Décision RIS", "cpas", issued_on, digest
        )
        return sign_issued(key, claims)

    jws = signed(good, "2026-03-03")
    cases = [
        ("signed", jws, CONTENT, "verified"),
        ("tampered_content", jws, CONTENT.replace(b"accord", b"refus"), "mismatch"),
        ("tampered_title", _tamper_title(jws, "Décision RIS (annulée)"), CONTENT, "mismatch"),
        ("revoked_key", signed(revoked, "2026-03-03"), CONTENT, "revoked"),
        ("revoked_after_issue", signed(revoked, "2026-01-15"), CONTENT, "verified"),
        (
            "unknown_organisation",
            signed(good, "2026-03-03", OTHER_ORGANISATION_ID),
            CONTENT,
            "unknown",
        ),
        ("expired_key", signed(expired, "2026-03-03"), CONTENT, "expired"),
        ("not_yet_valid", signed(good, "2024-12-31"), CONTENT, "expired"),
        ("not_a_signature", "eyJhbGciOiJFZERTQSJ9.e30.AA", CONTENT, "mismatch"),
    ]
    out = []
    for name, case_jws, content, status in cases:
        check = verify_issued(case_jws, content_digest([content]), organisations)
        assert check.status == status, (name, check.status)  # the generator checks itself
        out.append(
            {
                "name": name,
                "jws": case_jws,
                "content": content.hex(),
                "content_sha256": content_digest([content]).hex(),
                "status": status,
            }
        )
    return {
        "key": {
            "private_key": good.private_key.hex(),
            "public_key": good.public_key.hex(),
            "kid": good.kid,
            "jwk": org_key_to_jwk(good),
        },
        "sign": {
            "private_key": good.private_key.hex(),
            "claims": {
                "organisation_id": ORGANISATION_ID,
                "kid": good.kid,
                "title": "Décision RIS",
                "type": "cpas",
                "date": "2026-03-03",
                "content_sha256": digest.hex(),
            },
            "jws": jws,
        },
        "organisations": organisations,
        "cases": out,
    }
