"""The database half of a backup: SQLite through its online backup API, PostgreSQL
through `pg_dump --format=custom` and `pg_restore`.

SQLite's backup API copies a consistent snapshot of a database a server is
writing to, its write-ahead log included, where copying the file would not.
pg_dump reads one snapshot too. `pg_restore` must be at least as new as the
`pg_dump` that wrote the dump, and `pg_dump` at least as new as the server: use
the client tools of the server's major version.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, func, inspect, select, text
from sqlalchemy.engine import URL, make_url

from wallet.backup.errors import BackupError

ALEMBIC_TABLE = "alembic_version"


def kind_of(url: str) -> str:
    """ "sqlite" or "postgresql"; BackupError for a database PDE cannot back up."""
    backend = make_url(url).get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise BackupError(f"cannot back up a {backend} database: PDE runs on SQLite or PostgreSQL")
    return backend


def dump_name(kind: str) -> str:
    """The database file's name inside a backup folder."""
    return "database.sqlite3" if kind == "sqlite" else "database.pgdump"


def row_counts_in(connection: Connection) -> dict[str, int]:
    """Rows in every table (Alembic's own included), by table name, as `connection` sees them."""
    metadata = MetaData()
    metadata.reflect(connection)
    return {
        name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
        for name, table in sorted(metadata.tables.items())
    }


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    with engine.connect() as connection:
        return row_counts_in(connection)


def holds_rows(engine: Engine) -> bool:
    """Whether any table but Alembic's holds a row (a freshly migrated database does not)."""
    return any(count for name, count in row_counts(engine).items() if name != ALEMBIC_TABLE)


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


# -- SQLite ----------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("PDE_DATABASE_URL names no SQLite file to back up or restore")
    return Path(database)


def _copy_sqlite(source_path: Path, target: Path) -> None:
    """Copy a SQLite database page by page with the backup API, into one file with no log."""
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def dump_sqlite(url: str, target: Path) -> dict[str, str]:
    """Copy the SQLite database at `url` into the file `target`, consistently."""
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    _copy_sqlite(source_path, target)
    return {"sqlite": sqlite3.sqlite_version}


def restore_sqlite(dump: Path, url: str) -> None:
    """Replace the SQLite database at `url` with the backup's copy (the server is stopped)."""
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.restoring")
    fresh.unlink(missing_ok=True)
    _copy_sqlite(dump, fresh)
    for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        stale.unlink(missing_ok=True)  # the old database's log must not replay onto the new
    os.replace(fresh, target)


# -- PostgreSQL ------------------------------------------------------------


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """(connection URI for the client tools, environment): the password travels in
    PGPASSWORD, never on a command line another user could read."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the"
            " server's major version (Debian: postgresql-client-<major>)"
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        cause = lines[0] if lines else f"exit code {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {cause}")
    return done.stdout


def tool_version(name: str) -> str:
    """`pg_dump --version`'s number, e.g. "15.20"."""
    return _run([_tool(name), "--version"], dict(os.environ)).split()[-1]


def dump_postgresql(url: str, engine: Engine, target: Path, snapshot: str) -> dict[str, str]:
    """`pg_dump --format=custom` of the database at `url` into `target`, as the
    exported `snapshot` sees it."""
    uri, env = _libpq(url)
    with engine.connect() as connection:
        server = str(connection.execute(text("SHOW server_version")).scalar_one()).split()[0]
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, f"--snapshot={snapshot}", f"--file={target}", f"--dbname={uri}"], env)
    return {"postgresql": server, "pg_dump": tool_version("pg_dump")}


def check_pg_restore(tools: dict[str, str]) -> None:
    """Refuse early when this pg_restore is older than the pg_dump that wrote the dump."""
    made_by = tools.get("pg_dump", "0")
    here = tool_version("pg_restore")
    if int(here.split(".")[0]) < int(made_by.split(".")[0]):
        raise BackupError(
            f"this dump was written by pg_dump {made_by}; pg_restore {here} cannot read it:"
            f" install the PostgreSQL {made_by.split('.')[0]} client tools"
        )


def clear_postgresql(engine: Engine) -> None:
    """Drop everything in the schema `public` (restore --force, or a migrated but empty
    database), so that the dump's tables, functions and triggers can be created."""
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def restore_postgresql(dump: Path, url: str) -> None:
    """`pg_restore` the dump into the (empty) database at `url`, in one transaction."""
    uri, env = _libpq(url)
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*command, "--single-transaction", f"--dbname={uri}", str(dump)], env)
