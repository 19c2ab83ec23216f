"""Logging in from the command line: the passphrase from PDE_PASSPHRASE or a
prompt, or a wallet card's code (--card or PDE_CARD) and its PIN. A mistyped
code or PIN stops here, before any request; so does a missing terminal when a
secret would have to be typed. A new passphrase follows the kiosk's rule: at
least 12 characters, and not "Too weak" on the kiosk's meter."""

from __future__ import annotations

import argparse
import getpass
import math
import os
import re
import sys
import unicodedata

from client import PdeClient
from crypto.encoding import decode_code
from crypto.errors import InvalidCode
from crypto.share import normalize_pin
from pde.cli_errors import fail

# The kiosk's rule for a new secret phrase (kiosk_ui/static/js/passphrase.js), mirrored
# here so that a wallet made on the command line meets the same bar as one made at a
# terminal; tests/unit/pde/test_passphrase_rule.py runs both on the same examples.
MIN_PASSPHRASE_LENGTH = 12
STRENGTH_LABELS = ("", "Too weak", "Fair", "Good", "Strong")


def ask_secret(prompt: str, what: str, instead: str) -> str:
    """A secret typed on the terminal, never echoed; without a terminal (a script,
    a pipe, cron) stop and say what to give `instead`."""
    if not sys.stdin.isatty():
        fail(f"No terminal to type {what} on: {instead}.")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        fail(f"No {what} was typed: {instead}.")


def passphrase(what: str = "passphrase", confirm: bool = False) -> str:
    """The passphrase (or a card's PIN: `what`) from PDE_PASSPHRASE (scripts), else
    asked on the terminal (twice with `confirm`)."""
    given = os.environ.get("PDE_PASSPHRASE")  # for scripts
    if given is not None:
        return given
    instead = "set PDE_PASSPHRASE"
    first = ask_secret(f"{what[0].upper()}{what[1:]}: ", f"the {what}", instead)
    if confirm and ask_secret(f"Same {what} again: ", f"the {what}", instead) != first:
        fail(f"The two {what}s differ.")
    return first


def strength(phrase: str) -> int:
    """0 (empty) to 4 (strong), as the kiosk's meter computes it: estimated bits
    from length and kinds of characters, with repeated characters counting little.
    Characters are code points, as JavaScript's `[...phrase]` counts them."""
    if not phrase:
        return 0
    pool = 0
    if re.search(r"[a-z]", phrase):
        pool += 26
    if re.search(r"[A-Z]", phrase):
        pool += 26
    if re.search(r"[0-9]", phrase):
        pool += 10
    if re.search(r"[^a-zA-Z0-9]", phrase):
        pool += 33
    bits = min(len(phrase), len(set(phrase)) * 2) * math.log2(max(pool, 2))
    if len(phrase) < MIN_PASSPHRASE_LENGTH or bits < 40:
        return 1
    if bits < 60:
        return 2
    if bits < 80:
        return 3
    return 4


def passphrase_refusal(phrase: str) -> str:
    """Why a new passphrase is refused, as the kiosk's passphraseRefusal() says it:
    "short" (under 12 characters), "weak" ("Too weak" on the meter: under about
    40 bits, the bar of docs/threat-model.md), or "" when it is accepted."""
    if len(phrase) < MIN_PASSPHRASE_LENGTH:
        return "short"
    return "weak" if strength(phrase) < 2 else ""


def new_passphrase() -> str:
    """A new wallet's passphrase (PDE_PASSPHRASE, or asked twice), refused as the
    kiosk refuses it: under 12 characters, or "Too weak" on its meter. An accepted
    one's strength is told, as the kiosk's meter shows it."""
    chosen = passphrase(confirm=True)
    refusal = passphrase_refusal(chosen)
    if refusal == "short":
        fail(f"The passphrase is too short: at least {MIN_PASSPHRASE_LENGTH} characters.")
    if refusal == "weak":
        fail("The passphrase is too easy to guess: use four words or more.")
    print(f"passphrase strength: {STRENGTH_LABELS[strength(chosen)]}", file=sys.stderr)
    return chosen


def require_handle(args: argparse.Namespace) -> str:
    """The --handle given, or stop with a message."""
    if not args.handle:
        fail("--handle is required for this command.")
    return str(args.handle)


def card_secret(args: argparse.Namespace) -> bytes:
    """The wallet card's secret from --card or PDE_CARD (b"" without a card); a
    mistyped code stops here, before any request."""

    code = args.card or os.environ.get("PDE_CARD", "")
    if not code:
        return b""
    try:
        return decode_code(code)
    except InvalidCode:
        fail("This card code is not right: check each letter and digit.")


def card_pin(typed: str) -> str:
    """A card's PIN as the passphrase: Eastern Arabic digits as ASCII (FORMAT.md §3)."""
    return normalize_pin(typed.strip())


def login(client: PdeClient, args: argparse.Namespace) -> tuple[str, bytes]:
    """Log in with the passphrase, or with the card and its PIN; returns what was used."""
    handle = require_handle(args)
    card = card_secret(args)
    secret = passphrase("PIN" if card else "passphrase")
    if card:
        secret = card_pin(secret)
    client.login(handle, secret, card)
    return secret, card


def new_card_pin(args: argparse.Namespace) -> str:
    """A new card PIN from --pin or asked twice: 4 to 8 digits."""
    if args.pin is not None:
        typed = args.pin
    else:
        typed = ask_secret("New PIN (4 to 8 digits): ", "the new PIN", "give it with --pin")
    pin = card_pin(typed)
    if not re.fullmatch(r"[0-9]{4,8}", unicodedata.normalize("NFKC", pin)):
        fail("A PIN is 4 to 8 digits.")
    if args.pin is None:
        again = ask_secret("Same PIN again: ", "the new PIN", "give it with --pin")
        if card_pin(again) != pin:
            fail("The two PINs differ.")
    return pin
