"""The trustee key's derivations, the master key wrapped for trustees, the
owner's trustee notes, and recovery requests (FORMAT.md §7.2), against vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crypto import trustees
from crypto.errors import DecryptionError

VECTORS = json.loads((Path(trustees.__file__).parent / "vectors" / "trustees.json").read_text())


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def test_trustee_key_derivations_match_vectors() -> None:
    v = VECTORS["trustee_keys"]
    derived = trustees.derive_trustee_keys(h(v["trustee_key"]))
    assert (derived.auth.hex(), derived.kek.hex()) == (v["auth"], v["kek"])


def test_master_key_wrapped_for_trustees_matches_vector_and_is_bound_to_the_account() -> None:
    v = VECTORS["wrapped_master"]
    box = trustees.wrap_master_key_for_trustees(
        h(v["kek"]), h(v["master_key"]), v["account_id"], h(v["nonce"])
    )
    assert box.hex() == v["box"]
    assert trustees.unwrap_master_key_for_trustees(h(v["kek"]), box, v["account_id"]) == h(
        v["master_key"]
    )
    with pytest.raises(DecryptionError):
        trustees.unwrap_master_key_for_trustees(h(v["kek"]), box, "b3RoZXItYWNjb3VudC0wMQ")


def test_trustee_record_matches_vector() -> None:
    v = VECTORS["record"]
    record = json.loads(v["json"])
    box = trustees.encrypt_trustee_record(
        h(v["master_key"]), record, v["account_id"], h(v["nonce"])
    )
    assert box.hex() == v["box"]
    assert trustees.decrypt_trustee_record(h(v["master_key"]), box, v["account_id"]) == record


def test_request_keys_match_vector_and_depend_on_the_request_id() -> None:
    v = VECTORS["request"]
    keys = trustees.derive_request_keys(h(v["request_secret"]), v["request_id"])
    assert (keys.private_key.hex(), keys.public_key.hex(), keys.token.hex()) == (
        v["private_key"],
        v["public_key"],
        v["token"],
    )
    other = trustees.derive_request_keys(h(v["request_secret"]), "b3RoZXItcmVxdWVzdC0wMQ")
    assert other.public_key != keys.public_key and other.token != keys.token


def test_released_share_matches_vector_and_opens_only_for_its_request_and_number() -> None:
    v = VECTORS["released"]
    sealed = trustees.seal_released_share(
        h(v["public_key"]),
        h(v["share_bytes"]),
        v["request_id"],
        v["x"],
        ephemeral_private=h(v["ephemeral_private_key"]),
        nonce=h(v["nonce"]),
    )
    assert sealed.hex() == v["sealed"]
    opened = trustees.open_released_share(h(v["private_key"]), sealed, v["request_id"], v["x"])
    assert opened == h(v["share_bytes"])
    with pytest.raises(DecryptionError):
        trustees.open_released_share(h(v["private_key"]), sealed, v["request_id"], v["x"] + 1)
