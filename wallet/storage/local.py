"""Blobs as files under one root folder: PDE's default backend, for one machine.

Every path is built from a validated key, resolved, and checked to stay under
the root, so neither a crafted key nor a symlink planted inside the root can
make PDE read or write elsewhere. A blob is written to a temporary file in its
final folder, flushed to disk, and renamed over its key: readers see the old
blob or the new one, never a part, and an acknowledged write survives a crash.

Blob `a/b` lives in `<root>/a/b.blob`. The suffix keeps blob files and the
folders of longer keys (`a/b/c`) apart; names starting with "." (temporary
files, folders being erased) can never be keys, so listings skip them.

An unfinished upload `a/u` is one file, `<root>/a/u.upload`: each part is
written in place at its offset and synced (fdatasync) before it is acknowledged,
and finishing renames the file over the blob's name, so no byte is copied twice.
`list_keys` names it (erasure and backups see everything stored); `open` and
`size` do not (it is no blob yet).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from wallet.storage.base import (
    CHUNK_SIZE,
    BlobNotFound,
    BlobReader,
    BlobStoreUnavailable,
    CountedSource,
    InvalidBlobKey,
    UploadBusy,
    check_range,
    clip_range,
    validate_key,
    validate_prefix,
)

BLOB_SUFFIX = ".blob"
UPLOAD_SUFFIX = ".upload"


@contextlib.contextmanager
def _disk_errors(key: str, *, reading: bool = False) -> Iterator[None]:
    """Turn a failing disk (full, read-only, I/O error) into BlobStoreUnavailable.

    When reading, a missing file is BlobNotFound instead. This wraps disk
    operations only, never the caller's stream, whose own errors must reach the
    caller as they are.
    """
    try:
        yield
    except FileNotFoundError as exc:
        if not reading:
            raise BlobStoreUnavailable(f"local blob store lost a folder writing {key!r}") from exc
        raise BlobNotFound(key) from exc
    except OSError as exc:
        raise BlobStoreUnavailable(f"local blob store failed on {key!r}: {exc.strerror}") from exc


def _fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable, not just the file contents."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalBlobStore:
    """A BlobStore on the local filesystem; see the module docstring for the layout."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.root = root.resolve(strict=True)

    # -- paths -------------------------------------------------------------

    def _confined(self, path: Path, key: str) -> Path:
        """Resolve `path` (following any symlink) and refuse it unless it stays under root."""
        resolved = path.resolve()
        if resolved == self.root or not resolved.is_relative_to(self.root):
            raise InvalidBlobKey(f"blob key {key!r} leads outside the store root")
        return resolved

    def _blob_path(self, key: str, suffix: str = BLOB_SUFFIX) -> Path:
        *folders, name = validate_key(key).split("/")
        return self._confined(self.root.joinpath(*folders, name + suffix), key)

    def _prefix_path(self, prefix: str) -> Path:
        return self._confined(self.root.joinpath(*prefix.split("/")), prefix)

    def _make_parents(self, path: Path, key: str) -> None:
        """Create the folders above `path`, making each new folder's entry durable too."""
        missing = [p for p in path.parents if p.is_relative_to(self.root) and not p.exists()]
        for folder in reversed(missing):
            with _disk_errors(key):
                with contextlib.suppress(FileExistsError):  # a concurrent writer won
                    folder.mkdir(mode=0o700)
                _fsync_dir(folder.parent)

    # -- writing -----------------------------------------------------------

    def _write_atomically(self, key: str, fill: Callable[[BinaryIO], int]) -> int:
        """Run `fill` on a temporary file beside the blob, then rename it over the key.

        Whatever `fill` raises, the temporary file is removed and the key keeps
        its previous blob (or stays absent).
        """
        path = self._blob_path(key)
        self._make_parents(path, key)
        with _disk_errors(key):
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                written = fill(out)
                with _disk_errors(key):
                    out.flush()
                    os.fsync(out.fileno())
            with _disk_errors(key):
                os.replace(tmp, path)
                _fsync_dir(path.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return written

    @staticmethod
    def _copy(source: CountedSource, out: BinaryIO) -> int:
        """Copy chunk by chunk; only the write side is a disk error of ours."""
        while chunk := source.read(CHUNK_SIZE):
            with _disk_errors(source.key):
                out.write(chunk)
        return source.count

    def put(self, key: str, stream: BinaryIO, length: int | None = None) -> int:
        """Stream into a temporary file and rename it over `key` once complete."""
        source = CountedSource(key, stream, length)
        return self._write_atomically(key, lambda out: self._copy(source, out))

    def begin_part(self, upload_key: str, offset: int) -> LocalPartWriter:
        """Open (or create) the upload's file to write a part at `offset` in place."""
        if offset < 0:
            raise ValueError(f"offset must be >= 0, got {offset}")
        path = self._blob_path(upload_key, UPLOAD_SUFFIX)
        self._make_parents(path, upload_key)
        with _disk_errors(upload_key):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
                _fsync_dir(path.parent)  # a new file: its name must survive a crash too
            except FileExistsError:
                fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        try:  # one writer per upload, across the server's processes too
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UploadBusy(f"a part of {upload_key!r} is being written") from None
        return LocalPartWriter(fd, upload_key, offset)

    def write_part(self, upload_key: str, offset: int, stream: BinaryIO, length: int) -> int:
        """Copy the stream into the upload's file at `offset`, then sync it to disk."""
        source = CountedSource(upload_key, stream, length)
        writer = self.begin_part(upload_key, offset)
        try:
            while chunk := source.read(PART_WRITE_BYTES):
                writer.write((chunk,))
            length = writer.finish()
        except BaseException:
            writer.abort()
            raise
        writer.close()
        return length

    def finish_upload(self, upload_key: str, offsets: Sequence[int], dest_key: str) -> int:
        """Rename the upload's file over the blob's name: atomic, and nothing is copied."""
        source = self._blob_path(upload_key, UPLOAD_SUFFIX)
        dest = self._blob_path(dest_key)
        self._make_parents(dest, dest_key)
        with _disk_errors(dest_key):
            try:
                os.replace(source, dest)
            except FileNotFoundError:
                if dest.is_file():  # finished before; its record is what failed
                    return dest.stat().st_size
                raise BlobNotFound(upload_key) from None
            _fsync_dir(dest.parent)
            if source.parent != dest.parent:
                _fsync_dir(source.parent)
            return dest.stat().st_size

    def concat(self, part_keys: Sequence[str], dest_key: str) -> int:
        """Copy the parts one after the other into a new blob, atomically."""
        validate_key(dest_key)
        paths = [(part, self._blob_path(part)) for part in part_keys]
        for part, path in paths:  # fail before writing anything if a part is missing
            if not path.is_file():
                raise BlobNotFound(part)

        def fill(out: BinaryIO) -> int:
            total = 0
            for part, path in paths:
                with (
                    _disk_errors(part, reading=True),
                    path.open("rb") as part_file,
                    _disk_errors(dest_key),
                ):
                    total += _copy_file(part_file, out)
            return total

        return self._write_atomically(dest_key, fill)

    # -- reading -----------------------------------------------------------

    def open(self, key: str, start: int = 0, end: int | None = None) -> BlobReader:
        """Open the file now (so a missing blob fails here) and stream the range."""
        check_range(start, end)
        path = self._blob_path(key)
        with _disk_errors(key, reading=True):
            file = path.open("rb")
        try:
            with _disk_errors(key):
                total = os.fstat(file.fileno()).st_size
                first, stop = clip_range(start, end, total)
                file.seek(first)
        except BaseException:
            file.close()
            raise
        return BlobReader(
            self._chunks(file, key, stop - first),
            length=stop - first,
            total_size=total,
            release=file.close,
        )

    @staticmethod
    def _chunks(file: BinaryIO, key: str, remaining: int) -> Iterator[bytes]:
        while remaining > 0:
            with _disk_errors(key):
                chunk = file.read(min(CHUNK_SIZE, remaining))
            if not chunk:  # the file shrank under us: stop rather than loop forever
                return
            remaining -= len(chunk)
            yield chunk

    def size(self, key: str) -> int:
        path = self._blob_path(key)
        with _disk_errors(key, reading=True):
            return path.stat().st_size

    def exists(self, key: str) -> bool:
        return self._blob_path(key).is_file()

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Check the prefix now, then walk its folder lazily."""
        prefix = validate_prefix(prefix, allow_empty=True)
        return self._walk_keys(self._prefix_path(prefix) if prefix else self.root)

    def _walk_keys(self, top: Path) -> Iterator[str]:
        """Yield the keys of blob and upload files under `top`, skipping dot-names."""
        for folder, subfolders, files in os.walk(top):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            relative = Path(folder).relative_to(self.root).parts
            for name in files:
                if _is_key_file(name):
                    yield "/".join((*relative, name.rsplit(".", 1)[0]))

    # -- deleting ----------------------------------------------------------

    def delete(self, key: str) -> None:
        """Remove the blob file and the unfinished upload's file of `key`, if any."""
        paths = (self._blob_path(key), self._blob_path(key, UPLOAD_SUFFIX))
        with _disk_errors(key):
            removed = False
            for path in paths:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed = True
            if removed:
                _fsync_dir(paths[0].parent)

    def delete_prefix(self, prefix: str) -> int:
        """Rename the prefix's folder out of sight at once, then remove it.

        The rename makes the erasure atomic for readers and keeps concurrent
        writers from racing the tree removal.
        """
        prefix = validate_prefix(prefix, allow_empty=False)
        folder = self._prefix_path(prefix)
        doomed = self.root / f".erasing-{uuid.uuid4().hex}"
        with _disk_errors(prefix):
            try:
                folder.rename(doomed)
            except (FileNotFoundError, NotADirectoryError):
                return 0
            _fsync_dir(self.root)
            count = sum(_is_key_file(name) for _, _, files in os.walk(doomed) for name in files)
            shutil.rmtree(doomed)
        return count

    def check_health(self) -> None:
        """The root must still be a folder we can write to."""
        if not (self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)):
            raise BlobStoreUnavailable(f"local blob store root {self.root} is not writable")


