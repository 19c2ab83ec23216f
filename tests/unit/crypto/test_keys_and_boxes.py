"""The key hierarchy: right secrets open, anything else fails with one error."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import keys, metadata, primitives, seal, share
from crypto.encoding import b64u_decode, b64u_encode, decode_code, encode_code
from crypto.errors import DecryptionError, InvalidCode, InvalidEncoding, UnsupportedVersion
from crypto.verifier import check_verifier, hash_verifier

SALT = bytes(16)
ACCOUNT, OTHER = "YWNjb3VudC1pZC0wMDAwMQ", "b3RoZXItYWNjb3VudC0wMQ"
DOC, DOC2 = "ZG9jdW1lbnQtaWQtMDAwMQ", "b3RoZXItZG9jdW1lbnQtMQ"
FAST = 1000  # PBKDF2 iterations in tests that check structure, not cost


def test_passphrase_is_normalized_so_composed_and_decomposed_accents_agree() -> None:
    composed = "très sûr"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert keys.derive_login_keys(composed, SALT, iterations=FAST) == keys.derive_login_keys(
        decomposed, SALT, iterations=FAST
    )


def test_card_secret_and_passphrase_are_both_needed() -> None:
    card = bytes(range(16))
    with_card = keys.derive_login_keys("phrase", SALT, card, iterations=FAST)
    without = keys.derive_login_keys("phrase", SALT, iterations=FAST)
    other_card = keys.derive_login_keys("phrase", SALT, bytes(16), iterations=FAST)
    assert len({with_card.kek, without.kek, other_card.kek}) == 3
    assert with_card.auth_key != with_card.kek


def test_wrong_passphrase_or_account_cannot_unwrap_the_master_key() -> None:
    right = keys.derive_login_keys("right", SALT, iterations=FAST)
    wrong = keys.derive_login_keys("wrong", SALT, iterations=FAST)
    master = keys.new_key()
    box = keys.wrap_master_key(right.kek, master, ACCOUNT)
    assert keys.unwrap_master_key(right.kek, box, ACCOUNT) == master
    with pytest.raises(DecryptionError):
        keys.unwrap_master_key(wrong.kek, box, ACCOUNT)
    with pytest.raises(DecryptionError):
        keys.unwrap_master_key(right.kek, box, OTHER)


def test_recovery_key_opens_the_master_key_and_nothing_else() -> None:
    master, recovery = keys.new_key(), primitives.random_bytes(16)
    rk = keys.derive_recovery_keys(recovery, SALT)
    box = keys.wrap_master_key_for_recovery(rk.kek, master, ACCOUNT)
    assert keys.unwrap_master_key_for_recovery(rk.kek, box, ACCOUNT) == master
    with pytest.raises(DecryptionError):  # a recovery box is not a passphrase box
        keys.unwrap_master_key(rk.kek, box, ACCOUNT)


def test_document_key_moved_to_another_document_does_not_open() -> None:
    master, doc_key = keys.new_key(), keys.new_key()
    box = keys.wrap_document_key(master, doc_key, ACCOUNT, DOC)
    assert keys.unwrap_document_key(master, box, ACCOUNT, DOC) == doc_key
    for account, document in ((ACCOUNT, DOC2), (OTHER, DOC)):
        with pytest.raises(DecryptionError):
            keys.unwrap_document_key(master, box, account, document)


def test_box_with_unknown_version_or_too_short_is_refused() -> None:
    box = primitives.seal_box(bytes(32), b"x", b"ad")
    with pytest.raises(UnsupportedVersion):
        primitives.open_box(bytes(32), b"\x02" + box[1:], b"ad")
    with pytest.raises(DecryptionError):
        primitives.open_box(bytes(32), box[:20], b"ad")


def test_associated_data_is_injective() -> None:
    assert primitives.associated_data("l", "ab", "c") != primitives.associated_data("l", "a", "bc")


def test_metadata_is_padded_so_short_and_longer_titles_look_the_same() -> None:
    doc_key = keys.new_key()
    short = metadata.encrypt_metadata(doc_key, {"title": "ID"}, ACCOUNT, DOC)
    longer = metadata.encrypt_metadata(doc_key, {"title": "Carte d'identité " * 10}, ACCOUNT, DOC)
    assert len(short) == len(longer) == 256 + primitives.BOX_OVERHEAD
    assert metadata.decrypt_metadata(doc_key, short, ACCOUNT, DOC) == {"title": "ID"}


@pytest.mark.parametrize(
    "padded", [b"\x00\x00\x01\x00" + bytes(252), b"\x00\x00\x00\x01a\x01" + bytes(250), b"\x00\x00"]
)
def test_unpad_refuses_bad_lengths_and_non_zero_padding(padded: bytes) -> None:
    with pytest.raises(DecryptionError):
        metadata.unpad(padded)


def test_metadata_that_is_not_a_json_object_is_refused() -> None:
    key = bytes(32)
    box = primitives.seal_box(key, metadata.pad(json.dumps([1]).encode()), b"ad")
    with pytest.raises(DecryptionError):
        metadata.open_padded_json(key, box, b"ad")


def test_sealed_deposit_opens_only_with_the_wallet_private_key() -> None:
    wallet, stranger = keys.new_deposit_key_pair(), keys.new_deposit_key_pair()
    doc_key = keys.new_key()
    sealed = seal.seal_deposit_document_key(wallet.public_key, doc_key, "dep", DOC)
    assert seal.open_deposit_document_key(wallet.private_key, sealed, "dep", DOC) == doc_key
    with pytest.raises(DecryptionError):
        seal.open_deposit_document_key(stranger.private_key, sealed, "dep", DOC)
    with pytest.raises(DecryptionError):
        seal.open_deposit_document_key(wallet.private_key, sealed, "dep", DOC2)


def test_sealing_to_a_low_order_point_is_refused() -> None:
    with pytest.raises((DecryptionError, ValueError)):
        seal.seal_to_public_key(bytes(32), b"k", b"ad")


def test_share_pin_changes_both_keys() -> None:
    secret = bytes(range(16))
    a = share.derive_share_keys(secret, "sid", "")
    b = share.derive_share_keys(secret, "sid", "1234")
    assert a.share_key != b.share_key and a.access_token != b.access_token
    assert share.access_token_matches(share.access_token_hash(b.access_token), b.access_token)
    assert not share.access_token_matches(share.access_token_hash(b.access_token), a.access_token)


@pytest.mark.parametrize("typed", ["4821", "٤٨٢١", "۴۸۲۱", "４８２１"])  # noqa: RUF001
def test_a_pin_typed_with_arabic_persian_or_full_width_digits_is_the_same_pin(typed: str) -> None:
    secret = bytes(range(16))
    assert share.derive_share_keys(secret, "sid", typed) == share.derive_share_keys(
        secret, "sid", "4821"
    )
    assert share.derive_share_keys(secret, "sid", "4822") != share.derive_share_keys(
        secret, "sid", typed
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://pde.example/s/c2hhcmUtaWQtMDAwMDAwMQ",
        "https://pde.example/s/short#AAAA",
        "not a url",
        "https://pde.example/s/c2hhcmUtaWQtMDAwMDAwMQ#AA==",
        "https://pde.example/d/c2hhcmUtaWQtMDAwMDAwMQ#AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_share_links_are_refused(link: str) -> None:
    with pytest.raises(InvalidEncoding):
        share.parse_share_link(link)


def test_server_verifier_accepts_only_the_right_auth_key() -> None:
    stored = hash_verifier(b"k" * 32)
    assert stored.startswith("$argon2id$")
    assert check_verifier(stored, b"k" * 32)
    assert not check_verifier(stored, b"x" * 32)
    assert not check_verifier("garbage", b"k" * 32)


@given(st.binary(max_size=100))
def test_b64u_round_trips(data: bytes) -> None:
    assert b64u_decode(b64u_encode(data)) == data


@given(st.binary(min_size=16, max_size=16))
def test_codes_round_trip(secret: bytes) -> None:
    code = encode_code(secret)
    assert len(code) == 34 and decode_code(code) == secret


def test_codes_catch_almost_every_single_character_typo() -> None:
    """An 8-bit check catches a typo with probability 255/256; measure it over many typos."""
    code = encode_code(bytes(range(16)))
    typos = accepted = 0
    for pos, char in enumerate(code):
        if char == "-":
            continue
        for replacement in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if replacement == char:
                continue
            typos += 1
            try:
                decode_code(code[:pos] + replacement + code[pos + 1 :])
                accepted += 1
            except InvalidCode:
                pass
    assert typos > 800 and accepted / typos < 0.01
