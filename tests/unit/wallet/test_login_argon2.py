"""Logins under load (bench/load.py found them starving the database pool): the
Argon2id check of a login runs after the session's read transaction has ended, so
no database connection waits on it, and a process runs at most ARGON2_SLOTS checks
at once, however many logins arrive together."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.unit.wallet.test_housekeeping import make_account
from wallet.errors import InvalidCredentials
from wallet.limits import MemoryLimiter
from wallet.runtime import Runtime
from wallet.services import accounts


def test_the_login_check_holds_no_database_transaction(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.db() as db:
        handle = make_account(db).handle
        db.commit()
    seen: list[bool] = []

    def check(stored: str, secret: bytes) -> bool:
        seen.append(db.in_transaction())
        return True

    monkeypatch.setattr(accounts, "check_verifier", check)
    with runtime.db() as db:
        account = accounts.verify_login(
            db,
            runtime.settings,
            MemoryLimiter(b"k" * 32),
            handle=handle,
            secret=bytes(32),
            client_key="10.0.0.1",
        )
        assert account.handle == handle  # read again after the check
    assert seen == [False]


def test_at_most_one_argon2_check_per_core_runs_at_once(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "ARGON2_SLOTS", threading.BoundedSemaphore(2))
    running, most = 0, 0
    lock = threading.Lock()

    def slow_check(stored: str, secret: bytes) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return False

    monkeypatch.setattr(accounts, "check_verifier", slow_check)

    def attempt(n: int) -> None:
        with runtime.db() as db, pytest.raises(InvalidCredentials):
            accounts.verify_login(
                db,
                runtime.settings,
                MemoryLimiter(b"k" * 32),
                handle=f"nobody-{n}",
                secret=bytes(32),
                client_key=f"10.0.0.{n}",
            )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempt, range(8)))
    assert most == 2
