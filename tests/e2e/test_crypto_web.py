"""The browser implementation (crypto/web/) against FORMAT.md: it reproduces
every known answer in crypto/vectors/*.json byte for byte, reads what the
Python implementation writes and writes what it reads, and refuses tampered
ciphertexts with DecryptionError, the one error an attacker learns nothing from.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from crypto import keys, metadata, seal, shamir, share, stream
from crypto.primitives import associated_data

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).resolve().parents[2] / "crypto" / "vectors"
MODULE = "/static/crypto/pde-crypto.js"
MIB = 1 << 20
DOCUMENT_ID = "ZG9jdW1lbnQtaWQtMDAwMQ"
OTHER_DOCUMENT_ID = "b3RoZXItZG9jdW1lbnQtMQ"
ACCOUNT_ID = "YWNjb3VudC1pZC0wMDAwMQ"
FULL_WIDTH_PASSPHRASE = "\uff30\uff41\uff53\uff53 café"  # NFKC: "Pass café"
FULL_WIDTH_PIN = "\uff11\uff12\uff13\uff14"  # NFKC: "1234"
TOKEN_FIELDS = (
    "share_key",
    "link_token",
    "link_token_sha256",
    "access_token",
    "access_token_sha256",
)

# What every snippet sees: the module as `pde`, hex and base64url converters, the
# vectors' plaintext `pattern`, a `chunked` ReadableStream (a fetch() body), and
# `failure`, which turns what a call throws into its name and code.
PRELUDE = f"""
const pde = await import('{MODULE}');
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s) => Uint8Array.from(s.match(/../g) || [], (h) => parseInt(h, 16));
const b64 = (b) => pde.b64uEncode(b);
const unb64 = (s) => pde.b64uDecode(s);
const bytesOf = async (blob) => new Uint8Array(await blob.arrayBuffer());
const pattern = (n) => Uint8Array.from({{ length: n }}, (_, i) => i % 251);
const chunked = (bytes, n) => new ReadableStream({{
  start(controller) {{
    for (let i = 0; i < bytes.length; i += n) controller.enqueue(bytes.slice(i, i + n));
    controller.close();
  }},
}});
const failure = async (thunk) => {{
  try {{ await thunk(); return null; }}
  catch (e) {{
    return {{ name: e.name, code: e.code, decryption: e instanceof pde.DecryptionError,
             error: e instanceof Error }};
  }}
}};
"""


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Evaluate `body` (an async function body that sees `arg` and the prelude) in the page."""
    return page.evaluate(f"async (arg) => {{ {PRELUDE}\n{body} }}", arg)


