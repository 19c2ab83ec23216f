"""The command line chooses a new passphrase by the kiosk's rule: at least 12
characters, and not "Too weak" on the kiosk's meter (under about 40 bits, the
bar of docs/threat-model.md). The kiosk's own functions
(kiosk_ui/static/js/passphrase.js) run in Chromium on the same examples as the
Python ones, strength and refusal alike, so the two cannot drift apart unnoticed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from pde.client_login import MIN_PASSPHRASE_LENGTH, STRENGTH_LABELS, passphrase_refusal, strength
from tests.api.support import Run

KIOSK_RULE = Path(__file__).parents[3] / "kiosk_ui" / "static" / "js" / "passphrase.js"
EXAMPLES = [
    "",
    "a",
    "short phrase",  # 12 exactly
    "short phras",  # 11
    "aaaaaaaaaaaa",
    "abababababababababab",
    "correct horse battery staple",
    "command line passphrase",
    "Tr0ub4dor&3xyz",
    "123456789012",
    "1234567890123456789012345",
    "ABCDEFGHIJKLMNOP",
    "tarelu bimoka sonive padiru",
    "Mot de passe très long é à ç",
    "كلمة سر طويلة جدا",
    "hasło zażółć gęślą",
    "😀😃😄😁😆😅🤣😂🙂🙃",  # characters beyond 16 bits: code points, not UTF-16 units
    "😀😃😄😁😆😅🤣😂🙂🙃😊😇",  # 12 of them
    "日本語のパスフレーズです",
    "P@ssw0rd!P@ssw0rd!",
    "x" * 11 + "Y",
    "aB3$" * 3,
    "aB3$" * 10,
]


def kiosk_rule(browser: Browser, function: str, examples: list[str]) -> list[object]:
    """The kiosk's `function` (strength, passphraseRefusal) of each example, computed by
    Chromium from the kiosk's own module (its one import, the translation helper, is
    not needed by either)."""
    source = KIOSK_RULE.read_text(encoding="utf-8")
    source = re.sub(r"^import .*$", "", source, flags=re.MULTILINE)
    source = re.sub(r"^export ", "", source, flags=re.MULTILINE)
    page = browser.new_page()
    try:
        script = f"(examples) => {{ {source}\nreturn examples.map((e) => {function}(e)); }}"
        return list(page.evaluate(script, examples))
    finally:
        page.close()


@pytest.mark.browser
def test_the_command_line_rates_every_example_as_the_kiosk_s_meter_does(
    browser: Browser,
) -> None:
    expected = kiosk_rule(browser, "strength", EXAMPLES)
    assert [strength(example) for example in EXAMPLES] == expected
    assert set(expected) == {0, 1, 2, 3, 4}  # the examples reach every level


@pytest.mark.browser
def test_the_command_line_refuses_what_the_kiosk_refuses(browser: Browser) -> None:
    expected = kiosk_rule(browser, "passphraseRefusal", EXAMPLES)
    assert [passphrase_refusal(example) for example in EXAMPLES] == expected
    assert set(expected) == {"short", "weak", ""}  # each answer is reached


def test_the_minimum_length_is_the_kiosk_s() -> None:
    source = KIOSK_RULE.read_text(encoding="utf-8")
    assert f"MIN_PASSPHRASE_LENGTH = {MIN_PASSPHRASE_LENGTH};" in source
    assert f"STRENGTH_LABELS = {list(STRENGTH_LABELS)!r};" in source


def test_a_passphrase_of_11_characters_is_refused_before_any_request(
    pde: Callable[..., Run],
) -> None:
    refused = pde("client", "--server", "http://127.0.0.1:9", "register", secret="x" * 10 + "é")
    assert refused.code == 1
    assert refused.err.strip() == "error: The passphrase is too short: at least 12 characters."


def test_a_passphrase_the_kiosk_s_meter_calls_too_weak_is_refused_before_any_request(
    pde: Callable[..., Run],
) -> None:
    refused = pde("client", "--server", "http://127.0.0.1:9", "register", secret="aaaaaaaaaaaa")
    assert refused.code == 1
    told = "error: The passphrase is too easy to guess: use four words or more."
    assert refused.err.strip() == told


def test_a_new_passphrase_s_strength_is_told_as_the_kiosk_s_meter_tells_it(
    pde: Callable[..., Run],
) -> None:
    told = pde("client", "--server", "http://127.0.0.1:9", "register", secret="aB3$aB3$aB3$")
    assert told.err.splitlines()[0] == "passphrase strength: Fair"
    assert "[server_unreachable]" in told.err  # accepted, as the kiosk accepts it
