"""Throw-away PostgreSQL databases for tests that need the production database.

`temporary_database()` creates a uniquely named database on the local server
(127.0.0.1:5432, trust auth, user postgres), yields its SQLAlchemy URL and
drops it afterwards, so tests running in parallel never share a schema. When
the server cannot be reached the test is skipped, or failed under CI, which
must run every test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from tests.needs import missing

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"
ADMIN_CONNINFO = f"host={HOST} port={PORT} user={USER} dbname=postgres connect_timeout=5"


def _admin_connection() -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the maintenance database; skips (or fails under CI) without a server."""
    try:
        return psycopg.connect(ADMIN_CONNINFO, autocommit=True)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {HOST}:{PORT}: {error}".strip()
        missing(message)


def _drop(admin: psycopg.Connection[tuple[object, ...]], name: str) -> None:
    """Drop `name` after ending every connection a test may have left open."""
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@contextmanager
def temporary_database(prefix: str = "pde_test") -> Iterator[str]:
    """Create an empty database named `<prefix>_<random>`, yield its
    `postgresql+psycopg://` URL, and drop it on exit.

    Callers dispose of their engines before the block ends; connections still
    open at the end are terminated so the drop never hangs.
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{USER}@{HOST}:{PORT}/{name}"
    finally:
        # A fresh connection: the test may have restarted or upset the server meanwhile.
        with _admin_connection() as admin:
            _drop(admin, name)
