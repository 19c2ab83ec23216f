"""Shares, the viewer's side: whoever holds the link (and the PIN) opens the
share, gets a short-lived view token and reads the shared documents' ciphertext,
and nothing else. Every attempt is counted before its token is compared
(share_links/openings.py); counters change with single UPDATE statements, so two
viewers racing for the last opening cannot both win."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding
from crypto.share import access_token_matches, is_valid_id
from share_links.errors import (
    ShareLocked,
    ShareNotFound,
    ShareUsedUp,
    ShareViewExpired,
    ShareWrongAccess,
)
from share_links.models import Share, ShareDocument
from share_links.openings import OpeningRecorder, claim_attempt, count_opening
from share_links.service import (
    LOCKED_EVENT,
    STATE_ERRORS,
    WRONG_ACCESS,
    log_event,
    share_state,
)
from share_links.settings import ShareSettings
from wallet.clock import now
from wallet.errors import NotFound, RateLimited, WalletError
from wallet.links import ACTIVE, EXPIRED, REVOKED
from wallet.models import Document
from wallet.ratelimit import RateLimiter
from wallet.services.documents import READY

CLAIM_TRIES, CLAIM_WAIT_SECONDS = 40, 0.05  # attempts in flight end within milliseconds


@dataclass(frozen=True)
class OpenedDocument:
    """A shared document as the viewer receives it: sealed for the share."""

    document_id: str
    wrapped_key: bytes
    metadata_box: bytes
    size: int


@dataclass(frozen=True)
class OpenedShare:
    """What an opening gives the viewer: a token for the content, and the sealed boxes."""

    view_token: str
    view_expires_at: datetime
    share_id: str
    expires_at: datetime
    opens: int
    max_opens: int | None
    info_box: bytes
    documents: list[OpenedDocument]


def _public_share(db: Session, share_id: str) -> Share:
    """The share a link names. Any text may come from a link: one that is not an id
    (a NUL byte would fail on PostgreSQL) is a share that does not exist."""
    share = db.get(Share, share_id) if is_valid_id(share_id) else None
    if share is None:
        raise ShareNotFound()
    return share


def openable_share(db: Session, share_id: str) -> Share:
    """The share, if it can be opened now; otherwise the error of its state."""
    share = _public_share(db, share_id)
    state = share_state(share)
    if state != ACTIVE:
        raise STATE_ERRORS[state]()
    return share


def _wrong_access(
    db: Session, settings: ShareSettings, share_id: str, attempts: int
) -> WalletError:
    """A wrong token, its attempt already counted (`attempts` so far): log it, lock at
    the limit. Returns the error to answer with once the caller has committed."""
    log_event(db, share_id, WRONG_ACCESS)
    left = settings.share_wrong_access_limit - attempts
    if left > 0:
        return ShareWrongAccess(attempts_left=left)
    locked = db.execute(
        update(Share)
        .where(Share.id == share_id, Share.locked.is_(False))
        .values(locked=True)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount:  # type: ignore[attr-defined]
        log_event(db, share_id, LOCKED_EVENT)
    return ShareLocked()


def _claim_attempt(
    db: Session, settings: ShareSettings, share_id: str, recorder: OpeningRecorder | None
) -> int | None:
    """Count an attempt before its token is compared, committed (see openings.py).
    While the limit is taken by attempts still in flight (viewers opening the same
    link at once), wait for them a little; None once the share is locked or the
    wait is over."""
    limit = settings.share_wrong_access_limit
    for _ in range(CLAIM_TRIES):
        if recorder:
            claimed = recorder.claim(share_id, limit)
        else:
            claimed = claim_attempt(db, share_id, limit)
            db.commit()
        if claimed is not None:
            return claimed
        if db.scalar(select(Share.locked).where(Share.id == share_id)) is not False:
            return None  # locked, or gone
        db.rollback()
        time.sleep(CLAIM_WAIT_SECONDS)
    return None


def view_token(settings: ShareSettings, share_id: str, expires_at: datetime) -> str:
    """A viewer's token: its expiry, signed with the server's key for this share.
    Nothing is stored; revocation and expiry are checked on the share itself."""
    expires = str(int(expires_at.timestamp()))
    return f"{expires}.{b64u_encode(_view_signature(settings, share_id, expires))}"


def _view_signature(settings: ShareSettings, share_id: str, expires: str) -> bytes:
    message = f"pde/v1/share-view\x00{share_id}\x00{expires}".encode()
    return hmac.new(settings.share_view_key, message, hashlib.sha256).digest()


def _view_token_valid(settings: ShareSettings, share_id: str, token: str) -> bool:
    expires, _, signature = token.partition(".")
    if not expires.isdigit() or len(expires) > 12 or int(expires) <= now().timestamp():
        return False
    try:
        presented = b64u_decode(signature)
    except InvalidEncoding:
        return False
    return hmac.compare_digest(presented, _view_signature(settings, share_id, expires))


def open_share(
    db: Session,
    settings: ShareSettings,
    limiter: RateLimiter,
    client: str,
    share_id: str,
    access_token: bytes,
    recorder: OpeningRecorder | None = None,
) -> OpenedShare | WalletError:
    """Count an attempt, then check the access token and count an opening (through
    `recorder`'s group commit when given, else in `db`). At most the limit of wrong
    tokens are ever compared, however many viewers race (share_links/openings.py).
    A wrong token is returned as the error to raise after the caller commits, so its
    log and the lock survive the refusal."""
    limiter.check("share-open", client, settings.share_opens_per_client_per_minute, 60)
    limiter.record("share-open", client)
    share = openable_share(db, share_id)
    access_hash = share.access_hash
    db.rollback()  # hand the connection back while the attempt is counted
    attempts = _claim_attempt(db, settings, share_id, recorder)
    if attempts is None:  # locked, or as many attempts in flight as allowed, for long
        locked = db.scalar(select(Share.locked).where(Share.id == share_id))
        return ShareLocked() if locked else RateLimited()
    if not access_token_matches(access_hash, access_token):
        return _wrong_access(db, settings, share_id, attempts)
    share = db.get(Share, share_id)  # its state is checked again as the opening counts
    if share is None:
        return ShareNotFound()
    view_ends = min(now() + timedelta(minutes=settings.share_view_minutes), share.expires_at)
    view_ends = view_ends.replace(microsecond=0)
    opened = OpenedShare(
        view_token=view_token(settings, share.id, view_ends),
        view_expires_at=view_ends,
        share_id=share.id,
        expires_at=share.expires_at,
        opens=share.opens,
        max_opens=share.max_opens,
        info_box=share.info_box,
        documents=shared_documents(db, share.id),
    )
    db.rollback()  # read-only so far: hand the connection back while the opening commits
    opens = recorder.record(share_id) if recorder else count_opening(db, share_id, now())
    if opens is None:  # revoked, expired or used up since it was read: say which
        db.rollback()
        ended = db.get(Share, share_id)
        return STATE_ERRORS.get(share_state(ended), ShareUsedUp)() if ended else ShareNotFound()
    return replace(opened, opens=opens)


def shared_documents(db: Session, share_id: str) -> list[OpenedDocument]:
    """The share's documents that still exist, in the owner's order."""
    query = (
        select(
            ShareDocument.document_id,
            ShareDocument.wrapped_key,
            ShareDocument.metadata_box,
            Document.size,
        )
        .join(Document, Document.id == ShareDocument.document_id)
        .where(ShareDocument.share_id == share_id, Document.state == READY)
        .order_by(ShareDocument.position)
    )
    return [OpenedDocument(*row) for row in db.execute(query)]


def authorize_view(db: Session, settings: ShareSettings, share_id: str, token: str | None) -> Share:
    """The share behind a viewer's token. Revocation and expiry end every view at
    once; a share used up or locked since stays readable by views already open."""
    share = _public_share(db, share_id)
    state = share_state(share)
    if state in (REVOKED, EXPIRED):
        raise STATE_ERRORS[state]()
    if not token or not _view_token_valid(settings, share.id, token):
        raise ShareViewExpired()
    return share


def shared_document(db: Session, share: Share, document_id: str) -> Document:
    """A document of this share; NotFound for any other, even of the same wallet."""
    if not is_valid_id(document_id):
        raise NotFound()
    query = (
        select(Document)
        .join(ShareDocument, ShareDocument.document_id == Document.id)
        .where(
            ShareDocument.share_id == share.id,
            Document.id == document_id,
            Document.state == READY,
        )
    )
    document = db.scalar(query)
    if document is None:
        raise NotFound()
    return document
