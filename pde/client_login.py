"""Logging in from the command line: the passphrase from PDE_PASSPHRASE or a
prompt, or a wallet card's code (--card or PDE_CARD) and its PIN. A mistyped
code or PIN stops here, before any request."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import unicodedata

from client import PdeClient
from crypto.encoding import decode_code
from crypto.errors import InvalidCode
from crypto.share import normalize_pin


def passphrase(prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    """The passphrase from PDE_PASSPHRASE (scripts), else asked (twice with `confirm`)."""
    given = os.environ.get("PDE_PASSPHRASE")  # for scripts
    if given is not None:
        return given
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Same passphrase again: ") != first:
        raise SystemExit("The two passphrases differ.")
    return first


def require_handle(args: argparse.Namespace) -> str:
    """The --handle given, or stop with a message."""
    if not args.handle:
        raise SystemExit("--handle is required for this command")
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
        raise SystemExit("This card code is not right: check each letter and digit.") from None


def card_pin(typed: str) -> str:
    """A card's PIN as the passphrase: Eastern Arabic digits as ASCII (FORMAT.md §3)."""
    return normalize_pin(typed.strip())


def login(client: PdeClient, args: argparse.Namespace) -> tuple[str, bytes]:
    """Log in with the passphrase, or with the card and its PIN; returns what was used."""
    card = card_secret(args)
    secret = passphrase("PIN: " if card else "Passphrase: ")
    if card:
        secret = card_pin(secret)
    client.login(require_handle(args), secret, card)
    return secret, card


def new_card_pin(args: argparse.Namespace) -> str:
    """A new card PIN from --pin or asked twice: 4 to 8 digits."""
    typed = args.pin if args.pin is not None else getpass.getpass("New PIN (4 to 8 digits): ")
    pin = card_pin(typed)
    if not re.fullmatch(r"[0-9]{4,8}", unicodedata.normalize("NFKC", pin)):
        raise SystemExit("A PIN is 4 to 8 digits.")
    if args.pin is None and card_pin(getpass.getpass("Same PIN again: ")) != pin:
        raise SystemExit("The two PINs differ.")
    return pin
