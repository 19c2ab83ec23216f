"""The writer of share openings (share_links/opening_writer.py) commits a batch in share id
order, so two processes' batches lock the shares' rows in one order; a batch that
PostgreSQL rolls back to break a deadlock is written again whole, and any other
error reaches every viewer of the batch (found by bench/load.py: two server
processes opening the same shares deadlocked, and each batch's viewers got 503).
Consecutive attempts alike (one share, the same tokens) are written as a run: after
a first opening the others are counted at once, as the open limit allows.
The database is faked here; tests/api/test_share_pin_race.py runs a real one."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from share_links import openings
from share_links.opening_writer import DEADLOCK_TRIES, OpeningRecorder, Waiting
from share_links.openings import Attempt
from wallet.errors import RateLimited
from wallet.limits import Counter
from wallet.limits.memory import MemoryLimiter

RIGHT, WRONG = (b"link", b"right"), (b"link", b"wrong")
MOMENT = datetime(2026, 12, 6, tzinfo=UTC)


class Refused(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


class FakeDatabase:
    """Sessions whose commit fails with each planned SQLSTATE in turn, then succeeds."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        self.commits = 0

    @contextmanager
    def session(self) -> Iterator[Any]:
        database = self

        class Session:
            def commit(self) -> None:
                database.commits += 1
                if database.failures:
                    code = database.failures.pop(0)
                    raise OperationalError("COMMIT", {}, Refused(code))

        yield Session()


def opening(opens: int, max_opens: int | None = None, matched: bool = True) -> Attempt:
    return Attempt(matched, opens, 0, False, MOMENT, max_opens, MOMENT, 1, None)


def batch_of(share_ids: list[str], hashes: tuple[bytes, bytes] = RIGHT) -> list[Waiting]:
    return [Waiting(share_id, hashes, 5, Future()) for share_id in share_ids]


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The share ids the writer compared one attempt of, in order; each compared
    attempt opens (a first opening), or with a wrong token counts one wrong
    attempt that names its share (see `shown`)."""
    compared: list[str] = []

    def attempt_opening(db: object, share_id: str, hashes: Any, *_: Any) -> Attempt:
        compared.append(share_id)
        return (
            opening(1) if hashes == RIGHT else replace(opening(0, matched=False), centre=share_id)
        )

    monkeypatch.setattr(openings, "attempt_opening", attempt_opening)
    return compared


@pytest.fixture
def recorder() -> Iterator[OpeningRecorder]:
    made = OpeningRecorder(FakeDatabase([]).session, MemoryLimiter())  # type: ignore[arg-type]
    yield made
    made.close()


def shown(outcome: Attempt | None) -> int | str | None:
    """An opening's count, a wrong attempt's share, or None (refused)."""
    if outcome is None:
        return None
    return outcome.opens if outcome.matched else str(outcome.centre)


def outcomes(batch: list[Waiting]) -> list[Any]:
    return [shown(waiting.done.result()) for waiting in batch]


def test_a_batch_is_written_in_share_id_order_and_each_viewer_gets_its_own_outcome(
    recorder: OpeningRecorder, written: list[str]
) -> None:
    batch = batch_of(["c", "a", "b", "a"], WRONG)
    recorder._commit(batch)
    assert written == ["a", "a", "b", "c"]
    assert outcomes(batch) == ["c", "a", "b", "a"]


def test_a_deadlocked_batch_is_written_again_whole(
    recorder: OpeningRecorder, written: list[str]
) -> None:
    database = FakeDatabase(["40P01"])
    recorder._sessions = database.session  # type: ignore[assignment]
    batch = batch_of(["b", "a"], WRONG)
    recorder._commit(batch)
    assert database.commits == 2
    assert written == ["a", "b", "a", "b"]
    assert outcomes(batch) == ["b", "a"]


def test_a_batch_deadlocked_every_time_or_failing_otherwise_fails_for_every_viewer(
    recorder: OpeningRecorder, written: list[str]
) -> None:
    for failures, commits in ((["40P01"] * DEADLOCK_TRIES, DEADLOCK_TRIES), (["53300"], 1)):
        database = FakeDatabase(failures)
        recorder._sessions = database.session  # type: ignore[assignment]
        batch = batch_of(["a", "b"], WRONG)
        recorder._commit(batch)
        assert database.commits == commits
        for waiting in batch:
            with pytest.raises(OperationalError):
                waiting.done.result()


def test_a_crowd_on_one_link_compares_one_attempt_and_counts_the_others_with_it(
    recorder: OpeningRecorder, written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[tuple[str, int]] = []

    def more_openings(db: object, share_id: str, first: Attempt, count: int, *_: Any) -> Any:
        counted.append((share_id, count))
        return [replace(first, opens=first.opens + n) for n in range(1, count + 1)]

    monkeypatch.setattr(openings, "more_openings", more_openings)
    batch = batch_of(["a", "b", "a", "a"]) + batch_of(["a"], WRONG) + batch_of(["a"])
    recorder._commit(batch)
    # share a: a run of three alike, the wrong token, then one alike again; share b alone
    assert written == ["a", "a", "a", "b"]
    assert counted == [("a", 2)]
    assert outcomes(batch) == [1, 1, 2, 3, "a", 1]


def test_a_run_refused_at_its_first_attempt_is_refused_whole(
    recorder: OpeningRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[str] = []

    def refused(db: object, share_id: str, *_: Any) -> None:
        compared.append(share_id)

    monkeypatch.setattr(openings, "attempt_opening", refused)
    batch = batch_of(["a"] * 4)
    recorder._commit(batch)
    assert compared == ["a"] and outcomes(batch) == [None] * 4


def test_attempts_over_their_viewers_limit_are_refused_before_any_is_compared(
    recorder: OpeningRecorder, written: list[str]
) -> None:
    one_a_minute = Counter("share-open", "203.0.113.9", 1, 60)
    batch = [replace(waiting, counter=one_a_minute) for waiting in batch_of(["a", "b"], WRONG)]
    batch += batch_of(["c"], WRONG)  # its limit was counted already (the share was read)
    recorder._run_batch(batch)
    assert written == ["a", "c"]
    assert outcomes([batch[0], batch[2]]) == ["a", "c"]
    with pytest.raises(RateLimited):
        batch[1].done.result()


def test_a_limiter_that_fails_fails_its_batch_and_the_writer_goes_on(
    recorder: OpeningRecorder, written: list[str]
) -> None:
    class Broken(MemoryLimiter):
        def acquire_each(self, counters: object) -> Any:
            raise RuntimeError("the limiter broke")

    recorder._limiter = Broken()
    counter = Counter("share-open", "x", 5, 60)
    batch = [replace(w, counter=counter) for w in batch_of(["a"])] + batch_of(["b"], WRONG)
    recorder._run_batch(batch)  # as the writer thread does: it returns
    for waiting in batch:
        with pytest.raises(RuntimeError, match="the limiter broke"):
            waiting.done.result()
    assert written == []
    failing = replace(batch_of(["c"])[0], counter=counter)
    recorder._waiting.put(failing)  # through the writer thread itself
    with pytest.raises(RuntimeError, match="the limiter broke"):
        failing.done.result(timeout=10)
    recorder._limiter = MemoryLimiter()
    later = replace(batch_of(["d"], WRONG)[0], counter=counter)
    recorder._waiting.put(later)  # the thread still takes what comes
    assert shown(later.done.result(timeout=10)) == "d"
