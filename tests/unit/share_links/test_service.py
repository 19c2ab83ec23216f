"""The rules of shares that need no server: which state a share is in (the
owner's revocation first, then a lock, then the expiry, then the open limit),
and the durations the command line accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from client.shares import parse_duration
from share_links.models import Share
from share_links.service import STATE_ERRORS, share_state

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def share(**changes: object) -> Share:
    """An active share: an hour left, 1 of 3 openings used, not locked or revoked."""
    fields: dict[str, object] = {
        "id": "A" * 22,
        "account_id": "B" * 22,
        "created_at": NOW - timedelta(hours=1),
        "expires_at": NOW + timedelta(hours=1),
        "max_opens": 3,
        "opens": 1,
        "locked": False,
        "revoked_at": None,
    }
    return Share(**(fields | changes))


REVOKED = {"revoked_at": NOW - timedelta(minutes=1)}
LOCKED = {"locked": True}
EXPIRED = {"expires_at": NOW - timedelta(seconds=1)}
USED_UP = {"opens": 3}


@pytest.mark.parametrize(
    ("changes", "state"),
    [
        ({}, "active"),
        (USED_UP, "used_up"),
        (EXPIRED, "expired"),
        (EXPIRED | USED_UP, "expired"),
        (LOCKED, "locked"),
        (LOCKED | EXPIRED | USED_UP, "locked"),
        (REVOKED, "revoked"),
        (REVOKED | LOCKED | EXPIRED | USED_UP, "revoked"),
    ],
)
def test_the_state_names_the_owners_revocation_first_then_lock_expiry_and_use(
    changes: dict[str, object], state: str
) -> None:
    assert share_state(share(**changes), NOW) == state


def test_a_share_expires_at_its_expiry_exactly() -> None:
    assert share_state(share(expires_at=NOW + timedelta(microseconds=1)), NOW) == "active"
    assert share_state(share(expires_at=NOW), NOW) == "expired"


def test_a_share_is_used_up_at_its_last_allowed_opening_and_never_without_a_limit() -> None:
    assert share_state(share(opens=2), NOW) == "active"
    assert share_state(share(opens=3), NOW) == "used_up"
    assert share_state(share(opens=4), NOW) == "used_up"
    assert share_state(share(max_opens=None, opens=10_000), NOW) == "active"


def test_every_state_but_active_has_its_own_error() -> None:
    codes = {state: error.code for state, error in STATE_ERRORS.items()}
    assert codes == {
        "revoked": "share_revoked",
        "locked": "share_locked",
        "expired": "share_expired",
        "used_up": "share_used_up",
    }
    assert {error.status for error in STATE_ERRORS.values()} == {410, 423}


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90m", 5400),
        ("12h", 43200),
        ("7d", 604800),
        ("30s", 30),
        ("3600", 3600),
        (" 2H ", 7200),
        ("1.5h", 5400),
        ("30d", 2592000),
    ],
)
def test_a_duration_is_minutes_hours_days_or_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["", " ", "h", "soon", "7x", "7 days", "1h30m", "nan", "infh", "1e300d"]
)
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)
