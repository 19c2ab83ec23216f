"""Enrolled terminals, on the services with a database of their own and a clock
the test moves: a code has 8 characters of its alphabet, is kept hashed, works
once and not after 10 minutes, nor once its issuer is disabled; wrong codes are
counted per address and from everyone, codes asked for per staff member; a
terminal's token is kept hashed, its last-seen day written at most once a day;
revoking it makes its cookie name nothing; the middleware sets the request's
terminal_centre_id from the cookie and nothing from anything else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import day_centres.audit as audit
import day_centres.terminals as terminals
from day_centres import accounts, centres
from day_centres.errors import (
    FormInvalid,
    ServiceUnavailable,
    StaffNotFound,
    TooManyAttempts,
    WrongEnrolmentCode,
)
from day_centres.models import AuditEntry, StaffAccount, Terminal, TerminalEnrolmentCode
from day_centres.terminal_context import TerminalContext
from pde.settings import Settings
from wallet.db import make_engine, migrate, session_factory
from wallet.errors import LimitsUnavailable
from wallet.limits import MemoryLimiter
from wallet.runtime import Runtime

T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
SETTINGS = Settings(
    terminal_code_attempts_per_client=3,
    terminal_code_attempts_total=5,
    terminal_codes_per_staff_per_hour=2,
)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], datetime]:
    moment = [T0]
    for module in (terminals, audit, accounts, centres):
        monkeypatch.setattr(module, "now", lambda: moment[0])

    def set_offset(offset: timedelta) -> datetime:
        moment[0] = T0 + offset
        return moment[0]

    return set_offset


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'terminals.sqlite3'}"
    migrate(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def limits() -> terminals.EnrolmentLimits:
    return terminals.EnrolmentLimits(MemoryLimiter(), SETTINGS)


def centre_staff(
    db: Session, role: str = "worker", centre_name: str = "Centre Horizon"
) -> StaffAccount:
    details = centres.CentreDetails(
        name=centre_name,
        address="Rue Haute 1",
        help_phone="+32 2 000 00 00",
        opening_hours="9:00-17:00",
        languages=["ar", "fr"],
        printing_allowed=False,
        idle_minutes=5,
    )
    centre = centres.create_centre(db, details)
    account = accounts.create_account(db, f"{role} of {centre_name}", PASSWORD, role, centre)
    db.commit()
    return account


def test_a_code_is_eight_characters_of_its_alphabet_and_forgives_how_it_is_typed() -> None:
    made = {terminals.new_code() for _ in range(200)}
    assert len(made) == 200
    assert all(len(code) == 8 and set(code) <= set(terminals.CODE_ALPHABET) for code in made)
    assert not set("0O1IL5S2Z8BUV") & set(terminals.CODE_ALPHABET)
    assert terminals.normalised_code(" kx4n-7cqa ") == "KX4N7CQA"
    assert terminals.normalised_code("KX4N7CQ") is None
    assert terminals.normalised_code("KX4N7CQ0") is None  # 0 is not in the alphabet


def test_a_code_works_once_and_is_kept_only_as_a_hash(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    code, expires = terminals.issue_code(db, limits, worker)
    db.commit()
    assert expires == T0 + timedelta(minutes=10)
    stored = db.scalars(select(TerminalEnrolmentCode)).one()
    assert stored.code_hash == terminals.code_hash(code) and code.encode() not in stored.code_hash
    token, terminal = terminals.enrol(db, limits, code.lower(), "  Reception   left ", "1.2.3.4")
    db.commit()
    assert terminal.name == "Reception left" and terminal.centre_id == worker.centre_id
    assert terminal.token_hash == terminals.token_hash(token) and len(token) >= 43
    with pytest.raises(WrongEnrolmentCode):
        terminals.enrol(db, limits, code, "Again", "1.2.3.4")
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["terminal_code_issued", "terminal_enrolled"]
    enrolled = db.scalars(select(AuditEntry).where(AuditEntry.action == "terminal_enrolled")).one()
    assert (enrolled.actor_id, enrolled.target_id) == (worker.id, terminal.id)


def test_a_code_has_ended_after_ten_minutes(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    late, _ = terminals.issue_code(db, limits, worker)
    db.commit()
    clock(timedelta(minutes=9, seconds=59))
    terminals.enrol(db, limits, code, "In time", "1.2.3.4")
    db.commit()
    clock(timedelta(minutes=10))
    with pytest.raises(WrongEnrolmentCode):
        terminals.enrol(db, limits, late, "Too late", "1.2.3.4")
    db.rollback()
    terminals.purge_ended_codes(db, T0 + timedelta(minutes=10))
    db.commit()
    assert db.scalars(select(TerminalEnrolmentCode)).all() == []


def test_a_code_of_a_staff_member_disabled_since_opens_nothing(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    accounts.disable(db, worker)
    db.commit()
    with pytest.raises(WrongEnrolmentCode):
        terminals.enrol(db, limits, code, "Reception", "1.2.3.4")


def test_wrong_codes_are_counted_per_address_and_from_everyone(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    db.commit()
    for _ in range(SETTINGS.terminal_code_attempts_per_client):
        with pytest.raises(WrongEnrolmentCode):
            terminals.enrol(db, limits, "ACDEFGHJ", "Guess", "6.6.6.6")
    with pytest.raises(TooManyAttempts):  # even the right code, from that address
        terminals.enrol(db, limits, code, "Guess", "6.6.6.6")
    for _ in range(
        SETTINGS.terminal_code_attempts_total - SETTINGS.terminal_code_attempts_per_client
    ):
        with pytest.raises(WrongEnrolmentCode):
            terminals.enrol(db, limits, "ACDEFGHJ", "Guess", "7.7.7.7")
    with pytest.raises(TooManyAttempts):  # the whole service's guesses are bounded too
        terminals.enrol(db, limits, code, "Reception", "8.8.8.8")


def test_a_right_code_is_not_counted_as_a_guess(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    generous = terminals.EnrolmentLimits(MemoryLimiter(), Settings())
    for number in range(SETTINGS.terminal_code_attempts_per_client + 1):
        code, _ = terminals.issue_code(db, generous, worker)
        db.commit()
        terminals.enrol(db, limits, code, f"Terminal {number}", "1.2.3.4")
        db.commit()


def test_codes_asked_for_are_limited_per_staff_member_and_an_operator_has_no_centre(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    for _ in range(SETTINGS.terminal_codes_per_staff_per_hour):
        terminals.issue_code(db, limits, worker)
    with pytest.raises(TooManyAttempts):
        terminals.issue_code(db, limits, worker)
    operator = accounts.create_account(db, "Olga", PASSWORD, "operator")
    with pytest.raises(StaffNotFound):
        terminals.issue_code(db, limits, operator)


class DownLimiter(MemoryLimiter):
    def acquire(self, *counters, fail_closed=True):  # type: ignore[no-untyped-def]
        raise LimitsUnavailable()


def test_codes_are_refused_when_the_limits_cannot_be_counted(
    db: Session, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    down = terminals.EnrolmentLimits(DownLimiter(), SETTINGS)
    with pytest.raises(ServiceUnavailable):
        terminals.issue_code(db, down, worker)
    with pytest.raises(ServiceUnavailable):
        terminals.enrol(db, down, "ACDEFGHJ", "Reception", "1.2.3.4")


@pytest.mark.parametrize("name", ["", " x ", "y" * 61])
def test_a_terminal_needs_a_name_of_2_to_60_characters(
    db: Session, limits: terminals.EnrolmentLimits, name: str
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    db.commit()
    with pytest.raises(FormInvalid) as refused:
        terminals.enrol(db, limits, code, name, "1.2.3.4")
    assert refused.value.field == "name"
    db.rollback()
    terminals.enrol(db, limits, code, "Reception", "1.2.3.4")  # the code was not used up


def test_last_seen_is_written_at_most_once_a_day_and_a_revoked_terminal_is_unknown(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    token, terminal = terminals.enrol(db, limits, code, "Reception", "1.2.3.4")
    db.commit()
    found = terminals.recognise(db, token, T0.date())
    assert found is not None
    policy, moved = found
    assert moved is False  # enrolled today: nothing to write
    assert (policy.centre_name, policy.languages, policy.idle_minutes) == (
        "Centre Horizon",
        ("ar", "fr"),
        5,
    )
    assert policy.printing_allowed is False and policy.help_phone == "+32 2 000 00 00"
    next_day = date(2026, 12, 2)
    assert terminals.recognise(db, token, next_day)[1] is True  # type: ignore[index]
    assert terminals.recognise(db, token, next_day)[1] is False  # type: ignore[index]
    assert db.get(Terminal, terminal.id).last_seen_on == next_day  # type: ignore[union-attr]
    assert terminals.recognise(db, "made-up", next_day) is None
    assert terminals.recognise(db, "x" * 101, next_day) is None
    coordinator = accounts.create_account(
        db, "Coco", PASSWORD, "coordinator", centres.get_centre(db, worker.centre_id or "")
    )
    terminals.revoke(db, coordinator, terminals.visible_terminal(db, coordinator, terminal.id))
    db.commit()
    assert terminals.recognise(db, token, next_day) is None


def test_a_coordinator_sees_only_their_centres_terminals_and_a_worker_none(
    db: Session, limits: terminals.EnrolmentLimits, clock: Callable[[timedelta], datetime]
) -> None:
    worker_a = centre_staff(db, centre_name="Centre A")
    worker_b = centre_staff(db, centre_name="Centre B")
    code_b, _ = terminals.issue_code(db, limits, worker_b)
    _, terminal_b = terminals.enrol(db, limits, code_b, "B's hall", "1.2.3.4")
    coordinator_a = accounts.create_account(
        db, "Coco A", PASSWORD, "coordinator", centres.get_centre(db, worker_a.centre_id or "")
    )
    operator = accounts.create_account(db, "Olga", PASSWORD, "operator")
    db.commit()
    for who in (coordinator_a, worker_b):
        with pytest.raises(StaffNotFound):
            terminals.visible_terminal(db, who, terminal_b.id)
    assert terminals.visible_terminal(db, operator, terminal_b.id) is terminal_b
    assert terminals.list_terminals(db, worker_a.centre_id) == []
    assert [t.id for t in terminals.list_terminals(db)] == [terminal_b.id]


def test_the_middleware_sets_the_terminal_centre_from_the_cookie_only(
    db_url: str, db: Session, limits: terminals.EnrolmentLimits
) -> None:
    worker = centre_staff(db)
    code, _ = terminals.issue_code(db, limits, worker)
    token, _ = terminals.enrol(db, limits, code, "Reception", "1.2.3.4")
    db.commit()
    engine = make_engine(db_url)
    runtime = Runtime(Settings(database_url=db_url), engine, session_factory(engine), None)  # type: ignore[arg-type]
    app = FastAPI()
    app.add_middleware(TerminalContext, runtime=runtime)

    @app.get("/seen")
    def seen(request: Request) -> dict[str, object]:
        policy = getattr(request.state, "terminal_policy", None)
        return {
            "centre": getattr(request.state, "terminal_centre_id", None),
            "idle": policy.idle_minutes if policy else None,
        }

    try:
        with TestClient(app) as http:
            assert http.get("/seen").json() == {"centre": None, "idle": None}
            http.cookies.set(terminals.COOKIE, token)
            assert http.get("/seen").json() == {"centre": worker.centre_id, "idle": 5}
            as_bearer = http.get("/seen", headers={"Authorization": f"Bearer {token}"})
            assert as_bearer.json()["centre"] == worker.centre_id  # the cookie, not the bearer
            http.cookies.clear()
            assert http.get("/seen", headers={"Authorization": f"Bearer {token}"}).json() == {
                "centre": None,
                "idle": None,
            }
            http.cookies.set(terminals.COOKIE, "made-up")
            unknown = http.get("/seen")
            assert unknown.json()["centre"] is None
            assert "Max-Age=0" in unknown.headers["set-cookie"]
    finally:
        engine.dispose()
