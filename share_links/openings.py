"""Attempts at a share's link, counted as they are compared, with group commit.

The link token was checked before (share_links/viewing.py, perhaps against
what this process keeps of the share): whoever comes here holds the link. Every
attempt is one UPDATE that checks the link token's hash again, compares the
presented access token's hash with the stored one *and* counts the outcome: a
right token one opening (re-checking revocation, expiry, the open limit and the
service's suspension, in the database every process shares), a wrong one a
wrong attempt, locking the share at the limit, and the statement takes no
attempt once the limit is reached. It also returns the share's expiry and open
limit, when it was made and how many documents it holds now, so a process that
keeps the share's unchanging parts (share_links/share_cache.py) knows whether
they are still true.
A share without PIN takes no wrong attempt at all: its access token follows
from the link, so a wrong one is a damaged client, not a guess, and such a
share can never be locked. However many viewers race, from however many
processes, at most the limit of wrong tokens are ever compared, and right
tokens never wait for a place.
The outcome is logged for the owner (LOG_EVENTS, one INSERT per batch); both are
durable before the viewer gets an answer. The attempts are written in batches by
one thread per process (share_links/opening_writer.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, exists, func, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from share_links.models import Share, ShareDocument, ShareEvent
from wallet.events import SHARE_OPENED, WalletEvent, WalletEvents
from wallet.models import Account, LinkSuspension
from wallet.services.link_reports import SHARE

OPENED, WRONG_ACCESS, LOCKED = "opened", "wrong_access", "locked"

# Core statements, not ORM ones: this path runs once per opening.
SHARES: Table = Share.__table__  # type: ignore[assignment]
EVENTS: Table = ShareEvent.__table__  # type: ignore[assignment]
SUSPENSIONS: Table = LinkSuspension.__table__  # type: ignore[assignment]
SHARED: Table = ShareDocument.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Attempt:
    """What one attempt did: opened (`matched`) or counted a wrong token; and the
    share's expiry, open limit, when it was made and how many documents it holds."""

    matched: bool
    opens: int
    wrong_accesses: int
    locked: bool
    expires_at: datetime
    max_opens: int | None
    made_at: datetime
    documents: int
    centre: str | None  # the wallet's, for the indicators


def _counting_statement() -> ReturningUpdate[Any]:
    """The one UPDATE … RETURNING of an attempt (see above), built once: its values
    are bound at each execution (b_share_id, b_link_hash, b_access_hash, b_limit,
    b_moment: a name of its own, not a column's)."""
    c = SHARES.c
    share_id, limit = bindparam("b_share_id"), bindparam("b_limit")
    right = c.access_hash == bindparam("b_access_hash")
    suspended = exists().where(
        SUSPENSIONS.c.link_kind == SHARE,
        SUSPENSIONS.c.link_id == share_id,
        SUSPENSIONS.c.lifted_at.is_(None),
    )
    takes = and_(
        c.id == share_id,
        c.link_hash == bindparam("b_link_hash"),
        c.locked.is_(False),
        c.revoked_at.is_(None),
        c.expires_at > bindparam("b_moment"),
        c.wrong_accesses < limit,
        or_(right, c.pin.is_(True)),
        or_(not_(right), c.max_opens.is_(None), c.opens < c.max_opens),
        not_(suspended),
    )
    centre = select(Account.centre_id).where(Account.id == c.account_id).scalar_subquery()
    # Its documents are all ready (only ready ones are shared, and a deleted one leaves
    # every share by ON DELETE CASCADE): counting its rows counts the documents it shows.
    # (SQLite's RETURNING names no table: nothing here may be ambiguous.)
    documents = select(func.count()).where(SHARED.c.share_id == share_id).scalar_subquery()
    return (
        SHARES.update()
        .where(takes)
        .values(  # SET reads the values before the update
            opens=c.opens + case((right, 1), else_=0),
            wrong_accesses=c.wrong_accesses + case((right, 0), else_=1),
            locked=case((and_(not_(right), c.wrong_accesses + 1 >= limit), True), else_=c.locked),
        )
        .returning(
            right.label("matched"),
            c.opens,
            c.wrong_accesses,
            c.locked,
            c.expires_at,
            c.max_opens,
            c.created_at,
            documents.label("documents"),
            centre.label("centre"),
        )
    )


# Built once: building and keying a statement costs more than running it.
COUNT_ATTEMPT = _counting_statement()
ADD_OPENINGS = SHARES.update().where(SHARES.c.id == bindparam("b_share_id"))
ADD_OPENINGS = ADD_OPENINGS.values(opens=SHARES.c.opens + bindparam("b_count"))
LOG_EVENTS = EVENTS.insert()
LogLine = dict[str, Any]  # one line of the owner's log: share_id, event, at


def attempt_opening(
    db: Session,
    share_id: str,
    hashes: tuple[bytes, bytes],
    limit: int,
    moment: datetime,
    log: list[LogLine],
    events_to: WalletEvents | None = None,
) -> Attempt | None:
    """Compare and count one attempt in `db`'s transaction (see above); None when
    the share takes none now: deleted, locked, revoked, expired, suspended, its
    link not this one, its wrong attempts at `limit`, (for the right token) used
    up, or (for a wrong one) without PIN. `hashes` are the presented link and
    access tokens'. The owner's log lines are added to `log`, for the caller to
    insert in the same transaction (`LOG_EVENTS`); an opening is told to
    `events_to` in it."""
    link_hash, access_hash = hashes
    connection = db.connection()
    values = {
        "b_share_id": share_id,
        "b_link_hash": link_hash,
        "b_access_hash": access_hash,
        "b_limit": limit,
        "b_moment": moment,
    }
    row = connection.execute(COUNT_ATTEMPT, values).first()
    if row is None:
        return None
    attempt = Attempt(
        bool(row.matched),
        int(row.opens),
        int(row.wrong_accesses),
        bool(row.locked),
        row.expires_at,
        row.max_opens,
        row.created_at,
        int(row.documents),
        row.centre,
    )
    events = [OPENED] if attempt.matched else [WRONG_ACCESS] + [LOCKED] * attempt.locked
    log.extend({"share_id": share_id, "event": e, "at": moment} for e in events)
    if attempt.matched and events_to is not None:
        events_to.emit(db, WalletEvent(SHARE_OPENED, row.centre))
    return attempt


def more_openings(
    db: Session,
    share_id: str,
    first: Attempt,
    count: int,
    moment: datetime,
    log: list[LogLine],
    events_to: WalletEvents | None = None,
) -> list[Attempt | None]:
    """Count `count` more attempts alike to `first`, an opening just counted in `db`'s
    transaction (the share's row is still locked by it): each opens while the open
    limit leaves room, in one UPDATE, and the rest are refused (None) as a used-up
    share refuses them. Their outcomes, in order, are those of `attempt_opening`
    called `count` more times."""
    room = count if first.max_opens is None else max(0, min(count, first.max_opens - first.opens))
    if room:
        db.connection().execute(ADD_OPENINGS, {"b_share_id": share_id, "b_count": room})
        log.extend({"share_id": share_id, "event": OPENED, "at": moment} for _ in range(room))
        if events_to is not None:
            events_to.emit(db, WalletEvent(SHARE_OPENED, first.centre, count=room))
    opened = [replace(first, opens=first.opens + n) for n in range(1, room + 1)]
    return [*opened, *[None] * (count - room)]
