"""The audit log: one row per staff action, only ever appended (docs/day-centres.md
says how the database refuses changes too). It names the staff member, the
action, the moment and the centre or account acted on; never anything of a
wallet. The operator reads it on a page and exports it as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from day_centres.models import AuditEntry, Centre, StaffAccount
from wallet.clock import now

COMMAND_LINE = "pde staff"  # the actor of what `pde staff …` does on the server's machine

# Every action the log knows, in the order the pages' filter lists them.
ACTIONS = (
    "login",
    "logout",
    "recovery_code_used",
    "totp_enrolled",
    "totp_reset",
    "centre_created",
    "centre_updated",
    "account_created",
    "account_disabled",
    "terminal_code_issued",
    "terminal_enrolled",
    "terminal_renamed",
    "terminal_revoked",
    "link_suspended",
    "suspension_lifted",
    "report_closed",
    "organisation_created",
    "organisation_key_added",
    "organisation_key_revoked",
    "feedback_exported",
)
CSV_COLUMNS = ("when_utc", "who", "who_id", "action", "centre_id", "target_id", "target")


@dataclass(frozen=True)
class Target:
    """What an action was done on: a centre, an account, or both (an account of a centre)."""

    centre_id: str | None = None
    target_id: str | None = None
    name: str = ""

    @classmethod
    def centre(cls, centre: Centre) -> Target:
        return cls(centre.id, None, centre.name)

    @classmethod
    def account(cls, account: StaffAccount) -> Target:
        return cls(account.centre_id, account.id, account.name)


def record(db: Session, actor: StaffAccount | None, action: str, target: Target = Target()) -> None:
    """Append one entry; `actor` None is the command line on the server's machine."""
    assert action in ACTIONS, action
    db.add(
        AuditEntry(
            at=now(),
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else COMMAND_LINE,
            action=action,
            centre_id=target.centre_id,
            target_id=target.target_id,
            target_name=target.name[:120],
        )
    )


def entries(db: Session, *, limit: int, offset: int = 0) -> Sequence[AuditEntry]:
    """The newest entries first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    return db.scalars(query).all()


def count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def csv_lines(factory: sessionmaker[Session], batch: int = 500) -> Iterator[str]:
    """The whole log as CSV, oldest first, read in batches (it only grows) with a
    session of its own, so that it can be read while it is sent."""
    with factory() as db:
        yield from _csv_lines(db, batch)


def _csv_lines(db: Session, batch: int) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    last = 0
    while True:
        rows = db.scalars(
            select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
        ).all()
        for entry in rows:
            writer.writerow(
                [
                    entry.at.isoformat(timespec="seconds"),
                    _cell(entry.actor_name),
                    entry.actor_id or "",
                    entry.action,
                    entry.centre_id or "",
                    entry.target_id or "",
                    _cell(entry.target_name),
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(rows) < batch:
            return
        last = rows[-1].id


def _cell(text: str) -> str:
    """A name as a spreadsheet will not run it as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
