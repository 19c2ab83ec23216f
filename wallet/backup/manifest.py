"""The manifest of a backup: what it holds, written last, checked first.

`manifest.json` names the format version, when and by which PDE the backup was
made, the Alembic revision and kind of the database, the row count of every
table, and every file with its size and SHA-256. A folder without a manifest is
a backup that did not finish; a file whose size or digest differs is damage, and
restore refuses both before it writes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wallet.backup.errors import BackupError
from wallet.storage.base import CHUNK_SIZE, InvalidBlobKey, validate_key

FORMAT = "pde-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OBJECTS_DIR = "objects"
OBJECT_SUFFIX = ".blob"  # as in the local store: keys `a/b` and `a/b/c` can both be files


@dataclass(frozen=True)
class FileEntry:
    """One file of the backup: its path inside the folder, size and SHA-256 (hex)."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectEntry(FileEntry):
    """One blob of the store, saved under `objects/<key>.blob`."""

    key: str = ""


@dataclass
class Manifest:
    """What `manifest.json` says; see the module docstring."""

    created_at: str
    pde_version: str
    alembic_revision: str
    database_kind: str  # "sqlite" or "postgresql"
    database: FileEntry
    rows: dict[str, int]
    objects: list[ObjectEntry] = field(default_factory=list)
    tools: dict[str, str] = field(default_factory=dict)  # pg_dump's and the server's versions

    def write(self, folder: Path) -> None:
        """Write the manifest atomically: it appears only once the backup is whole."""
        document = {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}
        temporary = folder / f".{MANIFEST}.tmp"
        temporary.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, folder / MANIFEST)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the backup in `folder`, or BackupError saying why not."""
        path = folder / MANIFEST
        if not folder.is_dir():
            raise BackupError(f"{folder} is not a folder")
        if not path.is_file():
            raise BackupError(f"{path} is missing: not a PDE backup, or one that did not finish")
        try:
            document: dict[str, Any] = json.loads(path.read_text())
            if document.get("format") != FORMAT:
                raise BackupError(f"{path} is not a PDE backup manifest")
            if document.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"backup format version {document.get('format_version')} is not the"
                    f" {FORMAT_VERSION} this PDE reads: restore it with the PDE that made it"
                )
            return cls(
                created_at=str(document["created_at"]),
                pde_version=str(document["pde_version"]),
                alembic_revision=str(document["alembic_revision"]),
                database_kind=str(document["database_kind"]),
                database=FileEntry(**document["database"]),
                rows={str(name): int(count) for name, count in document["rows"].items()},
                objects=[ObjectEntry(**entry) for entry in document["objects"]],
                tools={str(name): str(value) for name, value in document["tools"].items()},
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"{path} is damaged ({type(error).__name__}: {error})") from None

    def verify(self, folder: Path) -> None:
        """Check every file's size and SHA-256 against the manifest; BackupError on the first
        that differs. Reads the whole backup once."""
        for entry in [self.database, *self.objects]:
            if isinstance(entry, ObjectEntry):
                try:
                    validate_key(entry.key)
                except InvalidBlobKey:
                    raise BackupError(f"the manifest names a bad blob key {entry.key!r}") from None
                if entry.path != object_path(entry.key):
                    raise BackupError(f"the manifest puts {entry.key!r} at {entry.path!r}")
            path = folder / entry.path
            if not path.is_file():
                raise BackupError(f"{path} is missing from the backup")
            size, digest = file_digest(path)
            if size != entry.size or digest != entry.sha256:
                raise BackupError(f"{path} does not match its checksum: the backup is damaged")


def object_path(key: str) -> str:
    """Where the blob under `key` is kept inside a backup folder."""
    return f"{OBJECTS_DIR}/{validate_key(key)}{OBJECT_SUFFIX}"


def file_digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256 in hex) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
