"""Enrolled terminals (docs/day-centres.md, "Terminals"): a coordinator or worker
asks for a one-time code for their centre (8 characters of an alphabet without
look-alikes, good for CODE_MINUTES, used once, kept as SHA-256); the terminal's
browser gives it back with a name, and gets a long-lived credential (256 random
bits, kept as SHA-256) that the cookie `pde_terminal` carries. A coordinator
renames or revokes their centre's terminals; a revoked terminal is an ordinary
browser at its next request. Nothing here records who used a terminal: only the
day it was last seen, written at most once a day.

Wrong codes are counted through `runtime.limiter` per address and from everyone
(a code has about 36 bits, lives ten minutes, and a guess needs a request); codes
asked for are counted per staff member. Both fail closed."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crypto import new_id
from day_centres import audit
from day_centres.errors import (
    FormInvalid,
    ServiceUnavailable,
    StaffNotFound,
    TooManyAttempts,
    WrongEnrolmentCode,
)
from day_centres.models import Centre, StaffAccount, Terminal, TerminalEnrolmentCode
from day_centres.settings import StaffSettings
from wallet.clock import now
from wallet.errors import LimitsUnavailable, RateLimited
from wallet.limits import Attempt, Counter, Limiter

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V: what is read off a screen is typed right
# (23 letters and digits: 8 of them are about 36 bits).
CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
CODE_LENGTH = 8
CODE_MINUTES = 10
TOKEN_BYTES = 32
NAME_MAX = 60
COOKIE = "pde_terminal"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie; renewed daily


def new_code() -> str:
    """A fresh enrolment code, e.g. "KX4N-7CQA" without the dash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def grouped(code: str) -> str:
    """The code as shown: two groups of four ("KX4N 7CQA")."""
    return f"{code[:4]} {code[4:]}"


def normalised_code(typed: str) -> str | None:
    """The code as typed (case, spaces and dashes forgiven), or None when it cannot be one."""
    raw = "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return raw


def code_hash(code: str) -> bytes:
    return hashlib.sha256(b"pde/v1/terminal-enrolment-code\x00" + code.encode()).digest()


def token_hash(token: str) -> bytes:
    return hashlib.sha256(b"pde/v1/terminal-token\x00" + token.encode()).digest()


def enrol_url(public_url: str, code: str, lang: str) -> str:
    """The address the code's QR holds: the enrolment page with the code filled in."""
    return f"{public_url.rstrip('/')}/terminal/{lang}/enrol?code={code}"


@dataclass(frozen=True)
class EnrolmentLimits:
    """The limiter and the settings enrolment codes are counted with."""

    limiter: Limiter
    settings: StaffSettings

    def _acquire(self, *counters: Counter) -> Attempt:
        try:
            return self.limiter.acquire(*counters)
        except RateLimited:
            raise TooManyAttempts() from None
        except LimitsUnavailable:
            raise ServiceUnavailable() from None

    def guess(self, client: str) -> Attempt:
        """Count one code typed at a terminal (taken back if it was right)."""
        window = self.settings.staff_login_window_minutes * 60.0
        return self._acquire(
            Counter(
                "terminal-code-client",
                client,
                self.settings.terminal_code_attempts_per_client,
                window,
            ),
            Counter("terminal-code-any", "", self.settings.terminal_code_attempts_total, window),
        )

    def issue(self, staff: StaffAccount) -> None:
        """Count one code asked for by `staff`."""
        limit = self.settings.terminal_codes_per_staff_per_hour
        self._acquire(Counter("terminal-code-issued", staff.id, limit, 3600.0))


def issue_code(db: Session, limits: EnrolmentLimits, staff: StaffAccount) -> tuple[str, datetime]:
    """A new code for `staff`'s centre, and when it ends; logged. Only a
    coordinator or worker has a centre to enrol a terminal into."""
    if staff.centre_id is None:
        raise StaffNotFound()
    limits.issue(staff)
    code, moment = new_code(), now()
    expires = moment + timedelta(minutes=CODE_MINUTES)
    db.add(
        TerminalEnrolmentCode(
            id=new_id(),
            code_hash=code_hash(code),
            centre_id=staff.centre_id,
            issued_by=staff.id,
            created_at=moment,
            expires_at=expires,
        )
    )
    assert staff.centre is not None
    audit.record(db, staff, "terminal_code_issued", audit.Target.centre(staff.centre))
    return code, expires


