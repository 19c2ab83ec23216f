"""Housekeeping, at the service level with a real SQLite database."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from crypto import new_id
from crypto.stream import ciphertext_size
from wallet import maintenance
from wallet.models import Account, AuthSession, Document
from wallet.runtime import Runtime
from wallet.services import accounts, documents, sessions, uploads

STREAM_START = b"PDEs\x01" + bytes(39)


def make_account(db: Session) -> Account:
    return accounts.register(
        db,
        accounts.NewAccount(
            account_id=new_id(),
            handle=f"h-{new_id()[:8]}",
            account_salt=bytes(16),
            auth_key=bytes(32),
            recovery_auth=bytes(32),
            wrapped_master_key=bytes(61),
            wrapped_master_key_recovery=bytes(61),
            deposit_public_key=bytes(32),
            wrapped_deposit_private_key=bytes(61),
        ),
    )


def start_upload(runtime: Runtime, db: Session, account: Account) -> Document:
    size = ciphertext_size(10_000)
    document = documents.create_document(
        db,
        runtime.settings,
        account,
        documents.NewDocument(new_id(), bytes(61), bytes(285), size, bytes(32)),
    )
    uploads.put_part(
        db,
        runtime.blobs,
        runtime.settings,
        runtime.hashes,
        account,
        document.id,
        0,
        io.BytesIO(STREAM_START + bytes(956)),
        1000,
    )
    db.commit()
    return document


def test_housekeeping_discards_abandoned_uploads_and_releases_their_quota(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.db() as db:
        account = make_account(db)
        stale = start_upload(runtime, db, account)
        fresh = start_upload(runtime, db, account)
        stale.updated_at -= timedelta(hours=runtime.settings.upload_abandoned_hours + 1)
        db.commit()
        account_id, stale_id, fresh_id = account.id, stale.id, fresh.id
    uploads_folder = runtime.settings.data_dir / "blobs" / "accounts" / account_id / "uploads"
    assert sorted(path.name for path in uploads_folder.iterdir()) == sorted(
        [f"{stale_id}.upload", f"{fresh_id}.upload"]
    )
    maintenance.run_once(runtime)
    with runtime.db() as db:
        assert db.get(Document, stale_id) is None
        assert db.get(Document, fresh_id) is not None
        assert db.get(Account, account_id).used_bytes == ciphertext_size(10_000)
    assert [path.name for path in uploads_folder.iterdir()] == [f"{fresh_id}.upload"]
    assert list(runtime.blobs.list_keys(f"accounts/{account_id}/uploads")) == [
        f"accounts/{account_id}/uploads/{fresh_id}"
    ]


def test_housekeeping_removes_ended_sessions_only(runtime: Runtime) -> None:
    with runtime.db() as db:
        account = make_account(db)
        live, _ = sessions.create_session(db, runtime.settings, account)
        sessions.create_session(db, runtime.settings, account)
        db.flush()
        live_hash = sessions.authenticate(db, runtime.settings, live).token_hash
        [ended] = [s for s in sessions.list_sessions(db, account.id) if s.token_hash != live_hash]
        ended.last_seen_at -= timedelta(minutes=runtime.settings.session_idle_minutes + 1)
        db.commit()
        account_id = account.id
    maintenance.run_once(runtime)
    with runtime.db() as db:
        assert len(db.query(AuthSession).filter_by(account_id=account_id).all()) == 1
        assert sessions.authenticate(db, runtime.settings, live).account_id == account_id
