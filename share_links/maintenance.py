"""Share links' housekeeping, run with the core's every 15 minutes: a share that ended
(expired or revoked) more than 90 days ago goes, its owner's access log with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from share_links.models import Share
from wallet.maintenance import ENDED_KEPT, Removed, removed_rows


def purge_ended_shares(db: Session, at: datetime) -> Removed:
    """Delete shares that ended before `at` - 90 days (their documents and log cascade)."""
    long_ago = at - ENDED_KEPT
    ended = or_(Share.expires_at <= long_ago, Share.revoked_at <= long_ago)
    return {"shares": removed_rows(db, delete(Share).where(ended))}
