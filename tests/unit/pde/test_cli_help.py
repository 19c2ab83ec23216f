"""What the `pde` command tells a newcomer: its help names where secrets come
from (PDE_PASSPHRASE, PDE_CARD), the fields a share carries by default and where
data lives (./var); `pde migrate` says what it did to which database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from pde.cli import build_parser
from tests.api.support import Run
from wallet.db import alembic_config, migrate


def help_of(*command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return " ".join(capsys.readouterr().out.split())  # argparse wraps lines: one line


def test_the_client_help_says_where_the_passphrase_and_the_card_come_from(
    capsys: pytest.CaptureFixture[str],
) -> None:
    told = help_of("client", capsys=capsys)
    assert "read from PDE_PASSPHRASE when it is set" in told
    assert "--card CODE (or PDE_CARD)" in told
    assert "at least 12 characters" in told


def test_the_share_help_names_the_fields_that_travel_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    told = help_of("client", "--server", "x", "share", capsys=capsys)
    assert "among title,type,date,issuer,file_name (default: title,type)" in told


@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_serve_and_migrate_say_that_data_lives_in_var(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "./var" in help_of(command, capsys=capsys)


def test_migrate_says_whether_it_created_upgraded_or_left_the_schema(
    pde: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PDE_DATABASE_URL", raising=False)
    new, old = tmp_path / "new", tmp_path / "old"
    scripts = ScriptDirectory.from_config(alembic_config(f"sqlite:///{new}/pde.sqlite3"))
    head = scripts.get_current_head()
    previous = scripts.get_revision(head).down_revision
    migrate(f"sqlite:///{old}/pde.sqlite3", str(previous))  # a database one migration behind

    monkeypatch.setenv("PDE_DATA_DIR", str(new))
    created, again = pde("migrate"), pde("migrate")
    monkeypatch.setenv("PDE_DATA_DIR", str(old))
    upgraded = pde("migrate")

    at = f"at sqlite:///{new}/pde.sqlite3"
    assert created.out == f"created the database schema {at} (revision {head})\n"
    assert again.out == f"the database {at} is up to date (revision {head}): nothing to do\n"
    assert upgraded.out == (
        f"upgraded the database at sqlite:///{old}/pde.sqlite3 from revision {previous} to {head}\n"
    )
