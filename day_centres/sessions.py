"""Staff sessions: 256-bit random tokens in a cookie scoped to `/staff`, kept as
SHA-256 only, with idle and absolute timeouts (PDE_STAFF_SESSION_*). A session
is first half open ("code" or "enrol": the password was right, the second
factor is awaited, for at most PENDING_MINUTES) and then full; each stage gets
a new token, so a token seen before the second factor opens nothing after it.
Disabling an account or resetting its TOTP ends all its sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import b64u_encode, new_id
from day_centres.errors import LoginRequired
from day_centres.models import StaffAccount, StaffSession
from day_centres.settings import StaffSettings
from wallet.clock import now

STAGES = ("code", "enrol", "full")
PENDING_MINUTES = 10  # to type the second factor, or to enrol, after the password
LAST_SEEN_RESOLUTION = timedelta(seconds=30)  # spare the database a write per request


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def csrf_token(token: str) -> str:
    """The session's anti-forgery token for its forms: derived from the cookie's
    token, which a page of another site can neither read nor send (SameSite=Strict)."""
    mac = hmac.new(token.encode(), b"pde/v1/staff-csrf", hashlib.sha256).digest()
    return b64u_encode(mac[:24])


def open_session(
    db: Session, settings: StaffSettings, account: StaffAccount, stage: str
) -> tuple[str, StaffSession]:
    """A new session at `stage` for `account`; returns the cookie's token (never stored)."""
    assert stage in STAGES
    token = secrets.token_urlsafe(32)
    moment = now()
    lifetime = (
        timedelta(hours=settings.staff_session_absolute_hours)
        if stage == "full"
        else timedelta(minutes=PENDING_MINUTES)
    )
    session = StaffSession(
        id=new_id(),
        staff_id=account.id,
        token_hash=token_hash(token),
        stage=stage,
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + lifetime,
    )
    db.add(session)
    return token, session


def authenticate(db: Session, settings: StaffSettings, token: str | None) -> StaffSession:
    """The live session of a cookie's token; LoginRequired if none, ended, timed out,
    or its account disabled."""
    if not token or len(token) > 100:
        raise LoginRequired()
    session = db.scalar(select(StaffSession).where(StaffSession.token_hash == token_hash(token)))
    if session is None:
        raise LoginRequired()
    moment = now()
    idle_limit = session.last_seen_at + timedelta(minutes=settings.staff_session_idle_minutes)
    if moment >= session.expires_at or moment >= idle_limit or session.staff.disabled:
        db.delete(session)
        db.commit()
        raise LoginRequired()
    if moment - session.last_seen_at >= LAST_SEEN_RESOLUTION:
        session.last_seen_at = moment
    return session


def end_session(db: Session, session: StaffSession) -> None:
    db.execute(delete(StaffSession).where(StaffSession.id == session.id))


def end_session_of_token(db: Session, token: str | None) -> None:
    """End the session of a cookie's token, if it has one (a new login replaces it)."""
    if token and len(token) <= 100:
        db.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def end_all(db: Session, staff_id: str) -> None:
    """End every session of an account (disabled, or its TOTP reset)."""
    db.execute(delete(StaffSession).where(StaffSession.staff_id == staff_id))
