"""Direct transfers: presigned URLs that let clients put and get ciphertext on
the object store themselves, and the multipart calls the server makes around them.

The server never sees the bytes: it creates a multipart upload on the
document's content key, presigns one PUT per part for the public origin (the
object store is reached on the site's own origin through the proxy, so
SigV4's signed host and path must be the public ones), lists what arrived,
and completes. The store checks each part's SHA-256 itself: the client sends
`x-amz-checksum-sha256` and a body that does not match gets 400 BadDigest.

Checked against ministack 1.5.33 and minio 7.2 (2026-12-05):
- ListParts returns each part's `<ChecksumSHA256>` (standard base64), but
  minio's `Part` class does not parse it, so `list_parts` reads the XML here.
- A part PUT with the checksum header is stored with its checksum whether or
  not the upload was created with `x-amz-checksum-algorithm: SHA256`; it is
  sent anyway, since AWS S3 and MinIO keep part checksums only then, and
  CompleteMultipartUpload then carries each part's checksum (minio's own
  `_complete_multipart_upload` sends only ETags, hence `complete` here).
- The presigned PUT signs only the host: the checksum header is not signed.
  That costs nothing: a part is acknowledged only if its stored checksum is
  the one the client declared to the server.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree

from minio import Minio
from minio.error import S3Error
from minio.helpers import DictType, md5sum_hash

from wallet.storage.base import BlobStoreError, validate_key, validate_prefix
from wallet.storage.s3 import S3BlobStore

_S3_XML = "{http://s3.amazonaws.com/doc/2006-03-01/}"
DEFAULT_REGION = "us-east-1"


class PartsChanged(BlobStoreError):
    """CompleteMultipartUpload refused the parts listed: one was put again after it
    was checked (its ETag or checksum is no longer the stored part's)."""


@dataclass(frozen=True)
class StoredPart:
    """A part the object store holds for a multipart upload."""

    number: int
    size: int
    etag: str
    sha256: bytes | None  # None: stored without a SHA-256 checksum


@dataclass(frozen=True)
class PendingMultipart:
    """A multipart upload the object store keeps open."""

    key: str
    upload_id: str
    initiated: datetime | None


def _text(element: ElementTree.Element, name: str) -> str | None:
    found = element.find(_S3_XML + name)
    if found is None:
        found = element.find(name)  # a store that answers without the namespace
    return None if found is None else found.text


def parse_parts(xml: bytes) -> tuple[list[StoredPart], str | None]:
    """The parts of one ListParts page, and the marker of the next page (None: last)."""
    root = ElementTree.fromstring(xml)  # noqa: S314 (our own object store answers, as minio reads it)
    parts = []
    for element in root.iter(_S3_XML + "Part"):
        checksum = _text(element, "ChecksumSHA256")
        parts.append(
            StoredPart(
                number=int(_text(element, "PartNumber") or 0),
                size=int(_text(element, "Size") or 0),
                etag=(_text(element, "ETag") or "").strip('"'),
                sha256=base64.b64decode(checksum) if checksum else None,
            )
        )
    truncated = (_text(root, "IsTruncated") or "false").lower() == "true"
    return parts, _text(root, "NextPartNumberMarker") if truncated else None


class DirectTransfers:
    """Presigning and multipart calls on one S3 bucket, for clients on `public_url`."""

    def __init__(self, store: S3BlobStore, public_url: str, region: str | None) -> None:
        origin = urlsplit(public_url)
        if origin.scheme not in {"http", "https"} or not origin.netloc:
            raise ValueError(f"the object store's public URL must be an origin: {public_url!r}")
        self.store = store
        self.bucket = store.bucket
        provider = store._client._provider
        if provider is None:
            raise ValueError("direct transfers need the object store's keys to sign URLs")
        credentials = provider.retrieve()
        # Given the region, presigning makes no network call: this client only signs.
        self._public = Minio(
            origin.netloc,
            access_key=credentials.access_key,
            secret_key=credentials.secret_key,
            secure=origin.scheme == "https",
            region=region or DEFAULT_REGION,
        )
        self._client = store._client

    # -- uploads -----------------------------------------------------------

    def create_upload(self, key: str) -> str:
        """Open a multipart upload on `key`, parts checked by SHA-256; its id."""
        validate_key(key)
        headers: DictType = {"x-amz-checksum-algorithm": "SHA256"}
        with self.store._errors(key):
            return self._client._create_multipart_upload(self.bucket, key, headers)

    def presign_part(self, key: str, upload_id: str, number: int, lifetime: timedelta) -> str:
        """A URL to PUT part `number` (from 1) of the upload, for `lifetime`."""
        query: DictType = {"uploadId": upload_id, "partNumber": str(number)}
        return self._public.get_presigned_url(
            "PUT", self.bucket, validate_key(key), lifetime, extra_query_params=query
        )

    def presign_get(self, key: str, lifetime: timedelta) -> str:
        """A URL to GET the object (Range allowed), for `lifetime`."""
        return self._public.get_presigned_url("GET", self.bucket, validate_key(key), lifetime)

    def list_parts(self, key: str, upload_id: str) -> list[StoredPart]:
        """Every part stored so far, with its SHA-256 checksum, in part order."""
        validate_key(key)
        parts: list[StoredPart] = []
        marker: str | None = "0"
        while marker is not None:
            query: DictType = {"uploadId": upload_id, "part-number-marker": marker}
            with self.store._errors(key):
                response = self._client._execute("GET", self.bucket, key, query_params=query)
            page, marker = parse_parts(response.data)
            parts += page
        return sorted(parts, key=lambda part: part.number)

    def complete(self, key: str, upload_id: str, parts: list[StoredPart]) -> None:
        """Join the parts into the object `key`. Each part's ETag and checksum are given,
        so a part put again after it was listed makes the store refuse (PartsChanged)."""
        root = ElementTree.Element("CompleteMultipartUpload")
        for part in parts:
            element = ElementTree.SubElement(root, "Part")
            ElementTree.SubElement(element, "PartNumber").text = str(part.number)
            ElementTree.SubElement(element, "ETag").text = f'"{part.etag}"'
            if part.sha256 is not None:
                checksum = base64.b64encode(part.sha256).decode()
                ElementTree.SubElement(element, "ChecksumSHA256").text = checksum
        body = ElementTree.tostring(root)
        headers = {"Content-Type": "application/xml", "Content-MD5": md5sum_hash(body)}
        with self.store._errors(key):
            try:
                self._client._execute(
                    "POST",
                    self.bucket,
                    validate_key(key),
                    body=body,
                    headers=headers,  # type: ignore[arg-type]
                    query_params={"uploadId": upload_id},
                )
            except S3Error as exc:
                if exc.code in {"InvalidPart", "InvalidPartOrder", "BadDigest"}:
                    raise PartsChanged(f"{key!r}: {exc.code} {exc.message}") from exc
                raise

    def abort(self, key: str, upload_id: str) -> None:
        """Drop the upload and its stored parts; an upload already gone is a success."""
        validate_key(key)
        with self.store._errors(key):
            try:
                self._client._abort_multipart_upload(self.bucket, key, upload_id)
            except S3Error as exc:
                if exc.code != "NoSuchUpload":
                    raise

    def pending_uploads(self, prefix: str) -> list[PendingMultipart]:
        """The multipart uploads still open under `prefix/` (for housekeeping)."""
        prefix = validate_prefix(prefix, allow_empty=False) + "/"
        pending: list[PendingMultipart] = []
        key_marker: str | None = None
        upload_marker: str | None = None
        while True:
            with self.store._errors(prefix):
                page = self._client._list_multipart_uploads(
                    self.bucket,
                    prefix=prefix,
                    key_marker=key_marker,
                    upload_id_marker=upload_marker,
                )
            pending += [
                PendingMultipart(u.object_name, u.upload_id, u.initiated_time)
                for u in page.uploads
                if u.upload_id is not None
            ]
            if not page.is_truncated or page.next_key_marker is None:
                return pending
            # minio 7.2 loses NextUploadIdMarker: go on after the key alone
            key_marker, upload_marker = page.next_key_marker, page.next_upload_id_marker


@functools.lru_cache(maxsize=8)
def direct_transfers(store: S3BlobStore, public_url: str, region: str | None) -> DirectTransfers:
    """One DirectTransfers per store and public origin (building it makes no call)."""
    return DirectTransfers(store, public_url, region)
