"""Shares, the viewer's side: whoever holds the link (and the PIN) opens the
share, gets a short-lived view token and reads the shared documents' ciphertext,
and nothing else. The link token proves the link before anything is counted, so
someone who knows only the id (it is in the URL path, in proxy logs) cannot
spend the PIN's attempts. Every attempt with the link is then compared and
counted in one UPDATE (share_links/openings.py), so two viewers racing for the
last opening cannot both win and a crowd of wrong PINs cannot pass the lock.
What never changes in a share is read once per process and kept
(share_links/share_cache.py): an opening then reads nothing before it is
counted, and what changes is checked by the counting statement itself."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding
from crypto.share import access_token_hash, is_valid_id
from share_links.errors import (
    ShareLinkDamaged,
    ShareLocked,
    ShareNotFound,
    ShareSuspended,
    ShareViewExpired,
    ShareWrongAccess,
)
from share_links.models import Share, ShareDocument
from share_links.opening_writer import OpeningRecorder
from share_links.openings import Attempt
from share_links.service import (
    STATE_ERRORS,
    share_state,
)
from share_links.settings import ShareSettings
from share_links.share_cache import OpenedDocument, ShareCache, SharedContent
from wallet.clock import now
from wallet.errors import NotFound, WalletError
from wallet.limits import Counter, Limiter
from wallet.links import ACTIVE, EXPIRED, REVOKED
from wallet.models import Document
from wallet.services import link_reports
from wallet.services.documents import READY


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
    documents: tuple[OpenedDocument, ...]


def _public_share(db: Session, share_id: str) -> Share:
    """The share a link names. Any text may come from a link: one that is not an id
    (a NUL byte would fail on PostgreSQL) is a share that does not exist."""
    share = db.get(Share, share_id) if is_valid_id(share_id) else None
    if share is None:
        raise ShareNotFound()
    return share


def share_exists(db: Session, share_id: str) -> bool:
    """Whether a share has this id (in whatever state)."""
    return is_valid_id(share_id) and db.get(Share, share_id) is not None


def openable_share(db: Session, share_id: str) -> Share:
    """The share, if it can be opened now; otherwise the error of its state. A share
    the service suspended says so (with the reason) while it would otherwise open."""
    share = _public_share(db, share_id)
    state = share_state(share)
    if state != ACTIVE:
        raise STATE_ERRORS[state]()
    refuse_if_suspended(db, share.id)
    return share


def refuse_if_suspended(db: Session, share_id: str) -> None:
    """ShareSuspended, with its reason, while the service suspends the share."""
    suspension = link_reports.suspension_of(db, link_reports.SHARE, share_id)
    if suspension is not None:
        raise ShareSuspended(suspension_reason=suspension.reason)


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


async def open_share(
    sessions: sessionmaker[Session],
    settings: ShareSettings,
    limiter: Limiter,
    client: str,
    share_id: str,
    tokens: tuple[bytes, bytes],
    recorder: OpeningRecorder,
) -> OpenedShare | WalletError:
    """Check the link token, then compare the access token and count the attempt in
    one statement, through `recorder`'s group commit: an opening for the right
    token, a wrong PIN otherwise, locking at the limit. At most the limit of wrong
    PINs are ever compared, however many viewers race (openings.py). A wrong link
    token is refused before any count, and so is a wrong access token for a share
    without PIN: nothing locks it. A refusal is returned, not raised: what it
    counted is already committed. `tokens` is (link token, access token).
    When this process keeps the share and the link is right, the event loop goes
    straight to the writer of openings, which counts the client's limit (in Redis,
    with several processes) with the rest of its batch; otherwise the limit is
    counted and the share read in the thread pool. The share is read again only
    when the attempt is refused or what is kept is no longer true, and the event
    loop awaits the commit without holding a thread."""
    link_hash = access_token_hash(tokens[0])
    counter: Counter | None = Counter(
        "share-open", client, settings.share_opens_per_client_per_minute, 60
    )
    content = recorder.shares.get(share_id)
    if content is None or not _same_hash(content.link_hash, link_hash):
        checked = await run_in_threadpool(
            _checked_link, sessions, limiter, counter, share_id, link_hash, recorder.shares
        )
        if isinstance(checked, WalletError):
            return checked
        content, counter = checked, None  # counted there
    hashes, limit = (link_hash, access_token_hash(tokens[1])), settings.share_wrong_access_limit
    attempt = await recorder.attempt(share_id, hashes, limit, counter)
    if attempt is None:  # ended since it was read (say how), or a share without PIN
        return await run_in_threadpool(_refusal, sessions, recorder.shares, share_id, link_hash)
    if not attempt.matched:
        left = limit - attempt.wrong_accesses
        return ShareWrongAccess(attempts_left=left) if left > 0 else ShareLocked()
    if not _still_true(content, attempt):  # a document left it, or its id was given again
        read = await run_in_threadpool(_read_again, sessions, recorder.shares, share_id)
        if read is None:
            return ShareNotFound()
        content = read
    view_ends = min(now() + timedelta(minutes=settings.share_view_minutes), attempt.expires_at)
    view_ends = view_ends.replace(microsecond=0)
    return OpenedShare(
        view_token=view_token(settings, share_id, view_ends),
        view_expires_at=view_ends,
        share_id=share_id,
        expires_at=attempt.expires_at,
        opens=attempt.opens,
        max_opens=attempt.max_opens,
        info_box=content.info_box,
        documents=content.documents,
    )


def _checked_link(
    sessions: sessionmaker[Session],
    limiter: Limiter,
    counter: Counter,
    share_id: str,
    link_hash: bytes,
    shares: ShareCache,
) -> SharedContent | WalletError:
    """Count the opening against the client's limit (`counter`), then read the share,
    keep it, and check the link token's hash against it."""
    limiter.acquire(counter)  # refused while Redis is away
    with sessions() as db:  # an ended share is refused at once, before any count
        content = _kept_content(db, shares, openable_share(db, share_id))
    if not _same_hash(content.link_hash, link_hash):
        return ShareLinkDamaged()
    return content


