"""The rules of a staff login, on the services with a database of their own and a
clock the test moves: passwords (length, common ones), TOTP codes (a code works
once, and no earlier code after it; a wrong one is counted until the account is
locked for the window), recovery codes (each once), sessions (idle and absolute
timeouts, a disabled account's sessions end), and the audit log, which the
database itself refuses to change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

import day_centres.login as login_service
import day_centres.sessions as sessions
from day_centres import accounts, audit
from day_centres.errors import (
    AccountDisabled,
    FormInvalid,
    InvalidLogin,
    LoginRequired,
    TooManyAttempts,
    WrongCode,
)
from day_centres.login import LoginLimits, check_password_step, check_second_factor
from day_centres.models import StaffAccount
from day_centres.passwords import PasswordRefused, check_new_password
from day_centres.totp import STEP_SECONDS, recovery_code_hash
from pde.settings import Settings
from tests.pg import temporary_database
from wallet.db import make_engine, migrate, session_factory
from wallet.limits import MemoryLimiter

T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], datetime]:
    """Set the services' clock (wallet.clock.now as each module imported it) to T0 + offset."""
    moment = [T0]
    for module in (login_service, sessions, accounts, audit):
        monkeypatch.setattr(module, "now", lambda: moment[0])

    def set_offset(offset: timedelta) -> datetime:
        moment[0] = T0 + offset
        return moment[0]

    return set_offset


def _database(url: str) -> Iterator[Session]:
    migrate(url)
    engine = make_engine(url)
    with session_factory(engine)() as db:
        yield db
    engine.dispose()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    yield from _database(f"sqlite:///{tmp_path / 'staff.sqlite3'}")


SETTINGS = Settings(staff_code_attempts=3, staff_login_attempts_per_name=4)


@pytest.fixture
def limits() -> LoginLimits:
    return LoginLimits(MemoryLimiter(), SETTINGS)


def enrolled(db: Session, limits: LoginLimits, name: str = "Olga Operator") -> StaffAccount:
    """An operator who enrolled at T0 (their recovery codes are on `codes`)."""
    account = accounts.create_account(db, name, PASSWORD, "operator")
    secret = accounts.enrolment_secret(account)
    account.codes = login_service.finish_enrolment(  # type: ignore[attr-defined]
        db, limits, account, pyotp.TOTP(secret).at(T0)
    )
    db.commit()
    return account


def code_at(account: StaffAccount, moment: datetime) -> str:
    assert account.totp_secret
    return str(pyotp.TOTP(account.totp_secret).at(moment))


# -- passwords -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too_short"),
        ("elevenchars", "too_short"),
        ("x" * 201, "too_long"),
        ("123456789012", "too_common"),
        ("qwertyuiop123", "too_common"),
        ("passwordpassword", "too_common"),
        ("1qaz2wsx3edc", "too_common"),
        ("Olga Operator1", "too_common"),  # the account's own name
    ],
)
def test_a_short_long_or_common_password_is_refused(password: str, reason: str) -> None:
    with pytest.raises(PasswordRefused) as refused:
        check_new_password(password, name="Olga Operator")
    assert refused.value.reason == reason


@pytest.mark.parametrize("password", [PASSWORD, "violet tram under the bridge", "Kp7#vq2!Lm9z"])
def test_a_long_uncommon_password_is_accepted(password: str) -> None:
    check_new_password(password, name="Olga Operator")


def test_an_account_refuses_a_bad_password_and_a_taken_name(db: Session) -> None:
    with pytest.raises(FormInvalid) as refused:
        accounts.create_account(db, "Olga", "password1234", "operator")
    assert refused.value.field == "password"
    accounts.create_account(db, "Olga", PASSWORD, "operator")
    with pytest.raises(FormInvalid) as taken:
        accounts.create_account(db, " OLGA ", PASSWORD, "operator")
    assert taken.value.field == "name"


# -- password step ---------------------------------------------------------------------


