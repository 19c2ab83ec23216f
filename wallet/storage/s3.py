"""Blobs as objects in an S3 bucket through the `minio` SDK: MinIO in production.

S3 already gives what the local backend works for: an object appears whole
or not at all, and an aborted multipart upload leaves nothing behind. What
this module adds is streaming in bounded parts, server-side assembly of upload
parts where S3 allows it, and error translation: the SDK's many failure modes
become BlobNotFound or BlobStoreUnavailable, and an unreachable store fails
in seconds rather than after minio's default five-minute timeout.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import BinaryIO, cast

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import ComposeSource
from minio.deleteobjects import DeleteObject
from minio.error import MinioException, S3Error
from minio.helpers import MIN_PART_SIZE

from wallet.storage.base import (
    CHUNK_SIZE,
    BlobNotFound,
    BlobReader,
    BlobStoreUnavailable,
    CountedSource,
    check_range,
    clip_range,
    upload_part_key,
    validate_key,
    validate_prefix,
)

DEFAULT_PART_SIZE = 16 * 1024 * 1024
"""Bytes per multipart part: each upload holds about twice this in memory."""

_CREDENTIAL_ERRORS = frozenset(
    {
        "AccessDenied",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "ExpiredToken",
        "InvalidToken",
        "AuthorizationHeaderMalformed",
    }
)


def _http_client(connect_timeout: float, read_timeout: float, secure: bool) -> urllib3.PoolManager:
    """Short timeouts and few retries: a dead store must give a 503 in seconds."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
        maxsize=10,
        cert_reqs="CERT_REQUIRED" if secure else "CERT_NONE",
        ca_certs=(os.environ.get("SSL_CERT_FILE") or certifi.where()) if secure else None,
        retries=urllib3.Retry(total=2, backoff_factor=0.1, status_forcelist=[500, 502, 503, 504]),
    )


