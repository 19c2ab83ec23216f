"""What every handed-out link shares (wallet/links.py): its lifetime is chosen
within limits, its state puts the owner's revocation first, revoking twice
changes nothing, and another wallet's link is not found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wallet.errors import InvalidRequest, NotFound
from wallet.links import (
    ACTIVE,
    EXPIRED,
    LOCKED,
    REVOKED,
    USED_UP,
    check_lifetime,
    find_owned,
    link_state,
    revoke,
)
from wallet.models import DepositLink

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def link(**changes: object) -> DepositLink:
    fields: dict[str, object] = {
        "id": "L" * 22,
        "account_id": "A" * 22,
        "label_box": b"x",
        "created_at": NOW - timedelta(hours=1),
        "expires_at": NOW + timedelta(hours=1),
        "revoked_at": None,
        "max_files": 3,
        "files": 0,
    }
    return DepositLink(**(fields | changes))


@pytest.mark.parametrize("hours", [1, 24, 30 * 24])
def test_a_lifetime_from_one_hour_to_the_maximum_is_accepted(hours):
    check_lifetime(timedelta(hours=hours), 30, "share")


@pytest.mark.parametrize("expires_in", [timedelta(minutes=59), timedelta(days=30, seconds=1)])
def test_a_lifetime_outside_the_limits_is_refused_naming_the_kind_and_the_maximum(expires_in):
    with pytest.raises(InvalidRequest, match="A deposit link lasts from 1 hour to 30 days"):
        check_lifetime(expires_in, 30, "deposit link")


@pytest.mark.parametrize(
    ("changes", "flags", "state"),
    [
        ({}, {}, ACTIVE),
        ({"revoked_at": NOW}, {"locked": True, "used_up": True}, REVOKED),
        ({"expires_at": NOW}, {"locked": True}, LOCKED),
        ({"expires_at": NOW}, {"used_up": True}, EXPIRED),
        ({}, {"used_up": True}, USED_UP),
    ],
)
def test_the_state_puts_revocation_then_lock_then_expiry_then_count(changes, flags, state):
    assert link_state(link(**changes), NOW, **flags) == state


def test_revoking_twice_keeps_the_first_time():
    door = link()
    assert revoke(door) is True
    first = door.revoked_at
    assert revoke(door) is False and door.revoked_at == first


class OneLinkSession:
    """Just enough of a database session for find_owned: one stored link."""

    def __init__(self, stored: DepositLink) -> None:
        self.stored = stored

    def get(self, model: type, key: str) -> DepositLink | None:
        return self.stored if key == self.stored.id else None


def test_a_link_is_found_only_for_its_owner():
    door = link()
    db = OneLinkSession(door)
    assert find_owned(db, DepositLink, door.id, door.account_id) is door  # type: ignore[arg-type]
    for link_id, owner in ((door.id, "B" * 22), ("M" * 22, door.account_id)):
        with pytest.raises(NotFound):
            find_owned(db, DepositLink, link_id, owner)  # type: ignore[arg-type]
