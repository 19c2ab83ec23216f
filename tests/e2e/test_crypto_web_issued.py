"""The browser's issued-documents module (crypto/web/issued.js) against FORMAT.md
§7.3: WebCrypto's Ed25519 makes the vector's signature byte for byte, imports the
key file, and every vector case gives the answer the Python implementation gives;
Python verifies what the browser signs with a fresh key."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from crypto import issued
from crypto.encoding import b64u_encode
from tests.e2e.test_crypto_web import run, vectors

pytestmark = pytest.mark.browser


def test_browser_signs_the_vector_s_claims_byte_for_byte_with_raw_key_and_key_file(
    crypto_page: Page,
) -> None:
    v = vectors("issued")
    result = run(
        crypto_page,
        """
        const c = arg.sign.claims;
        const claims = { organisationId: c.organisation_id, kid: c.kid, title: c.title,
          type: c.type, date: c.date, contentSha256: unhex(c.content_sha256) };
        const raw = await pde.signIssued(unhex(arg.sign.private_key), claims);
        const fromFile = await pde.signIssued(arg.key.jwk, claims);
        const kid = await pde.orgKeyId(unhex(arg.key.public_key));
        const read = pde.readIssued(arg.sign.jws);
        return { raw, fromFile, kid, title: read.claims.title, org: read.claims.organisationId };
        """,
        v,
    )
    assert result == {
        "raw": v["sign"]["jws"],
        "fromFile": v["sign"]["jws"],
        "kid": v["key"]["kid"],
        "title": v["sign"]["claims"]["title"],
        "org": v["sign"]["claims"]["organisation_id"],
    }


def test_browser_gives_every_vector_case_its_answer(crypto_page: Page) -> None:
    v = vectors("issued")
    result = run(
        crypto_page,
        """
        const out = {};
        for (const c of arg.cases) {
          const digest = await pde.sha256(unhex(c.content));
          const check = await pde.verifyIssued(c.jws, digest, arg.organisations);
          out[c.name] = [hex(digest), check.status];
        }
        return out;
        """,
        v,
    )
    assert result == {c["name"]: [c["content_sha256"], c["status"]] for c in v["cases"]}


def test_python_verifies_what_the_browser_signs_with_a_fresh_key(crypto_page: Page) -> None:
    key = issued.new_org_key()
    claims: dict[str, Any] = {
        "organisationId": "b3JnYW5pc2F0aW9uLTAwMQ",
        "kid": key.kid,
        "title": "شهادة إقامة",
        "type": "identity",
        "date": "2026-06-30",
    }
    jws = run(
        crypto_page,
        """
        const claims = { ...arg.claims, contentSha256: await pde.sha256(unhex(arg.content)) };
        return pde.signIssued(arg.jwk, claims);
        """,
        {"claims": claims, "jwk": issued.org_key_to_jwk(key), "content": b"scan".hex()},
    )
    organisations = [
        {
            "id": claims["organisationId"],
            "keys": [
                {"kid": key.kid, "public_key": b64u_encode(key.public_key), "valid_from": ""}
            ],
        }
    ]
    check = issued.verify_issued(jws, issued.content_digest([b"scan"]), organisations)
    assert check.status == "verified"
    assert check.claims is not None and check.claims.title == "شهادة إقامة"
