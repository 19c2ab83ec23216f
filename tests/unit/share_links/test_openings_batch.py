"""The writer of share openings (share_links/openings.py) commits a batch in share id
order, so two processes' batches lock the shares' rows in one order; a batch that
PostgreSQL rolls back to break a deadlock is written again whole, and any other
error reaches every viewer of the batch (found by bench/load.py: two server
processes opening the same shares deadlocked, and each batch's viewers got 503)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from share_links.openings import DEADLOCK_TRIES, OpeningRecorder, Waiting


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


def batch_of(share_ids: list[str], written: list[str]) -> list[Waiting]:
    def write_for(share_id: str) -> Any:
        def write(db: object, moment: datetime, log: list[dict[str, Any]]) -> Any:
            written.append(share_id)
            return share_id  # stands for the attempt's outcome

        return write

    return [(share_id, write_for(share_id), Future()) for share_id in share_ids]


@pytest.fixture
def recorder() -> Iterator[OpeningRecorder]:
    made = OpeningRecorder(FakeDatabase([]).session)  # type: ignore[arg-type]
    yield made
    made.close()


def test_a_batch_is_written_in_share_id_order_and_each_viewer_gets_its_own_outcome(
    recorder: OpeningRecorder,
) -> None:
    written: list[str] = []
    batch = batch_of(["c", "a", "b", "a"], written)
    recorder._sessions = FakeDatabase([]).session  # type: ignore[assignment]
    recorder._commit(batch)
    assert written == ["a", "a", "b", "c"]
    assert [done.result() for _, _, done in batch] == ["c", "a", "b", "a"]


def test_a_deadlocked_batch_is_written_again_whole(recorder: OpeningRecorder) -> None:
    written: list[str] = []
    database = FakeDatabase(["40P01"])
    recorder._sessions = database.session  # type: ignore[assignment]
    batch = batch_of(["b", "a"], written)
    recorder._commit(batch)
    assert database.commits == 2
    assert written == ["a", "b", "a", "b"]
    assert [done.result() for _, _, done in batch] == ["b", "a"]


def test_a_batch_deadlocked_every_time_or_failing_otherwise_fails_for_every_viewer(
    recorder: OpeningRecorder,
) -> None:
    for failures, commits in ((["40P01"] * DEADLOCK_TRIES, DEADLOCK_TRIES), (["53300"], 1)):
        database = FakeDatabase(failures)
        recorder._sessions = database.session  # type: ignore[assignment]
        batch = batch_of(["a", "b"], [])
        recorder._commit(batch)
        assert database.commits == commits
        for _, _, done in batch:
            with pytest.raises(OperationalError):
                done.result()