def test_a_wrong_password_is_counted_and_locks_the_name_from_that_address(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    enrolled(db, limits)
    for _ in range(SETTINGS.staff_login_attempts_per_name):
        with pytest.raises(InvalidLogin):
            check_password_step(db, limits, "olga operator", "not the password", "10.0.0.1")
    with pytest.raises(TooManyAttempts):  # even the right one, from this address
        check_password_step(db, limits, "olga operator", PASSWORD, "10.0.0.1")
    account = check_password_step(db, limits, "Olga  Operator", PASSWORD, "10.0.0.2")
    assert account.name == "Olga Operator"


def test_an_unknown_name_gets_the_same_answer_and_a_disabled_account_is_told(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    with pytest.raises(InvalidLogin):
        check_password_step(db, limits, "nobody at all", PASSWORD, "10.0.0.1")
    accounts.disable(db, account)
    db.commit()
    with pytest.raises(InvalidLogin):
        check_password_step(db, limits, account.name, "not the password", "10.0.0.1")
    with pytest.raises(AccountDisabled):
        check_password_step(db, limits, account.name, PASSWORD, "10.0.0.1")


# -- TOTP and recovery codes --------------------------------------------------------------


def test_a_totp_code_works_once_and_no_earlier_code_after_it(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    at = clock(timedelta(minutes=5))
    earlier = code_at(account, at - timedelta(seconds=STEP_SECONDS))  # still in the drift window
    assert check_second_factor(db, limits, account, code_at(account, at)) == "totp"
    db.commit()
    with pytest.raises(WrongCode):  # replayed
        check_second_factor(db, limits, account, code_at(account, at))
    with pytest.raises(WrongCode):  # an older code, seen over a shoulder
        check_second_factor(db, limits, account, earlier)
    later = clock(timedelta(minutes=5, seconds=STEP_SECONDS))
    assert check_second_factor(db, limits, account, code_at(account, later)) == "totp"


def test_the_enrolment_code_cannot_log_in_again(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    with pytest.raises(WrongCode):
        check_second_factor(db, limits, account, code_at(account, T0))


def test_wrong_codes_are_counted_until_the_account_waits_out_the_window(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    at = clock(timedelta(minutes=1))
    for wrong in ("000000", "123456", "999999")[: SETTINGS.staff_code_attempts]:
        if wrong == code_at(account, at):
            continue
        with pytest.raises(WrongCode):
            check_second_factor(db, limits, account, wrong)
    with pytest.raises(TooManyAttempts):  # the right code too, until the window passes
        check_second_factor(db, limits, account, code_at(account, at))


def test_a_right_code_clears_the_wrong_ones(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    for minute in (1, 2, 3):
        at = clock(timedelta(minutes=minute))
        for _ in range(SETTINGS.staff_code_attempts - 1):
            with pytest.raises(WrongCode):
                check_second_factor(db, limits, account, "not a code")
        assert check_second_factor(db, limits, account, code_at(account, at)) == "totp"


def test_each_recovery_code_works_once_and_is_logged(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    first, second = account.codes[:2]  # type: ignore[attr-defined]
    assert len(account.codes) == 10  # type: ignore[attr-defined]
    assert check_second_factor(db, limits, account, first.upper().replace("-", " ")) == "recovery"
    db.commit()
    with pytest.raises(WrongCode):
        check_second_factor(db, limits, account, first)
    assert check_second_factor(db, limits, account, second) == "recovery"
    assert accounts.recovery_codes_left(db, account) == 8
    db.commit()
    assert [e.action for e in audit.entries(db, limit=10)][:2] == ["recovery_code_used"] * 2


def test_recovery_codes_are_kept_hashed_and_forgive_look_alike_letters(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    code = account.codes[0]  # type: ignore[attr-defined]
    stored = db.execute(text("SELECT code_hash FROM staff_recovery_codes")).scalars().all()
    assert recovery_code_hash(code) in stored
    assert all(code.encode() not in bytes(row) for row in stored)
    assert recovery_code_hash(code.replace("1", "l").replace("0", "O")) == recovery_code_hash(code)
    assert recovery_code_hash("not-a-code") is None


def test_a_totp_reset_forgets_the_secret_and_the_codes_and_ends_sessions(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    token, _ = sessions.open_session(db, SETTINGS, account, "full")
    accounts.reset_totp(db, account)
    db.commit()
    assert (account.totp_secret, account.totp_enrolled_at) == (None, None)
    assert accounts.recovery_codes_left(db, account) == 0
    with pytest.raises(LoginRequired):
        sessions.authenticate(db, SETTINGS, token)
    with pytest.raises(WrongCode):
        check_second_factor(db, limits, account, account.codes[1])  # type: ignore[attr-defined]
    assert accounts.enrolment_secret(account) != ""  # enrols again at the next login


# -- sessions ----------------------------------------------------------------------------


def test_a_session_ends_after_its_idle_timeout(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    settings = Settings(staff_session_idle_minutes=30, staff_session_absolute_hours=12)
    token, _ = sessions.open_session(db, settings, enrolled(db, limits), "full")
    db.commit()
    clock(timedelta(minutes=29))
    sessions.authenticate(db, settings, token)
    db.commit()
    clock(timedelta(minutes=29 + 29))
    sessions.authenticate(db, settings, token)  # activity moved the idle deadline
    db.commit()
    clock(timedelta(minutes=29 + 29 + 30))
    with pytest.raises(LoginRequired):
        sessions.authenticate(db, settings, token)


def test_an_active_session_ends_at_its_absolute_timeout(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    settings = Settings(staff_session_idle_minutes=30, staff_session_absolute_hours=12)
    token, _ = sessions.open_session(db, settings, enrolled(db, limits), "full")
    db.commit()
    for quarter in range(1, 12 * 4):
        clock(timedelta(minutes=15 * quarter))
        sessions.authenticate(db, settings, token)
        db.commit()
    clock(timedelta(hours=12))
    with pytest.raises(LoginRequired):
        sessions.authenticate(db, settings, token)


def test_a_half_open_session_lasts_ten_minutes_and_disabling_ends_every_session(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    account = enrolled(db, limits)
    pending, _ = sessions.open_session(db, SETTINGS, account, "code")
    full, _ = sessions.open_session(db, SETTINGS, account, "full")
    db.commit()
    clock(timedelta(minutes=sessions.PENDING_MINUTES))
    with pytest.raises(LoginRequired):
        sessions.authenticate(db, SETTINGS, pending)
    sessions.authenticate(db, SETTINGS, full)
    accounts.disable(db, account)
    db.commit()
    with pytest.raises(LoginRequired):
        sessions.authenticate(db, SETTINGS, full)


def test_sessions_are_kept_as_hashes_only(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    token, _ = sessions.open_session(db, SETTINGS, enrolled(db, limits), "full")
    db.commit()
    stored = db.execute(text("SELECT token_hash FROM staff_sessions")).scalars().all()
    assert stored == [sessions.token_hash(token)]
    assert len(token) >= 43  # 256 random bits


# -- the audit log ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    if request.param == "sqlite":
        yield from _database(f"sqlite:///{tmp_path / 'audit.sqlite3'}")
        return
    with temporary_database("pde_audit") as url:
        yield from _database(url)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE staff_audit_log SET actor_name = 'someone else'", "DELETE FROM staff_audit_log"],
)
def test_the_database_refuses_to_change_or_delete_audit_entries(
    any_db: Session, statement: str
) -> None:
    audit.record(any_db, None, "centre_created", audit.Target(None, None, "Centre"))
    any_db.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        any_db.execute(text(statement))
        any_db.commit()
    any_db.rollback()
    assert [e.actor_name for e in audit.entries(any_db, limit=5)] == ["pde staff"]


def test_the_csv_export_defuses_spreadsheet_formulas(db: Session, tmp_path: Path) -> None:
    audit.record(db, None, "centre_created", audit.Target(None, None, "=HYPERLINK(1)"))
    db.commit()
    engine = make_engine(f"sqlite:///{tmp_path / 'staff.sqlite3'}")
    lines = "".join(audit.csv_lines(session_factory(engine))).splitlines()
    engine.dispose()
    assert lines[0] == ",".join(audit.CSV_COLUMNS)
    assert lines[1].endswith(",'=HYPERLINK(1)")


def test_housekeeping_drops_ended_sessions_and_old_steps_but_never_the_log(
    db: Session, limits: LoginLimits, clock: Callable[[timedelta], datetime]
) -> None:
    from day_centres.maintenance import purge_staff_sessions_and_steps
    from pde.app import housekeeping_tasks

    assert purge_staff_sessions_and_steps in housekeeping_tasks()
    account = enrolled(db, limits)
    sessions.open_session(db, SETTINGS, account, "code")  # ends after 10 minutes
    sessions.open_session(db, SETTINGS, account, "full")
    db.commit()
    purge_staff_sessions_and_steps(db, T0 + timedelta(minutes=9))
    assert db.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 2
    purge_staff_sessions_and_steps(db, T0 + timedelta(minutes=11))
    db.commit()
    assert db.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 1
    assert db.execute(text("SELECT count(*) FROM staff_totp_steps")).scalar() == 0
    purge_staff_sessions_and_steps(db, T0 + timedelta(hours=12))
    db.commit()
    assert db.execute(text("SELECT count(*) FROM staff_sessions")).scalar() == 0
    assert audit.count(db) == 1  # the enrolment stays in the log
