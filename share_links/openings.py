"""Counting and logging share openings, with group commit.

Every opening is one UPDATE (the count, which also re-checks revocation,
expiry and the open limit) and one INSERT (the owner's log), durable before
the viewer gets an answer. Committed one by one, 64 viewers at once would
queue on the database's lock and on one disk flush each; here a single writer
thread takes whatever openings are waiting and commits them together, so the
flush is shared and the lock is never fought over.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy import Table, and_, or_
from sqlalchemy.orm import Session, sessionmaker

from share_links.models import Share, ShareEvent
from wallet.clock import now

OPENED = "opened"
BATCH_MAX = 256

# Core statements, not ORM ones: this path runs once per opening.
SHARES: Table = Share.__table__  # type: ignore[assignment]
EVENTS: Table = ShareEvent.__table__  # type: ignore[assignment]


def count_opening(db: Session, share_id: str, moment: datetime) -> int | None:
    """Count one opening and log it, in `db`'s transaction; the new count, or None
    when the share cannot be opened any more (revoked, locked, expired, used up)."""
    c = SHARES.c
    still_open = and_(
        c.id == share_id,
        c.revoked_at.is_(None),
        c.locked.is_(False),
        c.expires_at > moment,
        or_(c.max_opens.is_(None), c.opens < c.max_opens),
    )
    opens = db.scalar(
        SHARES.update().where(still_open).values(opens=c.opens + 1).returning(c.opens)
    )
    if opens is not None:
        db.execute(EVENTS.insert().values(share_id=share_id, event=OPENED, at=moment))
    return opens


class OpeningRecorder:
    """One writer thread that commits the openings waiting together."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._waiting: queue.Queue[tuple[str, Future[int | None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="share-openings", daemon=True)
        self._thread.start()

    def record(self, share_id: str) -> int | None:
        """Count and log one opening (see `count_opening`); returns once committed."""
        done: Future[int | None] = Future()
        self._waiting.put((share_id, done))
        return done.result()

    def close(self) -> None:
        """Finish what is waiting, then stop the writer."""
        self._waiting.put(None)
        self._thread.join(timeout=10)

    def _take_batch(self) -> tuple[list[tuple[str, Future[int | None]]], bool]:
        first = self._waiting.get()
        if first is None:
            return [], True
        batch, stopping = [first], False
        while len(batch) < BATCH_MAX:
            try:
                item = self._waiting.get_nowait()
            except queue.Empty:
                break
            if item is None:
                stopping = True
                break
            batch.append(item)
        return batch, stopping

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._take_batch()
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[tuple[str, Future[int | None]]]) -> None:
        try:
            moment = now()
            with self._sessions() as db:
                counts = [count_opening(db, share_id, moment) for share_id, _ in batch]
                db.commit()
        except Exception as error:  # every waiting viewer gets the error (e.g. database down)
            for _, done in batch:
                done.set_exception(error)
            return
        for (_, done), opens in zip(batch, counts, strict=True):
            done.set_result(opens)
