"""The day centres' tables: centres, staff accounts and what their login needs
(recovery codes, sessions, TOTP steps already used), and the audit log. None of
them refers to a wallet, a document, a share or a deposit: staff data and
people's data share a database and nothing else."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wallet.models import ID_LENGTH, Base, UTCDateTime

ROLES = ("operator", "coordinator", "worker")
# The languages a centre's public may read, in the order its terminals offer them.
CENTRE_LANGUAGES = ("fr", "nl", "en", "ar", "pl")


class Centre(Base):
    """A day centre hosting public terminals, as the operator describes it."""

    __tablename__ = "centres"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)  # casefolded, unique
    address: Mapped[str] = mapped_column(String(300), default="")
    help_phone: Mapped[str] = mapped_column(String(40), default="")
    opening_hours: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[str] = mapped_column(String(20))  # "fr,ar,nl": the order matters
    printing_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # An enrolled terminal's kiosk logs out after this many idle minutes.
    idle_minutes: Mapped[int] = mapped_column(Integer, default=3, server_default=text("3"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class StaffAccount(Base):
    """A person who runs PDE (operator) or works at a centre (coordinator, worker).
    The password is kept as Argon2id; the TOTP secret is set at enrolment
    (`totp_enrolled_at`) and cleared when an operator resets it."""

    __tablename__ = "staff_accounts"
    __table_args__ = (
        CheckConstraint("role IN ('operator', 'coordinator', 'worker')", name="role"),
        CheckConstraint(
            "(role = 'operator' AND centre_id IS NULL)"
            " OR (role <> 'operator' AND centre_id IS NOT NULL)",
            name="centre_of_role",
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64), unique=True)  # NFKC, casefolded
    role: Mapped[str] = mapped_column(String(16))
    centre_id: Mapped[str | None] = mapped_column(
        ForeignKey("centres.id"), nullable=True, index=True
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    centre: Mapped[Centre | None] = relationship()

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def enrolled(self) -> bool:
        return self.totp_enrolled_at is not None


class StaffRecoveryCode(Base):
    """One of an account's ten one-time recovery codes, as SHA-256 (each has 80
    random bits: no slow hash needed); deleted when used."""

    __tablename__ = "staff_recovery_codes"

    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)


class UsedTotpStep(Base):
    """A TOTP time step whose code was accepted for an account: never again
    (RFC 6238 §5.2), nor any earlier step."""

    __tablename__ = "staff_totp_steps"

    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffSession(Base):
    """A staff login, kept as SHA-256 of its cookie's token. `stage` is "code"
    (the password was right, the second factor is awaited), "enrol" (the
    password was right, TOTP is to be set up) or "full"."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    staff_id: Mapped[str] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    stage: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    staff: Mapped[StaffAccount] = relationship()


class AuditEntry(Base):
    """One staff action: who (id and name as they were), what, when, on which
    centre or account. Never wallet content. Rows are only ever added: the code
    has no path that changes or deletes one, and the migration adds triggers
    that refuse UPDATE and DELETE (docs/day-centres.md)."""

    __tablename__ = "staff_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))  # "pde staff" for the command line
    action: Mapped[str] = mapped_column(String(40))
    centre_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True, index=True)
    target_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    target_name: Mapped[str] = mapped_column(String(120), default="")


class IndicatorCount(Base):
    """One figure of one day (UTC): how many times `metric` happened to wallets of
    one centre (`centre_key`: the centre a wallet was created at, '' for none), or
    for `document_bytes` how many bytes. Written at the moment of the event; no row
    names a wallet (docs/day-centres.md, Indicators)."""

    __tablename__ = "indicator_counts"
    # The dashboard sums by month, centre and metric: read in this order, no sort.
    __table_args__ = (Index("ix_indicator_counts_month", "month", "centre_key", "metric", "value"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    centre_key: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11": the day's month, to sum by
    value: Mapped[int] = mapped_column(BigInteger)


class ActiveWalletMark(Base):
    """A wallet opened this month, as HMAC(key, month, wallet id): only to count it
    once. Every month's marks are deleted when it closes (housekeeping), so nothing
    says which wallets were active in a month that has ended."""

    __tablename__ = "indicator_active_marks"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    mark: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)


class Feedback(Base):
    """One person's anonymous opinion of PDE, given at the kiosk: a mark on a scale
    of five faces and, if they wrote some, a few words, with the month and the
    page's language. Nothing else: no wallet, session, terminal, centre, address
    or exact time, so that it cannot be tied to whoever gave it. The id is random:
    rows carry no order of arrival."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-12", UTC
    language: Mapped[str] = mapped_column(String(2))
    rating: Mapped[int] = mapped_column(Integer)  # 1 (very unhappy) to 5 (very happy)
    text: Mapped[str] = mapped_column(String(1000), default="")


class TerminalEnrolmentCode(Base):
    """A one-time code a coordinator or worker shows to enrol a terminal of their
    centre: kept as SHA-256 only, good for ten minutes, deleted when used."""

    __tablename__ = "terminal_enrolment_codes"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    code_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    centre_id: Mapped[str] = mapped_column(
        ForeignKey("centres.id", ondelete="CASCADE"), index=True
    )
    issued_by: Mapped[str] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Terminal(Base):
    """A browser enrolled as one of a centre's public terminals. Its credential is
    a cookie whose token is kept as SHA-256 only; it names a machine, never a
    person: nothing here says who used it, only the last day it was seen."""

    __tablename__ = "terminals"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    centre_id: Mapped[str] = mapped_column(
        ForeignKey("centres.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_on: Mapped[date] = mapped_column(Date)

    centre: Mapped[Centre] = relationship()
