"""What only the local backend must guarantee: confinement to its root, and
atomic writes that never leave a half blob or a stray temporary file."""

from __future__ import annotations

import io
import os
import stat
import tracemalloc
from pathlib import Path

import pytest

from tests.storage.streams import FailingStream, RandomStream, digest_of
from wallet.storage.base import (
    BlobLengthMismatch,
    BlobStoreUnavailable,
    InvalidBlobKey,
    UploadBusy,
)
from wallet.storage.local import LocalBlobStore

MIB = 1024 * 1024
DOC = "accounts/a1/documents/d1"


def files_under(root: Path) -> list[str]:
    """Every file below root, temporary or not, as relative paths."""
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder next to the store's root that must never be touched."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.blob").write_bytes(b"not yours")
    return folder


def test_blob_layout_is_key_plus_suffix(local_store: LocalBlobStore) -> None:
    local_store.put(DOC, io.BytesIO(b"x"))
    path = local_store.root / "accounts" / "a1" / "documents" / "d1.blob"
    assert path.read_bytes() == b"x"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "ciphertext is for PDE's user only"


def test_symlinked_folder_pointing_outside_is_not_followed(
    local_store: LocalBlobStore, outside: Path
) -> None:
    (local_store.root / "accounts").symlink_to(outside, target_is_directory=True)
    for attempt in [
        lambda: local_store.put("accounts/a1", io.BytesIO(b"planted")),
        lambda: local_store.put("accounts/secret", io.BytesIO(b"overwritten")),
        lambda: local_store.open("accounts/secret"),
        lambda: local_store.exists("accounts/secret"),
        lambda: local_store.concat(["accounts/secret"], "elsewhere"),
        lambda: local_store.delete("accounts/secret"),
        lambda: local_store.delete_prefix("accounts"),
        lambda: local_store.list_keys("accounts"),
    ]:
        with pytest.raises(InvalidBlobKey, match="outside"):
            attempt()
    assert files_under(outside) == ["secret.blob"]
    assert (outside / "secret.blob").read_bytes() == b"not yours"
    assert list(local_store.list_keys()) == [], "listing never walks through the link"


def test_symlinked_blob_pointing_outside_is_not_followed(
    local_store: LocalBlobStore, outside: Path
) -> None:
    folder = local_store.root / "accounts" / "a1" / "documents"
    folder.mkdir(parents=True)
    (folder / "d1.blob").symlink_to(outside / "secret.blob")
    with pytest.raises(InvalidBlobKey):
        local_store.put(DOC, io.BytesIO(b"overwritten"))
    with pytest.raises(InvalidBlobKey):
        local_store.open(DOC)
    assert (outside / "secret.blob").read_bytes() == b"not yours"


