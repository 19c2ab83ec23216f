"""Rate limits and lockouts, behind one interface (`Limiter`) with two backends:
this process's memory (the embedded default) and Redis (`PDE_REDIS_URL`), which
every process and replica shares. Every limit on logins, registrations, share
openings, recovery requests, deposits… is counted through `runtime.limiter`."""

from __future__ import annotations

from wallet.limits.base import Attempt, Counter, Limiter, uncounted_if_refused
from wallet.limits.memory import MemoryLimiter
from wallet.settings import UnsafeSettings, WalletSettings

__all__ = [
    "Attempt",
    "Counter",
    "Limiter",
    "MemoryLimiter",
    "open_limiter",
    "uncounted_if_refused",
]


def open_limiter(settings: WalletSettings) -> Limiter:
    """The limiter chosen by `PDE_REDIS_URL`: Redis when set, else this process's memory."""
    if not settings.redis_url:
        return MemoryLimiter(settings.rate_limit_key)
    if not settings.server_secret.get_secret_value():
        raise UnsafeSettings(
            "PDE_REDIS_URL needs PDE_SERVER_SECRET: every process must name the limits alike"
        )
    from wallet.limits.shared import RedisLimiter

    return RedisLimiter(settings.redis_url, settings.rate_limit_key, settings.redis_key_prefix)
