"""What one attempt at a share does in the database (share_links/openings.py),
with a fake session: the others of a crowd's run, counted at once after a first
opening, open as many as the open limit leaves room for (tests/api/
test_share_pin_race.py runs it on real databases)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from share_links import openings
from share_links.openings import Attempt

MOMENT = datetime(2026, 12, 6, tzinfo=UTC)


def opening(opens: int, max_opens: int | None = None) -> Attempt:
    return Attempt(True, opens, 0, False, MOMENT, max_opens, MOMENT, 1, None)


class Connection:
    def __init__(self) -> None:
        self.executed: list[dict[str, Any]] = []

    def execute(self, statement: object, values: dict[str, Any]) -> None:
        self.executed.append(values)


class Session:
    def __init__(self) -> None:
        self.bound = Connection()

    def connection(self) -> Connection:
        return self.bound


@pytest.mark.parametrize(
    ("first", "count", "opens"),
    [
        (opening(1), 3, [2, 3, 4]),  # no open limit: all open
        (opening(1, max_opens=3), 4, [2, 3, None, None]),  # room for two more
        (opening(3, max_opens=3), 2, [None, None]),  # the first took the last
    ],
)
def test_more_openings_open_as_many_as_the_limit_leaves_and_refuse_the_rest(
    first: Attempt, count: int, opens: list[int | None]
) -> None:
    db, log = Session(), []
    made = openings.more_openings(db, "s", first, count, MOMENT, log)  # type: ignore[arg-type]
    assert [attempt.opens if attempt else None for attempt in made] == opens
    room = sum(attempt is not None for attempt in made)
    assert db.bound.executed == ([{"b_share_id": "s", "b_count": room}] if room else [])
    assert log == [{"share_id": "s", "event": openings.OPENED, "at": MOMENT}] * room