def _is_key_file(name: str) -> bool:
    """A blob's or an unfinished upload's file (never a temporary one)."""
    return name.endswith((BLOB_SUFFIX, UPLOAD_SUFFIX)) and not name.startswith(".")


PART_WRITE_BYTES = 4 * CHUNK_SIZE  # per write of a part from a stream, per writeback hint


class LocalPartWriter:
    """A part written in place into an upload's file (os.pwritev at its offset, so
    it may run in any thread); `finish` syncs it to disk before it can be acknowledged.
    Its open file holds the upload's lock (flock) until closed."""

    def __init__(self, fd: int, key: str, offset: int) -> None:
        self._fd: int | None = fd
        self._key = key
        self._start = self._position = self._written_back = offset

    def write(self, chunks: Sequence[bytes]) -> None:
        """Write the chunks after what this part holds already."""
        assert self._fd is not None, "this part is finished"
        views = [memoryview(chunk) for chunk in chunks if chunk]
        with _disk_errors(self._key):
            while views:
                written = os.pwritev(self._fd, views, self._position)
                self._position += written
                while views and written >= len(views[0]):  # drop what was fully written
                    written -= len(views.pop(0))
                if views and written:
                    views[0] = views[0][written:]
            if self._position - self._written_back >= PART_WRITE_BYTES:
                # Every 4 MiB, start writing these pages back (DONTNEED does, and they stay
                # cached meanwhile): the disk works while we receive, and the sync
                # before the acknowledgement finds little left.
                start, self._written_back = self._written_back, self._position
                os.posix_fadvise(self._fd, start, self._position - start, os.POSIX_FADV_DONTNEED)

    def finish(self) -> int:
        """fdatasync the file (its data and size: what reading it back needs, not its
        times; 40 % less than fsync here) and return the part's length."""
        assert self._fd is not None, "this part is finished"
        with _disk_errors(self._key):
            os.fdatasync(self._fd)
        return self._position - self._start

    def close(self) -> None:
        """Close the file, which lets the upload go; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def abort(self) -> None:
        """Cut what this part wrote (never acknowledged) and close; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):  # best effort: resending overwrites it anyway
                if self._position > self._start:
                    os.ftruncate(fd, self._start)
        finally:
            os.close(fd)


def _copy_file(source: BinaryIO, out: BinaryIO) -> int:
    """Append all of `source` to `out`, in the kernel where it can (copy_file_range:
    no trip through Python's memory), else chunk by chunk."""
    out.flush()
    remaining = os.fstat(source.fileno()).st_size
    copied = 0
    try:
        while remaining > 0:
            n = os.copy_file_range(source.fileno(), out.fileno(), min(remaining, 1 << 30))
            if n == 0:
                break
            copied, remaining = copied + n, remaining - n
    except OSError as error:
        if error.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
            raise
    if remaining > 0:  # not supported here: copy the rest by hand
        source.seek(copied)
        while chunk := source.read(CHUNK_SIZE):
            out.write(chunk)
            copied += len(chunk)
    out.seek(0, os.SEEK_END)
    return copied
