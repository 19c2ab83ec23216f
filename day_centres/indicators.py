"""Anonymous indicators against measure 28, counted as wallet events happen.

`IndicatorCounter` subscribes to the core's wallet events (pde/app.py wires it) and
adds to a counter of the day (UTC), the centre the wallet was created at ('' for
none) and the metric, in the event's own transaction: one, or as many share openings
as were counted at once. No row names a wallet. "Wallets active" (opened at least
once in a month) needs to know whether a wallet was already counted this month: a
keyed mark HMAC(key, month, wallet id) is kept for the month, and
`close_ended_months` (housekeeping) deletes every mark of a month that has ended.
docs/threat-model.md says what the figures tell an operator."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from day_centres.models import ActiveWalletMark, IndicatorCount
from wallet.clock import now
from wallet.events import (
    DEPOSIT_ACCEPTED,
    DOCUMENT_STORED,
    RECOVERY_COMPLETED,
    SHARE_MADE,
    SHARE_OPENED,
    WALLET_CREATED,
    WALLET_OPENED,
    WalletEvent,
)
from wallet.maintenance import Removed, removed_rows
from wallet.settings import WalletSettings

WALLETS_CREATED = "wallets_created"
WALLETS_ACTIVE = "wallets_active"
DOCUMENTS_STORED = "documents_stored"
DOCUMENT_BYTES = "document_bytes"
SHARES_MADE = "shares_made"
SHARES_OPENED = "shares_opened"
DEPOSITS_ACCEPTED = "deposits_accepted"
RECOVERIES_COMPLETED = "recoveries_completed"
# Every figure, in the order tables and files show them.
METRICS = (
    WALLETS_CREATED,
    WALLETS_ACTIVE,
    DOCUMENTS_STORED,
    DOCUMENT_BYTES,
    SHARES_MADE,
    SHARES_OPENED,
    DEPOSITS_ACCEPTED,
    RECOVERIES_COMPLETED,
)
COUNTED = {
    WALLET_CREATED: WALLETS_CREATED,
    DOCUMENT_STORED: DOCUMENTS_STORED,
    SHARE_MADE: SHARES_MADE,
    SHARE_OPENED: SHARES_OPENED,
    DEPOSIT_ACCEPTED: DEPOSITS_ACCEPTED,
    RECOVERY_COMPLETED: RECOVERIES_COMPLETED,
}
NO_CENTRE = ""  # wallets created elsewhere than at an enrolled terminal
# Without a server secret (development only: production refuses to start) the marks'
# key is this constant, so that every process of a development server agrees.
DEVELOPMENT_KEY = b"pde/v1/indicators/development"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def marks_key(settings: WalletSettings) -> bytes:
    """The key of the active wallets' marks, derived from the server secret."""
    secret = settings.server_secret.get_secret_value()
    if not secret:
        return DEVELOPMENT_KEY
    return hmac.new(secret.encode(), b"pde/v1/indicators/active-marks", hashlib.sha256).digest()


def _insert(db: Session, model: type[IndicatorCount] | type[ActiveWalletMark]) -> Any:
    """INSERT … ON CONFLICT for the database in use (SQLite or PostgreSQL)."""
    dialect = db.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# The counter's upsert for each kind of database, built once: every share opening
# adds to a counter, and building and keying the statement cost more than running it.
_ADD_STATEMENTS: dict[str, Any] = {}


def _add_statement(db: Session) -> Any:
    dialect = db.get_bind().dialect.name
    if dialect not in _ADD_STATEMENTS:
        insert = _insert(db, IndicatorCount).values(
            day=bindparam("b_day"),
            centre_key=bindparam("b_centre_key"),
            metric=bindparam("b_metric"),
            month=bindparam("b_month"),
            value=bindparam("b_amount"),
        )
        _ADD_STATEMENTS[dialect] = insert.on_conflict_do_update(
            index_elements=["day", "centre_key", "metric"],
            set_={"value": IndicatorCount.value + insert.excluded.value},
        )
    return _ADD_STATEMENTS[dialect]


def add(db: Session, day: date, centre_key: str, metric: str, amount: int = 1) -> None:
    """Add `amount` to one day's counter (created at its first use)."""
    values = {
        "b_day": day,
        "b_centre_key": centre_key,
        "b_metric": metric,
        "b_month": month_of(day),
        "b_amount": amount,
    }
    db.connection().execute(_add_statement(db), values)


def first_opening_this_month(db: Session, key: bytes, month: str, wallet_id: str) -> bool:
    """Mark the wallet as opened in `month`; True if it was not yet (one INSERT
    decides, so two logins at once count it once)."""
    mark = hmac.new(key, f"{month}\x00{wallet_id}".encode(), hashlib.sha256).digest()
    statement = _insert(db, ActiveWalletMark).values(month=month, mark=mark)
    inserted = db.execute(statement.on_conflict_do_nothing().returning(ActiveWalletMark.month))
    return inserted.first() is not None


class IndicatorCounter:
    """The wallet events' subscriber that counts them (see the module's docstring)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def __call__(self, db: Session, event: WalletEvent) -> None:
        day = now().date()
        centre = event.centre_id or NO_CENTRE
        if event.kind == WALLET_OPENED:
            assert event.wallet_id is not None
            if first_opening_this_month(db, self._key, month_of(day), event.wallet_id):
                add(db, day, centre, WALLETS_ACTIVE)
            return
        add(db, day, centre, COUNTED[event.kind], event.count)
        if event.kind == DOCUMENT_STORED:
            add(db, day, centre, DOCUMENT_BYTES, event.size)


def close_ended_months(db: Session, at: datetime) -> Removed:
    """Housekeeping: forget which wallets were active in every month before `at`'s."""
    ended = delete(ActiveWalletMark).where(ActiveWalletMark.month < month_of(at.date()))
    return {"active_wallet_marks": removed_rows(db, ended)}
