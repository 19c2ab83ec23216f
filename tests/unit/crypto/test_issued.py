"""Issued documents (FORMAT.md §7.3): the Python implementation reproduces the
known answers of crypto/vectors/issued.json, and each way of breaking a signed
document gives its own answer."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from crypto import issued
from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding

VECTORS = json.loads(
    (Path(__file__).parents[3] / "crypto" / "vectors" / "issued.json").read_text(encoding="utf-8")
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_key_fingerprint_and_key_file_match_the_vector() -> None:
    v = VECTORS["key"]
    key = issued.org_key_from_private(h(v["private_key"]))
    assert key.public_key.hex() == v["public_key"]
    assert key.kid == v["kid"] == issued.org_key_id(key.public_key)
    assert issued.org_key_to_jwk(key) == v["jwk"]
    assert issued.org_key_from_jwk(v["jwk"]) == key


def test_signing_the_vector_s_claims_gives_the_vector_s_signature() -> None:
    v = VECTORS["sign"]
    c = v["claims"]
    claims = issued.IssuedClaims(
        c["organisation_id"], c["kid"], c["title"], c["type"], c["date"], h(c["content_sha256"])
    )
    key = issued.org_key_from_private(h(v["private_key"]))
    assert issued.sign_issued(key, claims) == v["jws"]
    read, _, _ = issued.read_issued(v["jws"])
    assert read == claims


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_every_vector_case_gives_its_answer(case: dict[str, Any]) -> None:
    digest = issued.content_digest([h(case["content"])])
    assert digest.hex() == case["content_sha256"]
    check = issued.verify_issued(case["jws"], digest, VECTORS["organisations"])
    assert check.status == case["status"]


def test_the_vectors_cover_each_answer_a_check_can_give() -> None:
    names = {case["name"] for case in VECTORS["cases"]}
    assert {"signed", "tampered_content", "tampered_title", "revoked_key"} <= names
    assert {"revoked_after_issue", "unknown_organisation", "expired_key"} <= names
    assert {case["status"] for case in VECTORS["cases"]} == set(issued.STATUSES)


def _fresh() -> tuple[issued.OrgKey, issued.IssuedClaims, list[dict[str, Any]]]:
    key = issued.new_org_key()
    claims = issued.IssuedClaims(
        "b3JnYW5pc2F0aW9uLTAwMQ", key.kid, "Attestation", "identity", "2026-05-01", bytes(32)
    )
    organisations = [
        {
            "id": claims.organisation_id,
            "keys": [
                {"kid": key.kid, "public_key": b64u_encode(key.public_key), "valid_from": ""}
            ],
        }
    ]
    return key, claims, organisations


def test_a_key_revoked_on_the_issue_date_fails_and_the_day_after_still_verifies() -> None:
    key, claims, organisations = _fresh()
    jws = issued.sign_issued(key, claims)
    organisations[0]["keys"][0]["revoked_from"] = "2026-05-01"
    assert issued.verify_issued(jws, bytes(32), organisations).status == "revoked"
    organisations[0]["keys"][0]["revoked_from"] = "2026-05-02"
    assert issued.verify_issued(jws, bytes(32), organisations).verified


def test_a_list_that_gives_another_public_key_under_the_kid_is_not_trusted() -> None:
    key, claims, organisations = _fresh()
    jws = issued.sign_issued(key, claims)
    other = issued.new_org_key()
    organisations[0]["keys"][0]["public_key"] = b64u_encode(other.public_key)
    assert issued.verify_issued(jws, bytes(32), organisations).status == "unknown"


def test_a_signature_moved_under_another_header_or_changed_does_not_hold() -> None:
    key, claims, organisations = _fresh()
    jws = issued.sign_issued(key, claims)
    header, payload, signature = jws.split(".")
    flipped = bytearray(b64u_decode(signature))
    flipped[0] ^= 1
    changed = f"{header}.{payload}.{b64u_encode(bytes(flipped))}"
    assert issued.verify_issued(changed, bytes(32), organisations).status == "mismatch"
    other_header = b64u_encode(b'{"alg":"none","kid":"' + key.kid.encode() + b'"}')
    moved = f"{other_header}.{payload}.{signature}"
    assert issued.verify_issued(moved, bytes(32), organisations).status == "mismatch"
    assert issued.verify_issued("", bytes(32), organisations).status == "mismatch"


def test_a_key_file_whose_parts_disagree_is_refused() -> None:
    key = issued.new_org_key()
    jwk = issued.org_key_to_jwk(key)
    with pytest.raises(InvalidEncoding):
        issued.org_key_from_jwk({**jwk, "x": b64u_encode(issued.new_org_key().public_key)})
    with pytest.raises(InvalidEncoding):
        issued.org_key_from_jwk({**jwk, "kid": "other"})
    with pytest.raises(InvalidEncoding):
        issued.org_key_from_jwk({"kty": "EC"})


def test_signing_refuses_a_date_that_is_not_a_day_or_claims_of_another_key() -> None:
    key, claims, _ = _fresh()
    with pytest.raises(ValueError):
        issued.sign_issued(key, replace(claims, date="2026-02-30"))
    with pytest.raises(ValueError):
        issued.sign_issued(key, replace(claims, kid="another"))
