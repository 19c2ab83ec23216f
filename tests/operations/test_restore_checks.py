"""What `pde restore` refuses, in one line and exit code 1, before it writes
anything: a backup that did not finish, a damaged file, a backup made by a newer
PDE, a target database or store that is not empty (unless --force); what
`pde backup` refuses: a folder that is not empty; and a backup of an older
schema restored and migrated to this PDE's head."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from client import PdeClient
from pde.cli_errors import one_line
from pde.settings import Settings
from tests.conftest import FAST_ENV, PASSPHRASE
from tests.pg import temporary_database
from tests.server import live_server
from tests.wallet_pool import WalletPool
from wallet.backup import BackupError, Manifest, make_backup, restore_backup
from wallet.db import alembic_config, make_engine, migrate


@pytest.fixture(scope="module")
def made_backup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A backup of a SQLite server holding one wallet and one document."""
    base = tmp_path_factory.mktemp("backup")
    with live_server(base / "server", dict(FAST_ENV)) as server:
        with PdeClient(server.url, retry_seconds=5) as owner:
            WalletPool().register(owner, "refusals-owner", PASSPHRASE)
            owner.add(BytesIO(b"kept in the backup"), title="kept")
        make_backup(server.settings(), base / "folder")
    yield base / "folder"


@pytest.fixture
def backup(made_backup: Path, tmp_path: Path) -> Path:
    """A copy of the backup this test may damage."""
    return Path(shutil.copytree(made_backup, tmp_path / "copy"))


def pde(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data: Path, *args: str
) -> tuple[int, str]:
    """(exit code, standard error) of `pde backup|restore [--force] DIR` on the SQLite
    server in `data` (or PDE_DATABASE_URL's), as pde/cli.py reports an error."""
    monkeypatch.setenv("PDE_DATA_DIR", str(data))
    folder = Path(args[-1])
    try:
        if args[0] == "backup":
            make_backup(Settings(), folder)
        else:
            restore_backup(Settings(), folder, force="--force" in args)
    except BackupError as error:
        return 1, f"error: {one_line(error)}\n"
    return 0, ""


def assert_refused(result: tuple[int, str], words: str, target: Path) -> None:
    code, error = result
    assert code == 1
    assert error.startswith("error: ") and error.count("\n") == 1, error
    assert words in error
    assert "Traceback" not in error
    assert not (target / "blobs").exists() or not any((target / "blobs").rglob("*.blob"))


def test_a_backup_restores_then_refuses_a_second_restore_unless_forced(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "target"
    assert pde(monkeypatch, capsys, target, "restore", str(backup))[0] == 0
    code, error = pde(monkeypatch, capsys, target, "restore", str(backup))
    assert code == 1 and "the database is not empty" in error and "--force" in error
    assert pde(monkeypatch, capsys, target, "restore", "--force", str(backup))[0] == 0


def test_a_damaged_blob_is_found_before_anything_is_written(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blob = next((backup / "objects").rglob("*.blob"))
    damaged = bytearray(blob.read_bytes())
    damaged[-1] ^= 1
    blob.write_bytes(bytes(damaged))
    target = tmp_path / "target"
    result = pde(monkeypatch, capsys, target, "restore", str(backup))
    assert_refused(result, "does not match its checksum", target)
    assert not (target / "pde.sqlite3").exists()


def test_a_missing_database_dump_is_refused(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (backup / "database.sqlite3").unlink()
    result = pde(monkeypatch, capsys, tmp_path / "target", "restore", str(backup))
    assert_refused(result, "is missing from the backup", tmp_path / "target")


def test_a_backup_that_did_not_finish_is_refused(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (backup / "manifest.json").unlink()
    result = pde(monkeypatch, capsys, tmp_path / "target", "restore", str(backup))
    assert_refused(result, "did not finish", tmp_path / "target")


def test_a_backup_made_by_a_newer_pde_is_refused(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["alembic_revision"] = "9999"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    result = pde(monkeypatch, capsys, tmp_path / "target", "restore", str(backup))
    assert_refused(result, "revision 9999, which this PDE does not know", tmp_path / "target")


def test_a_newer_backup_format_is_refused(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["format_version"] = 2
    (backup / "manifest.json").write_text(json.dumps(manifest))
    result = pde(monkeypatch, capsys, tmp_path / "target", "restore", str(backup))
    assert_refused(result, "backup format version 2", tmp_path / "target")


def test_a_store_that_is_not_empty_is_refused(
    backup: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stray = tmp_path / "target" / "blobs" / "stray.blob"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"someone else's")
    code, error = pde(monkeypatch, capsys, tmp_path / "target", "restore", str(backup))
    assert code == 1 and "the blob store is not empty" in error
    assert pde(monkeypatch, capsys, tmp_path / "target", "restore", "--force", str(backup))[0] == 0
    assert not stray.exists()  # --force leaves the store as the backup had it


def test_a_backup_goes_into_a_new_folder_only(
    backup: Path,
    made_backup: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = Manifest.read(backup)
    code, error = pde(monkeypatch, capsys, made_backup.parent / "server", "backup", str(backup))
    assert code == 1 and "is not empty: back up into a new folder" in error
    assert Manifest.read(backup) == before


def test_a_backup_of_an_older_schema_is_restored_then_migrated_to_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    scripts = ScriptDirectory.from_config(alembic_config(f"sqlite:///{old}/pde.sqlite3"))
    head = scripts.get_current_head()
    previous = str(scripts.get_revision(head).down_revision)
    migrate(f"sqlite:///{old}/pde.sqlite3", previous)
    assert pde(monkeypatch, capsys, old, "backup", str(tmp_path / "folder"))[0] == 0
    assert Manifest.read(tmp_path / "folder").alembic_revision == previous

    assert pde(monkeypatch, capsys, new, "restore", str(tmp_path / "folder"))[0] == 0
    engine = make_engine(f"sqlite:///{new}/pde.sqlite3")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    engine.dispose()


def test_postgresql_refuses_a_database_with_rows_and_force_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A migrated, empty database is taken as it is (its schema is replaced); one
    holding rows only with --force, which drops its schema first."""
    with temporary_database("pde_restore") as source, temporary_database("pde_restore") as target:
        migrate(source)
        engine = make_engine(source)
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO retired_document_ids VALUES (:h)"), {"h": b"1" * 32}
            )
        engine.dispose()
        monkeypatch.setenv("PDE_DATABASE_URL", source)
        assert pde(monkeypatch, capsys, tmp_path / "a", "backup", str(tmp_path / "folder"))[0] == 0

        migrate(target)  # as `docker compose up` would have done: tables, no rows
        monkeypatch.setenv("PDE_DATABASE_URL", target)
        assert pde(monkeypatch, capsys, tmp_path / "b", "restore", str(tmp_path / "folder"))[0] == 0
        code, error = pde(monkeypatch, capsys, tmp_path / "b", "restore", str(tmp_path / "folder"))
        assert code == 1 and "the database is not empty" in error
        forced = pde(
            monkeypatch, capsys, tmp_path / "b", "restore", "--force", str(tmp_path / "folder")
        )
        assert forced[0] == 0
        engine = make_engine(target)
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT count(*) FROM retired_document_ids")).scalar() == 1
            )
        engine.dispose()
