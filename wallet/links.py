"""What every link a wallet hands out has in common (share links in
share_links, deposit links here): it lives from its creation until it expires,
its owner revokes it or its count is used up; its lifetime is chosen within
limits; it is found by its id only for its owner. Each kind adds its own
counters and its own errors on top."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from wallet.clock import now
from wallet.errors import InvalidRequest, NotFound
from wallet.models import Base, LinkLifetime

ACTIVE, EXPIRED, REVOKED, LOCKED, USED_UP = "active", "expired", "revoked", "locked", "used_up"
MIN_LIFE = timedelta(hours=1)


OwnedLink = TypeVar("OwnedLink", bound=Base)


def check_lifetime(expires_in: timedelta, max_days: int, kind: str) -> None:
    """InvalidRequest unless a link of `kind` ("share") lasts 1 hour to `max_days` days."""
    if not MIN_LIFE <= expires_in <= timedelta(days=max_days):
        raise InvalidRequest(f"A {kind} lasts from 1 hour to {max_days} days.")


def link_state(
    link: LinkLifetime,
    moment: datetime | None = None,
    *,
    locked: bool = False,
    used_up: bool = False,
) -> str:
    """active, or why the link no longer works: the owner's action first, then a
    lock, the end of its time, the end of its count."""
    if link.revoked_at is not None:
        return REVOKED
    if locked:
        return LOCKED
    if (moment or now()) >= link.expires_at:
        return EXPIRED
    if used_up:
        return USED_UP
    return ACTIVE


def revoke(link: LinkLifetime) -> bool:
    """End the link now; True if this call ended it (revoking twice changes nothing)."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = now()
    return True


def find_owned(db: Session, model: type[OwnedLink], link_id: str, account_id: str) -> OwnedLink:
    """The link `link_id` of the wallet `account_id`; NotFound for any other id, so
    another wallet's link looks like one that never existed."""
    link = db.get(model, link_id)
    if link is None or getattr(link, "account_id", None) != account_id:
        raise NotFound()
    return link
