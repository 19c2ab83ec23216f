"""bench/load.py cannot rot: a handful of people for a few seconds, with short
think times, on everything the full run uses (PostgreSQL, ministack, Redis,
`pde serve --workers 2`); every operation is timed and nothing fails."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.pg import temporary_database
from tests.redis_support import require_redis
from tests.server import REPO_ROOT
from tests.storage.s3server import require_ministack

OPERATIONS = (
    "login start",
    "login",
    "list",
    "upload declare",
    "upload part",
    "upload complete",
    "download",
    "share open",
    "share download",
    "logout",
)


@pytest.mark.postgres
def test_a_short_load_run_times_every_operation_and_fails_nothing() -> None:
    require_ministack()
    require_redis().close()
    with temporary_database("pde_reach"):  # skips (fails under CI) without PostgreSQL
        pass
    command = [sys.executable, "bench/load.py", "--users", "4", "--seconds", "4"]
    command += ["--warmup", "1", "--think", "0.02,0.1"]
    run = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    for operation in OPERATIONS:
        row = re.search(rf"^{operation} +(\d+) +(\d+) +(\d+) +0$", run.stdout, re.MULTILINE)
        assert row, f"no row for {operation!r}:\n{run.stdout}"
        assert int(row.group(1)) > 0
    assert "(5xx and dropped: 0)" in run.stdout
    workers = re.findall(r"^worker \d+: RSS .* growth [+-][\d.]+ MiB$", run.stdout, re.MULTILINE)
    assert len(workers) == 2
