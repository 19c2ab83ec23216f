"""Rate limits in Redis, shared by every process and replica that points at it
(`PDE_REDIS_URL`). Each slot is a sorted set of event ids scored by Redis's own
clock (so replicas with skewed clocks agree), named by a keyed hash (base.py) and
expiring with its newest event's window: nothing outlives its window. One Lua
script trims, checks and counts every counter of an attempt at once, so racing
requests from any number of processes never pass a limit. Redis must keep
nothing on disk (docs/deployment.md)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from wallet.errors import LimitsUnavailable, RateLimited, WalletError
from wallet.limits.base import Attempt, Counter, slot_name
from wallet.limits.memory import MemoryLimiter

log = logging.getLogger("pde.limits")

TIMEOUT_SECONDS = 0.5  # a limit that cannot be counted in this time is unavailable

# KEYS: one slot per counter. ARGV: the event id, then each counter's limit and window
# in microseconds. Returns 0 when counted, else the (1-based) index of a full counter.
ACQUIRE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
for i, slot in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', slot, '-inf', now - tonumber(ARGV[2 * i + 1]))
  if redis.call('ZCARD', slot) >= tonumber(ARGV[2 * i]) then
    return i
  end
end
for i, slot in ipairs(KEYS) do
  redis.call('ZADD', slot, now, ARGV[1])
  redis.call('PEXPIRE', slot, math.ceil(tonumber(ARGV[2 * i + 1]) / 1000))
end
return 0
"""


class RedisLimiter:
    """Sliding-window counters in Redis; limits that may degrade are counted in this
    process (`fallback`) while Redis cannot be reached."""

    def __init__(self, url: str, key: bytes, prefix: str = "pde:limits:") -> None:
        self._key = key
        self._prefix = prefix
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 1),  # once, for a pooled connection Redis closed
        )
        self._acquire = self._redis.register_script(ACQUIRE)
        self.fallback = MemoryLimiter(key)
        self._reachable = True

    def acquire(self, *counters: Counter, fail_closed: bool = True) -> Attempt:
        """See `Limiter.acquire`."""
        attempt = Attempt(counters, secrets.token_hex(8))
        try:
            full = self._acquire(**self._script_values(attempt))
        except redis.RedisError as error:
            self._unreachable(error)
            if fail_closed:
                raise LimitsUnavailable() from error
            return self.fallback.acquire(*counters)
        self._reached()
        if full:
            raise RateLimited()
        return attempt

    def acquire_each(self, counters: Sequence[Counter]) -> list[Attempt | WalletError]:
        """See `Limiter.acquire_each`: the script once per counter, in one pipeline."""
        attempts = [Attempt((counter,), secrets.token_hex(8)) for counter in counters]
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for attempt in attempts:
                    self._acquire(**self._script_values(attempt), client=pipe)
                fulls = pipe.execute()
        except redis.RedisError as error:
            self._unreachable(error)
            return [LimitsUnavailable() for _ in counters]
        self._reached()
        return [RateLimited() if full else a for a, full in zip(attempts, fulls, strict=True)]

    def _script_values(self, attempt: Attempt) -> dict[str, list[Any]]:
        """The ACQUIRE script's keys and arguments for `attempt`."""
        args: list[Any] = [attempt.event_id]
        for counter in attempt.counters:
            args += [counter.limit, round(counter.window_seconds * 1_000_000)]
        return {"keys": [self._name(c) for c in attempt.counters], "args": args}

    def cancel(self, attempt: Attempt) -> None:
        """See `Limiter.cancel`: in Redis, or in the fallback that counted it."""
        self.fallback.cancel(attempt)
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                for counter in attempt.counters:
                    pipe.zrem(self._name(counter), attempt.event_id)
                pipe.execute()
        except redis.RedisError as error:  # the event ages out with its window
            self._unreachable(error)

    def reset(self, counter: Counter) -> None:
        """See `Limiter.reset`."""
        self.fallback.reset(counter)
        try:
            self._redis.delete(self._name(counter))
        except redis.RedisError as error:  # the events age out with their window
            self._unreachable(error)

    def check_health(self) -> None:
        """Redis must answer now."""
        try:
            self._redis.ping()
        except redis.RedisError as error:
            self._unreachable(error)
            raise LimitsUnavailable() from error
        self._reached()

    def close(self) -> None:
        """Close the connections to Redis."""
        self._redis.close()

    def _name(self, counter: Counter) -> str:
        return self._prefix + slot_name(self._key, counter).hex()

    def _unreachable(self, error: redis.RedisError) -> None:
        if self._reachable:  # once per outage, not once per request
            log.error("rate limits unavailable: Redis failed (%s)", type(error).__name__)
        self._reachable = False

    def _reached(self) -> None:
        if not self._reachable:
            log.warning("rate limits available again: Redis answers")
        self._reachable = True
