"""Blob storage: one `BlobStore` protocol, a local-filesystem and an S3 backend.

The backends are imported from their own modules (`wallet.storage.local`,
`wallet.storage.s3`) so that choosing the local store never imports minio.
"""

from wallet.storage.base import (
    BlobLengthMismatch,
    BlobNotFound,
    BlobReader,
    BlobStore,
    BlobStoreError,
    BlobStoreUnavailable,
    InvalidBlobKey,
    validate_key,
)

__all__ = [
    "BlobLengthMismatch",
    "BlobNotFound",
    "BlobReader",
    "BlobStore",
    "BlobStoreError",
    "BlobStoreUnavailable",
    "InvalidBlobKey",
    "validate_key",
]