class S3BlobStore:
    """A BlobStore on one S3 bucket; keys are used as object names unchanged."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool,
        region: str | None = None,
        *,
        part_size: int = DEFAULT_PART_SIZE,
        connect_timeout: float = 2.0,
        read_timeout: float = 30.0,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"S3 part size must be at least {MIN_PART_SIZE} bytes")
        self.endpoint = endpoint
        self.bucket = bucket
        self.part_size = part_size
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(connect_timeout, read_timeout, secure),
        )

    @contextlib.contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        """Translate SDK and network failures into the BlobStore errors.

        Exceptions raised by a caller's stream while minio reads it are not
        SDK errors and pass through unchanged.
        """
        try:
            yield
        except S3Error as exc:
            if exc.code == "NoSuchKey":  # name the missing part, not the concat target
                raise BlobNotFound(exc.object_name or key) from exc
            raise BlobStoreUnavailable(self._explain(exc)) from exc
        except MinioException as exc:  # 5xx without an S3 error body, odd responses
            raise BlobStoreUnavailable(f"object store at {self.endpoint} failed: {exc}") from exc
        except urllib3.exceptions.HTTPError as exc:  # refused, timed out, retries exhausted
            reason = getattr(exc, "reason", None) or exc
            raise BlobStoreUnavailable(
                f"object store at {self.endpoint} is unreachable or failing: {reason}"
            ) from exc

    def _explain(self, exc: S3Error) -> str:
        if exc.code in _CREDENTIAL_ERRORS:
            return (
                f"object store at {self.endpoint} refused our credentials ({exc.code}): "
                "check the access key and secret key"
            )
        if exc.code == "NoSuchBucket":
            return f"bucket {self.bucket!r} does not exist at {self.endpoint}"
        return f"object store at {self.endpoint} failed: {exc.code} {exc.message}"

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing; run at start-up and in tests."""
        with self._errors(self.bucket):
            if self._client.bucket_exists(self.bucket):
                return
            try:
                self._client.make_bucket(self.bucket)
            except S3Error as exc:  # another process created it meanwhile
                if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

    def check_health(self) -> None:
        """The bucket must exist and accept our credentials."""
        with self._errors(self.bucket):
            if not self._client.bucket_exists(self.bucket):
                raise BlobStoreUnavailable(f"bucket {self.bucket!r} does not exist")

    # -- writing -----------------------------------------------------------

    def put(self, key: str, stream: BinaryIO, length: int | None = None) -> int:
        """Upload in parts of `part_size`; an unknown length streams the same way.

        minio aborts the multipart upload on any failure, so no object appears.
        """
        source = CountedSource(validate_key(key), stream, length)
        with self._errors(key):
            self._client.put_object(
                self.bucket,
                key,
                cast(BinaryIO, source),
                length=-1 if length is None else length,
                part_size=self.part_size,
            )
        return source.count

    def write_part(self, upload_key: str, offset: int, stream: BinaryIO, length: int) -> int:
        """Each part is an object of its own, under the upload key."""
        return self.put(upload_part_key(validate_key(upload_key), offset), stream, length)

    def finish_upload(self, upload_key: str, offsets: Sequence[int], dest_key: str) -> int:
        """Compose the part objects into the blob; they stay until deleted as leftovers."""
        validate_key(upload_key)
        return self.concat([upload_part_key(upload_key, offset) for offset in offsets], dest_key)

    def concat(self, part_keys: Sequence[str], dest_key: str) -> int:
        """Compose server-side when S3 allows it, else stream the parts through.

        S3 composes only parts of at least 5 MiB (but the last), and upload
        parts may be smaller, so streaming is the general path; composing
        only saves the round trip of the bytes through this process.
        """
        validate_key(dest_key)
        sizes = [self.size(part) for part in part_keys]  # BlobNotFound before writing
        if sizes and all(size >= MIN_PART_SIZE for size in sizes[:-1]):
            with self._errors(dest_key):
                sources = [ComposeSource(self.bucket, part) for part in part_keys]
                self._client.compose_object(self.bucket, dest_key, sources)
            return sum(sizes)
        parts = _PartsReader(self, list(zip(part_keys, sizes, strict=True)))
        try:
            return self.put(dest_key, cast(BinaryIO, parts), length=sum(sizes))
        finally:
            parts.close()

    # -- reading -----------------------------------------------------------

    def open(self, key: str, start: int = 0, end: int | None = None) -> BlobReader:
        """Send the ranged GET now, so a missing blob fails here, and stream the body."""
        check_range(start, end)
        validate_key(key)
        if end == start:  # S3 cannot express an empty range
            return self._empty_reader(key)
        with self._errors(key):
            try:
                response = self._client.get_object(
                    self.bucket, key, offset=start, length=0 if end is None else end - start
                )
            except S3Error as exc:
                if exc.code != "InvalidRange":
                    raise
                return self._empty_reader(key)  # start at or past the end

        def release() -> None:
            response.close()
            response.release_conn()

        try:
            total = _total_size(response)
        except (KeyError, ValueError) as exc:
            release()
            raise BlobStoreUnavailable(f"object store gave no size for {key!r}") from exc
        first, stop = clip_range(start, end, total)
        return BlobReader(
            self._chunks(response, key), length=stop - first, total_size=total, release=release
        )

    def _empty_reader(self, key: str) -> BlobReader:
        return BlobReader(iter(()), length=0, total_size=self.size(key), release=lambda: None)

    def _chunks(self, response: urllib3.BaseHTTPResponse, key: str) -> Iterator[bytes]:
        with self._errors(key):
            yield from response.stream(CHUNK_SIZE)

    def size(self, key: str) -> int:
        validate_key(key)
        with self._errors(key):
            return cast(int, self._client.stat_object(self.bucket, key).size)

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except BlobNotFound:
            return False
        return True

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        """Check the prefix now; list lazily, a page of 1000 names at a time."""
        prefix = validate_prefix(prefix, allow_empty=True)
        return self._list(prefix + "/" if prefix else "")

    def _list(self, prefix: str) -> Iterator[str]:
        with self._errors(prefix):
            for item in self._client.list_objects(self.bucket, prefix=prefix, recursive=True):
                yield cast(str, item.object_name)

    # -- deleting ----------------------------------------------------------

    def delete(self, key: str) -> None:
        """S3 deletes are idempotent already: a missing object is a success."""
        validate_key(key)
        with self._errors(key):
            self._client.remove_object(self.bucket, key)

    def delete_prefix(self, prefix: str) -> int:
        """List and delete in batches; any object S3 failed to delete is an error."""
        prefix = validate_prefix(prefix, allow_empty=False)
        deleted = 0

        def doomed() -> Iterator[DeleteObject]:
            nonlocal deleted
            for key in self._list(prefix + "/"):
                deleted += 1
                yield DeleteObject(key)

        with self._errors(prefix):
            failures = list(self._client.remove_objects(self.bucket, doomed()))
        if failures:
            first = failures[0]
            raise BlobStoreUnavailable(
                f"object store kept {len(failures)} blobs under {prefix!r}: "
                f"{first.code} {first.message}"
            )
        return deleted


class _PartsReader:
    """One readable stream over several objects, opened one at a time.

    Lets `put` assemble upload parts of any size with bounded memory.
    """

    def __init__(self, store: S3BlobStore, parts: list[tuple[str, int]]) -> None:
        self._store = store
        self._pending = list(parts)
        self._current: BlobReader | None = None
        self._chunks: Iterator[bytes] = iter(())
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while not self._buffer:
            self._buffer = next(self._chunks, b"")
            if not self._buffer and not self._open_next():
                return b""
        if size < 0:
            size = len(self._buffer)
        chunk, self._buffer = self._buffer[:size], self._buffer[size:]
        return chunk

    def _open_next(self) -> bool:
        self.close()
        if not self._pending:
            return False
        key, _ = self._pending.pop(0)
        self._current = self._store.open(key)
        self._chunks = iter(self._current)
        return True

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None


def _total_size(response: urllib3.BaseHTTPResponse) -> int:
    """The whole object's size: after the "/" of a 206's Content-Range, else Content-Length."""
    content_range = response.headers.get("Content-Range")
    if content_range:
        return int(content_range.rsplit("/", 1)[1])
    return int(response.headers["Content-Length"])