def checked_name(name: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    if len(text) < 2:
        raise FormInvalid("Give the terminal a name, for example “Reception, left”.", field="name")
    if len(text) > NAME_MAX:
        raise FormInvalid("This text is too long.", field="name")
    return text


def enrol(
    db: Session,
    limits: EnrolmentLimits,
    typed_code: str,
    name: str,
    client: str,
    replacing: str | None = None,
) -> tuple[str, Terminal]:
    """Use up a code: a new terminal of its centre, and its credential's token
    (returned once, never stored); the terminal this browser was (`replacing`)
    ends. WrongEnrolmentCode (counted) for a code that is wrong, ended, used, or
    whose issuer was disabled since."""
    terminal_name = checked_name(name)
    attempt = limits.guess(client)
    code = normalised_code(typed_code)
    moment = now()
    row = (
        db.scalar(
            select(TerminalEnrolmentCode).where(TerminalEnrolmentCode.code_hash == code_hash(code))
        )
        if code
        else None
    )
    issuer = db.get(StaffAccount, row.issued_by) if row else None
    if row is None or row.expires_at <= moment or issuer is None or issuer.disabled:
        raise WrongEnrolmentCode(field="code")
    taken = db.execute(delete(TerminalEnrolmentCode).where(TerminalEnrolmentCode.id == row.id))
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise WrongEnrolmentCode(field="code")  # the same code, used at the same moment elsewhere
    limits.limiter.cancel(attempt)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    terminal = Terminal(
        id=new_id(),
        centre_id=row.centre_id,
        name=terminal_name,
        token_hash=token_hash(token),
        enrolled_at=moment,
        last_seen_on=moment.date(),
    )
    old = db.get(Terminal, replacing) if replacing else None
    if old is not None:
        revoke(db, issuer, old)
    db.add(terminal)
    db.flush()
    audit.record(
        db, issuer, "terminal_enrolled", audit.Target(row.centre_id, terminal.id, terminal_name)
    )
    return token, terminal


@dataclass(frozen=True)
class TerminalPolicy:
    """What an enrolled terminal's kiosk follows: its centre's name, help and
    languages, its idle timeout and printing; downloads are always off."""

    terminal_id: str
    centre_id: str
    centre_name: str
    help_phone: str
    address: str
    opening_hours: str
    languages: tuple[str, ...]
    idle_minutes: int
    printing_allowed: bool

    @classmethod
    def of(cls, terminal: Terminal) -> TerminalPolicy:
        centre = terminal.centre
        return cls(
            terminal.id,
            centre.id,
            centre.name,
            centre.help_phone,
            centre.address,
            centre.opening_hours,
            tuple(centre.language_codes),
            centre.idle_minutes,
            centre.printing_allowed,
        )


def recognise(
    db: Session, token: str, today: date | None = None
) -> tuple[TerminalPolicy, bool] | None:
    """The policy of the terminal whose cookie carries `token`, and whether its
    last-seen day was moved to today (then committed); None for a token that
    names no terminal (made up, or revoked)."""
    if not token or len(token) > 100:
        return None
    terminal = db.scalar(select(Terminal).where(Terminal.token_hash == token_hash(token)))
    if terminal is None:
        return None
    today = today or now().date()
    seen = terminal.last_seen_on != today
    if seen:
        terminal.last_seen_on = today  # one write a day per terminal, never who used it
        db.commit()
    return TerminalPolicy.of(terminal), seen


def list_terminals(db: Session, centre_id: str | None = None) -> Sequence[Terminal]:
    """A centre's terminals, or every centre's (None), by centre then name."""
    query = select(Terminal).join(Centre).order_by(Centre.name_key, Terminal.name, Terminal.id)
    if centre_id is not None:
        query = query.where(Terminal.centre_id == centre_id)
    return db.scalars(query).all()


def visible_terminal(db: Session, staff: StaffAccount, terminal_id: str) -> Terminal:
    """A terminal `staff` may manage: any for the operator, their centre's for a
    coordinator; anything else is not found, as for one that does not exist."""
    terminal = db.get(Terminal, terminal_id) if len(terminal_id) <= 22 else None
    if terminal is None:
        raise StaffNotFound()
    if staff.role == "operator" or (
        staff.role == "coordinator" and terminal.centre_id == staff.centre_id
    ):
        return terminal
    raise StaffNotFound()


def rename(db: Session, staff: StaffAccount, terminal: Terminal, name: str) -> None:
    terminal.name = checked_name(name)
    audit.record(
        db, staff, "terminal_renamed", audit.Target(terminal.centre_id, terminal.id, terminal.name)
    )


def revoke(db: Session, staff: StaffAccount, terminal: Terminal) -> None:
    """The terminal's credential stops working at once: its row goes (the log keeps the act)."""
    audit.record(
        db, staff, "terminal_revoked", audit.Target(terminal.centre_id, terminal.id, terminal.name)
    )
    db.delete(terminal)


def purge_ended_codes(db: Session, at: datetime) -> None:
    """Housekeeping: codes past their ten minutes go."""
    db.execute(delete(TerminalEnrolmentCode).where(TerminalEnrolmentCode.expires_at <= at))
