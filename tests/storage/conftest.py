"""Fixtures for the storage tests: every backend behind one `blob_store` fixture.

The conformance suite runs once per backend. The S3 server is started once per
pytest worker (session scope); each test gets its own bucket, so tests never
see each other's blobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.storage.s3server import (
    S3Server,
    fresh_bucket_name,
    require_ministack,
    start_s3_server,
)
from wallet.storage.base import BlobStore
from wallet.storage.local import LocalBlobStore
from wallet.storage.s3 import S3BlobStore

MIB = 1024 * 1024


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One ministack per worker; skipped (or failed under CI) when not installed.

    It checks signatures (AUTH=true), as MinIO does, so every request the
    suite makes is also a test of how the SDK signs it.
    """
    require_ministack()
    with start_s3_server(tmp_path_factory.mktemp("ministack"), auth=True) as server:
        yield server


@pytest.fixture
def s3_store(s3_server: S3Server) -> S3BlobStore:
    """An S3 store on a new bucket; the smallest part size S3 allows, so the
    12 MiB test goes through a real multipart upload."""
    return s3_server.store(fresh_bucket_name(), part_size=5 * MIB)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture(params=["local", "s3"])
def blob_store(request: pytest.FixtureRequest) -> BlobStore:
    """Each backend in turn; the S3 server starts only if an S3 test runs."""
    fixture = {"local": "local_store", "s3": "s3_store"}[request.param]
    store: BlobStore = request.getfixturevalue(fixture)
    return store
