"""The wallet card on the command line (`pde client card`, `--card` / PDE_CARD),
in-process against a live server on both backends: given a wallet, when its
owner makes a card with a PIN, then the printed code and the PNG's QR code
(read by zbarimg) carry the card, the card with the PIN (in any digits) opens
the wallet, and neither the old passphrase nor a wrong PIN does; a mistyped
code stops before any request; the recovery code still opens the wallet."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Callable
from pathlib import Path

from client import PdeClient
from tests.api.support import Run
from tests.server import LiveServer


def field(out: str, name: str) -> str:
    return next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith(name))


def test_a_card_made_on_the_command_line_opens_the_wallet_with_its_pin_only(
    pde_server: LiveServer, pde: Callable[..., Run], tmp_path: Path
) -> None:
    handle = f"card-{secrets.token_hex(4)}"
    base = ("client", "--server", pde_server.url, "--handle", handle)
    registered = pde(*base, "register")
    assert registered.code == 0, registered.err
    recovery_code = field(registered.out, "recovery code")

    picture = tmp_path / "card.png"
    made = pde(*base, "card", "--pin", "٤٨٢٧", "-o", str(picture))
    assert made.code == 0, made.err
    code = field(made.out, "card code")
    assert field(made.out, "handle") == handle
    read = subprocess.run(
        ["zbarimg", "--raw", "-q", str(picture)], capture_output=True, text=True, check=True
    )
    assert read.stdout.strip() == f"pde-card:1:{handle}:{code}"

    assert pde(*base, "--card", code, "list", secret="4827").code == 0
    assert pde(*base, "list", secret="4827", card=code.lower()).code == 0  # PDE_CARD
    wrong_pin = pde(*base, "--card", code, "list", secret="4828")
    assert (wrong_pin.code, "[invalid_credentials]" in wrong_pin.err) == (1, True)
    old = pde(*base, "list")
    assert (old.code, "[invalid_credentials]" in old.err) == (1, True)

    mistyped = ("B" if code[0] != "B" else "C") + code[1:]
    refused = pde(
        "client",
        "--server",
        "http://127.0.0.1:9",
        "--handle",
        handle,
        "--card",
        mistyped,
        "list",
        secret="4827",
    )  # nothing listens there: no request is made
    assert refused.code == 1 and "card code is not right" in refused.err

    with PdeClient(pde_server.url) as client:  # a lost card: the recovery code still opens it
        client.login_with_recovery(handle, recovery_code, "a brand new passphrase")
    assert pde(*base, "list", secret="a brand new passphrase").code == 0
    assert pde(*base, "--card", code, "list", secret="4827").code == 1


def test_a_pin_that_is_not_4_to_8_digits_is_refused_before_anything_changes(
    pde_server: LiveServer, pde: Callable[..., Run]
) -> None:
    handle = f"card-{secrets.token_hex(4)}"
    base = ("client", "--server", pde_server.url, "--handle", handle)
    assert pde(*base, "register").code == 0
    for pin in ("123", "123456789", "12a4"):
        refused = pde(*base, "card", "--pin", pin)
        assert refused.code == 1 and "4 to 8 digits" in refused.err
    assert pde(*base, "list").code == 0
