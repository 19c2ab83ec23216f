"""The restore drill an operator should run, on both shapes (SQLite + folder,
PostgreSQL + S3): wallets, documents, shares and deposits made through the Python
client; a backup while the server runs; the database and the store erased; a
restore into a fresh database; then every document decrypts byte for byte,
every share opens with its link, the deposit waiting in the inbox is still there,
and every table holds as many rows as before."""

from __future__ import annotations

import contextlib
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest

from client import PdeClient
from client.deposits import accept, create_deposit_link, deposit, inbox
from client.shares import ShareViewer, create_share, list_shares
from tests.conftest import BACKENDS, FAST_ENV, PASSPHRASE
from tests.pg import temporary_database
from tests.server import LiveServer, live_server, s3_env
from tests.storage.s3server import S3Server, require_ministack
from tests.wallet_pool import WalletPool
from wallet.backup import Manifest, make_backup, restore_backup
from wallet.backup.database import row_counts
from wallet.db import make_engine
from wallet.runtime import open_blob_store

MIB = 1 << 20


@dataclass
class Made:
    """What the drill made before the backup, to find again after the restore."""

    owner: str
    other: str
    documents: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id: (handle, bytes)
    pins: dict[str, str] = field(default_factory=dict)  # share id: PIN
    waiting_deposit: tuple[str, int] = ("", 0)  # (document id, size) left in the inbox


def counts(server: LiveServer) -> dict[str, int]:
    engine = make_engine(server.settings().sqlalchemy_url)
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


def populate(server: LiveServer, pool: WalletPool, files: Path) -> Made:
    """Two wallets, four documents (one of several segments), a deleted one, two shares
    (one with a PIN), a deposit link with one file accepted and one waiting."""
    made = Made(owner=f"drill-{secrets.token_hex(4)}", other=f"drill-{secrets.token_hex(4)}")
    contents = {
        "letter": b"a short letter",
        "scan": secrets.token_bytes(2 * MIB + 12345),  # three segments, several parts
        "card": secrets.token_bytes(70_000),
    }
    with PdeClient(server.url, retry_seconds=5) as owner, PdeClient(server.url) as other:
        pool.register(owner, made.owner, PASSPHRASE)
        pool.register(other, made.other, PASSPHRASE)
        for title, content in contents.items():
            document_id = owner.add(BytesIO(content), title=title, part_bytes=MIB)
            made.documents[document_id] = (made.owner, content)
        owner.delete(owner.add(BytesIO(b"deleted before the backup"), title="gone"))
        theirs = b"the other wallet's own"
        made.documents[other.add(BytesIO(theirs), title="theirs")] = (made.other, theirs)

        ids = list(made.documents)
        with_pin = create_share(owner, ids[:2], recipient="CPAS", purpose="RIS", pin="4821")
        plain = create_share(owner, ids[2:3], recipient="doctor", purpose="visit")
        made.pins = {with_pin.share_id: "4821", plain.share_id: ""}
        with ShareViewer(plain.link, retry_seconds=5) as viewer:
            viewer.open()  # an opening, counted in the share's events

        link = create_deposit_link(owner, "social worker", max_files=3).link
        (files / "accepted.bin").write_bytes(accepted := secrets.token_bytes(40_000))
        (files / "waiting.bin").write_bytes(secrets.token_bytes(30_000))
        deposit(link, [files / "accepted.bin", files / "waiting.bin"], retry_seconds=5)
        for item in inbox(owner):
            if item.metadata.get("file_name") == "accepted.bin":
                made.documents[accept(owner, item)] = (made.owner, accepted)
            else:
                made.waiting_deposit = (item.document_id, item.size)
    assert made.waiting_deposit[0] and len(made.documents) == 5
    return made


def check_restored(server: LiveServer, made: Made) -> None:
    """Every document byte-identical, every share opens, the waiting deposit is there."""
    for handle in (made.owner, made.other):
        with PdeClient(server.url, retry_seconds=5) as wallet:
            wallet.login(handle, PASSPHRASE)
            mine = {i: content for i, (who, content) in made.documents.items() if who == handle}
            assert {document.document_id for document in wallet.list()} == set(mine)
            for document_id, content in mine.items():
                out = BytesIO()
                wallet.get(document_id, out)
                assert out.getvalue() == content
            if handle != made.owner:
                continue
            assert [(i.document_id, i.size) for i in inbox(wallet)] == [made.waiting_deposit]
            shares = list_shares(wallet)
            assert {share.share_id for share in shares} == set(made.pins)
            for share in shares:
                with ShareViewer(share.link, retry_seconds=5) as viewer:
                    opened = viewer.open(made.pins[share.share_id])
                    for shared in opened.documents:
                        out = BytesIO()
                        viewer.download(opened, shared, out)
                        assert out.getvalue() == made.documents[shared.document_id][1]


@contextlib.contextmanager
def shape(backend: str, base: Path) -> Iterator[tuple[dict[str, str], contextlib.ExitStack]]:
    """The environment of the backend's first server, and a stack that outlives it
    (the S3 server); the drill makes the database of each server itself."""
    with contextlib.ExitStack() as stack:
        if backend == "sqlite-local":
            yield dict(FAST_ENV), stack
            return
        require_ministack()
        s3 = S3Server(base / "s3")
        s3.start()
        stack.callback(s3.stop)
        yield FAST_ENV | s3_env(s3, "pde-drill"), stack


@contextlib.contextmanager
def database_for(backend: str) -> Iterator[dict[str, str]]:
    if backend == "sqlite-local":
        yield {}
        return
    with temporary_database("pde_drill") as url:
        yield {"PDE_DATABASE_URL": url}


def erase_store(server: LiveServer) -> None:
    store = open_blob_store(server.settings())
    for key in list(store.list_keys("")):
        store.delete(key)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_restores_every_document_share_and_deposit(
    backend: str, tmp_path: Path, wallet_pool: WalletPool
) -> None:
    backup = tmp_path / "backup"
    with shape(backend, tmp_path) as (env, _):
        with database_for(backend) as database, live_server(tmp_path / "a", env | database) as a:
            made = populate(a, wallet_pool, tmp_path)
            make_backup(a.settings(), backup)  # while the server runs
            before = counts(a)
            a.stop()
            erase_store(a)
        shutil.rmtree(tmp_path / "a")  # SQLite's database and folder; PostgreSQL's is dropped

        manifest = Manifest.read(backup)
        assert manifest.rows == before
        assert len(manifest.objects) >= 6  # five documents and the waiting deposit
        with database_for(backend) as database:
            fresh = LiveServer(data_dir=tmp_path / "b", env=env | database)
            restore_backup(fresh.settings(), backup)
            assert counts(fresh) == before
            fresh.start()
            try:
                check_restored(fresh, made)
            finally:
                fresh.stop()
