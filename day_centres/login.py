"""A staff login, in two steps: the password (Argon2id), then the second factor,
a TOTP code (used once) or one of the ten recovery codes (each used once); an
account not yet enrolled enrols instead of the second step.

Limits as for wallet logins (docs/threat-model.md): wrong passwords are counted
per name from one address, per name from every address, and per address; wrong
codes per account. Every count goes through `runtime.limiter`, which fails
closed when the shared limits cannot be counted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from day_centres import audit
from day_centres.accounts import find_by_name, name_key, replace_recovery_codes
from day_centres.errors import (
    AccountDisabled,
    InvalidLogin,
    ServiceUnavailable,
    TooManyAttempts,
    WrongCode,
)
from day_centres.models import StaffAccount, StaffRecoveryCode, UsedTotpStep
from day_centres.passwords import check_password
from day_centres.settings import StaffSettings
from day_centres.totp import matching_step, recovery_code_hash
from wallet.clock import now
from wallet.errors import LimitsUnavailable, RateLimited
from wallet.limits import Attempt, Counter, Limiter


@dataclass(frozen=True)
class LoginLimits:
    """The limiter and the settings a login counts with."""

    limiter: Limiter
    settings: StaffSettings

    @property
    def window(self) -> float:
        return self.settings.staff_login_window_minutes * 60.0

    def acquire(self, *counters: Counter) -> Attempt:
        try:
            return self.limiter.acquire(*counters)
        except RateLimited:
            raise TooManyAttempts() from None
        except LimitsUnavailable:
            raise ServiceUnavailable() from None

    def password_counters(self, name: str, client: str) -> tuple[Counter, ...]:
        key, settings = name_key(name)[:64], self.settings
        return (
            Counter(
                "staff-login-name-client",
                f"{key}\x00{client}",
                settings.staff_login_attempts_per_name,
                self.window,
            ),
            Counter(
                "staff-login-name",
                key,
                settings.staff_login_attempts_per_name_any_address,
                self.window,
            ),
            Counter(
                "staff-login-client", client, settings.staff_login_attempts_per_client, self.window
            ),
        )

    def code_counter(self, account: StaffAccount) -> Counter:
        return Counter("staff-code", account.id, self.settings.staff_code_attempts, self.window)


def check_password_step(
    db: Session, limits: LoginLimits, name: str, password: str, client: str
) -> StaffAccount:
    """The account whose name and password these are. An unknown name costs the same
    Argon2id time and gets the same InvalidLogin; a disabled account, once the
    password is right, AccountDisabled."""
    counters = limits.password_counters(name, client)
    attempt = limits.acquire(*counters)  # counted before the check: racing guesses too
    account = find_by_name(db, name)
    if not check_password(account.password_hash if account else None, password):
        raise InvalidLogin()
    assert account is not None
    limits.limiter.cancel(attempt)
    for counter in counters[:2]:
        limits.limiter.reset(counter)
    if account.disabled:
        raise AccountDisabled()
    return account


def _take_totp_step(db: Session, account: StaffAccount, step: int) -> bool:
    """Record `step` as used; False when it, or a later one, was used already."""
    latest = db.scalar(
        select(func.max(UsedTotpStep.step)).where(UsedTotpStep.staff_id == account.id)
    )
    if latest is not None and step <= latest:
        return False
    db.add(UsedTotpStep(staff_id=account.id, step=step, used_at=now()))
    try:
        db.flush()
    except IntegrityError:  # the same code, sent twice at once: this request changed nothing yet
        db.rollback()
        return False
    return True


def _take_recovery_code(db: Session, account: StaffAccount, code: str) -> bool:
    """Use up one recovery code; False when it is not one of the account's, or is used."""
    code_hash = recovery_code_hash(code)
    if code_hash is None:
        return False
    result = db.execute(
        delete(StaffRecoveryCode).where(
            StaffRecoveryCode.staff_id == account.id, StaffRecoveryCode.code_hash == code_hash
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def check_second_factor(db: Session, limits: LoginLimits, account: StaffAccount, code: str) -> str:
    """ "totp" or "recovery": which second factor `code` was, now used up; WrongCode
    (counted) otherwise, TooManyAttempts once the account's wrong codes fill the window."""
    counter = limits.code_counter(account)
    attempt = limits.acquire(counter)
    secret = account.totp_secret if account.enrolled else None
    step = matching_step(secret, code, now()) if secret else None
    if step is not None and _take_totp_step(db, account, step):
        used = "totp"
    elif account.enrolled and _take_recovery_code(db, account, code):
        used = "recovery"
        audit.record(db, account, "recovery_code_used", audit.Target.account(account))
    else:
        raise WrongCode()
    limits.limiter.cancel(attempt)
    limits.limiter.reset(counter)
    return used


def finish_enrolment(
    db: Session, limits: LoginLimits, account: StaffAccount, code: str
) -> list[str]:
    """Confirm the enrolment with a first TOTP code (counted like any code): the
    account is enrolled and gets ten new recovery codes, returned to be shown once."""
    counter = limits.code_counter(account)
    attempt = limits.acquire(counter)
    secret = account.totp_secret
    step = matching_step(secret, code, now()) if secret and not account.enrolled else None
    if step is None or not _take_totp_step(db, account, step):
        raise WrongCode()
    limits.limiter.cancel(attempt)
    limits.limiter.reset(counter)
    account.totp_enrolled_at = now()
    audit.record(db, account, "totp_enrolled", audit.Target.account(account))
    return replace_recovery_codes(db, account)
