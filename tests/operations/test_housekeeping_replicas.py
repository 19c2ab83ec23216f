"""Housekeeping with two replicas on one PostgreSQL database (docker-compose.yml runs
PDE's loop in both): one round at a time, so an abandoned upload is discarded once
and its quota given back once, and a replica that finds a round running skips its
own."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from crypto.stream import ciphertext_size
from pde.settings import Settings
from tests.pg import temporary_database
from tests.unit.wallet.test_housekeeping import make_account, start_upload
from wallet import maintenance
from wallet.db import make_engine, migrate, session_factory
from wallet.models import Account, Document
from wallet.runtime import Runtime
from wallet.storage.local import LocalBlobStore


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with temporary_database("pde_housekeeping") as url:
        migrate(url)
        yield url


def replica(url: str, blobs: Path) -> Runtime:
    """One app replica's runtime: its own engine on the shared database and store."""
    settings = Settings(database_url=url, data_dir=blobs.parent)
    engine = make_engine(url)
    return Runtime(settings, engine, session_factory(engine), LocalBlobStore(blobs))


@pytest.fixture
def replicas(database: str, tmp_path: Path) -> Iterator[tuple[Runtime, Runtime]]:
    pair = (replica(database, tmp_path / "blobs"), replica(database, tmp_path / "blobs"))
    yield pair
    for runtime in pair:
        runtime.engine.dispose()


def abandoned_upload(runtime: Runtime) -> tuple[str, str]:
    """A wallet holding one fresh upload and one abandoned: (account id, abandoned id)."""
    with runtime.db() as db:
        account = make_account(db)
        start_upload(runtime, db, account)
        stale = start_upload(runtime, db, account)
        stale.updated_at -= timedelta(hours=runtime.settings.upload_abandoned_hours + 1)
        db.commit()
        return account.id, stale.id


def test_a_round_running_on_one_replica_makes_the_other_skip_its_own(
    replicas: tuple[Runtime, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    first, second = replicas
    account_id, stale_id = abandoned_upload(first)
    inside, release = threading.Event(), threading.Event()

    def slow_task(_: Session, __: datetime) -> None:
        inside.set()
        assert release.wait(10)

    caplog.set_level(logging.INFO, logger="pde.maintenance")
    running = threading.Thread(target=maintenance.run_once, args=(first, [slow_task]))
    running.start()
    assert inside.wait(10)
    maintenance.run_once(second)  # while the first replica's round is running
    release.set()
    running.join(10)

    messages = [record.getMessage() for record in caplog.records]
    assert "housekeeping skipped: another process is running it" in messages
    assert not [m for m in messages if m.startswith("housekeeping failed")]
    with first.db() as db:
        assert db.get(Document, stale_id) is None
        assert db.get(Account, account_id).used_bytes == ciphertext_size(10_000)


def test_both_replicas_racing_give_the_quota_back_once(
    replicas: tuple[Runtime, Runtime], caplog: pytest.LogCaptureFixture
) -> None:
    first, _ = replicas
    uploads = [abandoned_upload(first) for _ in range(5)]
    start = threading.Barrier(2)

    def round_on(runtime: Runtime) -> None:
        start.wait(10)
        maintenance.run_once(runtime)

    threads = [threading.Thread(target=round_on, args=(runtime,)) for runtime in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert not [r for r in caplog.records if r.getMessage().startswith("housekeeping failed")]
    with first.db() as db:
        for account_id, stale_id in uploads:
            assert db.get(Document, stale_id) is None
            assert db.get(Account, account_id).used_bytes == ciphertext_size(10_000)


def test_the_lock_is_given_back_after_a_round(replicas: tuple[Runtime, Runtime]) -> None:
    first, second = replicas
    maintenance.run_once(first)
    with second.engine.connect() as connection:
        key = {"key": maintenance.ROUND_LOCK}
        assert connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), key) is True
        connection.scalar(text("SELECT pg_advisory_unlock(:key)"), key)
