"""Retention: one housekeeping round, with every package's tasks as `create_app` gives
them, removes what has ended and logs how many of each kind, one JSON line per kind,
with counts only: no handle, no id of a wallet, document, share, link or session."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import new_id
from crypto.stream import ciphertext_size
from day_centres.models import StaffAccount, StaffSession, UsedTotpStep
from pde.app import housekeeping_tasks
from pde.cli import main
from tests.log_lines import json_log_lines
from tests.server import PDE
from tests.unit.share_links.test_maintenance import add_share
from tests.unit.wallet.test_housekeeping import STREAM_START, make_account
from wallet import maintenance
from wallet.clock import now
from wallet.db import migrate
from wallet.models import Account, AuthSession, DepositLink, Document
from wallet.runtime import Runtime
from wallet.services import documents, sessions, uploads
from wallet.services.documents import DEPOSITED

KINDS = {
    "abandoned_uploads",
    "abandoned_deposits",
    "multipart_uploads",
    "expired_link_deposits",
    "deposit_links",
    "sessions",
    "recovery_requests",
    "shares",
    "staff_sessions",
    "totp_steps",
}


def upload(
    runtime: Runtime, db: Session, account: Account, idle: timedelta, link: str | None = None
) -> str:
    """An unfinished upload (one part stored), last touched `idle` ago."""
    document = documents.create_document(
        db,
        runtime.settings,
        account,
        documents.NewDocument(
            new_id(), bytes(61), bytes(285), ciphertext_size(10_000), bytes(32), link
        ),
    )
    part = io.BytesIO(STREAM_START + bytes(956))
    uploads.put_part(
        db, runtime.blobs, runtime.settings, runtime.hashes, account, document.id, 0, part, 1000
    )
    document.updated_at = now() - idle
    db.commit()
    return document.id


def deposit_link(db: Session, account: Account, ended_ago: timedelta | None) -> str:
    moment = now()
    link = DepositLink(
        id=new_id(),
        account_id=account.id,
        label_box=b"l",
        info_box=b"i",
        max_files=5,
        files=1,
        created_at=moment - timedelta(days=200),
        expires_at=moment - ended_ago if ended_ago else moment + timedelta(days=3),
    )
    db.add(link)
    db.commit()
    return link.id


def staff_sessions(db: Session) -> str:
    """An operator with one ended session, one living, one old TOTP step and one fresh."""
    moment = now()
    staff = StaffAccount(
        id=new_id(),
        name="Retention Operator",
        name_key="retention operator",
        role="operator",
        password_hash="x",
        created_at=moment,
    )
    db.add(staff)
    for ends in (moment - timedelta(minutes=1), moment + timedelta(hours=1)):
        db.add(
            StaffSession(
                id=new_id(),
                staff_id=staff.id,
                token_hash=new_id().encode()[:32].ljust(32, b"0"),
                stage="full",
                created_at=moment - timedelta(hours=2),
                last_seen_at=moment,
                expires_at=ends,
            )
        )
    db.add(UsedTotpStep(staff_id=staff.id, step=1, used_at=moment - timedelta(hours=1)))
    db.add(UsedTotpStep(staff_id=staff.id, step=2, used_at=moment))
    db.commit()
    return staff.id


def test_a_round_removes_what_ended_and_logs_one_count_per_kind_without_an_id(
    runtime: Runtime,
) -> None:
    settings = runtime.settings
    with runtime.db() as db:
        account = make_account(db)
        live_token, _ = sessions.create_session(db, settings, account)
        ended_token, _ = sessions.create_session(db, settings, account)
        db.flush()
        ended = sessions.authenticate(db, settings, ended_token)
        ended.last_seen_at -= timedelta(minutes=settings.session_idle_minutes + 1)
        db.commit()
        owner_hours = timedelta(hours=settings.upload_abandoned_hours)
        depositor_minutes = timedelta(minutes=settings.deposit_abandoned_minutes)
        stale = upload(runtime, db, account, owner_hours + timedelta(minutes=1))
        fresh = upload(runtime, db, account, timedelta(hours=1))
        active = deposit_link(db, account, ended_ago=None)
        stale_deposit = upload(
            runtime, db, account, depositor_minutes + timedelta(minutes=1), active
        )
        sending = upload(runtime, db, account, timedelta(minutes=5), active)
        expired = deposit_link(db, account, ended_ago=timedelta(days=1))
        cut_off = upload(runtime, db, account, timedelta(minutes=5), expired)
        forgotten = deposit_link(db, account, ended_ago=timedelta(days=91))
        in_inbox = upload(runtime, db, account, timedelta(days=91), forgotten)
        db.get(Document, in_inbox).state = DEPOSITED
        long_ended = add_share(db, account.id, expires=now() - timedelta(days=91), revoked=None)
        living = add_share(db, account.id, expires=now() + timedelta(days=1), revoked=None)
        staff_id = staff_sessions(db)
        db.commit()
        account_id, handle = account.id, account.handle

    with json_log_lines() as log:
        removed = maintenance.run_once(runtime, housekeeping_tasks())

    assert removed == {
        "abandoned_uploads": 1,
        "abandoned_deposits": 1,
        "multipart_uploads": 0,  # the local store has none (tests/api/test_direct_transfers.py)
        "expired_link_deposits": 1,
        "deposit_links": 1,
        "sessions": 1,
        "recovery_requests": 0,
        "shares": 1,
        "staff_sessions": 1,
        "totp_steps": 1,
    } | {kind: count for kind, count in removed.items() if kind not in KINDS}
    lines = [line for line in log.of("pde.maintenance") if line.get("event") == "housekeeping"]
    assert {line["kind"]: line["count"] for line in lines} == removed
    assert len(lines) == len(removed), "one line per kind"
    assert all(line["message"] == "housekeeping removed" for line in lines)
    everything = "\n".join(log.text)
    for secret in (account_id, handle, stale, stale_deposit, cut_off, active, expired, forgotten):
        assert secret not in everything
    for secret in (long_ended, living, staff_id, live_token, ended_token, in_inbox):
        assert secret not in everything

    with runtime.db() as db:
        left = set(db.scalars(select(Document.id)))
        assert left == {fresh, sending, in_inbox}
        assert set(db.scalars(select(DepositLink.id))) == {active, expired}
        assert db.scalar(select(func.count()).select_from(AuthSession)) == 1
        assert db.scalar(select(func.count()).select_from(StaffSession)) == 1
        # The quota holds exactly what is left: the two unfinished uploads and the inbox's.
        assert db.get(Account, account_id).used_bytes == 3 * ciphertext_size(10_000)
    left_blobs = set(runtime.blobs.list_keys(f"accounts/{account_id}/uploads"))
    assert {key.split("/")[3] for key in left_blobs} == {fresh, sending, in_inbox}


def test_a_second_round_finds_nothing_more_and_says_so(runtime: Runtime) -> None:
    with runtime.db() as db:
        account = make_account(db)
        upload(runtime, db, account, timedelta(days=2))
    first = maintenance.run_once(runtime, housekeeping_tasks())
    with json_log_lines() as log:
        second = maintenance.run_once(runtime, housekeeping_tasks())
    assert first is not None and first["abandoned_uploads"] == 1
    assert second is not None and set(second.values()) == {0}
    counts = {line["kind"]: line["count"] for line in log.of("pde.maintenance")}
    assert counts == second


def test_pde_housekeeping_prints_one_json_line_per_kind(runtime: Runtime) -> None:
    with runtime.db() as db:
        account = make_account(db)
        upload(runtime, db, account, timedelta(days=2))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDE_")}
    env["PDE_DATA_DIR"] = str(runtime.settings.data_dir)
    done = subprocess.run(
        [*PDE, "housekeeping"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    counts = {line["kind"]: line["count"] for line in lines if line.get("event") == "housekeeping"}
    assert counts["abandoned_uploads"] == 1
    assert set(counts) >= KINDS
    assert account.id not in done.stderr and account.handle not in done.stderr


def test_pde_housekeeping_fails_with_its_exit_code_when_a_round_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in [name for name in os.environ if name.startswith("PDE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PDE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(logging.config, "dictConfig", lambda _: None)  # keep pytest's logging
    migrate(f"sqlite:///{tmp_path / 'pde.sqlite3'}")
    with sqlite3.connect(tmp_path / "pde.sqlite3") as raw:
        raw.execute("DROP TABLE deposit_links")  # the round's query now fails
    assert main(["housekeeping"]) == 1
    assert "housekeeping failed: OperationalError" in caplog.messages
