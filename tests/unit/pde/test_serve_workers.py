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


def test_workers_are_given_time_to_start_on_a_busy_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uvicorn replaces a worker that does not answer its ping in time: with its 5 s
    default, workers still importing on a loaded machine were replaced forever."""
    given: dict[str, object] = {}
    monkeypatch.setenv("PDE_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PDE_SERVER_SECRET", "s" * 32)
    monkeypatch.setattr("uvicorn.run", lambda *_, **options: given.update(options))
    monkeypatch.setattr("pde.cli.shared_metrics_folder", lambda: None)
    assert main(["serve", "--workers", "2"]) == 0
    assert given["workers"] == 2
    assert given["timeout_worker_healthcheck"] == 60
