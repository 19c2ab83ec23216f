"""Rate limits in this process's memory: the embedded default, for one process.
Slots are keyed hashes (base.py), held only for their window: nothing about who
tried what is ever written to disk. Several processes each count on their own,
multiplying every limit: they share limits through Redis (shared.py) instead."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wallet.errors import RateLimited, WalletError
from wallet.limits.base import Attempt, Counter, slot_name

MAX_SLOTS = 100_000  # past this many keys, slots whose window is over are dropped


@dataclass
class _Slot:
    events: deque[tuple[float, str]] = field(default_factory=deque)  # (time, event id)
    ends: float = 0.0  # when its newest event leaves the window

    def recent(self, window: float, now: float) -> deque[tuple[float, str]]:
        while self.events and self.events[0][0] <= now - window:
            self.events.popleft()
        return self.events


class MemoryLimiter:
    """Sliding-window counters per slot, pruned as they age out."""

    def __init__(self, key: bytes | None = None, clock: Callable[[], float] = time.monotonic):
        self._key = key or secrets.token_bytes(32)
        self._slots: dict[bytes, _Slot] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def acquire(self, *counters: Counter, fail_closed: bool = True) -> Attempt:
        """See `Limiter.acquire`; memory is always reachable."""
        attempt = Attempt(counters, secrets.token_hex(8))
        with self._lock:
            now = self._clock()
            slots = [self._slots.setdefault(self._slot(c), _Slot()) for c in counters]
            for slot, counter in zip(slots, counters, strict=True):
                if len(slot.recent(counter.window_seconds, now)) >= counter.limit:
                    raise RateLimited()
            for slot, counter in zip(slots, counters, strict=True):
                slot.events.append((now, attempt.event_id))
                slot.ends = max(slot.ends, now + counter.window_seconds)
            if len(self._slots) > MAX_SLOTS:  # bound memory under a flood of distinct keys
                self._prune(now)
        return attempt

    def acquire_each(self, counters: Sequence[Counter]) -> list[Attempt | WalletError]:
        """See `Limiter.acquire_each`."""
        outcomes: list[Attempt | WalletError] = []
        for counter in counters:
            try:
                outcomes.append(self.acquire(counter))
            except RateLimited as refused:
                outcomes.append(refused)
        return outcomes

    def cancel(self, attempt: Attempt) -> None:
        """See `Limiter.cancel`."""
        with self._lock:
            for counter in attempt.counters:
                slot = self._slots.get(self._slot(counter))
                if slot is not None:
                    slot.events = deque(e for e in slot.events if e[1] != attempt.event_id)

    def reset(self, counter: Counter) -> None:
        """See `Limiter.reset`."""
        with self._lock:
            self._slots.pop(self._slot(counter), None)

    def check_health(self) -> None:
        """Memory is always there."""

    def _slot(self, counter: Counter) -> bytes:
        return slot_name(self._key, counter)

    def _prune(self, now: float) -> None:
        for name in [name for name, slot in self._slots.items() if slot.ends <= now]:
            del self._slots[name]
