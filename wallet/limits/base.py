"""What every limiter backend shares: the counters it keeps, the attempt it hands
back, and how a (bucket, key) becomes a slot name. Handles and client addresses
are never kept in clear: a slot is a keyed hash of them, with a key derived from
the server's secret, so two processes (or replicas) name the same slot alike
and nobody who reads the store learns who tried what."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from wallet.errors import WalletError


@dataclass(frozen=True)
class Counter:
    """One limit on one key: at most `limit` events in any `window_seconds`."""

    bucket: str  # what is limited: "login-handle", "share-open", …
    key: str  # whom it counts: a handle's lookup key, a client address, an account id
    limit: int
    window_seconds: float


@dataclass(frozen=True)
class Attempt:
    """The events one `acquire` counted, one per counter, all under one id."""

    counters: tuple[Counter, ...]
    event_id: str


class Limiter(Protocol):
    """Sliding-window rate limits. `acquire` checks and counts in one step, so racing
    requests (from however many processes share the backend) never pass a limit."""

    def acquire(self, *counters: Counter, fail_closed: bool = True) -> Attempt:
        """Count one event in every counter, or raise RateLimited and count nothing
        when any of them already has its limit of events in its window.

        When the backend cannot be reached: with `fail_closed` (limits that stand
        between a guesser and a secret: logins, share PINs) raise LimitsUnavailable;
        without, count in this process alone rather than refuse everyone."""
        ...

    def acquire_each(self, counters: Sequence[Counter]) -> list[Attempt | WalletError]:
        """Count each counter as an event of its own: requests that wait together,
        counted in one trip to the backend. For each, its Attempt, or the error
        `acquire` would raise for it alone, failing closed (RateLimited;
        LimitsUnavailable while the backend cannot be reached)."""
        ...

    def cancel(self, attempt: Attempt) -> None:
        """Take back the attempt's events (it turned out not to be one to count)."""
        ...

    def reset(self, counter: Counter) -> None:
        """Forget every event of `counter`'s key (after a successful login)."""
        ...

    def check_health(self) -> None:
        """Raise LimitsUnavailable unless limits can be counted now."""
        ...


def slot_name(key: bytes, counter: Counter) -> bytes:
    """The keyed hash naming `counter`'s slot: the same in every process holding `key`."""
    message = f"{counter.bucket}\x00{counter.key}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()[:16]


@contextmanager
def uncounted_if_refused(limiter: Limiter, attempt: Attempt) -> Iterator[None]:
    """Take `attempt` back if the block is refused (raises a WalletError) for another
    reason than the limit: an unknown link or a full wallet is not one to count."""
    try:
        yield
    except WalletError:
        limiter.cancel(attempt)
        raise
