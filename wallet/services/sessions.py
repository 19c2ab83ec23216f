"""Login sessions: 256-bit random tokens stored as SHA-256, with idle and
absolute timeouts, listed and ended by their owner."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import new_id
from wallet.clock import now
from wallet.errors import NotAuthenticated, NotFound
from wallet.models import Account, AuthSession
from wallet.settings import WalletSettings

LAST_SEEN_RESOLUTION = timedelta(seconds=30)  # spare the database a write per request


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def create_session(
    db: Session,
    settings: WalletSettings,
    account: Account,
    *,
    recovery: bool = False,
    client: str = "",
) -> tuple[str, AuthSession]:
    """Open a session for `account`; returns its bearer token (shown once) and the session."""
    token = secrets.token_urlsafe(32)
    moment = now()
    session = AuthSession(
        id=new_id(),
        account_id=account.id,
        token_hash=_hash(token),
        client=client[:40],
        recovery=recovery,
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + timedelta(hours=settings.session_absolute_hours),
    )
    db.add(session)
    return token, session


def authenticate(db: Session, settings: WalletSettings, token: str | None) -> AuthSession:
    """The live session for a bearer token; NotAuthenticated if none, ended or timed out."""
    if not token:
        raise NotAuthenticated()
    session = db.scalar(select(AuthSession).where(AuthSession.token_hash == _hash(token)))
    moment = now()
    if session is None:
        raise NotAuthenticated()
    idle_limit = session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    if moment >= session.expires_at or moment >= idle_limit:
        raise NotAuthenticated("Your session ended. Please log in again.")
    if moment - session.last_seen_at >= LAST_SEEN_RESOLUTION:
        session.last_seen_at = moment
    return session


def list_sessions(db: Session, account_id: str) -> list[AuthSession]:
    """The owner's sessions, newest first."""
    query = select(AuthSession).where(AuthSession.account_id == account_id)
    return list(db.scalars(query.order_by(AuthSession.created_at.desc())))


def end_session(db: Session, account_id: str, session_id: str) -> None:
    """End one of the owner's sessions (another wallet's id is NotFound)."""
    result = db.execute(
        delete(AuthSession).where(
            AuthSession.id == session_id, AuthSession.account_id == account_id
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound()


def end_other_sessions(db: Session, account_id: str, keep_session_id: str) -> None:
    """End every session of the account but the current one (after a passphrase change)."""
    db.execute(
        delete(AuthSession).where(
            AuthSession.account_id == account_id, AuthSession.id != keep_session_id
        )
    )
