"""Backing up and restoring a whole PDE server: its database and its blob store,
with the manifest that lets a restore check everything before writing anything.

A backup holds what the server holds: ciphertext, wrapped keys and hashes,
with no key to open them, and the metadata the server sees (handles, sizes,
share ids, times). The database is saved first, then the blobs: a document added
meanwhile leaves an unreferenced blob, never a document without content.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text

from wallet.backup import database
from wallet.backup.errors import BackupError
from wallet.backup.manifest import FileEntry, Manifest, file_digest
from wallet.backup.objects import restore_objects, save_objects, store_is_empty
from wallet.db import alembic_config, make_engine, migrate
from wallet.runtime import open_blob_store
from wallet.settings import WalletSettings


@contextlib.contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _pde_version() -> str:
    try:
        return metadata.version("pde")
    except metadata.PackageNotFoundError:
        return "unknown"


def _dump_database(url: str, engine: Engine, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Dump the database into `target`; (rows per table in the dump, tool versions)."""
    if database.kind_of(url) == "sqlite":
        tools = database.dump_sqlite(url, target)
        with _engine(f"sqlite:///{target}") as copy:
            return database.row_counts(copy), tools
    # Count and dump one snapshot: pg_dump joins the snapshot this transaction exports.
    with engine.connect() as connection, connection.begin():
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = str(connection.execute(text("SELECT pg_export_snapshot()")).scalar_one())
        rows = database.row_counts_in(connection)
        tools = database.dump_postgresql(url, engine, target, snapshot)
    return rows, tools


def make_backup(settings: WalletSettings, folder: Path) -> Manifest:
    """Back up the database and every blob of `settings`' server into `folder`
    (new or empty), the manifest last. The server may keep running."""
    url = settings.sqlalchemy_url
    kind = database.kind_of(url)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    with _engine(url) as engine:
        revision = _revision(engine)
        if revision is None:
            raise BackupError("the database has no PDE schema: nothing to back up")
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = database.dump_name(kind)
        rows, tools = _dump_database(url, engine, folder / name)
    size, digest = file_digest(folder / name)
    objects = save_objects(open_blob_store(settings), folder)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        pde_version=_pde_version(),
        alembic_revision=revision,
        database_kind=kind,
        database=FileEntry(path=name, size=size, sha256=digest),
        rows=rows,
        objects=objects,
        tools=tools,
    )
    manifest.write(folder)
    return manifest


def _check_revision(revision: str, url: str) -> None:
    """Refuse a backup made by a newer PDE: its revision is not in this code's history."""
    scripts = ScriptDirectory.from_config(alembic_config(url))
    try:
        known = scripts.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"this backup is at database revision {revision}, which this PDE does not know"
            " (made by a newer PDE?): restore it with that version or a later one"
        )


def restore_backup(settings: WalletSettings, folder: Path, *, force: bool = False) -> Manifest:
    """Restore the backup in `folder` into `settings`' database and blob store, with
    the server stopped. Everything is checked first (manifest, revision, checksums,
    an empty target unless `force`); the database is then brought to the head
    revision."""
    manifest = Manifest.read(folder)
    url = settings.sqlalchemy_url
    kind = database.kind_of(url)
    if manifest.database_kind != kind:
        raise BackupError(
            f"this backup holds a {manifest.database_kind} database and PDE_DATABASE_URL"
            f" names a {kind} one: restore it into a {manifest.database_kind} database"
        )
    _check_revision(manifest.alembic_revision, url)
    manifest.verify(folder)
    if kind == "postgresql":
        database.check_pg_restore(manifest.tools)
    store = open_blob_store(settings)
    with _engine(url) as engine:
        if not force and database.holds_rows(engine):
            raise BackupError("the database is not empty: restore into a new one, or add --force")
        if not force and not store_is_empty(store):
            raise BackupError("the blob store is not empty: restore into a new one, or add --force")
        dump = folder / manifest.database.path
        if kind == "sqlite":
            engine.dispose()
            database.restore_sqlite(dump, url)
        else:
            if database.has_tables(engine):
                database.clear_postgresql(engine)
            database.restore_postgresql(dump, url)
        engine.dispose()
        restored = database.row_counts(engine)
    if restored != manifest.rows:
        raise BackupError("the restored database's row counts differ from the manifest's")
    restore_objects(store, folder, manifest.objects)
    migrate(url)
    return manifest
