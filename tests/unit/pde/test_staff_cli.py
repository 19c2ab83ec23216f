"""`pde staff create-operator | list | disable`, run in-process on a migrated
SQLite database of its own (PDE_DATA_DIR): the first operator is made from the
terminal with a password asked twice, a QR code on the terminal and in a PNG only
its owner can read, a first code checked and ten recovery codes printed once;
every mistake is one line and a non-zero exit, and leaves nothing behind."""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest

from day_centres import accounts, audit
from pde import staff_commands
from pde.settings import Settings
from tests.api.support import Run
from tests.staff_support import database
from wallet.db import migrate

PASSWORD = "violet tram under the bridge"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("PDE_DATABASE_URL", "PDE_BLOB_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)
    migrate(Settings().sqlalchemy_url)
    yield tmp_path


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """What the person types: answers to `ask` (a code may be a function of the
    secret shown) and to `ask_secret`, in order."""

    def typed(*lines: str | Callable[[], str], secrets: tuple[str, ...] = ()) -> None:
        answers, hidden = list(lines), list(secrets)

        def ask(prompt: str) -> str:
            answer = answers.pop(0)
            return answer() if callable(answer) else answer

        monkeypatch.setattr(staff_commands, "ask", ask)
        monkeypatch.setattr(staff_commands, "ask_secret", lambda prompt: hidden.pop(0))

    return typed


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def known_secret(monkeypatch: pytest.MonkeyPatch) -> Callable[[], str]:
    """The enrolment's secret made known, and the code an app would show for it now."""
    monkeypatch.setattr(accounts, "new_secret", lambda: SECRET)
    return lambda: str(pyotp.TOTP(SECRET).now())


def test_create_operator_enrols_prints_the_codes_once_and_writes_a_private_png(
    data_dir: Path,
    terminal: Callable[..., None],
    pde: Callable[..., Run],
    known_secret: Callable[[], str],
) -> None:
    terminal("Olga Operator", "123", known_secret, secrets=(PASSWORD, PASSWORD))
    run = pde("staff", "create-operator")
    assert run.code == 0, run.err
    codes = [line.strip() for line in run.out.splitlines()[1:]]
    assert len(codes) == 10 and all(len(code) == 19 for code in codes)
    assert "█" in run.err and "MF4M" not in run.err and "JBSW Y3DP" in run.err
    assert "This code is not right" in run.err  # the first try, then the right code
    png = data_dir / staff_commands.QR_FILE
    assert png.read_bytes().startswith(b"\x89PNG")
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    if decoded.returncode == 0:  # zbarimg is there (make system-deps installs it)
        assert decoded.stdout.startswith("otpauth://totp/PDE:Olga%20Operator?secret=")
    listed = pde("staff", "list")
    assert listed.out == "Olga Operator\toperator\t-\tactive\n"
    with database(Settings().sqlalchemy_url) as db:
        logged = [(e.actor_name, e.action) for e in audit.entries(db, limit=5)]
        assert logged == [("pde staff", "account_created"), ("Olga Operator", "totp_enrolled")]
        [account] = accounts.list_accounts(db)
        assert accounts.recovery_codes_left(db, account) == 10


@pytest.mark.parametrize(
    ("lines", "secrets", "error"),
    [
        (("x",), (), "error: name: A name has 2 to 64 letters"),
        (("Olga",), ("short",), "error: password: A password has at least 12 characters."),
        (("Olga",), ("password1234",), "error: password: This password is too common"),
        (("Olga",), (PASSWORD, PASSWORD + "!"), "error: the two passwords differ"),
        (("Olga", "000000", "111111", "222222"), (PASSWORD, PASSWORD), "error: no right code"),
    ],
)
def test_create_operator_stops_in_one_line_and_creates_nothing(
    data_dir: Path,
    terminal: Callable[..., None],
    pde: Callable[..., Run],
    lines: tuple[str, ...],
    secrets: tuple[str, ...],
    error: str,
) -> None:
    terminal(*lines, secrets=secrets)
    run = pde("staff", "create-operator")
    assert run.code == 1
    assert run.err.strip().splitlines()[-1].startswith(error), run.err
    assert "Traceback" not in run.err
    assert pde("staff", "list").out == ""


def test_disable_ends_an_account_and_says_so_once(data_dir: Path, pde: Callable[..., Run]) -> None:
    with database(Settings().sqlalchemy_url) as db:
        accounts.create_account(db, "Olga Operator", PASSWORD, "operator")
    run = pde("staff", "disable", "olga operator")
    assert (run.code, run.out) == (0, "Olga Operator is disabled; their sessions ended\n")
    assert pde("staff", "disable", "Olga Operator").out == "Olga Operator was already disabled\n"
    assert pde("staff", "list").out == "Olga Operator\toperator\t-\tdisabled\n"
    missing = pde("staff", "disable", "Nobody")
    assert missing.code == 1
    assert missing.err == "error: no staff account is named 'Nobody' (see: pde staff list)\n"


def test_staff_commands_on_an_unmigrated_database_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pde: Callable[..., Run]
) -> None:
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("PDE_DATABASE_URL", raising=False)
    run = pde("staff", "list")
    assert run.code == 1
    assert run.err.startswith("error: database schema is at nothing") and "pde migrate" in run.err
