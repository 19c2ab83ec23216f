"""`pde serve --workers N`: above one process, the limits must be shared (Redis) and
the keys the same in every process (the server secret), or it refuses to start.
tests/multiprocess serves with `--workers 2` for real."""

from __future__ import annotations

import pytest

from pde.cli import main


def test_several_workers_without_shared_limits_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PDE_REDIS_URL", raising=False)
    monkeypatch.setenv("PDE_SERVER_SECRET", "s" * 32)
    with pytest.raises(SystemExit, match=r"^error: --workers above 1 needs PDE_REDIS_URL"):
        main(["serve", "--workers", "2"])

    monkeypatch.setenv("PDE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("PDE_SERVER_SECRET")
    with pytest.raises(SystemExit, match="PDE_SERVER_SECRET"):
        main(["serve", "--workers", "2"])


def test_workers_must_be_at_least_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--workers", "0"])
    assert "at least 1" in capsys.readouterr().err
