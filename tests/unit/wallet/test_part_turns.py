"""A part sent ahead waits for its turn (wallet/services/part_turns.py): woken at
once when the part before it ends in this process, told to give up when that part
was dropped, when another part of the upload waits already, or when it has waited
too long; looking again every POLL_SECONDS when nothing wakes it."""

from __future__ import annotations

import asyncio
import time

import pytest

from wallet.services import part_turns
from wallet.services.part_turns import PartTurns


def waiting_part(turns: PartTurns, key: str = "u1") -> asyncio.Task[bool]:
    return asyncio.get_running_loop().create_task(turns.wait(key, time.monotonic()))


@pytest.mark.anyio
@pytest.mark.parametrize("recorded", [True, False])
async def test_a_waiting_part_is_woken_at_once_and_told_how_the_part_before_ended(
    recorded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(part_turns, "POLL_SECONDS", 30.0)  # only the wake can end it
    turns = PartTurns()
    waiting = waiting_part(turns)
    await asyncio.sleep(0)
    turns.ended("u2", recorded=not recorded)  # another upload's part: not this one's turn
    turns.ended("u1", recorded=recorded)
    assert await asyncio.wait_for(waiting, 1) is recorded


@pytest.mark.anyio
async def test_with_nothing_to_wake_it_a_part_looks_again_after_a_poll() -> None:
    turns = PartTurns()
    started = time.monotonic()
    assert await turns.wait("u1", started) is True
    assert part_turns.POLL_SECONDS <= time.monotonic() - started < 1
    turns.ended("u1", recorded=False)  # nobody waits now: nothing is kept for later
    assert await turns.wait("u1", time.monotonic()) is True


@pytest.mark.anyio
async def test_a_second_part_of_the_same_upload_does_not_wait_beside_the_first() -> None:
    turns = PartTurns()
    first = waiting_part(turns)
    await asyncio.sleep(0)
    assert await turns.wait("u1", time.monotonic()) is False
    assert await turns.wait("u2", time.monotonic()) is True  # other uploads wait as ever
    assert await first is True


@pytest.mark.anyio
async def test_a_part_that_waited_too_long_gives_up() -> None:
    turns = PartTurns()
    assert await turns.wait("u1", time.monotonic() - part_turns.WAIT_SECONDS - 1) is False


def test_a_part_waits_for_the_one_before_to_start_only_a_moment() -> None:
    now = time.monotonic()
    assert part_turns.may_start_soon(now)
    assert not part_turns.may_start_soon(now - part_turns.START_SECONDS - 0.01)
