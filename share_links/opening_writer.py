"""The writer of share openings: one thread per process that takes whatever
attempts are waiting and commits them together (share_links/openings.py says
what one attempt does in the database).

Each attempt and the owner's log of it are durable before the viewer gets an
answer. Committed one by one, 64 viewers at once would queue on the database's
lock and on one disk flush each; committed together, they share the flush and
never fight over the lock.
Attempts of a batch that follow one another on one share with the same tokens
(a crowd opening one link) are alike: after the first is counted, each of the
others would meet the same row but for its count of openings. When the first
opened, the others are therefore counted at once, as many as the open limit
leaves room for, by one more UPDATE: the share's row is locked for two
statements, not one per viewer, which is what two processes wait on each
other for. Each viewer still gets the count its own opening made, and the
outcomes are those of the attempts written one by one.
An attempt may come with its viewer's limit on openings still to count (the
route found the share kept and its link right, and went no further): the
writer counts the batch's limits first, in one trip to the limiter's backend
(Redis, with several processes), and an attempt over its limit is refused
before anything is compared.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from share_links import openings
from share_links.openings import LOG_EVENTS, Attempt, LogLine
from share_links.share_cache import ShareCache
from wallet.clock import now
from wallet.errors import WalletError
from wallet.events import WalletEvents
from wallet.limits import Counter, Limiter

BATCH_MAX = 256
DEADLOCK_TRIES = 3


@dataclass(frozen=True)
class Waiting:
    """An attempt waiting for the writer: the share, the presented link and access
    tokens' hashes, the wrong-attempt limit, where its outcome goes, and the
    viewer's limit on openings if it is still to be counted."""

    share_id: str
    hashes: tuple[bytes, bytes]
    limit: int
    done: Future[Attempt | None]
    counter: Counter | None = None

    def alike(self, other: Waiting) -> bool:
        """Whether both would be compared and counted the same way."""
        return (self.share_id, self.hashes, self.limit) == (
            other.share_id,
            other.hashes,
            other.limit,
        )


class OpeningRecorder:
    """One writer thread that commits the attempts waiting together (counting the
    viewers' limits they bring with `limiter`); and what this process keeps of the
    shares it opened (`shares`, share_links/share_cache.py)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        limiter: Limiter,
        events: WalletEvents | None = None,
        shares: ShareCache | None = None,
    ) -> None:
        self._sessions = sessions
        self._limiter = limiter
        self._events = events
        self.shares = shares if shares is not None else ShareCache()
        self._waiting: queue.Queue[Waiting | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="share-openings", daemon=True)
        self._thread.start()

    async def attempt(
        self,
        share_id: str,
        hashes: tuple[bytes, bytes],
        limit: int,
        counter: Counter | None = None,
    ) -> Attempt | None:
        """Compare and count one attempt (see `openings.attempt_opening`); returns once committed,
        awaited by the event loop without holding a thread. With `counter`, the
        viewer's limit is counted first: over it, the limiter's error is raised."""
        done: Future[Attempt | None] = Future()
        self._waiting.put(Waiting(share_id, hashes, limit, done, counter))
        # Shielded: a request cancelled meanwhile still has its attempt committed and told.
        return await asyncio.shield(asyncio.wrap_future(done))

    def close(self) -> None:
        """Finish what is waiting, then stop the writer."""
        self._waiting.put(None)
        self._thread.join(timeout=10)

    def _take_batch(self) -> tuple[list[Waiting], bool]:
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
            self._run_batch(batch)

    def _run_batch(self, batch: list[Waiting]) -> None:
        try:
            admitted = self._within_limits(batch)
        except Exception as error:  # every viewer of the batch gets it; the writer goes on
            self._fail(batch, error)
            return
        if admitted:
            self._commit(admitted)

    def _within_limits(self, batch: list[Waiting]) -> list[Waiting]:
        """Count the limits the batch's attempts bring, all at once; refuse those over
        theirs (or all of them, failing closed, while the limiter is unreachable)."""
        counters = [waiting.counter for waiting in batch if waiting.counter is not None]
        if not counters:
            return batch
        counted = iter(self._limiter.acquire_each(counters))
        admitted = []
        for waiting in batch:
            outcome = next(counted) if waiting.counter is not None else None
            if isinstance(outcome, WalletError):
                waiting.done.set_exception(outcome)
            else:
                admitted.append(waiting)
        return admitted

    def _commit(self, batch: list[Waiting]) -> None:
        # In share id order (stable: one share's attempts keep their order), so that
        # two processes' batches lock the shares' rows in one order; a deadlock
        # PostgreSQL still finds (the indicators' counters are locked in between) is
        # rolled back whole and the batch is written again.
        order = sorted(range(len(batch)), key=lambda n: batch[n].share_id)
        runs = _runs_alike(batch, order)
        outcomes: list[Attempt | None] = [None] * len(batch)
        for tries_left in reversed(range(DEADLOCK_TRIES)):
            try:
                moment = now()
                log: list[LogLine] = []
                with self._sessions() as db:
                    for run in runs:
                        written = self._write_run(db, [batch[n] for n in run], moment, log)
                        for n, outcome in zip(run, written, strict=True):
                            outcomes[n] = outcome
                    if log:  # the whole batch's lines in one statement
                        db.connection().execute(LOG_EVENTS, log)
                    db.commit()
                break
            except DBAPIError as error:
                if tries_left and _deadlocked(error):
                    continue
                self._fail(batch, error)
                return
            except Exception as error:  # every waiting viewer gets the error (e.g. database down)
                self._fail(batch, error)
                return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            if not waiting.done.cancelled():  # never: attempt() shields it; the writer must go on
                waiting.done.set_result(outcome)

    def _write_run(
        self, db: Session, run: list[Waiting], moment: datetime, log: list[LogLine]
    ) -> list[Attempt | None]:
        """The outcomes of a run of attempts alike, in order (see above): after a first
        opening, the others at once; after a refusal, the same refusal (nothing
        changed); after a wrong token counted, each in turn (the lock comes nearer)."""
        first = run[0]
        outcome = openings.attempt_opening(
            db, first.share_id, first.hashes, first.limit, moment, log, self._events
        )
        if outcome is None:
            return [None] * len(run)
        if len(run) == 1:
            return [outcome]
        if outcome.matched:
            more = openings.more_openings(
                db, first.share_id, outcome, len(run) - 1, moment, log, self._events
            )
            return [outcome, *more]
        return [outcome] + [
            openings.attempt_opening(db, w.share_id, w.hashes, w.limit, moment, log, self._events)
            for w in run[1:]
        ]

    @staticmethod
    def _fail(batch: list[Waiting], error: Exception) -> None:
        for waiting in batch:
            if not waiting.done.done():
                waiting.done.set_exception(error)


def _runs_alike(batch: list[Waiting], order: list[int]) -> list[list[int]]:
    """`order` cut into runs of consecutive attempts alike."""
    runs: list[list[int]] = []
    for n in order:
        if runs and batch[runs[-1][0]].alike(batch[n]):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _deadlocked(error: DBAPIError) -> bool:
    """PostgreSQL chose this transaction to break a deadlock (or a serialization failure)."""
    return getattr(error.orig, "sqlstate", None) in {"40P01", "40001"}
