"""Housekeeping the server runs at start and then every 15 minutes: abandoned
uploads, ended sessions, files still being sent through expired deposit links,
deposit links and recovery requests ended more than 90 days ago (with the shares
released to them) are removed, and how many of each kind goes to the log, one
line per kind (counts only, never an id). Packages above add their own tasks
(share_links.maintenance, day_centres.maintenance), which `create_app` passes in:
the core never imports them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Delete, Engine, delete, or_, text
from sqlalchemy.orm import Session

from wallet.clock import now
from wallet.models import AuthSession, RecoveryRequest
from wallet.runtime import Runtime
from wallet.services.deposits import purge_ended_links
from wallet.services.direct_uploads import abort_orphaned_multipart_uploads
from wallet.services.documents import delete_blobs
from wallet.services.uploads import purge_abandoned_uploads

log = logging.getLogger("pde.maintenance")
INTERVAL_SECONDS = 900  # every 15 minutes: a depositor's unsent files go within the hour
ENDED_KEPT = timedelta(days=90)  # ended shares, links and recovery requests, then they go
# PostgreSQL advisory lock of a housekeeping round (any constant, the same in every replica).
ROUND_LOCK = 0x5044_4500_0001

# What a round removed: kind (a fixed word, e.g. "sessions") -> how many.
Removed = Mapping[str, int]
# A package's housekeeping: given a session and the time now, delete what has ended
# and say how many of each kind (None: it does not say).
HousekeepingTask = Callable[[Session, datetime], Removed | None]


def removed_rows(db: Session, statement: Delete) -> int:
    """Run a DELETE; how many rows it removed."""
    result: Any = db.execute(statement)
    return int(result.rowcount)


def _purge_ended_sessions_and_requests(db: Session, runtime: Runtime, at: datetime) -> Removed:
    idle_cutoff = at - timedelta(minutes=runtime.settings.session_idle_minutes)
    ended = or_(AuthSession.expires_at <= at, AuthSession.last_seen_at <= idle_cutoff)
    return {
        "sessions": removed_rows(db, delete(AuthSession).where(ended)),
        "recovery_requests": removed_rows(
            db, delete(RecoveryRequest).where(RecoveryRequest.opens_at <= at - ENDED_KEPT)
        ),
    }


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


def run_once(runtime: Runtime, tasks: Sequence[HousekeepingTask] = ()) -> Removed | None:
    """One round of housekeeping, the core's and `tasks`, unless another process is
    running one (then nothing is removed); failures are logged and retried next
    round. Returns what was removed, or None after a failure."""
    try:
        with one_round_at_a_time(runtime.engine) as mine:
            if not mine:
                log.info("housekeeping skipped: another process is running it")
                return {}
            removed = _round(runtime, tasks)
    except Exception as error:  # housekeeping must never stop the server
        log.warning("housekeeping failed: %s", type(error).__name__)
        return None
    for kind, count in removed.items():
        log.info(
            "housekeeping removed", extra={"event": "housekeeping", "kind": kind, "count": count}
        )
    return removed


def _round(runtime: Runtime, tasks: Sequence[HousekeepingTask]) -> Removed:
    removed: dict[str, int] = {}
    with runtime.db() as db:
        owners, depositors = purge_abandoned_uploads(db, runtime.blobs, runtime.settings)
        removed |= {"abandoned_uploads": owners, "abandoned_deposits": depositors}
        # direct transfers: the object store's side of uploads no document waits for
        removed["multipart_uploads"] = abort_orphaned_multipart_uploads(
            db, runtime.settings, runtime.blobs
        )
        at = now()
        links = purge_ended_links(db, at, at - ENDED_KEPT)
        removed |= {"expired_link_deposits": links.files, "deposit_links": links.links}
        removed |= _purge_ended_sessions_and_requests(db, runtime, at)
        for task in tasks:
            removed |= task(db, at) or {}
        db.commit()
    delete_blobs(runtime.blobs, links.leftovers)
    return removed


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
