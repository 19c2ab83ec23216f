"""Housekeeping the server runs at start and then every hour: abandoned
uploads, ended sessions, shares that ended more than 90 days ago (their
owner's log with them) and recovery requests opened more than 90 days ago
(with the shares released to them) are removed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import delete, or_

from wallet.clock import now
from wallet.models import AuthSession, RecoveryRequest, Share
from wallet.runtime import Runtime
from wallet.services.uploads import purge_abandoned_uploads

log = logging.getLogger("pde.maintenance")
INTERVAL_SECONDS = 3600
ENDED_SHARES_KEPT = timedelta(days=90)  # also recovery requests, counted from opening


def run_once(runtime: Runtime) -> None:
    """One round of housekeeping; failures are logged and retried next round."""
    try:
        with runtime.db() as db:
            purged = purge_abandoned_uploads(db, runtime.blobs, runtime.settings)
            idle_cutoff = now() - timedelta(minutes=runtime.settings.session_idle_minutes)
            db.execute(
                delete(AuthSession).where(
                    or_(AuthSession.expires_at <= now(), AuthSession.last_seen_at <= idle_cutoff)
                )
            )
            long_ago = now() - ENDED_SHARES_KEPT
            db.execute(
                delete(Share).where(or_(Share.expires_at <= long_ago, Share.revoked_at <= long_ago))
            )
            db.execute(delete(RecoveryRequest).where(RecoveryRequest.opens_at <= long_ago))
            db.commit()
        if purged:
            log.info("discarded %d abandoned uploads", purged)
    except Exception as error:  # housekeeping must never stop the server
        log.warning("housekeeping failed: %s", type(error).__name__)


@contextlib.asynccontextmanager
async def housekeeping(runtime: Runtime) -> AsyncIterator[None]:
    """Run `run_once` now and every hour while the application lives."""

    async def loop() -> None:
        while True:
            await asyncio.to_thread(run_once, runtime)
            await asyncio.sleep(INTERVAL_SECONDS)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
