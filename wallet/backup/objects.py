"""The blob half of a backup: every blob of the store (local folder or S3 bucket,
through the same `BlobStore` interface) copied to `objects/<key>.blob`, hashed on
the way, and put back on restore. Blobs stream in chunks: none sits in memory."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from wallet.backup.errors import BackupError
from wallet.backup.manifest import ObjectEntry, object_path
from wallet.storage.base import BlobNotFound, BlobStore, InvalidBlobKey, validate_key


def _checked_key(key: str) -> str:
    try:
        return validate_key(key)
    except InvalidBlobKey:
        raise BackupError(
            f"the store holds {key!r}, which is no PDE blob: give PDE a bucket of its own"
        ) from None


def save_objects(
    store: BlobStore, folder: Path, progress: Callable[[int], None] = lambda _: None
) -> list[ObjectEntry]:
    """Copy every blob of `store` into `folder`; a blob deleted while the backup runs
    (a document erased meanwhile) is left out."""
    entries = []
    for key in sorted(_checked_key(key) for key in store.list_keys("")):
        relative = object_path(key)
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            with store.open(key) as reader, path.open("wb") as out:
                for chunk in reader:
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BlobNotFound:
            path.unlink(missing_ok=True)
            continue
        entries.append(ObjectEntry(path=relative, size=size, sha256=digest.hexdigest(), key=key))
        progress(size)
    return entries


def store_is_empty(store: BlobStore) -> bool:
    return next(iter(store.list_keys("")), None) is None


def restore_objects(store: BlobStore, folder: Path, entries: list[ObjectEntry]) -> None:
    """Put every blob of the backup into `store`, then remove any blob the backup does
    not hold (restore --force onto a store that was not empty)."""
    for entry in entries:
        with (folder / entry.path).open("rb") as source:
            store.put(entry.key, source, entry.size)
    kept = {entry.key for entry in entries}
    for key in [key for key in store.list_keys("") if key not in kept]:
        store.delete(_checked_key(key))
