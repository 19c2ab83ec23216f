"""Counting attempts and openings of shares, with group commit.

Every attempt at a share's access token is counted before the token is
compared (one conditional UPDATE that refuses once the wrong attempts reach
the limit), so that however many viewers race, at most that many wrong tokens
are ever compared; a right token gives its attempt back as it counts the
opening. Every opening is one UPDATE (the count, which also re-checks
revocation, expiry and the open limit) and one INSERT (the owner's log),
durable before the viewer gets an answer. Committed one by one, 64 viewers at once would
queue on the database's lock and on one disk flush each; here a single writer
thread takes whatever openings are waiting and commits them together, so the
flush is shared and the lock is never fought over.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy import Table, and_, case, or_
from sqlalchemy.orm import Session, sessionmaker

from share_links.models import Share, ShareEvent
from wallet.clock import now

OPENED = "opened"
BATCH_MAX = 256

# Core statements, not ORM ones: this path runs once per opening.
SHARES: Table = Share.__table__  # type: ignore[assignment]
EVENTS: Table = ShareEvent.__table__  # type: ignore[assignment]


def claim_attempt(db: Session, share_id: str, limit: int) -> int | None:
    """Count one attempt at the access token, before it is compared, in `db`'s
    transaction: the attempts counted (this one included), or None when the share
    takes no more (locked, or `limit` attempts already counted)."""
    c = SHARES.c
    takes_more = and_(c.id == share_id, c.locked.is_(False), c.wrong_accesses < limit)
    claimed = db.scalar(
        SHARES.update()
        .where(takes_more)
        .values(wrong_accesses=c.wrong_accesses + 1)
        .returning(c.wrong_accesses)
    )
    return int(claimed) if claimed is not None else None


def give_back_attempt(db: Session, share_id: str) -> None:
    """Uncount an attempt whose token was right (when no opening takes it back)."""
    c = SHARES.c
    db.execute(
        SHARES.update()
        .where(c.id == share_id, c.wrong_accesses > 0)
        .values(wrong_accesses=c.wrong_accesses - 1)
    )


def count_opening(db: Session, share_id: str, moment: datetime) -> int | None:
    """Count one opening, give back the attempt its right token claimed, and log it,
    in `db`'s transaction; the new count, or None when the share cannot be opened
    any more (revoked, locked, expired, used up): then the attempt is given back alone."""
    c = SHARES.c
    still_open = and_(
        c.id == share_id,
        c.revoked_at.is_(None),
        c.locked.is_(False),
        c.expires_at > moment,
        or_(c.max_opens.is_(None), c.opens < c.max_opens),
    )
    given_back = case((c.wrong_accesses > 0, c.wrong_accesses - 1), else_=0)
    opens = db.scalar(
        SHARES.update()
        .where(still_open)
        .values(opens=c.opens + 1, wrong_accesses=given_back)
        .returning(c.opens)
    )
    if opens is None:
        give_back_attempt(db, share_id)
        return None
    db.execute(EVENTS.insert().values(share_id=share_id, event=OPENED, at=moment))
    return int(opens)


# One write of the batch: given the session and the batch's time, its answer.
Write = Callable[[Session, datetime], int | None]


class OpeningRecorder:
    """One writer thread that commits the attempts and openings waiting together."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._waiting: queue.Queue[tuple[Write, Future[int | None]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="share-openings", daemon=True)
        self._thread.start()

    def claim(self, share_id: str, limit: int) -> int | None:
        """Count one attempt before its token is compared (see `claim_attempt`);
        returns once committed, so other processes count it too."""
        return self._submit(lambda db, _: claim_attempt(db, share_id, limit))

    def record(self, share_id: str) -> int | None:
        """Count and log one opening (see `count_opening`); returns once committed."""
        return self._submit(lambda db, moment: count_opening(db, share_id, moment))

    def _submit(self, write: Write) -> int | None:
        done: Future[int | None] = Future()
        self._waiting.put((write, done))
        return done.result()

    def close(self) -> None:
        """Finish what is waiting, then stop the writer."""
        self._waiting.put(None)
        self._thread.join(timeout=10)

    def _take_batch(self) -> tuple[list[tuple[Write, Future[int | None]]], bool]:
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

    def _commit(self, batch: list[tuple[Write, Future[int | None]]]) -> None:
        try:
            moment = now()
            with self._sessions() as db:
                counts = [write(db, moment) for write, _ in batch]
                db.commit()
        except Exception as error:  # every waiting viewer gets the error (e.g. database down)
            for _, done in batch:
                done.set_exception(error)
            return
        for (_, done), opens in zip(batch, counts, strict=True):
            done.set_result(opens)
