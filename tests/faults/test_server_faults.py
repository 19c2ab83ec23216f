"""Faults a real deployment meets: the server killed mid-upload, the object
store or the database gone. Acknowledged data survives; nothing half-made shows."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from client import ClientError, PdeClient
from tests.conftest import FAST_ENV, PASSPHRASE
from tests.pg import ADMIN_CONNINFO, temporary_database
from tests.server import ServeProcess, s3_env, serve_process
from tests.storage.s3server import S3Server, require_ministack
from tests.wallet_pool import WalletPool

MIB = 1 << 20


def random_file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / f"doc-{secrets.token_hex(4)}.bin"
    path.write_bytes(os.urandom(size))
    return path


def downloaded(client: PdeClient, document_id: str) -> bytes:
    out = io.BytesIO()
    client.get(document_id, out)
    return out.getvalue()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[ServeProcess]:
    with serve_process(tmp_path / "server", FAST_ENV) as server:
        yield server


def test_server_killed_mid_upload_the_client_resumes_and_the_document_is_intact(
    sqlite_server: ServeProcess, wallet_pool: WalletPool, tmp_path: Path
) -> None:
    source = random_file(tmp_path, 24 * MIB)
    client = PdeClient(sqlite_server.url, retry_seconds=60)
    wallet_pool.register(client, f"fault-{secrets.token_hex(4)}", PASSPHRASE)
    killed = threading.Event()
    acknowledged: list[int] = []

    def crash_once(received: int, size: int) -> None:
        acknowledged.append(received)
        if received >= 8 * MIB and not killed.is_set():
            killed.set()
            sqlite_server.stop(kill=True)  # SIGKILL, as a power cut would
            threading.Timer(1.0, sqlite_server.start).start()

    document_id = client.add(source, part_bytes=2 * MIB, progress=crash_once)
    assert killed.is_set() and acknowledged[-1] > 8 * MIB
    assert downloaded(client, document_id) == source.read_bytes()
    assert [d.document_id for d in client.list()] == [document_id]


def test_restart_after_sigkill_loses_nothing_acknowledged(
    sqlite_server: ServeProcess, wallet_pool: WalletPool, tmp_path: Path
) -> None:
    client = PdeClient(sqlite_server.url, retry_seconds=30)
    handle = f"fault-{secrets.token_hex(4)}"
    wallet_pool.register(client, handle, PASSPHRASE)
    files = {
        client.add(p): p.read_bytes() for p in (random_file(tmp_path, n) for n in (10, MIB + 7))
    }
    client.update(next(iter(files)), title="renamed before the crash")
    sqlite_server.restart(kill=True)
    again = PdeClient(sqlite_server.url)
    again.login(handle, PASSPHRASE)
    assert {d.document_id for d in again.list()} == set(files)
    assert again.info(next(iter(files))).metadata["title"] == "renamed before the crash"
    for document_id, content in files.items():
        assert downloaded(again, document_id) == content


@pytest.fixture
def s3_backed_server(tmp_path: Path) -> Iterator[tuple[ServeProcess, S3Server]]:
    require_ministack()
    s3 = S3Server(tmp_path / "s3")
    s3.start()
    try:
        with serve_process(tmp_path / "server", FAST_ENV | s3_env(s3, "pde-faults")) as server:
            yield server, s3
    finally:
        s3.stop()


def test_object_store_down_gives_503_with_a_clear_code_and_no_half_document(
    s3_backed_server: tuple[ServeProcess, S3Server], wallet_pool: WalletPool, tmp_path: Path
) -> None:
    server, s3 = s3_backed_server
    client = PdeClient(server.url, retry_seconds=1)
    wallet_pool.register(client, f"fault-{secrets.token_hex(4)}", PASSPHRASE)
    kept = random_file(tmp_path, MIB + 5)
    kept_id = client.add(kept)
    s3.stop()
    with pytest.raises(ClientError) as refused:
        client.add(random_file(tmp_path, 3 * MIB))
    assert refused.value.status == 503 and refused.value.code == "storage_unavailable"
    with pytest.raises(ClientError) as download:
        downloaded(client, kept_id)
    assert download.value.code == "storage_unavailable"
    assert [d.document_id for d in client.list()] == [kept_id]  # the database still answers
    s3.start()  # same data folder: the store comes back with what it had
    assert downloaded(client, kept_id) == kept.read_bytes()
    later = random_file(tmp_path, 1000)
    assert downloaded(client, client.add(later)) == later.read_bytes()
    assert len(client.list()) == 2
    assert "Traceback" not in server.log_text()


def _allow_connections(database: str, allowed: bool) -> None:
    with psycopg.connect(ADMIN_CONNINFO, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(database), sql.SQL("true" if allowed else "false")
            )
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )


def test_database_down_gives_503_and_nothing_acknowledged_is_lost(
    wallet_pool: WalletPool, tmp_path: Path
) -> None:
    with temporary_database("pde_fault") as url:
        database = url.rsplit("/", 1)[1]
        with serve_process(tmp_path / "server", FAST_ENV | {"PDE_DATABASE_URL": url}) as server:
            client = PdeClient(server.url, retry_seconds=1)
            wallet_pool.register(client, f"fault-{secrets.token_hex(4)}", PASSPHRASE)
            content = os.urandom(2 * MIB)
            document_id = client.add(io.BytesIO(content))
            _allow_connections(database, False)
            try:
                with pytest.raises(ClientError) as refused:
                    client.list()
                assert refused.value.status == 503
                assert refused.value.code == "database_unavailable"
            finally:
                _allow_connections(database, True)
            assert [d.document_id for d in client.list()] == [document_id]
            assert (
                hashlib.sha256(downloaded(client, document_id)).digest()
                == hashlib.sha256(content).digest()
            )
            assert "Traceback" not in server.log_text()
