"""An erased wallet leaves nothing readable in the SQLite files: SQLite keeps
deleted rows in its free pages and in the write-ahead log, where an erased handle
could still be read. Deleted rows are now zeroed (secure_delete) and the log is
emptied into the database after an erasure."""

from __future__ import annotations

from pathlib import Path

from client import PdeClient
from tests.conftest import PASSPHRASE
from tests.server import live_server


def sqlite_bytes(data_dir: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in data_dir.glob("pde.sqlite3*")  # the database, its -wal and -shm
    }


def test_an_erased_wallets_handle_is_nowhere_in_the_database_files(tmp_path: Path) -> None:
    handle = "erased-marker-7f3q"
    with live_server(tmp_path, {}) as server:
        with PdeClient(server.url, retry_seconds=5) as owner:
            owner.register(handle, PASSPHRASE)
            owner.add(Path(__file__), title="kept until the end")
        assert any(handle.encode() in data for data in sqlite_bytes(tmp_path).values())

        with PdeClient(server.url, retry_seconds=5) as owner:
            owner.login(handle, PASSPHRASE)
            owner.erase()

        files = sqlite_bytes(tmp_path)
    assert "pde.sqlite3" in files
    assert [name for name, data in files.items() if handle.encode() in data] == []
