"""The local store's work on single files: its disk errors, durable folder entries,
the lock that keeps one writer per upload, a part written in place, and a copy
done in the kernel. `wallet.storage.local` lays the files out.

One writer per upload, across the server's processes: the writer holds a write
lock on the whole upload file (an open file description lock, F_OFD_SETLK, which
belongs to its open file as flock's does and is let go when it is closed), and
anyone may ask whether it is held (F_OFD_GETLK) without taking it: a part sent
ahead waits while the part before it is being written.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import struct
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from wallet.storage.base import CHUNK_SIZE, BlobNotFound, BlobStoreUnavailable

# struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid (0 for OFD locks).
_FLOCK = struct.Struct("hhqqi4x")
_WHOLE_FILE_WRITE = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)


def hold_upload(fd: int) -> bool:
    """Take the upload's lock on `fd` (opened for writing); False if a writer has it."""
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, _WHOLE_FILE_WRITE)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def upload_held(fd: int) -> bool:
    """Whether a writer holds the upload's lock (asked on any `fd` of the file)."""
    answer = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, _WHOLE_FILE_WRITE)
    return _FLOCK.unpack(answer)[0] != fcntl.F_UNLCK


@contextlib.contextmanager
def disk_errors(key: str, *, reading: bool = False) -> Iterator[None]:
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


def fsync_dir(path: Path) -> None:
    """Make a rename or unlink in `path` durable, not just the file contents."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


PART_WRITE_BYTES = 4 * CHUNK_SIZE  # per write of a part from a stream, per writeback hint


class LocalPartWriter:
    """A part written in place into an upload's file (os.pwritev at its offset, so
    it may run in any thread); `finish` fsyncs it before it can be acknowledged.
    Its open file holds the upload's lock (`hold_upload`) until closed."""

    def __init__(self, fd: int, key: str, offset: int) -> None:
        self._fd: int | None = fd
        self._key = key
        self._start = self._position = self._written_back = offset

    def write(self, chunks: Sequence[bytes]) -> None:
        """Write the chunks after what this part holds already."""
        assert self._fd is not None, "this part is finished"
        views = [memoryview(chunk) for chunk in chunks if chunk]
        with disk_errors(self._key):
            while views:
                written = os.pwritev(self._fd, views, self._position)
                self._position += written
                while views and written >= len(views[0]):  # drop what was fully written
                    written -= len(views.pop(0))
                if views and written:
                    views[0] = views[0][written:]
            if self._position - self._written_back >= PART_WRITE_BYTES:
                # Every 4 MiB, start writing these pages back (DONTNEED does, and they stay
                # cached meanwhile): the disk works while we receive, and the fsync
                # before the acknowledgement finds little left.
                start, self._written_back = self._written_back, self._position
                os.posix_fadvise(self._fd, start, self._position - start, os.POSIX_FADV_DONTNEED)

    def finish(self) -> int:
        """fsync the file (data and size) and return the part's length."""
        assert self._fd is not None, "this part is finished"
        with disk_errors(self._key):
            os.fsync(self._fd)
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


def copy_file(source: BinaryIO, out: BinaryIO) -> int:
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