def test_root_given_through_a_symlink_still_works(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    store = LocalBlobStore(tmp_path / "link")
    store.put(DOC, io.BytesIO(b"x"))
    assert store.open(DOC).read_all() == b"x"


@pytest.mark.parametrize("fail_after", [0, 10, 3 * MIB + 1])
def test_failed_write_leaves_no_blob_and_no_temporary_file(
    local_store: LocalBlobStore, fail_after: int
) -> None:
    local_store.put("accounts/a1/documents/kept", io.BytesIO(b"kept"))
    with pytest.raises(ConnectionResetError):
        local_store.put(DOC, FailingStream(fail_after))  # type: ignore[arg-type]
    with pytest.raises(BlobLengthMismatch):
        local_store.put(DOC, io.BytesIO(b"short"), length=6)
    assert files_under(local_store.root) == ["accounts/a1/documents/kept.blob"]


def test_stray_temporary_files_are_never_listed(local_store: LocalBlobStore) -> None:
    """A crash mid-write can leave a temporary file; it must not pass for a blob."""
    local_store.put(DOC, io.BytesIO(b"x"))
    (local_store.root / "accounts" / "a1" / "documents" / ".d2.blob").write_bytes(b"half")
    (local_store.root / "accounts" / ".erasing-123").mkdir()
    (local_store.root / "accounts" / ".erasing-123" / "d3.blob").write_bytes(b"old")
    assert list(local_store.list_keys()) == [DOC]


def test_failing_disk_is_unavailable_not_a_crash(local_store: LocalBlobStore) -> None:
    (local_store.root / "accounts").write_bytes(b"a file where a folder should be")
    with pytest.raises(BlobStoreUnavailable):
        local_store.put(DOC, io.BytesIO(b"x"))


def test_streaming_holds_little_memory(local_store: LocalBlobStore) -> None:
    size = 12 * MIB
    tracemalloc.start()
    try:
        source = RandomStream(size)
        local_store.put(DOC, source)  # type: ignore[arg-type]
        with local_store.open(DOC) as reader:
            assert digest_of(reader) == source.hexdigest()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MIB, f"peak {peak} bytes: the blob was held in memory"


def test_delete_prefix_counts_and_removes_the_folder(local_store: LocalBlobStore) -> None:
    for name in ["d1", "d2"]:
        local_store.put(f"accounts/a1/documents/{name}", io.BytesIO(b"x"))
    assert local_store.delete_prefix("accounts/a1") == 2
    assert not (local_store.root / "accounts" / "a1").exists()
    assert files_under(local_store.root) == []


def test_reader_keeps_the_blob_it_opened_across_an_overwrite(local_store: LocalBlobStore) -> None:
    """Replacing renames a new file over the key: a download in progress finishes whole."""
    old = b"o" * (2 * MIB)
    local_store.put(DOC, io.BytesIO(old))
    with local_store.open(DOC) as reader:
        chunks = iter(reader)
        first = next(chunks)
        local_store.put(DOC, io.BytesIO(b"new"))
        assert first + b"".join(chunks) == old
    assert local_store.open(DOC).read_all() == b"new"


UPLOAD = "accounts/a1/uploads/d1"


def test_parts_are_written_in_place_in_one_upload_file(local_store: LocalBlobStore) -> None:
    local_store.write_part(UPLOAD, 0, io.BytesIO(b"abc"), 3)
    local_store.write_part(UPLOAD, 3, io.BytesIO(b"defg"), 4)
    assert files_under(local_store.root) == ["accounts/a1/uploads/d1.upload"]
    assert (local_store.root / "accounts/a1/uploads/d1.upload").read_bytes() == b"abcdefg"


def test_a_part_is_synced_after_its_last_byte_and_before_write_part_returns(
    local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is acknowledged survives a crash: the upload file's data and size are
    synced (fdatasync) once its bytes are all written, before the store returns (and
    so before any answer)."""
    events: list[tuple[str, int]] = []
    real_pwritev, real_fsync = os.pwritev, os.fdatasync

    def pwritev(fd: int, buffers: list[memoryview], offset: int) -> int:
        written = real_pwritev(fd, buffers, offset)
        events.append(("write", offset + written))
        return written

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".upload"):
            events.append(("fsync", os.fstat(fd).st_size))

    monkeypatch.setattr(os, "pwritev", pwritev)
    monkeypatch.setattr(os, "fdatasync", fsync)
    local_store.write_part(UPLOAD, 0, RandomStream(9 * MIB), 9 * MIB)  # type: ignore[arg-type]
    assert events[-1] == ("fsync", 9 * MIB)
    assert [kind for kind, _ in events].count("fsync") == 1


def test_a_part_whose_sync_fails_is_unavailable_and_cut(
    local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_store.write_part(UPLOAD, 0, io.BytesIO(b"kept"), 4)

    def failing_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", failing_fsync)
    with pytest.raises(BlobStoreUnavailable):
        local_store.write_part(UPLOAD, 4, io.BytesIO(b"lost"), 4)
    assert (local_store.root / "accounts/a1/uploads/d1.upload").read_bytes() == b"kept"


def test_a_dropped_part_is_cut_back_to_what_was_acknowledged(
    local_store: LocalBlobStore,
) -> None:
    local_store.write_part(UPLOAD, 0, io.BytesIO(b"kept"), 4)
    with pytest.raises(ConnectionResetError):
        local_store.write_part(UPLOAD, 4, FailingStream(5 * MIB), 8 * MIB)  # type: ignore[arg-type]
    assert (local_store.root / "accounts/a1/uploads/d1.upload").read_bytes() == b"kept"


def test_finishing_an_upload_renames_its_file_and_copies_nothing(
    local_store: LocalBlobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_store.write_part(UPLOAD, 0, RandomStream(3 * MIB), 3 * MIB)  # type: ignore[arg-type]
    upload = local_store.root / "accounts/a1/uploads/d1.upload"
    inode = upload.stat().st_ino

    def no_copy(*args: object) -> None:
        raise AssertionError("finishing an upload must not copy its bytes")

    monkeypatch.setattr(os, "copy_file_range", no_copy)
    monkeypatch.setattr(os, "read", no_copy)
    assert local_store.finish_upload(UPLOAD, [0], DOC) == 3 * MIB
    content = local_store.root / "accounts/a1/documents/d1.blob"
    assert content.stat().st_ino == inode
    assert not upload.exists()
    assert files_under(local_store.root) == ["accounts/a1/documents/d1.blob"]


def test_deleting_an_upload_key_removes_the_upload_file(local_store: LocalBlobStore) -> None:
    local_store.write_part(UPLOAD, 0, io.BytesIO(b"abc"), 3)
    assert list(local_store.list_keys()) == [UPLOAD]
    local_store.delete(UPLOAD)
    assert files_under(local_store.root) == []


def test_one_writer_at_a_time_holds_an_upload(local_store: LocalBlobStore) -> None:
    """Two requests for the same part at once must not both write it: the second
    is refused while the first holds the upload, until it is closed or aborted."""
    first = local_store.begin_part(UPLOAD, 0)
    with pytest.raises(UploadBusy):
        local_store.begin_part(UPLOAD, 0)
    first.write([b"abc"])
    first.finish()
    with pytest.raises(UploadBusy):
        local_store.write_part(UPLOAD, 3, io.BytesIO(b"def"), 3)
    first.close()
    local_store.write_part(UPLOAD, 3, io.BytesIO(b"def"), 3)
    assert (local_store.root / "accounts/a1/uploads/d1.upload").read_bytes() == b"abcdef"
