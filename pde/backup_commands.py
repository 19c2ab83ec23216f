"""`pde backup DIR` and `pde restore DIR [--force]`: the whole server (database and
blob store of the PDE_* settings) saved to a folder with a manifest of checksums,
and put back (wallet/backup; docs/deployment.md, "Backups"). Failures are one line
(pde/cli_errors.py): a restore checks everything before it writes anything."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pde.settings import Settings
from wallet.backup import Manifest, make_backup, restore_backup

MIB = 1 << 20


def _summary(manifest: Manifest) -> str:
    blob_bytes = sum(entry.size for entry in manifest.objects)
    return (
        f"{manifest.database_kind} database ({manifest.database.size / MIB:.1f} MiB,"
        f" revision {manifest.alembic_revision}) and {len(manifest.objects)} blobs"
        f" ({blob_bytes / MIB:.1f} MiB)"
    )


def _backup(args: argparse.Namespace) -> int:
    started = time.monotonic()
    manifest = make_backup(Settings(), args.folder)
    took = time.monotonic() - started
    print(f"backed up the {_summary(manifest)} to {args.folder} in {took:.1f} s")
    return 0


def _restore(args: argparse.Namespace) -> int:
    started = time.monotonic()
    manifest = restore_backup(Settings(), args.folder, force=args.force)
    took = time.monotonic() - started
    print(
        f"restored the {_summary(manifest)} of {manifest.created_at} from {args.folder}"
        f" in {took:.1f} s; the database is migrated to this PDE's revision"
    )
    return 0


def add_backup_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pde backup` and `pde restore`."""
    backup = commands.add_parser(
        "backup",
        help="save the database and every blob to a new folder, with a manifest of checksums",
        description=(
            "Save the database (SQLite's backup API, or pg_dump) and every blob of the store"
            " into DIR, which must be new or empty; the server may keep running. The backup"
            " holds ciphertext and the metadata the server sees: keep it as safely as the server."
        ),
    )
    backup.add_argument("folder", type=Path, metavar="DIR")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser(
        "restore",
        help="put a backup back into an empty database and store (stop the server first)",
        description=(
            "Check the backup in DIR (manifest, checksums, revision), restore it into the"
            " database and blob store of the PDE_* settings, which must be empty unless"
            " --force, then migrate the database to this PDE's revision. Stop the server first."
        ),
    )
    restore.add_argument("folder", type=Path, metavar="DIR")
    restore.add_argument(
        "--force", action="store_true", help="replace a database and store that are not empty"
    )
    restore.set_defaults(run=_restore)
