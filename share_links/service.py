"""Shares, the owner's side: created by a wallet's owner, limited in time and
openings, revoked at once, logged for the owner; and the states every share
goes through. Opening one is share_links/viewing.py.

The server never sees the link's secret: it keeps SHA-256 of the access token
the viewer derives (crypto/FORMAT.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from share_links.errors import (
    ShareExpired,
    ShareLimit,
    ShareLocked,
    ShareRevoked,
    ShareUsedUp,
)
from share_links.models import Share, ShareDocument, ShareEvent
from share_links.settings import ShareSettings
from wallet.clock import now
from wallet.errors import AlreadyExists, InvalidRequest, NotFound, WalletError
from wallet.limits import Counter, Limiter, uncounted_if_refused
from wallet.links import (
    EXPIRED,
    LOCKED,
    REVOKED,
    USED_UP,
    check_lifetime,
    find_owned,
    link_state,
    revoke,
)
from wallet.models import Account, Document
from wallet.services.documents import READY, in_compartment

MAX_OPENS = 1000

REVOKED_EVENT = "revoked"  # the other events are logged as attempts count (openings.py)


@dataclass(frozen=True)
class SharedDocument:
    """One document as the owner's client prepared it for the share."""

    document_id: str
    wrapped_key: bytes
    metadata_box: bytes


@dataclass(frozen=True)
class NewShare:
    """Everything the owner's client sends to create a share; nothing in it is secret."""

    share_id: str
    access_hash: bytes
    link_hash: bytes
    pin: bool
    expires_in: timedelta
    max_opens: int | None
    info_box: bytes
    owner_record: bytes
    documents: list[SharedDocument]
    compartment_tag: bytes | None = None  # the compartment the shared documents are in


def share_state(share: Share, moment: datetime | None = None) -> str:
    """active, or why the share cannot be opened (the owner's action first)."""
    used_up = share.max_opens is not None and share.opens >= share.max_opens
    return link_state(share, moment, locked=share.locked, used_up=used_up)


STATE_ERRORS: dict[str, type[WalletError]] = {
    REVOKED: ShareRevoked,
    LOCKED: ShareLocked,
    EXPIRED: ShareExpired,
    USED_UP: ShareUsedUp,
}


def log_event(db: Session, share_id: str, event: str, moment: datetime | None = None) -> None:
    db.add(ShareEvent(share_id=share_id, event=event, at=moment or now()))


# The owner's side ---------------------------------------------------------


def _check_new_share(db: Session, settings: ShareSettings, account: Account, new: NewShare) -> None:
    check_lifetime(new.expires_in, settings.share_max_days, "share")
    if new.max_opens is not None and not 1 <= new.max_opens <= MAX_OPENS:
        raise InvalidRequest(f"A share opens from 1 to {MAX_OPENS} times, or without limit.")
    ids = [d.document_id for d in new.documents]
    if not ids or len(set(ids)) != len(ids):
        raise InvalidRequest("A share holds one or more different documents.")
    if len(ids) > settings.documents_per_share:
        raise ShareLimit(f"A share holds at most {settings.documents_per_share} documents.")
    kept = db.scalar(select(func.count()).select_from(Share).where(Share.account_id == account.id))
    if (kept or 0) >= settings.shares_per_wallet:
        raise ShareLimit()
    if db.get(Share, new.share_id) is not None:
        raise AlreadyExists()
    query = select(func.count()).select_from(Document)
    query = query.where(
        Document.account_id == account.id, Document.state == READY, Document.id.in_(ids)
    )
    ready = db.scalar(in_compartment(query, new.compartment_tag))
    if ready != len(ids):
        raise NotFound("One of these documents does not exist.")


def create_share(
    db: Session, settings: ShareSettings, limiter: Limiter, account: Account, new: NewShare
) -> Share:
    """Store a share of `account`'s ready documents, after every limit is checked."""
    counter = Counter("share-create", account.id, settings.shares_per_hour, 3600)
    attempt = limiter.acquire(counter, fail_closed=False)
    with uncounted_if_refused(limiter, attempt):  # a refused share is not one made
        _check_new_share(db, settings, account, new)
    moment = now()
    share = Share(
        id=new.share_id,
        account_id=account.id,
        access_hash=new.access_hash,
        link_hash=new.link_hash,
        pin=new.pin,
        info_box=new.info_box,
        owner_record=new.owner_record,
        created_at=moment,
        expires_at=moment + new.expires_in,
        max_opens=new.max_opens,
        opens=0,
        wrong_accesses=0,
        locked=False,
        compartment_tag=new.compartment_tag,
        documents=[
            ShareDocument(
                document_id=d.document_id,
                position=i,
                wrapped_key=d.wrapped_key,
                metadata_box=d.metadata_box,
            )
            for i, d in enumerate(new.documents)
        ],
    )
    db.add(share)
    db.flush()
    return share


def list_shares(db: Session, account_id: str, compartment: bytes | None = None) -> list[Share]:
    """Every share of one compartment of the wallet (the normal view by default), newest first."""
    query = select(Share).where(Share.account_id == account_id)
    if compartment is None:
        query = query.where(Share.compartment_tag.is_(None))
    else:
        query = query.where(Share.compartment_tag == compartment)
    return list(db.scalars(query.order_by(Share.created_at.desc(), Share.id)))


def find_share(
    db: Session, account_id: str, share_id: str, compartment: bytes | None = None
) -> Share:
    """One of the wallet's shares in this compartment; NotFound for any other id."""
    share = find_owned(db, Share, share_id, account_id)
    if share.compartment_tag != compartment:
        raise NotFound()
    return share


def revoke_share(
    db: Session, account_id: str, share_id: str, compartment: bytes | None = None
) -> Share:
    """End a share now, for viewers already open too. Idempotent."""
    share = find_share(db, account_id, share_id, compartment)
    if revoke(share):
        log_event(db, share.id, REVOKED_EVENT, share.revoked_at)
    db.flush()
    return share


def delete_share(
    db: Session, account_id: str, share_id: str, compartment: bytes | None = None
) -> None:
    """Forget a share and its log; it stops working at once."""
    db.delete(find_share(db, account_id, share_id, compartment))
    db.flush()
