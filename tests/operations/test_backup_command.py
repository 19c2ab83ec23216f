"""`pde backup DIR` and `pde restore DIR` as an operator runs them: one line on
success, one line starting "error:" and exit code 1 on a refusal, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pde.cli import main


def test_backup_and_restore_answer_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PDE_DATABASE_URL", raising=False)
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "server"))
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["backup", str(tmp_path / "backup")]) == 0
    told = capsys.readouterr().out
    assert told.startswith("backed up the sqlite database") and told.count("\n") == 1

    assert main(["backup", str(tmp_path / "backup")]) == 1
    error = capsys.readouterr().err
    assert error == f"error: {tmp_path / 'backup'} is not empty: back up into a new folder\n"

    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path / "restored"))
    assert main(["restore", str(tmp_path / "backup")]) == 0
    assert capsys.readouterr().out.startswith("restored the sqlite database")
    assert main(["restore", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'nowhere'} is not a folder\n"