def _read_again(
    sessions: sessionmaker[Session], shares: ShareCache, share_id: str
) -> SharedContent | None:
    """The share read anew and kept, or None (and forgotten) if it is gone."""
    with sessions() as db:
        share = db.get(Share, share_id)
        if share is None:
            shares.forget(share_id)
            return None
        return _kept_content(db, shares, share)


def _same_hash(stored: bytes | None, presented: bytes) -> bool:
    # None only for a share made before migration 0007: its link is refused as damaged
    return stored is not None and hmac.compare_digest(stored, presented)


def _kept_content(db: Session, shares: ShareCache, share: Share) -> SharedContent:
    """What never changes in `share`, with its documents read now, kept in `shares`."""
    content = SharedContent(
        share_id=share.id,
        made_at=share.created_at,
        link_hash=share.link_hash,
        info_box=share.info_box,
        documents=tuple(shared_documents(db, share.id)),
    )
    shares.keep(content)
    return content


def _still_true(content: SharedContent, attempt: Attempt) -> bool:
    """Whether what is kept is still the share just opened: the same share (made
    at the same moment) with the same documents (they only ever leave it)."""
    return attempt.made_at == content.made_at and attempt.documents == len(content.documents)


def _refusal(
    sessions: sessionmaker[Session], shares: ShareCache, share_id: str, link_hash: bytes
) -> WalletError:
    """Why the share took no attempt, in the order a first reading would say it:
    gone, ended, suspended, another link (its id given again), else locked (or,
    without PIN, a damaged access token)."""
    with sessions() as db:
        return _why_refused(db, shares, share_id, link_hash)


def _why_refused(db: Session, shares: ShareCache, share_id: str, link_hash: bytes) -> WalletError:
    share = db.get(Share, share_id)
    if share is None:
        shares.forget(share_id)
        return ShareNotFound()
    ended = STATE_ERRORS.get(share_state(share))
    if ended:
        return ended()
    suspension = link_reports.suspension_of(db, link_reports.SHARE, share_id)
    if suspension is not None:
        return ShareSuspended(suspension_reason=suspension.reason)
    if not _same_hash(share.link_hash, link_hash):
        shares.forget(share_id)
        return ShareLinkDamaged()
    return ShareLocked() if share.pin else ShareLinkDamaged()


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
    refuse_if_suspended(db, share.id)  # a suspension ends every view at once
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
