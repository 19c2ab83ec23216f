"""The wallet card (FORMAT.md §3 and §8): given the known answers of
crypto/vectors/kdf.json → card, the PIN written with ASCII, Arabic or Persian
digits and the card read from its printed code give the same login keys; the
PIN alone, the card alone or a mistyped code never do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crypto.encoding import decode_code, encode_code
from crypto.errors import InvalidCode
from crypto.keys import derive_login_keys
from crypto.share import normalize_pin

CARDS = json.loads(
    (Path(__file__).parents[3] / "crypto" / "vectors" / "kdf.json").read_text(encoding="utf-8")
)["card"]
FAST = 1000  # the checks that need no known answer run with few iterations


@pytest.mark.parametrize("case", CARDS, ids=lambda c: c["pin"])
def test_a_pin_in_any_digits_and_the_card_code_give_the_vector_keys(case: dict[str, Any]) -> None:
    card = decode_code(case["card_code"])
    assert card.hex() == case["card_secret"]
    assert encode_code(card) == case["card_code"]
    assert normalize_pin(case["pin"]) == case["passphrase"]
    keys = derive_login_keys(
        normalize_pin(case["pin"]), bytes.fromhex(case["account_salt"]), card, case["iterations"]
    )
    assert (keys.auth_key.hex(), keys.kek.hex()) == (case["auth_key"], case["kek"])


def test_every_way_of_writing_the_pin_gives_one_and_the_same_key() -> None:
    assert len({(case["auth_key"], case["kek"]) for case in CARDS}) == 1
    assert len({case["pin"] for case in CARDS}) == len(CARDS)


def test_neither_the_pin_alone_nor_the_card_with_another_pin_opens_the_wallet() -> None:
    case = CARDS[0]
    salt, card = bytes.fromhex(case["account_salt"]), bytes.fromhex(case["card_secret"])
    with_card = derive_login_keys(case["passphrase"], salt, card, FAST)
    assert derive_login_keys(case["passphrase"], salt, b"", FAST) != with_card
    assert derive_login_keys("042718", salt, card, FAST) != with_card
    other_card = bytes([card[0] ^ 1]) + card[1:]
    assert derive_login_keys(case["passphrase"], salt, other_card, FAST) != with_card


def test_a_card_code_with_one_character_changed_is_refused_by_its_check_byte() -> None:
    code = CARDS[0]["card_code"]
    refused = 0
    for i, char in enumerate(code):
        if char == "-":
            continue
        for other in "0123456789ABCDEFGHJKMNPQRSTVWXYZ":
            if other == char:
                continue
            try:
                decode_code(code[:i] + other + code[i + 1 :])
            except InvalidCode:
                refused += 1
    changes = 28 * 31
    assert refused >= changes * 0.98  # one change in 256 may pass the check byte, by chance


def test_a_typed_code_reads_the_same_in_lower_case_without_dashes_and_with_lookalikes() -> None:
    code = CARDS[0]["card_code"]
    secret = decode_code(code)
    assert decode_code(code.lower().replace("-", " ")) == secret
    assert decode_code(code.replace("0", "O").replace("1", "l")) == secret
