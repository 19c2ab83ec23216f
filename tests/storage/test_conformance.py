"""What every BlobStore backend must do: one suite, run on each backend.

Given a store (local folder, or a bucket on an S3 server), these tests say what
the wallet relies on: whole blobs or none, streamed both ways, byte ranges for
HTTP Range, erasure of a whole wallet, assembly of resumable-upload parts, and
resumable uploads written part by part then finished into a blob.
"""

from __future__ import annotations

import hashlib
import io
import itertools

import pytest

from tests.storage.streams import FailingStream, RandomStream, digest_of
from wallet.storage.base import (
    BlobLengthMismatch,
    BlobNotFound,
    BlobReader,
    BlobStore,
    InvalidBlobKey,
    upload_leftovers,
)

KIB = 1024
MIB = 1024 * KIB
DOC = "accounts/a1/documents/d1"


def put_bytes(store: BlobStore, key: str, data: bytes) -> int:
    return store.put(key, io.BytesIO(data))


def read(store: BlobStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    with store.open(key, start, end) as reader:
        return reader.read_all()


def test_is_a_blob_store(blob_store: BlobStore) -> None:
    assert isinstance(blob_store, BlobStore)


def test_round_trip(blob_store: BlobStore) -> None:
    assert put_bytes(blob_store, DOC, b"ciphertext") == 10
    assert read(blob_store, DOC) == b"ciphertext"
    assert blob_store.size(DOC) == 10
    assert blob_store.exists(DOC)


def test_empty_blob(blob_store: BlobStore) -> None:
    assert put_bytes(blob_store, DOC, b"") == 0
    assert blob_store.exists(DOC)
    assert blob_store.size(DOC) == 0
    with blob_store.open(DOC) as reader:
        assert (reader.length, reader.total_size, reader.read_all()) == (0, 0, b"")
    assert read(blob_store, DOC, 0, 10) == b""


@pytest.mark.parametrize("declare_length", [False, True], ids=["unknown-length", "known-length"])
def test_12_mib_blob_streams_in_and_out(blob_store: BlobStore, declare_length: bool) -> None:
    size = 12 * MIB + 5
    source = RandomStream(size)
    assert blob_store.put(DOC, source, size if declare_length else None) == size  # type: ignore[arg-type]
    assert blob_store.size(DOC) == size
    hasher, largest_chunk = hashlib.sha256(), 0
    with blob_store.open(DOC) as reader:
        assert reader.length == size
        for chunk in reader:
            hasher.update(chunk)
            largest_chunk = max(largest_chunk, len(chunk))
    assert hasher.hexdigest() == source.hexdigest()
    assert largest_chunk <= MIB, "reads must be streamed in bounded chunks"


@pytest.fixture
def ranged_blob(blob_store: BlobStore) -> bytes:
    """A blob a little over 2 MiB, so ranges cross the 1 MiB read chunks."""
    data = bytes(itertools.islice(itertools.cycle(range(251)), 2 * MIB + 17))
    put_bytes(blob_store, DOC, data)
    return data


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (0, 1),  # first byte
        (0, 100),  # start
        (MIB - 3, MIB + 5),  # middle, across a chunk boundary
        (1000, None),  # open-ended
        (2 * MIB, 2 * MIB + 17),  # exactly the end
        (2 * MIB + 10, 5 * MIB),  # end beyond the size is clipped
        (2 * MIB + 16, None),  # the last byte
        (2 * MIB + 17, None),  # start at the size: nothing
        (3 * MIB, 4 * MIB),  # start past the size: nothing
        (500, 500),  # empty range
    ],
)
def test_ranged_reads(
    blob_store: BlobStore, ranged_blob: bytes, start: int, end: int | None
) -> None:
    expected = ranged_blob[start:end]
    with blob_store.open(DOC, start, end) as reader:
        assert reader.total_size == len(ranged_blob)
        assert reader.length == len(expected)
        assert reader.read_all() == expected


