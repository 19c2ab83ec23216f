"""Reports of abused links and the service's suspensions of them (issue 11 §5;
docs/day-centres.md, "Handling reports").

Whoever holds a share or deposit link may report a problem with it: the link's
id, a reason from a list and a short optional text, never the link's secret.
The operator (a staff page of day_centres) reads the reports, suspends the link
and lifts the suspension; the link then answers `share_suspended` or
`deposit_suspended` with the suspension's reason, and its owner sees both in
their lists. Nothing here reads a link's content: the server has only ciphertext.

It lives in the core because share_links (which opens shares) and day_centres
(the operator's pages) both stand on `wallet` and may not import each other:
each asks this module, and each kind of link is told apart by `link_kind`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto.links import is_valid_id
from crypto.share import new_id
from wallet.clock import now
from wallet.errors import InvalidRequest, NotFound
from wallet.limits import Counter, Limiter
from wallet.models import LinkReport, LinkSuspension
from wallet.settings import WalletSettings

SHARE, DEPOSIT = "share", "deposit"
LINK_KINDS = (SHARE, DEPOSIT)
# Why someone reports a link (the reporter's list, in its order).
REPORT_REASONS = ("harmful", "mistake", "fraud", "other")
# Why the service suspends one (shown to the link's owner and to whoever opens it).
SUSPENSION_REASONS = ("harmful", "fraud", "wrong_recipient", "other")
TEXT_MAX = 500
OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class NewReport:
    """What a link's holder sends: which link, why, and what they typed (may be empty)."""

    link_kind: str
    link_id: str
    reason: str
    text: str = ""


def clean_text(text: str) -> str:
    """The reporter's text as it is kept: trimmed, control characters (but line
    breaks) refused, at most TEXT_MAX characters."""
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise InvalidRequest(f"text: at most {TEXT_MAX} characters")
    if any((ord(c) < 32 and c not in "\r\n\t") or 0x7F <= ord(c) < 0xA0 for c in text):
        raise InvalidRequest("text: control characters are not allowed")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_report(
    db: Session,
    settings: WalletSettings,
    limiter: Limiter,
    client: str,
    report: NewReport,
    link_exists: bool,
) -> None:
    """Count the report against the reporter's address and the link, then keep it if
    the link exists. The caller answers the same either way (and both are counted
    alike): a report tells nobody whether a link id exists."""
    if report.link_kind not in LINK_KINDS or report.reason not in REPORT_REASONS:
        raise InvalidRequest("reason: not one of the listed reasons")
    text = clean_text(report.text)
    limiter.acquire(
        Counter("link-report-client", client, settings.reports_per_client_per_hour, 3600),
        Counter(
            "link-report-link",
            f"{report.link_kind}:{report.link_id}",
            settings.reports_per_link_per_day,
            86400,
        ),
        fail_closed=False,
    )
    if not link_exists:
        return
    db.add(
        LinkReport(
            id=new_id(),
            link_kind=report.link_kind,
            link_id=report.link_id,
            reason=report.reason,
            text=text,
            status=OPEN,
            created_at=now(),
        )
    )
    db.flush()


# The operator's side ---------------------------------------------------------------


def list_reports(
    db: Session, *, status: str | None, limit: int, offset: int = 0
) -> Sequence[LinkReport]:
    """Reports, open ones first, newest first within each."""
    query = select(LinkReport)
    if status is not None:
        query = query.where(LinkReport.status == status)
    query = query.order_by(
        (LinkReport.status == CLOSED).asc(), LinkReport.created_at.desc(), LinkReport.id
    )
    return db.scalars(query.limit(limit).offset(offset)).all()


def count_reports(db: Session, status: str | None = None) -> int:
    query = select(func.count()).select_from(LinkReport)
    if status is not None:
        query = query.where(LinkReport.status == status)
    return int(db.scalar(query) or 0)


def get_report(db: Session, report_id: str) -> LinkReport:
    """One report; NotFound for any other text."""
    report = db.get(LinkReport, report_id) if is_valid_id(report_id) else None
    if report is None:
        raise NotFound()
    return report


def reports_of_link(db: Session, link_kind: str, link_id: str) -> int:
    """How many reports name this link (open or closed)."""
    query = select(func.count()).where(
        LinkReport.link_kind == link_kind, LinkReport.link_id == link_id
    )
    return int(db.scalar(query) or 0)


def close_report(db: Session, report: LinkReport) -> bool:
    """Mark the report handled; True if this call closed it."""
    if report.status == CLOSED:
        return False
    report.status, report.closed_at = CLOSED, now()
    db.flush()
    return True


def suspension_of(db: Session, link_kind: str, link_id: str) -> LinkSuspension | None:
    """The link's suspension in force, if any."""
    query = select(LinkSuspension).where(
        LinkSuspension.link_kind == link_kind,
        LinkSuspension.link_id == link_id,
        LinkSuspension.lifted_at.is_(None),
    )
    return db.scalars(query.order_by(LinkSuspension.id.desc()).limit(1)).first()


def suspensions_of(
    db: Session, link_kind: str, link_ids: Iterable[str]
) -> dict[str, LinkSuspension]:
    """The suspensions in force among these links (one query), by link id."""
    ids = list(link_ids)
    if not ids:
        return {}
    query = select(LinkSuspension).where(
        LinkSuspension.link_kind == link_kind,
        LinkSuspension.link_id.in_(ids),
        LinkSuspension.lifted_at.is_(None),
    )
    return {s.link_id: s for s in db.scalars(query.order_by(LinkSuspension.id))}


def suspend(db: Session, link_kind: str, link_id: str, reason: str) -> LinkSuspension | None:
    """Suspend the link for `reason`; None when it already is (nothing changes)."""
    if link_kind not in LINK_KINDS or not is_valid_id(link_id):
        raise NotFound()
    if reason not in SUSPENSION_REASONS:
        raise InvalidRequest("reason: not one of the listed reasons")
    if suspension_of(db, link_kind, link_id) is not None:
        return None
    suspension = LinkSuspension(
        link_kind=link_kind, link_id=link_id, reason=reason, suspended_at=now()
    )
    db.add(suspension)
    db.flush()
    return suspension


def lift(db: Session, link_kind: str, link_id: str) -> LinkSuspension | None:
    """End the link's suspension; None when it was not suspended."""
    suspension = suspension_of(db, link_kind, link_id)
    if suspension is None:
        return None
    suspension.lifted_at = now()
    db.flush()
    return suspension
