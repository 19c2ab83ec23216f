"""The Python implementation reproduces every known answer in crypto/vectors/."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from crypto import encoding, keys, links, metadata, primitives, seal, share, stream
from crypto.errors import (
    DecryptionError,
    InvalidCode,
    InvalidEncoding,
    MetadataTooLarge,
    UnsupportedVersion,
)
from crypto.vectors.generate import GENERATORS, pattern
from crypto.verifier import fake_salt

VECTORS = Path(__file__).parents[3] / "crypto" / "vectors"


def load(name: str) -> Any:
    return json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize("case", load("kdf")["login"], ids=lambda c: c["passphrase"][:12])
def test_login_keys_match_vectors(case: dict[str, Any]) -> None:
    derived = keys.derive_login_keys(
        case["passphrase"], h(case["account_salt"]), h(case["card_secret"]), case["iterations"]
    )
    assert derived.auth_key.hex() == case["auth_key"]
    assert derived.kek.hex() == case["kek"]


def test_recovery_keys_and_associated_data_match_vectors() -> None:
    vec = load("kdf")
    rec = vec["recovery"][0]
    derived = keys.derive_recovery_keys(h(rec["recovery_key"]), h(rec["account_salt"]))
    assert (derived.auth.hex(), derived.kek.hex()) == (rec["auth"], rec["kek"])
    ad = vec["associated_data"][0]
    assert primitives.associated_data(ad["label"], *ad["fields"]).hex() == ad["bytes"]


def test_key_wraps_match_vectors_and_open() -> None:
    vec = load("wrap")
    m = vec["master_key"]
    assert (
        keys.wrap_master_key(h(m["kek"]), h(m["master_key"]), m["account_id"], h(m["nonce"])).hex()
        == m["box"]
    )
    assert keys.unwrap_master_key(h(m["kek"]), h(m["box"]), m["account_id"]) == h(m["master_key"])
    r = vec["master_key_recovery"]
    assert (
        keys.wrap_master_key_for_recovery(
            h(r["recovery_kek"]), h(r["master_key"]), r["account_id"], h(r["nonce"])
        ).hex()
        == r["box"]
    )
    d = vec["document_key"]
    assert (
        keys.wrap_document_key(
            h(d["master_key"]),
            h(d["document_key"]),
            d["account_id"],
            d["document_id"],
            h(d["nonce"]),
        ).hex()
        == d["box"]
    )
    p = vec["deposit_private_key"]
    assert keys.new_deposit_key_pair(h(p["private_key"])).public_key.hex() == p["public_key"]
    assert (
        keys.wrap_deposit_private_key(
            h(p["master_key"]), h(p["private_key"]), p["account_id"], h(p["nonce"])
        ).hex()
        == p["box"]
    )


def test_metadata_padding_and_boxes_match_vectors() -> None:
    vec = load("metadata")
    for case in vec["pad"]:
        message = pattern(case["message_length"])
        assert h(case.get("message", message.hex())) == message
        padded = metadata.pad(message)
        assert len(padded) == case["padded_length"]
        assert hashlib.sha256(padded).hexdigest() == case["padded_sha256"]
        assert padded.hex() == case.get("padded", padded.hex())
        assert metadata.unpad(padded) == message
    with pytest.raises(MetadataTooLarge):
        metadata.pad(bytes(vec["pad_too_large"]))
    for reason, padded_text in vec["unpad_invalid"].items():
        with pytest.raises(DecryptionError):
            metadata.unpad(h(padded_text))
            pytest.fail(f"unpad took a padded text with {reason}")
    m = vec["metadata"]
    value = json.loads(m["json"])
    assert metadata.dump_json(value).decode() == m["json"]
    assert (
        metadata.encrypt_metadata(
            h(m["document_key"]), value, m["account_id"], m["document_id"], h(m["nonce"])
        ).hex()
        == m["box"]
    )
    d = vec["deposit_metadata"]
    assert metadata.decrypt_deposit_metadata(
        h(d["document_key"]), h(d["box"]), d["deposit_id"], d["document_id"]
    ) == json.loads(d["json"])


@pytest.mark.parametrize("case", load("stream")["cases"], ids=lambda c: c["name"])
def test_stream_matches_vectors_and_decrypts(case: dict[str, Any]) -> None:
    plaintext = h(case["plaintext"]) if "plaintext" in case else pattern(case["plaintext_length"])
    out = io.BytesIO()
    stream.encrypt_stream(
        io.BytesIO(plaintext),
        out,
        h(case["document_key"]),
        case["document_id"],
        salt=h(case["salt"]),
        nonce_prefix=h(case["nonce_prefix"]),
    )
    ciphertext = out.getvalue()
    assert len(ciphertext) == case["ciphertext_length"] == stream.ciphertext_size(len(plaintext))
    assert hashlib.sha256(ciphertext).hexdigest() == case["ciphertext_sha256"]
    back = io.BytesIO()
    stream.decrypt_stream(
        io.BytesIO(ciphertext), back, h(case["document_key"]), case["document_id"]
    )
    assert back.getvalue() == plaintext


def test_share_keys_link_and_boxes_match_vectors() -> None:
    vec = load("share")
    for case in vec["keys"]:
        derived = share.derive_share_keys(h(case["share_secret"]), case["share_id"], case["pin"])
        assert derived.share_key.hex() == case["share_key"]
        assert derived.link_token.hex() == case["link_token"]
        assert share.access_token_hash(derived.link_token).hex() == case["link_token_sha256"]
        assert derived.access_token.hex() == case["access_token"]
        assert share.access_token_hash(derived.access_token).hex() == case["access_token_sha256"]
    link = vec["link"]
    assert (
        share.format_share_link(link["base_url"], link["share_id"], h(link["secret"]))
        == link["link"]
    )
    assert share.parse_share_link(link["link"]) == (
        link["base_url"],
        link["share_id"],
        h(link["secret"]),
    )
    d = vec["document_key"]
    assert (
        share.wrap_document_key_for_share(
            h(d["share_key"]), h(d["document_key"]), d["share_id"], d["document_id"], h(d["nonce"])
        ).hex()
        == d["box"]
    )
    m = vec["metadata"]
    assert (
        share.encrypt_share_metadata(
            h(m["share_key"]), json.loads(m["json"]), m["share_id"], m["document_id"], h(m["nonce"])
        ).hex()
        == m["box"]
    )
    for i in (vec["info"], vec["info_from"]):
        assert (
            share.encrypt_share_info(
                h(i["share_key"]), json.loads(i["json"]), i["share_id"], h(i["nonce"])
            ).hex()
            == i["box"]
        )
        opened = share.decrypt_share_info(h(i["share_key"]), h(i["box"]), i["share_id"])
        assert opened == json.loads(i["json"])
    # Writers write recipient, purpose, from, in this order (FORMAT.md §6).
    assert list(json.loads(vec["info_from"]["json"])) == ["recipient", "purpose", "from"]


def test_deposit_seal_matches_vector_and_opens() -> None:
    v = load("seal")["deposit_document_key"]
    sealed = seal.seal_deposit_document_key(
        h(v["wallet_public_key"]),
        h(v["document_key"]),
        v["deposit_id"],
        v["document_id"],
        ephemeral_private=h(v["ephemeral_private_key"]),
        nonce=h(v["nonce"]),
    )
    assert sealed.hex() == v["sealed"]
    assert sealed[1:33].hex() == v["ephemeral_public_key"]
    assert seal.open_deposit_document_key(
        h(v["wallet_private_key"]), sealed, v["deposit_id"], v["document_id"]
    ) == h(v["document_key"])


def test_encodings_match_vectors() -> None:
    vec = load("encoding")
    for case in vec["b64u"]:
        assert encoding.b64u_encode(h(case["bytes"])) == case["text"]
        assert encoding.b64u_decode(case["text"]) == h(case["bytes"])
    for bad in vec["b64u_invalid"]:
        with pytest.raises(InvalidEncoding):
            encoding.b64u_decode(bad)
    for case in vec["codes"]:
        assert encoding.encode_code(h(case["secret"])) == case["code"]
        assert encoding.decode_code(case["code"]) == h(case["secret"])
    for case in vec["code_typed_forms"]:
        assert encoding.decode_code(case["typed"]) == h(case["secret"])
    for bad in vec["codes_invalid"]:
        with pytest.raises(InvalidCode):
            encoding.decode_code(bad)


def test_fake_salt_matches_vectors() -> None:
    for case in load("server")["fake_salt"]:
        assert fake_salt(h(case["server_secret"]), case["handle"]).hex() == case["salt"]


@pytest.mark.parametrize("name", sorted(n for n in GENERATORS if n not in {"kdf"}))
def test_checked_in_vectors_are_what_the_generator_writes(name: str) -> None:
    """Guards against a vector file edited by hand or left stale after a format change."""
    assert json.loads(json.dumps(GENERATORS[name](), ensure_ascii=False)) == load(name)


def test_share_owner_record_matches_vector_and_is_bound_to_account_and_share() -> None:
    o = load("share")["owner_record"]
    master, record = h(o["master_key"]), json.loads(o["json"])
    box = share.encrypt_share_owner_record(
        master, record, o["account_id"], o["share_id"], h(o["nonce"])
    )
    assert box.hex() == o["box"]
    assert share.decrypt_share_owner_record(master, box, o["account_id"], o["share_id"]) == record
    with pytest.raises(DecryptionError):
        share.decrypt_share_owner_record(master, box, o["share_id"], o["account_id"])


def test_deposit_link_record_matches_vector_and_is_bound_to_account_and_link() -> None:
    r = load("metadata")["deposit_link_record"]
    master, record = h(r["master_key"]), json.loads(r["json"])
    box = metadata.encrypt_deposit_link_record(
        master, record, r["account_id"], r["deposit_id"], h(r["nonce"])
    )
    assert box.hex() == r["box"]
    assert metadata.decrypt_deposit_link_record(master, box, r["account_id"], r["deposit_id"]) == (
        record
    )
    with pytest.raises(DecryptionError):
        metadata.decrypt_deposit_link_record(master, box, r["deposit_id"], r["account_id"])


def test_compartment_keys_match_vectors_and_differ_from_login_keys() -> None:
    for case in load("kdf")["compartment"]:
        derived = keys.derive_compartment_keys(case["secret"], case["account_id"])
        assert keys.compartment_salt(case["account_id"]).hex() == case["salt"]
        assert (derived.token.hex(), derived.key.hex()) == (case["token"], case["key"])
        other_wallet = keys.derive_compartment_keys(case["secret"], "b3RoZXItYWNjb3VudC0wMQ")
        assert other_wallet.token != derived.token and derived.token != derived.key


def test_share_and_deposit_links_are_written_and_read_as_the_vectors() -> None:
    vec = load("links")
    for case in vec["share_format"]:
        made = share.format_share_link(case["base_url"], case["share_id"], h(case["secret"]))
        assert made == case["link"]
    for case in vec["share_parse"]:
        parsed = share.parse_share_link(case["text"])
        assert parsed == (case["base_url"], case["share_id"], h(case["secret"])), case["text"]
    for text in vec["share_invalid"]:
        with pytest.raises(InvalidEncoding):
            share.parse_share_link(text)
            pytest.fail(f"read as a share link: {text!r}")
    for case in vec["deposit_format"]:
        made = links.format_deposit_link(case["base_url"], case["deposit_id"], h(case["secret"]))
        assert made == case["link"]
    for case in vec["deposit_parse"]:
        parsed = links.parse_deposit_link(case["text"])
        assert parsed == (case["base_url"], case["deposit_id"], h(case["secret"]))
    for text in vec["deposit_invalid"]:
        with pytest.raises(InvalidEncoding):
            links.parse_deposit_link(text)
            pytest.fail(f"read as a deposit link: {text!r}")
    for text in vec["deposit_unsupported"]:  # a link of version 1 (a key fingerprint), or 3
        with pytest.raises(UnsupportedVersion):
            links.parse_deposit_link(text)


def test_a_deposit_links_info_box_matches_the_vector_and_names_the_key() -> None:
    v = load("links")["deposit_info"]
    secret, info = h(v["secret"]), json.loads(v["json"])
    box = links.encrypt_deposit_link_info(secret, info, v["deposit_id"], h(v["nonce"]))
    assert box.hex() == v["box"]
    opened = links.decrypt_deposit_link_info(secret, h(v["box"]), v["deposit_id"])
    assert opened == info and list(opened) == ["label", "public_key"]
    assert links.deposit_link_public_key(opened).hex() == v["public_key"]
    with pytest.raises(DecryptionError):  # another link's box, or another secret
        links.decrypt_deposit_link_info(secret, h(v["box"]), "b3RoZXItZGVwb3NpdC0wMQ")
    with pytest.raises(DecryptionError):
        links.decrypt_deposit_link_info(bytes(16), h(v["box"]), v["deposit_id"])
    for broken in ({}, {"public_key": "AAAA"}, {"public_key": 7}):
        with pytest.raises(DecryptionError):
            links.deposit_link_public_key(broken)


def test_the_python_client_writes_and_reads_deposit_links_as_the_vectors() -> None:
    from client import deposits

    for case in load("links")["deposit_format"]:
        made = deposits.format_deposit_link(case["base_url"], case["deposit_id"], h(case["secret"]))
        assert made == case["link"]
        assert deposits.parse_deposit_link(made)[1:] == (case["deposit_id"], h(case["secret"]))