@pytest.mark.parametrize(("start", "end"), [(-1, None), (10, 9)])
def test_nonsense_ranges_are_refused(
    blob_store: BlobStore, ranged_blob: bytes, start: int, end: int | None
) -> None:
    with pytest.raises(ValueError):
        blob_store.open(DOC, start, end)


def test_reader_closed_early_releases_its_resources(
    blob_store: BlobStore, ranged_blob: bytes
) -> None:
    for _ in range(25):  # more than the S3 connection pool holds
        reader = blob_store.open(DOC)
        next(iter(reader))
        reader.close()
        reader.close()
    assert read(blob_store, DOC, 0, 3) == ranged_blob[:3]


def test_overwrite_replaces_the_whole_blob(blob_store: BlobStore) -> None:
    put_bytes(blob_store, DOC, b"a much longer first version")
    put_bytes(blob_store, DOC, b"second")
    assert read(blob_store, DOC) == b"second"
    assert blob_store.size(DOC) == 6


def test_missing_blob(blob_store: BlobStore) -> None:
    assert not blob_store.exists(DOC)
    with pytest.raises(BlobNotFound):
        blob_store.open(DOC)
    with pytest.raises(BlobNotFound):
        blob_store.open(DOC, 5, 10)
    with pytest.raises(BlobNotFound):
        blob_store.size(DOC)


def test_delete_is_idempotent(blob_store: BlobStore) -> None:
    put_bytes(blob_store, DOC, b"x")
    blob_store.delete(DOC)
    assert not blob_store.exists(DOC)
    blob_store.delete(DOC)
    blob_store.delete("accounts/never/documents/written")


def test_declared_length_is_enforced(blob_store: BlobStore) -> None:
    put_bytes(blob_store, DOC, b"old")
    with pytest.raises(BlobLengthMismatch):
        blob_store.put(DOC, io.BytesIO(b"short"), length=10)
    assert read(blob_store, DOC) == b"old", "a truncated upload must not replace a blob"
    assert blob_store.put(DOC, io.BytesIO(b"0123456789 and more"), length=10) == 10
    assert read(blob_store, DOC) == b"0123456789"


@pytest.mark.parametrize("fail_after", [100, 6 * MIB], ids=["small", "past-first-part"])
def test_failing_stream_leaves_nothing_visible(blob_store: BlobStore, fail_after: int) -> None:
    with pytest.raises(ConnectionResetError):
        blob_store.put(DOC, FailingStream(fail_after))  # type: ignore[arg-type]
    assert not blob_store.exists(DOC)
    assert list(blob_store.list_keys()) == []
    put_bytes(blob_store, DOC, b"old")
    with pytest.raises(ConnectionResetError):
        blob_store.put(DOC, FailingStream(fail_after))  # type: ignore[arg-type]
    assert read(blob_store, DOC) == b"old"


WALLET_KEYS = [
    "accounts/a1/documents/d1",
    "accounts/a1/documents/d2",
    "accounts/a1/uploads/u1/parts/0",
    "accounts/a10/documents/d1",
    "accounts/a1",
]


def test_list_keys_matches_whole_segments(blob_store: BlobStore) -> None:
    for key in WALLET_KEYS:
        put_bytes(blob_store, key, key.encode())
    assert sorted(blob_store.list_keys()) == sorted(WALLET_KEYS)
    assert sorted(blob_store.list_keys("accounts/a1")) == sorted(WALLET_KEYS[:3])
    assert sorted(blob_store.list_keys("accounts/a1/documents")) == sorted(WALLET_KEYS[:2])
    assert list(blob_store.list_keys("accounts/nobody")) == []


def test_delete_prefix_erases_one_wallet_only(blob_store: BlobStore) -> None:
    for key in WALLET_KEYS:
        put_bytes(blob_store, key, key.encode())
    assert blob_store.delete_prefix("accounts/a1") == 3
    assert sorted(blob_store.list_keys()) == ["accounts/a1", "accounts/a10/documents/d1"]
    assert read(blob_store, "accounts/a10/documents/d1") == b"accounts/a10/documents/d1"
    assert blob_store.delete_prefix("accounts/a1") == 0


