"""The Redis server tests share limits through: 127.0.0.1:6379, started with the
machine (and by .ci/run if it stopped). Each test takes a key prefix of its own
and deletes whatever is under it afterwards, so parallel tests never meet and
nothing is left behind."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import redis

from tests.needs import missing

REDIS_URL = "redis://127.0.0.1:6379/0"


def require_redis() -> redis.Redis:
    """A client of the test Redis; fails under CI (which must run every test), else skips."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        missing(f"Redis is not reachable at {REDIS_URL}: {error}")
    return client


@contextlib.contextmanager
def redis_prefix() -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted on exit."""
    client = require_redis()
    prefix = f"pde-test:{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        doomed = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if doomed:
            client.delete(*doomed)
        client.close()


def keys_under(prefix: str) -> list[bytes]:
    """Every key stored under `prefix` now."""
    client = require_redis()
    try:
        return list(client.scan_iter(match=f"{prefix}*", count=1000))
    finally:
        client.close()
