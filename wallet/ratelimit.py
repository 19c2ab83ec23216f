"""In-memory rate limits on logins and registrations. Keys (handles, client
addresses) are kept only as keyed hashes, only in memory, only for the window:
nothing about who tried what is ever written to disk."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from wallet.errors import RateLimited


class RateLimiter:
    """Sliding-window counters per (bucket, key), pruned as they age out."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._key = secrets.token_bytes(32)
        self._events: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _slot(self, bucket: str, key: str) -> bytes:
        return hmac.new(self._key, f"{bucket}\x00{key}".encode(), hashlib.sha256).digest()

    def _recent(self, slot: bytes, window: float, now: float) -> deque[float]:
        events = self._events.setdefault(slot, deque())
        while events and events[0] <= now - window:
            events.popleft()
        return events

    def check(self, bucket: str, key: str, limit: int, window_seconds: float) -> None:
        """Raise RateLimited when `key` already has `limit` events in the window."""
        with self._lock:
            now = self._clock()
            if len(self._recent(self._slot(bucket, key), window_seconds, now)) >= limit:
                raise RateLimited()

    def record(self, bucket: str, key: str) -> None:
        """Count one event (a failed login, a registration) for `key`."""
        with self._lock:
            self._events.setdefault(self._slot(bucket, key), deque()).append(self._clock())
            if len(self._events) > 100_000:  # bound memory under a flood of distinct keys
                self._prune()

    def reset(self, bucket: str, key: str) -> None:
        """Forget `key`'s events (after a successful login)."""
        with self._lock:
            self._events.pop(self._slot(bucket, key), None)

    def _prune(self) -> None:
        now = self._clock()
        for slot in [s for s, ev in self._events.items() if not ev or ev[-1] < now - 3600]:
            del self._events[slot]