def test_delete_prefix_refuses_the_whole_store(blob_store: BlobStore) -> None:
    put_bytes(blob_store, DOC, b"x")
    with pytest.raises(InvalidBlobKey):
        blob_store.delete_prefix("")
    assert blob_store.exists(DOC)


def _put_parts(store: BlobStore, sizes: list[int]) -> tuple[list[str], str]:
    """Upload parts of random bytes; return their keys and the digest of their concatenation."""
    hasher = hashlib.sha256()
    keys = [f"accounts/a1/uploads/u1/parts/{i}" for i in range(len(sizes))]
    for key, size in zip(keys, sizes, strict=True):
        store.put(key, RandomStream(size, hasher))  # type: ignore[arg-type]
    return keys, hasher.hexdigest()


@pytest.mark.parametrize(
    "sizes",
    [
        [1, 5 * MIB + 3, 700 * KIB],  # small parts: streamed
        [5 * MIB + 3, 5 * MIB, 1],  # S3 can compose these server-side
        [700 * KIB],
        [3, 0, 4],
    ],
    ids=["uneven", "large-then-small", "single", "with-empty"],
)
def test_concat_gives_the_exact_concatenation(blob_store: BlobStore, sizes: list[int]) -> None:
    keys, expected = _put_parts(blob_store, sizes)
    assert blob_store.concat(keys, DOC) == sum(sizes)
    assert blob_store.size(DOC) == sum(sizes)
    with blob_store.open(DOC) as reader:
        assert digest_of(reader) == expected
    assert all(blob_store.exists(key) for key in keys), "parts stay until the caller deletes them"


def test_concat_of_no_parts_is_an_empty_blob(blob_store: BlobStore) -> None:
    assert blob_store.concat([], DOC) == 0
    assert read(blob_store, DOC) == b""


def test_concat_with_a_missing_part_writes_nothing(blob_store: BlobStore) -> None:
    keys, _ = _put_parts(blob_store, [10, 20])
    with pytest.raises(BlobNotFound):
        blob_store.concat([keys[0], "accounts/a1/uploads/u1/parts/9", keys[1]], DOC)
    assert not blob_store.exists(DOC)


UPLOAD = "accounts/a1/uploads/d1"


def _write_parts(store: BlobStore, sizes: list[int]) -> tuple[list[int], str]:
    """Write an upload part by part; return the parts' offsets and the digest of all."""
    hasher, offsets, offset = hashlib.sha256(), [], 0
    for size in sizes:
        assert store.write_part(UPLOAD, offset, RandomStream(size, hasher), size) == size  # type: ignore[arg-type]
        offsets.append(offset)
        offset += size
    return offsets, hasher.hexdigest()


@pytest.mark.parametrize(
    "sizes",
    [[1, 5 * MIB + 3, 700 * KIB], [5 * MIB + 3, 5 * MIB, 1], [700 * KIB]],
    ids=["uneven", "large-then-small", "single"],
)
def test_parts_written_then_finished_are_the_exact_blob(
    blob_store: BlobStore, sizes: list[int]
) -> None:
    offsets, expected = _write_parts(blob_store, sizes)
    assert blob_store.finish_upload(UPLOAD, offsets, DOC) == sum(sizes)
    assert blob_store.size(DOC) == sum(sizes)
    with blob_store.open(DOC) as reader:
        assert digest_of(reader) == expected


def test_an_unfinished_upload_is_no_blob_but_its_keys_are_listed(blob_store: BlobStore) -> None:
    offsets, _ = _write_parts(blob_store, [10, 20])
    assert not blob_store.exists(UPLOAD)
    with pytest.raises(BlobNotFound):
        blob_store.open(UPLOAD)
    listed = set(blob_store.list_keys("accounts/a1"))
    assert listed and listed <= set(upload_leftovers(UPLOAD, offsets))
    assert not blob_store.exists(DOC)


