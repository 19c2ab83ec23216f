"""Housekeeping the server runs at start and then every 15 minutes: abandoned
uploads, ended sessions and recovery requests opened more than 90 days ago
(with the shares released to them) are removed. Packages above add their own
tasks (share_links.maintenance), which `create_app` passes in: the core never
imports them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, or_, text
from sqlalchemy.orm import Session

from wallet.clock import now
from wallet.models import AuthSession, RecoveryRequest
from wallet.runtime import Runtime
from wallet.services.uploads import purge_abandoned_uploads

log = logging.getLogger("pde.maintenance")
INTERVAL_SECONDS = 900  # every 15 minutes: a depositor's unsent files go within the hour
ENDED_KEPT = timedelta(days=90)  # ended shares and recovery requests, then they go
# PostgreSQL advisory lock of a housekeeping round (any constant, the same in every replica).
ROUND_LOCK = 0x5044_4500_0001

# A package's housekeeping: given a session and the time now, delete what has ended.
HousekeepingTask = Callable[[Session, datetime], None]


def _purge_ended_sessions_and_requests(db: Session, runtime: Runtime, at: datetime) -> None:
    idle_cutoff = at - timedelta(minutes=runtime.settings.session_idle_minutes)
    db.execute(
        delete(AuthSession).where(
            or_(AuthSession.expires_at <= at, AuthSession.last_seen_at <= idle_cutoff)
        )
    )
    db.execute(delete(RecoveryRequest).where(RecoveryRequest.opens_at <= at - ENDED_KEPT))


@contextlib.contextmanager
def one_round_at_a_time(engine: Engine) -> Iterator[bool]:
    """Whether this process may run a round now. On PostgreSQL, several replicas share
    the database: a session advisory lock, held on its own connection for the round,
    lets one round run at a time, and a replica that finds it taken skips its round
    (the other is doing the work). SQLite lives on one machine, whose file lock
    already serialises writers."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        lock = {"key": ROUND_LOCK}
        taken = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), lock))
        try:
            yield taken
        finally:
            if taken:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), lock)


def run_once(runtime: Runtime, tasks: Sequence[HousekeepingTask] = ()) -> None:
    """One round of housekeeping, the core's and `tasks`, unless another process is
    running one; failures are logged and retried next round."""
    try:
        with one_round_at_a_time(runtime.engine) as mine:
            if mine:
                _round(runtime, tasks)
            else:
                log.info("housekeeping skipped: another process is running it")
    except Exception as error:  # housekeeping must never stop the server
        log.warning("housekeeping failed: %s", type(error).__name__)


def _round(runtime: Runtime, tasks: Sequence[HousekeepingTask]) -> None:
    with runtime.db() as db:
        purged = purge_abandoned_uploads(db, runtime.blobs, runtime.settings)
        at = now()
        _purge_ended_sessions_and_requests(db, runtime, at)
        for task in tasks:
            task(db, at)
        db.commit()
    if purged:
        log.info("discarded %d abandoned uploads", purged)


@contextlib.asynccontextmanager
async def housekeeping(
    runtime: Runtime, tasks: Sequence[HousekeepingTask] = ()
) -> AsyncIterator[None]:
    """Run `run_once` now and every INTERVAL_SECONDS while the application lives."""

    async def loop() -> None:
        while True:
            await asyncio.to_thread(run_once, runtime, tasks)
            await asyncio.sleep(INTERVAL_SECONDS)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
