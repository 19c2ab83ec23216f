"""Rate limits (wallet/limits): one suite that both backends pass, memory and
Redis (the real server at 127.0.0.1:6379, under a key prefix of the test's own),
then what only Redis does: limits shared between processes, keys that expire
with their window, and failing closed when it cannot be reached."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from pde.settings import Settings
from tests.redis_support import REDIS_URL, keys_under, redis_prefix, require_redis
from tests.storage.s3server import free_port
from wallet.errors import LimitsUnavailable, RateLimited
from wallet.limits import Counter, Limiter, MemoryLimiter, open_limiter
from wallet.limits.shared import RedisLimiter
from wallet.settings import UnsafeSettings

KEY = bytes(range(32))
WINDOW = 0.2  # seconds: short, so that Redis's own clock moves past it quickly


@dataclass
class Backend:
    limiter: Limiter
    wait: Callable[[float], None]  # let this much time pass for the limiter


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        clock = [0.0]

        def advance(seconds: float) -> None:
            clock[0] += seconds

        yield Backend(MemoryLimiter(KEY, clock=lambda: clock[0]), advance)
        return
    with redis_prefix() as prefix:
        limiter = RedisLimiter(REDIS_URL, KEY, prefix)
        yield Backend(limiter, time.sleep)
        limiter.close()


def login(key: str, limit: int = 3) -> Counter:
    return Counter("login", key, limit, WINDOW)


def take(limiter: Limiter, *counters: Counter) -> bool:
    """Whether an attempt is counted (True) or refused by the limit (False)."""
    try:
        limiter.acquire(*counters)
    except RateLimited:
        return False
    return True


def test_a_key_is_refused_at_its_limit_within_the_window_only(backend: Backend) -> None:
    limiter = backend.limiter
    assert [take(limiter, login("alice")) for _ in range(4)] == [True, True, True, False]
    assert take(limiter, login("bob"))  # another key is not affected
    assert take(limiter, Counter("register", "alice", 3, WINDOW))  # nor another bucket
    backend.wait(WINDOW + 0.05)
    assert take(limiter, login("alice"))  # the window moved on


def test_a_refused_attempt_counts_in_none_of_its_counters(backend: Backend) -> None:
    limiter = backend.limiter
    strict, loose = login("alice", limit=1), login("everyone", limit=2)
    assert take(limiter, strict, loose)
    assert not take(limiter, strict, loose)  # strict is full: loose counts nothing
    assert take(limiter, loose)
    assert not take(limiter, loose)


def test_cancel_takes_back_only_that_attempt_and_reset_forgets_the_key(backend: Backend) -> None:
    limiter = backend.limiter
    first = limiter.acquire(login("alice", 2))
    limiter.acquire(login("alice", 2))
    limiter.cancel(first)
    assert take(limiter, login("alice", 2))  # one place came back
    assert not take(limiter, login("alice", 2))  # and only one
    limiter.reset(login("alice", 2))
    assert take(limiter, login("alice", 2))
    limiter.check_health()


def test_racing_attempts_never_pass_the_limit(backend: Backend) -> None:
    limiter, counted = backend.limiter, []
    counter = Counter("share-open", "203.0.113.9", 7, 60)

    def attempt() -> None:
        counted.append(take(limiter, counter))

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counted.count(True) == 7


def test_counters_acquired_together_count_each_as_its_own_attempt_in_order(
    backend: Backend,
) -> None:
    limiter = backend.limiter
    alice, bob = login("alice", limit=2), login("bob", limit=1)
    outcomes = limiter.acquire_each([alice, bob, alice, bob, alice])
    refused = [isinstance(outcome, RateLimited) for outcome in outcomes]
    assert refused == [False, False, False, True, True]
    assert not take(limiter, alice) and not take(limiter, bob)  # what was counted holds
    assert limiter.acquire_each([]) == []
    backend.wait(WINDOW + 0.05)
    assert take(limiter, alice)


def test_memory_keeps_no_key_in_clear() -> None:
    limiter = MemoryLimiter()
    limiter.acquire(Counter("login-handle", "nadia-42", 3, 60))
    assert all(b"nadia" not in slot for slot in limiter._slots)


def test_memory_drops_slots_whose_window_is_over_under_a_flood_of_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("wallet.limits.memory.MAX_SLOTS", 10)
    clock = [0.0]
    limiter = MemoryLimiter(clock=lambda: clock[0])
    for n in range(10):
        limiter.acquire(Counter("share-open", f"198.51.100.{n}", 30, 60))
    clock[0] = 61.0
    limiter.acquire(Counter("share-open", "203.0.113.9", 30, 60))
    assert len(limiter._slots) == 1


# Redis only --------------------------------------------------------------------------


def test_two_processes_with_the_server_secret_share_every_limit() -> None:
    with redis_prefix() as prefix:
        here, there = RedisLimiter(REDIS_URL, KEY, prefix), RedisLimiter(REDIS_URL, KEY, prefix)
        takes = [take(limiter, login("alice")) for limiter in (here, there) * 2]
        assert takes == [True, True, True, False]
        elsewhere = RedisLimiter(REDIS_URL, bytes(32), prefix)  # another secret: other slots
        assert take(elsewhere, login("alice"))


def test_redis_keeps_keyed_hashes_that_expire_with_their_window() -> None:
    client = require_redis()
    with redis_prefix() as prefix:
        limiter = RedisLimiter(REDIS_URL, KEY, prefix)
        limiter.acquire(Counter("login-handle", "nadia-42", 3, 60))
        [stored] = keys_under(prefix)
        assert b"nadia" not in stored and b"login" not in stored
        assert 0 < client.pttl(stored) <= 60_000
        limiter.acquire(login("alice"))
        time.sleep(WINDOW + 0.05)
        assert keys_under(prefix) == [stored]  # alice's slot is gone with its window
    client.close()


def test_without_redis_logins_and_shares_fail_closed_and_the_rest_count_here() -> None:
    limiter = RedisLimiter(f"redis://127.0.0.1:{free_port()}/0", KEY)
    started = time.monotonic()
    with pytest.raises(LimitsUnavailable):
        limiter.acquire(login("alice"))
    with pytest.raises(LimitsUnavailable):
        limiter.check_health()
    assert time.monotonic() - started < 1.0  # a closed port is known at once
    registrations = [limiter.acquire(login("203.0.113.9", 2), fail_closed=False) for _ in "ab"]
    with pytest.raises(RateLimited):  # still limited, by this process alone
        limiter.acquire(login("203.0.113.9", 2), fail_closed=False)
    unavailable = limiter.acquire_each([login("alice"), login("bob")])  # fail closed too
    assert [type(outcome) for outcome in unavailable] == [LimitsUnavailable] * 2
    limiter.cancel(registrations[0])  # neither raises: the events age out on their own
    limiter.reset(login("alice"))
    limiter.acquire(login("203.0.113.9", 2), fail_closed=False)


def test_a_limiter_finds_redis_again_when_it_comes_back() -> None:
    """A pooled connection that Redis closed (a restart) is reopened, not an outage."""
    client = require_redis()
    with redis_prefix() as prefix:
        limiter = RedisLimiter(REDIS_URL, KEY, prefix)
        limiter.acquire(login("alice"))
        client.client_kill_filter(_id=limiter._redis.client_id())
        limiter.acquire(login("alice"))
        limiter.check_health()
    client.close()


def test_the_settings_choose_the_backend() -> None:
    assert isinstance(open_limiter(Settings()), MemoryLimiter)
    secret = "s" * 32
    shared = open_limiter(Settings(redis_url=REDIS_URL, server_secret=secret))
    assert isinstance(shared, RedisLimiter)
    shared.close()
    with pytest.raises(UnsafeSettings, match="PDE_SERVER_SECRET"):
        open_limiter(Settings(redis_url=REDIS_URL))


def test_the_limit_key_comes_from_the_server_secret_and_differs_from_it() -> None:
    secret = "s" * 32
    one, two = Settings(server_secret=secret), Settings(server_secret=secret)
    assert one.rate_limit_key == two.rate_limit_key != secret.encode()
    assert one.rate_limit_key != one.fake_salt_key
    assert Settings().rate_limit_key != Settings().rate_limit_key  # random without a secret