def vectors(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pattern(length: int) -> bytes:
    return bytes(i % 251 for i in range(251)) * (length // 251) + bytes(range(length % 251))


def python_stream(plaintext: bytes, document_key: bytes, document_id: str = DOCUMENT_ID) -> bytes:
    out = io.BytesIO()
    stream.encrypt_stream(io.BytesIO(plaintext), out, document_key, document_id)
    return out.getvalue()


DECRYPTION_FAILED = {
    "name": "DecryptionError",
    "code": "decryption_failed",
    "decryption": True,
    "error": True,
}

# The browser never holds a server secret: the fake salt is computed only by the server.
SERVER_ONLY_VECTORS = {"server"}
BROWSER_VECTORS = {
    "encoding",
    "kdf",
    "links",
    "wrap",
    "metadata",
    "share",
    "seal",
    "stream",
    "shamir",
    "trustees",
    "issued",  # tests/e2e/test_crypto_web_issued.py
}


def test_every_vector_file_is_checked_by_a_browser_test_or_is_server_only() -> None:
    names = {path.stem for path in VECTORS.glob("*.json")}
    assert names, "crypto/vectors/*.json are missing: run python -m crypto.vectors.generate"
    assert names == BROWSER_VECTORS | SERVER_ONLY_VECTORS


WEB = VECTORS.parent / "web"


def test_every_exported_function_has_jsdoc_and_every_module_stays_small() -> None:
    exported = re.compile(r"^export (?:async )?function\*? (\w+)", re.MULTILINE)
    for module in sorted(WEB.glob("*.js")):
        text = module.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 400, module.name
        assert "innerHTML" not in text, module.name
        for match in exported.finditer(text):
            before = text[: match.start()].rstrip()
            assert before.endswith("*/"), f"{module.name}: {match.group(1)} has no JSDoc"


def test_importing_the_module_defines_no_global(crypto_page: Page) -> None:
    added = crypto_page.evaluate(
        f"""async () => {{
          const before = new Set(Object.getOwnPropertyNames(globalThis));
          await import('{MODULE}');
          return Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name));
        }}"""
    )
    assert added == []


# --- known answers ---------------------------------------------------------------------


def test_browser_reproduces_base64url_vectors_and_refuses_invalid_text(crypto_page: Page) -> None:
    v = vectors("encoding")
    result = run(
        crypto_page,
        """
        const encoded = arg.b64u.map((c) => pde.b64uEncode(unhex(c.bytes)));
        const decoded = arg.b64u.map((c) => hex(pde.b64uDecode(c.text)));
        const refuse = (t) => failure(() => pde.b64uDecode(t));
        const invalid = await Promise.all(arg.b64u_invalid.map(refuse));
        return { encoded, decoded, invalid };
        """,
        v,
    )
    assert result["encoded"] == [c["text"] for c in v["b64u"]]
    assert result["decoded"] == [c["bytes"] for c in v["b64u"]]
    assert all(
        failure
        == {
            "name": "InvalidEncoding",
            "code": "invalid_encoding",
            "decryption": False,
            "error": True,
        }
        for failure in result["invalid"]
    )


def test_browser_reproduces_code_vectors_reads_typed_forms_and_refuses_typos(
    crypto_page: Page,
) -> None:
    v = vectors("encoding")
    result = run(
        crypto_page,
        """
        const read = async (text) => hex(await pde.decodeCode(text));
        const codes = await Promise.all(arg.codes.map((c) => pde.encodeCode(unhex(c.secret))));
        const secrets = await Promise.all(arg.codes.map((c) => read(c.code)));
        const typed = await Promise.all(arg.code_typed_forms.map((c) => read(c.typed)));
        const refuse = (t) => failure(() => pde.decodeCode(t));
        const invalid = await Promise.all(arg.codes_invalid.map(refuse));
        return { codes, secrets, typed, invalid };
        """,
        v,
    )
    assert result["codes"] == [c["code"] for c in v["codes"]]
    assert result["secrets"] == [c["secret"] for c in v["codes"]]
    assert result["typed"] == [c["secret"] for c in v["code_typed_forms"]]
    assert [f["code"] for f in result["invalid"]] == ["invalid_code"] * len(v["codes_invalid"])


def test_browser_derives_login_and_recovery_keys_and_associated_data_of_the_vectors(
    crypto_page: Page,
) -> None:
    v = vectors("kdf")
    result = run(
        crypto_page,
        """
        const login = [];
        for (const c of arg.login) {
          const k = await pde.deriveLoginKeys(c.passphrase, unhex(c.account_salt),
            unhex(c.card_secret), { iterations: c.iterations });
          login.push({ auth_key: hex(k.authKey), kek: hex(k.kek) });
        }
        const recovery = [];
        for (const c of arg.recovery) {
          const k = await pde.deriveRecoveryKeys(unhex(c.recovery_key), unhex(c.account_salt));
          recovery.push({ auth: hex(k.recoveryAuth), kek: hex(k.recoveryKek) });
        }
        const ad = arg.associated_data.map((c) => hex(pde.ad(c.label, ...c.fields)));
        const compartment = [];
        for (const c of arg.compartment) {
          const k = await pde.deriveCompartmentKeys(c.secret, c.account_id,
            { iterations: c.iterations });
          compartment.push({ token: hex(k.token), key: hex(k.key) });
        }
        return { login, recovery, ad, compartment };
        """,
        v,
    )
    assert result["login"] == [{"auth_key": c["auth_key"], "kek": c["kek"]} for c in v["login"]]
    assert result["recovery"] == [{"auth": c["auth"], "kek": c["kek"]} for c in v["recovery"]]
    assert result["ad"] == [c["bytes"] for c in v["associated_data"]]
    assert result["compartment"] == [
        {"token": c["token"], "key": c["key"]} for c in v["compartment"]
    ]


def test_browser_reproduces_and_opens_every_wrapped_key_vector(crypto_page: Page) -> None:
    v = vectors("wrap")
    result = run(
        crypto_page,
        """
        const m = arg.master_key, r = arg.master_key_recovery;
        const d = arg.document_key, p = arg.deposit_private_key;
        const boxes = {
          master_key: await pde.wrapMasterKey(unhex(m.kek), unhex(m.master_key), m.account_id,
            { nonce: unhex(m.nonce) }),
          master_key_recovery: await pde.wrapMasterKeyForRecovery(unhex(r.recovery_kek),
            unhex(r.master_key), r.account_id, { nonce: unhex(r.nonce) }),
          document_key: await pde.wrapDocumentKey(unhex(d.master_key), unhex(d.document_key),
            d.account_id, d.document_id, { nonce: unhex(d.nonce) }),
          deposit_private_key: await pde.wrapDepositPrivateKey(unhex(p.master_key),
            unhex(p.private_key), p.account_id, { nonce: unhex(p.nonce) }),
        };
        const opened = {
          master_key: await pde.unwrapMasterKey(unhex(m.kek), unhex(m.box), m.account_id),
          master_key_recovery: await pde.unwrapMasterKeyForRecovery(unhex(r.recovery_kek),
            unhex(r.box), r.account_id),
          document_key: await pde.unwrapDocumentKey(unhex(d.master_key), unhex(d.box),
            d.account_id, d.document_id),
          deposit_private_key: await pde.unwrapDepositPrivateKey(unhex(p.master_key),
            unhex(p.box), p.account_id),
        };
        const pair = await pde.newDepositKeyPair(unhex(p.private_key));
        return {
          boxes: Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, hex(b)])),
          opened: Object.fromEntries(Object.entries(opened).map(([k, b]) => [k, hex(b)])),
          deposit_public_key: hex(pair.publicKey),
        };
        """,
        v,
    )
    assert result["boxes"] == {name: case["box"] for name, case in v.items()}
    assert result["opened"] == {
        "master_key": v["master_key"]["master_key"],
        "master_key_recovery": v["master_key_recovery"]["master_key"],
        "document_key": v["document_key"]["document_key"],
        "deposit_private_key": v["deposit_private_key"]["private_key"],
    }
    assert result["deposit_public_key"] == v["deposit_private_key"]["public_key"]


def test_browser_pads_and_seals_metadata_exactly_as_the_vectors(crypto_page: Page) -> None:
    v = vectors("metadata")
    result = run(
        crypto_page,
        """
        const pads = [];
        for (const c of arg.pad) {
          const message = c.message === undefined ? pattern(c.message_length) : unhex(c.message);
          const padded = pde.pad(message);
          pads.push({ message_length: message.length, padded_length: padded.length,
            padded_sha256: hex(await pde.sha256(padded)),
            padded: c.padded === undefined ? undefined : hex(padded),
            roundtrip: hex(pde.unpad(padded)) === hex(message) });
        }
        const tooLarge = await failure(() => pde.pad(new Uint8Array(arg.pad_too_large)));
        const unpadRefused = {};
        for (const [reason, padded] of Object.entries(arg.unpad_invalid)) {
          unpadRefused[reason] = await failure(() => pde.unpad(unhex(padded)));
        }
        const m = arg.metadata, d = arg.deposit_metadata, r = arg.deposit_link_record;
        const box = await pde.encryptMetadata(unhex(m.document_key), m.json, m.account_id,
          m.document_id, { nonce: unhex(m.nonce) });
        const fromObject = await pde.encryptMetadata(unhex(m.document_key), JSON.parse(m.json),
          m.account_id, m.document_id, { nonce: unhex(m.nonce) });
        const depositBox = await pde.encryptDepositMetadata(unhex(d.document_key), d.json,
          d.deposit_id, d.document_id, { nonce: unhex(d.nonce) });
        return {
          pads, tooLarge, unpadRefused, box: hex(box), fromObject: hex(fromObject),
          depositBox: hex(depositBox),
          opened: await pde.decryptMetadata(unhex(m.document_key), unhex(m.box), m.account_id,
            m.document_id),
          depositOpened: await pde.decryptDepositMetadata(unhex(d.document_key), unhex(d.box),
            d.deposit_id, d.document_id),
          linkBox: hex(await pde.encryptDepositLinkRecord(unhex(r.master_key), r.json, r.account_id,
            r.deposit_id, { nonce: unhex(r.nonce) })),
          linkOpened: await pde.decryptDepositLinkRecord(unhex(r.master_key), unhex(r.box),
            r.account_id, r.deposit_id),
        };
        """,
        v,
    )
    known = ("message_length", "padded_length", "padded_sha256", "padded")
    assert [{k: p[k] for k in known if p.get(k) is not None} for p in result["pads"]] == [
        {k: c[k] for k in known if k in c} for c in v["pad"]
    ]
    assert all(c["message"] == pattern(c["message_length"]).hex() for c in v["pad"][:-1])
    assert all(p["roundtrip"] for p in result["pads"])
    assert result["tooLarge"]["code"] == "metadata_too_large"
    assert result["unpadRefused"] == dict.fromkeys(v["unpad_invalid"], DECRYPTION_FAILED)
    assert result["box"] == v["metadata"]["box"]
    assert result["fromObject"] == v["metadata"]["box"], "JSON.stringify matches dump_json"
    assert result["depositBox"] == v["deposit_metadata"]["box"]
    assert result["opened"] == json.loads(v["metadata"]["json"])
    assert result["depositOpened"] == json.loads(v["deposit_metadata"]["json"])
    assert result["linkBox"] == v["deposit_link_record"]["box"]
    assert result["linkOpened"] == json.loads(v["deposit_link_record"]["json"])


def test_browser_derives_share_keys_links_and_boxes_of_the_vectors(crypto_page: Page) -> None:
    v = vectors("share")
    result = run(
        crypto_page,
        """
        const keys = [];
        for (const c of arg.keys) {
          const k = await pde.deriveShareKeys(unhex(c.share_secret), c.share_id, c.pin);
          keys.push({ share_key: hex(k.shareKey), access_token: hex(k.accessToken),
            access_token_sha256: hex(await pde.sha256(k.accessToken)),
            link_token: hex(k.linkToken), link_token_sha256: hex(await pde.sha256(k.linkToken)) });
        }
        const l = arg.link;
        const link = pde.formatShareLink(l.base_url, l.share_id, unhex(l.secret));
        const parsed = pde.parseShareLink(l.link);
        const d = arg.document_key, m = arg.metadata, i = arg.info;
        return {
          keys, link,
          parsed: { base_url: parsed.baseUrl, share_id: parsed.shareId,
                    secret: hex(parsed.secret) },
          documentKeyBox: hex(await pde.wrapDocumentKeyForShare(unhex(d.share_key),
            unhex(d.document_key), d.share_id, d.document_id, { nonce: unhex(d.nonce) })),
          documentKey: hex(await pde.unwrapDocumentKeyFromShare(unhex(d.share_key), unhex(d.box),
            d.share_id, d.document_id)),
          metadataBox: hex(await pde.encryptShareMetadata(unhex(m.share_key), m.json, m.share_id,
            m.document_id, { nonce: unhex(m.nonce) })),
          metadata: await pde.decryptShareMetadata(unhex(m.share_key), unhex(m.box), m.share_id,
            m.document_id),
          infoBox: hex(await pde.encryptShareInfo(unhex(i.share_key), i.json, i.share_id,
            { nonce: unhex(i.nonce) })),
          info: await pde.decryptShareInfo(unhex(i.share_key), unhex(i.box), i.share_id),
          infoFromBox: hex(await pde.encryptShareInfo(unhex(arg.info_from.share_key),
            arg.info_from.json, arg.info_from.share_id, { nonce: unhex(arg.info_from.nonce) })),
          infoFrom: await pde.decryptShareInfo(unhex(arg.info_from.share_key),
            unhex(arg.info_from.box), arg.info_from.share_id),
          ownerBox: hex(await pde.encryptShareOwnerRecord(unhex(arg.owner_record.master_key),
            arg.owner_record.json, arg.owner_record.account_id, arg.owner_record.share_id,
            { nonce: unhex(arg.owner_record.nonce) })),
          owner: await pde.decryptShareOwnerRecord(unhex(arg.owner_record.master_key),
            unhex(arg.owner_record.box), arg.owner_record.account_id, arg.owner_record.share_id),
        };
        """,
        v,
    )
    assert result["keys"] == [{k: c[k] for k in TOKEN_FIELDS} for c in v["keys"]]
    link = v["link"]
    assert result["link"] == link["link"]
    assert result["parsed"] == {k: link[k] for k in ("base_url", "share_id", "secret")}
    assert result["documentKeyBox"] == v["document_key"]["box"]
    assert result["documentKey"] == v["document_key"]["document_key"]
    assert result["metadataBox"] == v["metadata"]["box"]
    assert result["metadata"] == json.loads(v["metadata"]["json"])
    assert result["infoBox"] == v["info"]["box"]
    assert result["info"] == json.loads(v["info"]["json"])
    assert result["infoFromBox"] == v["info_from"]["box"]
    assert result["infoFrom"] == json.loads(v["info_from"]["json"])
    assert result["ownerBox"] == v["owner_record"]["box"]
    assert result["owner"] == json.loads(v["owner_record"]["json"])


def test_browser_reproduces_the_trustee_and_recovery_request_vectors(crypto_page: Page) -> None:
    v = vectors("trustees")
    result = run(
        crypto_page,
        """
        const t = await pde.deriveTrusteeKeys(unhex(arg.trustee_keys.trustee_key));
        const w = arg.wrapped_master, r = arg.record, q = arg.request, s = arg.released;
        const box = await pde.wrapMasterKeyForTrustees(unhex(w.kek), unhex(w.master_key),
          w.account_id, { nonce: unhex(w.nonce) });
        const master = await pde.unwrapMasterKeyForTrustees(unhex(w.kek), unhex(w.box),
          w.account_id);
        const record = await pde.encryptTrusteeRecord(unhex(r.master_key), r.json, r.account_id,
          { nonce: unhex(r.nonce) });
        const request = await pde.deriveRequestKeys(unhex(q.request_secret), q.request_id);
        const sealed = await pde.sealReleasedShare(unhex(s.public_key), unhex(s.share_bytes),
          s.request_id, s.x, { ephemeralPrivateKey: unhex(s.ephemeral_private_key),
          nonce: unhex(s.nonce) });
        const opened = await pde.openReleasedShare(unhex(s.private_key), unhex(s.sealed),
          s.request_id, s.x);
        return { auth: hex(t.auth), kek: hex(t.kek), box: hex(box), master: hex(master),
          record: hex(record), requestPrivate: hex(request.privateKey),
          requestPublic: hex(request.publicKey), token: hex(request.token),
          sealed: hex(sealed), opened: hex(opened) };
        """,
        v,
    )
    assert result == {
        "auth": v["trustee_keys"]["auth"],
        "kek": v["trustee_keys"]["kek"],
        "box": v["wrapped_master"]["box"],
        "master": v["wrapped_master"]["master_key"],
        "record": v["record"]["box"],
        "requestPrivate": v["request"]["private_key"],
        "requestPublic": v["request"]["public_key"],
        "token": v["request"]["token"],
        "sealed": v["released"]["sealed"],
        "opened": v["released"]["share_bytes"],
    }


def test_browser_seals_and_opens_the_deposit_vector_with_webcrypto_x25519(
    crypto_page: Page,
) -> None:
    v = vectors("seal")["deposit_document_key"]
    result = run(
        crypto_page,
        """
        const sealed = await pde.sealDepositDocumentKey(unhex(arg.wallet_public_key),
          unhex(arg.document_key), arg.deposit_id, arg.document_id,
          { ephemeralPrivateKey: unhex(arg.ephemeral_private_key), nonce: unhex(arg.nonce) });
        const opened = await pde.openDepositDocumentKey(unhex(arg.wallet_private_key),
          unhex(arg.sealed), arg.deposit_id, arg.document_id);
        const jwk = { kty: 'OKP', crv: 'X25519', d: b64(unhex(arg.wallet_private_key)),
          x: b64(unhex(arg.wallet_public_key)) };
        const openedWithJwk = await pde.openDepositDocumentKey(jwk, unhex(arg.sealed),
          arg.deposit_id, arg.document_id);
        const ephemeral = await pde.newDepositKeyPair(unhex(arg.ephemeral_private_key));
        return { sealed: hex(sealed), opened: hex(opened), openedWithJwk: hex(openedWithJwk),
          ephemeralPublic: hex(ephemeral.publicKey) };
        """,
        v,
    )
    assert result == {
        "sealed": v["sealed"],
        "opened": v["document_key"],
        "openedWithJwk": v["document_key"],
        "ephemeralPublic": v["ephemeral_public_key"],
    }


def test_browser_stream_output_matches_every_stream_vector(crypto_page: Page) -> None:
    v = vectors("stream")
    assert v["segment_bytes"] == MIB and v["header_bytes"] == 44
    result = run(
        crypto_page,
        """
        const out = [];
        for (const c of arg.cases) {
          const plaintext = 'plaintext' in c ? unhex(c.plaintext) : pattern(c.plaintext_length);
          const key = unhex(c.document_key);
          const blob = await pde.encryptBlob(new Blob([plaintext]), key, c.document_id,
            { salt: unhex(c.salt), noncePrefix: unhex(c.nonce_prefix) });
          const ciphertext = await bytesOf(blob);
          const back = await bytesOf(await pde.decryptBlob(blob, key, c.document_id));
          out.push({
            name: c.name,
            ciphertext_length: ciphertext.length,
            ciphertext_sha256: hex(await pde.sha256(ciphertext)),
            ciphertext_head: hex(ciphertext.subarray(0, 128)),
            ciphertext_tail: hex(ciphertext.subarray(ciphertext.length - 64)),
            ciphertext: hex(ciphertext),
            predicted_length: pde.ciphertextSize(plaintext.length),
            decrypted_size: pde.plaintextSize(ciphertext.length),
            roundtrip: hex(await pde.sha256(back)) === hex(await pde.sha256(plaintext)),
          });
        }
        return out;
        """,
        v,
    )
    for case, got in zip(v["cases"], result, strict=True):
        assert got["name"] == case["name"]
        assert got["ciphertext_length"] == case["ciphertext_length"] == got["predicted_length"]
        assert got["decrypted_size"] == case["plaintext_length"]
        assert got["ciphertext_sha256"] == case["ciphertext_sha256"]
        if "ciphertext" in case:
            assert got["ciphertext"] == case["ciphertext"]
        else:
            assert got["ciphertext_head"] == case["ciphertext_head"]
            assert got["ciphertext_tail"] == case["ciphertext_tail"]
        assert got["roundtrip"], case["name"]


# --- the browser and Python read each other ----------------------------------------------


def test_browser_decrypts_a_multi_segment_stream_made_by_python(crypto_page: Page) -> None:
    document_key = os.urandom(32)
    plaintext = os.urandom(2 * MIB + 123_457)
    ciphertext = python_stream(plaintext, document_key)
    digest = run(
        crypto_page,
        """
        const chunks = [];
        const ciphertext = new Blob([unb64(arg.ciphertext)]);
        for await (const chunk of pde.decryptChunks(ciphertext, unb64(arg.key), arg.documentId)) {
          chunks.push(chunk.length);
        }
        const whole = await pde.decryptBlob(ciphertext, unb64(arg.key), arg.documentId);
        return { chunks, sha256: hex(await pde.sha256(await bytesOf(whole))) };
        """,
        {"key": b64u(document_key), "documentId": DOCUMENT_ID, "ciphertext": b64u(ciphertext)},
    )
    assert digest["chunks"] == [MIB, MIB, 123_457], "one chunk per segment"
    assert digest["sha256"] == hashlib.sha256(plaintext).hexdigest()


def test_python_decrypts_a_multi_segment_stream_made_by_the_browser(crypto_page: Page) -> None:
    document_key = os.urandom(32)
    plaintext = os.urandom(3 * MIB - 5)
    ciphertext = from_b64u(
        run(
            crypto_page,
            """
            const plaintext = new Blob([unb64(arg.plaintext)]);
            const blob = await pde.encryptBlob(plaintext, unb64(arg.key), arg.documentId);
            return b64(await bytesOf(blob));
            """,
            {"key": b64u(document_key), "documentId": DOCUMENT_ID, "plaintext": b64u(plaintext)},
        )
    )
    assert len(ciphertext) == stream.ciphertext_size(len(plaintext))
    out = io.BytesIO()
    stream.decrypt_stream(io.BytesIO(ciphertext), out, document_key, DOCUMENT_ID)
    assert out.getvalue() == plaintext


def test_browser_reads_a_fetched_stream_with_lookahead_as_it_reads_a_blob(
    crypto_page: Page,
) -> None:
    """A ReadableStream in odd-sized chunks, ending exactly on a segment boundary."""
    document_key = os.urandom(32)
    plaintext = os.urandom(2 * MIB)
    ciphertext = python_stream(plaintext, document_key)
    result = run(
        crypto_page,
        """
        const body = chunked(unb64(arg.ciphertext), 300001);
        const lengths = [];
        const parts = [];
        for await (const chunk of pde.decryptChunks(body, unb64(arg.key), arg.documentId)) {
          lengths.push(chunk.length);
          parts.push(chunk);
        }
        return { lengths, sha256: hex(await pde.sha256(await bytesOf(new Blob(parts)))) };
        """,
        {"key": b64u(document_key), "documentId": DOCUMENT_ID, "ciphertext": b64u(ciphertext)},
    )
    assert result["lengths"] == [MIB, MIB], "no empty trailing segment"
    assert result["sha256"] == hashlib.sha256(plaintext).hexdigest()


def test_blob_bytes_and_chunked_stream_sources_give_the_same_stream_at_every_boundary(
    crypto_page: Page,
) -> None:
    sizes = [0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB]
    result = run(
        crypto_page,
        """
        const key = pde.newKey(), salt = pde.randomBytes(32), noncePrefix = pde.randomBytes(7);
        const digest = async (blob) => hex(await pde.sha256(await bytesOf(blob)));
        const make = (source) =>
          pde.encryptBlob(source, key, arg.documentId, { salt, noncePrefix });
        const out = [];
        for (const size of arg.sizes) {
          const plaintext = pde.randomBytes(size);
          const streams = [await make(new Blob([plaintext])), await make(plaintext),
                           await make(chunked(plaintext, 77777))];
          const digests = await Promise.all(streams.map(digest));
          const ciphertext = chunked(await bytesOf(streams[0]), 77777);
          const back = await bytesOf(await pde.decryptBlob(ciphertext, key, arg.documentId));
          out.push({ size, lengths: streams.map((b) => b.size), expected: pde.ciphertextSize(size),
                     same: new Set(digests).size === 1, roundtrip: hex(back) === hex(plaintext) });
        }
        return out;
        """,
        {"sizes": sizes, "documentId": DOCUMENT_ID},
    )
    for size, got in zip(sizes, result, strict=True):
        assert got["size"] == size
        assert got["lengths"] == [stream.ciphertext_size(size)] * 3 == [got["expected"]] * 3
        assert got["same"], f"Blob, Uint8Array and ReadableStream differ at {size} bytes"
        assert got["roundtrip"], size


def test_python_opens_the_keys_and_boxes_the_browser_makes_with_fresh_randomness(
    crypto_page: Page,
) -> None:
    made = run(
        crypto_page,
        """
        const salt = pde.newAccountSalt(), masterKey = pde.newKey(), documentKey = pde.newKey();
        const accountId = pde.newId(), documentId = pde.newId();
        const shareId = pde.newId(), depositId = pde.newId();
        const login = await pde.deriveLoginKeys(arg.passphrase, salt, undefined,
                                                { iterations: 1000 });
        const secret = pde.newShareSecret();
        const shareKeys = await pde.deriveShareKeys(secret, shareId, arg.pin);
        const wallet = await pde.newDepositKeyPair();
        return {
          salt: b64(salt), masterKey: b64(masterKey), documentKey: b64(documentKey),
          accountId, documentId, shareId, depositId, secret: b64(secret),
          authKey: b64(login.authKey), kek: b64(login.kek),
          wrappedMaster: b64(await pde.wrapMasterKey(login.kek, masterKey, accountId)),
          wrappedDocument: b64(await pde.wrapDocumentKey(masterKey, documentKey, accountId,
                                                         documentId)),
          metadataBox: b64(await pde.encryptMetadata(documentKey, { title: 'Reçu', size: 3 },
            accountId, documentId)),
          shareKey: b64(shareKeys.shareKey),
          shareMetadata: b64(await pde.encryptShareMetadata(shareKeys.shareKey, { title: 'Reçu' },
            shareId, documentId)),
          walletPrivate: b64(wallet.privateKey), walletPublic: b64(wallet.publicKey),
          sealed: b64(await pde.sealDepositDocumentKey(wallet.publicKey, documentKey, depositId,
            documentId)),
        };
        """,
        {"passphrase": FULL_WIDTH_PASSPHRASE, "pin": FULL_WIDTH_PIN},
    )
    b = {k: from_b64u(v) for k, v in made.items() if not k.endswith("Id")}
    account_id, document_id = made["accountId"], made["documentId"]
    login = keys.derive_login_keys("Pass café", b["salt"], iterations=1000)  # NFKC: same bytes
    assert (login.auth_key, login.kek) == (b["authKey"], b["kek"])
    assert keys.unwrap_master_key(login.kek, b["wrappedMaster"], account_id) == b["masterKey"]
    assert (
        keys.unwrap_document_key(b["masterKey"], b["wrappedDocument"], account_id, document_id)
        == b["documentKey"]
    )
    assert metadata.decrypt_metadata(
        b["documentKey"], b["metadataBox"], account_id, document_id
    ) == {"title": "Reçu", "size": 3}
    share_keys = share.derive_share_keys(b["secret"], made["shareId"], "1234")  # NFKC
    assert share_keys.share_key == b["shareKey"]
    assert share.decrypt_share_metadata(
        share_keys.share_key, b["shareMetadata"], made["shareId"], document_id
    ) == {"title": "Reçu"}
    assert keys.new_deposit_key_pair(b["walletPrivate"]).public_key == b["walletPublic"]
    wallet_private, deposit_id = b["walletPrivate"], made["depositId"]
    sealed = b["sealed"]
    assert (
        seal.open_deposit_document_key(wallet_private, sealed, deposit_id, document_id)
        == b["documentKey"]
    )


# --- tampering ---------------------------------------------------------------------------

TAMPER_STREAM = """
const key = unb64(arg.key), ct = unb64(arg.ciphertext);
const SEG = pde.SEGMENT_BYTES + 16, H = 44;
const decrypt = (bytes, documentId = arg.documentId) =>
  failure(() => pde.decryptBlob(new Blob([bytes]), key, documentId));
const flipped = ct.slice(); flipped[H + SEG + 1000] ^= 0x01;
const flippedTag = ct.slice(); flippedTag[ct.length - 1] ^= 0x80;
const flippedHeader = ct.slice(); flippedHeader[10] ^= 0x01;
const cat = async (...parts) => bytesOf(new Blob(parts));
const swapped = ct.slice();
swapped.set(ct.subarray(H + SEG, H + 2 * SEG), H);
swapped.set(ct.subarray(H, H + SEG), H + SEG);
const first = ct.subarray(H, H + SEG);
const duplicated = await cat(ct.subarray(0, H + SEG), first, ct.subarray(H + SEG));
const extended = await cat(ct, ct.subarray(H + 2 * SEG));
const wrongVersion = ct.slice(); wrongVersion[4] = 2;
const partial = [];
const gen = pde.decryptChunks(new Blob([flippedTag]), key, arg.documentId);
const last = await failure(async () => { for await (const c of gen) partial.push(c.length); });
return {
  intact: await decrypt(ct),
  flipped_byte: await decrypt(flipped),
  flipped_tag: await decrypt(flippedTag),
  flipped_salt: await decrypt(flippedHeader),
  truncated_at_segment_boundary: await decrypt(ct.subarray(0, H + 2 * SEG)),
  truncated_inside_segment: await decrypt(ct.subarray(0, ct.length - 100)),
  truncated_to_header: await decrypt(ct.subarray(0, H)),
  truncated_inside_header: await decrypt(ct.subarray(0, 30)),
  swapped_segments: await decrypt(swapped),
  duplicated_segment: await decrypt(duplicated),
  extended_after_last: await decrypt(extended),
  wrong_document_id: await decrypt(ct, arg.otherDocumentId),
  wrong_key: await failure(() => pde.decryptBlob(new Blob([ct]), pde.newKey(), arg.documentId)),
  wrong_version: await decrypt(wrongVersion),
  empty_input: await decrypt(new Uint8Array(0)),
  verified_prefix_before_failure: { partial, last },
};
"""


def test_browser_refuses_tampered_streams_with_decryption_error(crypto_page: Page) -> None:
    document_key = os.urandom(32)
    ciphertext = python_stream(os.urandom(2 * MIB + 4096), document_key)
    result = run(
        crypto_page,
        TAMPER_STREAM,
        {
            "key": b64u(document_key),
            "documentId": DOCUMENT_ID,
            "otherDocumentId": OTHER_DOCUMENT_ID,
            "ciphertext": b64u(ciphertext),
        },
    )
    assert result.pop("intact") is None
    assert result.pop("wrong_version")["code"] == "unsupported_version"
    assert result.pop("empty_input")["code"] == "unsupported_version", "as crypto/stream.py"
    prefix = result.pop("verified_prefix_before_failure")
    assert prefix == {"partial": [MIB, MIB], "last": DECRYPTION_FAILED}, (
        "only segments whose tag checked are released, then the failure"
    )
    assert result == dict.fromkeys(result, DECRYPTION_FAILED)


def test_browser_refuses_boxes_and_sealed_keys_moved_or_tampered(crypto_page: Page) -> None:
    result = run(
        crypto_page,
        """
        const masterKey = pde.newKey(), documentKey = pde.newKey(), kek = pde.newKey();
        const a = pde.newId(), d = pde.newId(), other = pde.newId();
        const wrapped = await pde.wrapDocumentKey(masterKey, documentKey, a, d);
        const flip = (b, i) => { const c = b.slice(); c[i] ^= 1; return c; };
        const meta = await pde.encryptMetadata(documentKey, { title: 'x' }, a, d);
        const wallet = await pde.newDepositKeyPair();
        const sealed = await pde.sealDepositDocumentKey(wallet.publicKey, documentKey, a, d);
        const lowOrder = sealed.slice(); lowOrder.fill(0, 1, 33);
        const versioned = wrapped.slice(); versioned[0] = 2;
        const unwrap = (box, account, doc) =>
          failure(() => pde.unwrapDocumentKey(masterKey, box, account, doc));
        const readMeta = (box, doc) => failure(() => pde.decryptMetadata(documentKey, box, a, doc));
        const open = (box, doc) =>
          failure(() => pde.openDepositDocumentKey(wallet.privateKey, box, a, doc));
        const wrappedMaster = await pde.wrapMasterKey(kek, masterKey, a);
        return {
          document_key_other_document: await unwrap(wrapped, a, other),
          document_key_other_account: await unwrap(wrapped, other, d),
          document_key_flipped: await unwrap(flip(wrapped, 20), a, d),
          document_key_truncated: await unwrap(wrapped.subarray(0, 28), a, d),
          master_key_wrong_kek: await failure(() =>
            pde.unwrapMasterKey(pde.newKey(), wrappedMaster, a)),
          metadata_other_document: await readMeta(meta, other),
          metadata_flipped: await readMeta(flip(meta, 40), d),
          sealed_other_document: await open(sealed, other),
          sealed_flipped: await open(flip(sealed, 50), d),
          sealed_low_order_ephemeral: await open(lowOrder, d),
          box_version: await unwrap(versioned, a, d),
        };
        """,
    )
    assert result.pop("box_version")["code"] == "unsupported_version"
    assert result == dict.fromkeys(result, DECRYPTION_FAILED)


def test_browser_errors_are_error_subclasses_with_the_python_codes(crypto_page: Page) -> None:
    result = run(
        crypto_page,
        """
        const names = ['DecryptionError', 'UnsupportedVersion', 'MetadataTooLarge',
                       'InvalidCode', 'InvalidEncoding'];
        return Object.fromEntries(names.map((n) => {
          const e = new pde[n]();
          return [n, { code: e.code, error: e instanceof Error, base: e instanceof pde.CryptoError,
                       name: e.name }];
        }));
        """,
    )
    from crypto import errors

    for name, got in result.items():
        assert got == {
            "code": getattr(errors, name).code,
            "error": True,
            "base": True,
            "name": name,
        }


def test_browser_writes_and_reads_share_and_deposit_links_as_the_vectors(
    crypto_page: Page,
) -> None:
    """Every pasted form the vectors list (whitespace around, a path prefix, a trailing
    `/`) reads as Python reads it, and every near miss is refused."""
    v = vectors("links")
    result = run(
        crypto_page,
        """
        const refusal = async (parse, texts) =>
          Promise.all(texts.map(async (t) => (await failure(() => parse(t)))?.code ?? t));
        const shareParsed = arg.share_parse.map((c) => pde.parseShareLink(c.text));
        const depositParsed = arg.deposit_parse.map((c) => pde.parseDepositLink(c.text));
        const i = arg.deposit_info;
        const opened = await pde.decryptDepositLinkInfo(unhex(i.secret), unhex(i.box),
          i.deposit_id);
        return {
          shareLinks: arg.share_format.map((c) =>
            pde.formatShareLink(c.base_url, c.share_id, unhex(c.secret))),
          shareParsed: shareParsed.map((p) => ({ base_url: p.baseUrl, share_id: p.shareId,
            secret: hex(p.secret) })),
          shareRefused: await refusal(pde.parseShareLink, arg.share_invalid),
          depositLinks: arg.deposit_format.map((c) =>
            pde.formatDepositLink(c.base_url, c.deposit_id, unhex(c.secret))),
          depositParsed: depositParsed.map((p) => ({ base_url: p.baseUrl,
            deposit_id: p.depositId, secret: hex(p.secret) })),
          depositRefused: await refusal(pde.parseDepositLink, arg.deposit_invalid),
          depositUnsupported: await refusal(pde.parseDepositLink, arg.deposit_unsupported),
          infoBox: hex(await pde.encryptDepositLinkInfo(unhex(i.secret), i.json, i.deposit_id,
            { nonce: unhex(i.nonce) })),
          info: opened,
          infoKey: hex(pde.depositLinkPublicKey(opened)),
          otherLink: await failure(() => pde.decryptDepositLinkInfo(unhex(i.secret),
            unhex(i.box), 'b3RoZXItZGVwb3NpdC0wMQ')),
          noKey: await failure(() => pde.depositLinkPublicKey({ label: 'x' })),
        };
        """,
        v,
    )
    assert result["shareLinks"] == [c["link"] for c in v["share_format"]]
    assert result["shareParsed"] == [
        {k: c[k] for k in ("base_url", "share_id", "secret")} for c in v["share_parse"]
    ]
    assert result["shareRefused"] == ["invalid_encoding"] * len(v["share_invalid"])
    assert result["depositLinks"] == [c["link"] for c in v["deposit_format"]]
    assert result["depositParsed"] == [
        {k: c[k] for k in ("base_url", "deposit_id", "secret")} for c in v["deposit_parse"]
    ]
    assert result["depositRefused"] == ["invalid_encoding"] * len(v["deposit_invalid"])
    unsupported = v["deposit_unsupported"]
    assert result["depositUnsupported"] == ["unsupported_version"] * len(unsupported)
    assert result["infoBox"] == v["deposit_info"]["box"]
    assert result["info"] == json.loads(v["deposit_info"]["json"])
    assert result["infoKey"] == v["deposit_info"]["public_key"]
    assert result["otherLink"]["decryption"] and result["noKey"]["decryption"]


def test_browser_refuses_links_that_are_not_share_links(crypto_page: Page) -> None:
    result = run(
        crypto_page,
        """
        const id = 'c2hhcmUtaWQtMDAwMDAwMQ', secret = 'n-TkU2NhvdqwMOt-kl8PNQ';
        const links = [`https://pde.example/s/${id}`, `https://pde.example/s/${id}#${secret}=`,
          `https://pde.example/x/${id}#${secret}`, `https://pde.example/s/abc#${secret}`,
          `https://pde.example/s/${id}#AAAA`, 'not a url'];
        return Promise.all(links.map((l) => failure(() => pde.parseShareLink(l))));
        """,
    )
    assert [r["code"] for r in result] == ["invalid_encoding"] * 6


def test_associated_data_is_the_python_encoding_for_every_label(crypto_page: Page) -> None:
    labels = [
        ("pde/v1/ad/master-key", [ACCOUNT_ID]),
        ("pde/v1/ad/content", [DOCUMENT_ID]),
        ("pde/v1/ad/share-metadata", ["c2hhcmUtaWQtMDAwMDAwMQ", DOCUMENT_ID]),
        ("pde/v1/ad/metadata", ["é", ""]),
    ]
    got = run(crypto_page, "return arg.map(([l, f]) => hex(pde.ad(l, ...f)));", labels)
    assert got == [associated_data(label, *fields).hex() for label, fields in labels]


def test_the_kiosk_self_test_page_says_encryption_works_in_this_browser(
    crypto_page: Page, live_server: str
) -> None:
    """kiosk_ui's start page imports encryptBlob/decryptBlob under the app's strict CSP."""
    crypto_page.goto(f"{live_server}/")
    status = crypto_page.locator("#crypto-status")
    status.and_(crypto_page.locator("[data-state='ok']")).wait_for(timeout=10_000)
    assert status.text_content() == "Encryption works in this browser."


# --- recovery by trustees (Shamir) ------------------------------------------------------

SHAMIR_VECTORS = """
const replay = (hexBytes) => {
  const bytes = unhex(hexBytes); let taken = 0;
  return (n) => { taken += n; return bytes.slice(taken - n, taken); };
};
const code = async (thunk) => (await failure(thunk))?.code ?? null;
const field = {
  mul: arg.field.mul.map(([a, b]) => [a, b, pde.gfMul(a, b)]),
  inverse: arg.field.inverse.map(([a]) => [a, pde.gfInv(a)]),
};
const cases = [];
for (const c of arg.cases) {
  const shares = await pde.splitSecret(unhex(c.secret), c.threshold, c.shares,
    { random: replay(c.random) });
  const subsets = [];
  for (const s of c.subsets) {
    const chosen = s.xs.map((x) => pde.shareFromBytes(unhex(c.share_bytes[x - 1])));
    const error = await code(() => pde.combineShares(chosen));
    subsets.push(error ? { xs: s.xs, error } :
      { xs: s.xs, secret: hex(await pde.combineShares(chosen)) });
  }
  const fromText = await Promise.all(c.share_text.map(pde.shareFromText));
  cases.push({ name: c.name, share_bytes: shares.map((s) => hex(pde.shareToBytes(s))),
    share_text: await Promise.all(shares.map(pde.shareToText)),
    text_read: fromText.map((s) => hex(pde.shareToBytes(s))), subsets });
}
const invalidSets = {};
for (const [name, list] of Object.entries(arg.invalid_sets)) {
  const shares = list.map((b) => pde.shareFromBytes(unhex(b)));
  invalidSets[name] = await code(() => pde.combineShares(shares));
}
const invalidBytes = {};
for (const [name, c] of Object.entries(arg.invalid_bytes)) {
  invalidBytes[name] = await code(() => pde.shareFromBytes(unhex(c.bytes)));
}
const t = arg.sealed_trustee_share;
const share = pde.shareFromBytes(unhex(t.share_bytes));
const sealed = await pde.sealTrusteeShare(unhex(t.trustee_public_key), share, t.account_id,
  { ephemeralPrivateKey: unhex(t.ephemeral_private_key), nonce: unhex(t.nonce) });
const open = (account, setId, x) => pde.openTrusteeShare(unhex(t.trustee_private_key),
  unhex(t.sealed), account, setId, x);
const opened = await open(t.account_id, unhex(t.set_id), t.x);
return {
  field, cases, invalidSets, invalidBytes,
  typed: hex(pde.shareToBytes(await pde.shareFromText(arg.text_typed.typed))),
  textInvalid: await Promise.all(arg.text_invalid.map((x) => code(() => pde.shareFromText(x)))),
  sealed: hex(sealed),
  ad: hex(pde.trusteeShareAd(t.account_id, unhex(t.set_id), t.x)),
  opened: hex(pde.shareToBytes(opened)),
  openedElsewhere: [
    await code(() => open('b3RoZXItYWNjb3VudC0wMQ', unhex(t.set_id), t.x)),
    await code(() => open(t.account_id, new Uint8Array(8), t.x)),
    await code(() => open(t.account_id, unhex(t.set_id), t.x + 1)),
  ],
  error: (({ code, name }) => ({ code, name }))(new pde.InvalidShare()),
};
"""


def test_browser_reproduces_the_shamir_vectors_and_refuses_what_they_refuse(
    crypto_page: Page,
) -> None:
    v = vectors("shamir")
    result = run(crypto_page, SHAMIR_VECTORS, v)
    assert result["field"] == {k: v["field"][k] for k in ("mul", "inverse")}
    for got, case in zip(result["cases"], v["cases"], strict=True):
        assert got["name"] == case["name"]
        assert got["share_bytes"] == case["share_bytes"] == got["text_read"]
        assert got["share_text"] == case["share_text"]
        assert got["subsets"] == case["subsets"]
    assert result["invalidSets"] == dict.fromkeys(v["invalid_sets"], "invalid_share")
    assert result["invalidBytes"] == {k: c["error"] for k, c in v["invalid_bytes"].items()}
    assert result["typed"] == v["text_typed"]["bytes"]
    assert result["textInvalid"] == ["invalid_code"] * len(v["text_invalid"])
    t = v["sealed_trustee_share"]
    assert (result["sealed"], result["ad"]) == (t["sealed"], t["associated_data"])
    assert result["opened"] == t["share_bytes"]
    assert result["openedElsewhere"] == ["decryption_failed"] * 3
    assert result["error"] == {"code": "invalid_share", "name": "InvalidShare"}


def test_browser_and_python_combine_and_open_each_others_trustee_shares(
    crypto_page: Page,
) -> None:
    python_secret = os.urandom(16)
    python_shares = shamir.split_secret(python_secret, 3, 5)
    trustee = keys.new_deposit_key_pair()
    made = run(
        crypto_page,
        """
        const fromPython = await Promise.all(arg.texts.map(pde.shareFromText));
        const combined = await pde.combineShares([fromPython[4], fromPython[0], fromPython[2]]);
        const tooFew = await failure(() => pde.combineShares(fromPython.slice(0, 2)));
        const opened = await pde.openTrusteeShare(unb64(arg.trusteePrivate), unb64(arg.sealed),
          arg.accountId, fromPython[1].setId, 2);
        const secret = pde.randomBytes(16);
        const shares = await pde.splitSecret(secret, 2, 4);
        const sealed = await pde.sealTrusteeShare(unb64(arg.trusteePublic), shares[3],
          arg.accountId);
        return {
          combined: b64(combined), tooFew: tooFew.code, opened: b64(pde.shareToBytes(opened)),
          secret: b64(secret), shares: shares.map((s) => b64(pde.shareToBytes(s))),
          texts: await Promise.all(shares.map(pde.shareToText)), sealed: b64(sealed),
        };
        """,
        {
            "texts": [shamir.share_to_text(s) for s in python_shares],
            "trusteePrivate": b64u(trustee.private_key),
            "trusteePublic": b64u(trustee.public_key),
            "accountId": ACCOUNT_ID,
            "sealed": b64u(
                seal.seal_trustee_share(trustee.public_key, python_shares[1], ACCOUNT_ID)
            ),
        },
    )
    assert from_b64u(made["combined"]) == python_secret
    assert made["tooFew"] == "invalid_share"
    assert from_b64u(made["opened"]) == shamir.share_to_bytes(python_shares[1])
    browser_shares = [shamir.share_from_bytes(from_b64u(b)) for b in made["shares"]]
    assert [shamir.share_from_text(t) for t in made["texts"]] == browser_shares
    secret = from_b64u(made["secret"])
    for pair in itertools.combinations(browser_shares, 2):
        assert shamir.combine_shares(list(pair)) == secret
    opened = seal.open_trustee_share(
        trustee.private_key, from_b64u(made["sealed"]), ACCOUNT_ID, browser_shares[0].set_id, 4
    )
    assert opened == browser_shares[3]


def test_browser_derives_the_wallet_card_vectors_from_the_pin_in_any_digits_and_the_code(
    crypto_page: Page,
) -> None:
    cards = vectors("kdf")["card"]
    result = run(
        crypto_page,
        """
        const out = [];
        for (const c of arg) {
          const card = await pde.decodeCode(c.card_code);
          const k = await pde.deriveLoginKeys(pde.normalizePin(c.pin), unhex(c.account_salt),
            card, { iterations: c.iterations });
          out.push({ card: hex(card), auth_key: hex(k.authKey), kek: hex(k.kek) });
        }
        return out;
        """,
        cards,
    )
    assert result == [
        {"card": c["card_secret"], "auth_key": c["auth_key"], "kek": c["kek"]} for c in cards
    ]
