"""Staff housekeeping, run with the core's every 15 minutes: sessions past their
absolute timeout or idle for a day (the longest idle timeout allowed) go, and so
do used TOTP steps older than any code still accepted. The audit log is never
touched."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from day_centres.models import StaffSession, UsedTotpStep
from wallet.maintenance import Removed, removed_rows

IDLE_AT_MOST = timedelta(days=1)  # PDE_STAFF_SESSION_IDLE_MINUTES is at most a day
STEPS_KEPT = timedelta(minutes=10)  # a code is accepted for 90 seconds at most


def purge_staff_sessions_and_steps(db: Session, at: datetime) -> Removed:
    """Delete ended staff sessions and TOTP steps that no code can match any more."""
    ended = or_(StaffSession.expires_at <= at, StaffSession.last_seen_at <= at - IDLE_AT_MOST)
    return {
        "staff_sessions": removed_rows(db, delete(StaffSession).where(ended)),
        "totp_steps": removed_rows(
            db, delete(UsedTotpStep).where(UsedTotpStep.used_at <= at - STEPS_KEPT)
        ),
    }