def test_a_part_sent_again_after_a_drop_replaces_the_broken_attempt(
    blob_store: BlobStore,
) -> None:
    first = RandomStream(1000)
    blob_store.write_part(UPLOAD, 0, first, 1000)  # type: ignore[arg-type]
    with pytest.raises(ConnectionResetError):
        blob_store.write_part(UPLOAD, 1000, FailingStream(700), 2000)  # type: ignore[arg-type]
    again = RandomStream(2000, first.hasher)
    blob_store.write_part(UPLOAD, 1000, again, 2000)  # type: ignore[arg-type]
    assert blob_store.finish_upload(UPLOAD, [0, 1000], DOC) == 3000
    assert digest_of(blob_store.open(DOC)) == again.hexdigest()


def test_a_part_shorter_than_declared_is_refused(blob_store: BlobStore) -> None:
    with pytest.raises(BlobLengthMismatch):
        blob_store.write_part(UPLOAD, 0, io.BytesIO(b"short"), 10)


def test_deleting_the_leftovers_removes_an_unfinished_upload(blob_store: BlobStore) -> None:
    offsets, _ = _write_parts(blob_store, [10, 20])
    for key in upload_leftovers(UPLOAD, offsets):
        blob_store.delete(key)
    assert list(blob_store.list_keys()) == []
    with pytest.raises(BlobNotFound):
        blob_store.finish_upload(UPLOAD, offsets, DOC)
    assert not blob_store.exists(DOC)


def test_finishing_again_after_success_keeps_the_blob(blob_store: BlobStore) -> None:
    """The record of a finished upload may fail after the store finished it: the
    retry must find the blob as it was."""
    offsets, expected = _write_parts(blob_store, [100, 50])
    blob_store.finish_upload(UPLOAD, offsets, DOC)
    assert blob_store.finish_upload(UPLOAD, offsets, DOC) == 150
    assert digest_of(blob_store.open(DOC)) == expected


def test_erasing_a_wallet_removes_its_unfinished_uploads(blob_store: BlobStore) -> None:
    _write_parts(blob_store, [10, 20])
    assert blob_store.delete_prefix("accounts/a1") >= 1
    assert list(blob_store.list_keys()) == []


BAD_KEYS = [
    "",
    "/accounts/a1",
    "accounts/a1/",
    "accounts//a1",
    "accounts/../a1",
    "..",
    "accounts/./a1",
    "accounts\\a1",
    "accounts/a1.blob",
    "accounts/a 1",
    "accounts/a1\x00",
    "accounts/é",
    "a" * 129,
    "/".join(["abcdefgh"] * 40),
    None,
    b"accounts/a1",
]


@pytest.mark.parametrize("bad", BAD_KEYS, ids=repr)
def test_invalid_keys_are_rejected_everywhere(blob_store: BlobStore, bad: object) -> None:
    key: str = bad  # type: ignore[assignment]
    attempts = {
        "put": lambda: blob_store.put(key, io.BytesIO(b"x")),
        "open": lambda: blob_store.open(key),
        "size": lambda: blob_store.size(key),
        "exists": lambda: blob_store.exists(key),
        "delete": lambda: blob_store.delete(key),
        "concat part": lambda: blob_store.concat([key], DOC),
        "concat destination": lambda: blob_store.concat([], key),
        "write_part": lambda: blob_store.write_part(key, 0, io.BytesIO(b"x"), 1),
        "finish_upload": lambda: blob_store.finish_upload(key, [0], DOC),
        "finish_upload destination": lambda: blob_store.finish_upload(UPLOAD, [0], key),
        "list_keys": lambda: blob_store.list_keys(key),
        "delete_prefix": lambda: blob_store.delete_prefix(key),
    }
    if key == "":
        del attempts["list_keys"]  # "" lists every key, by design
    for name, attempt in attempts.items():
        with pytest.raises(InvalidBlobKey):
            attempt()
            pytest.fail(f"{name} accepted {bad!r}")
    assert list(blob_store.list_keys()) == []


def test_reader_is_usable_as_plain_iterable(blob_store: BlobStore) -> None:
    """StreamingResponse iterates without closing: reading to the end must release."""
    put_bytes(blob_store, DOC, b"abc")
    reader = blob_store.open(DOC)
    assert isinstance(reader, BlobReader)
    assert b"".join(reader) == b"abc"
