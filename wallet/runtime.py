"""What a running PDE server holds: settings, database, blob store, rate
limiter. Built once by `create_app(settings)`; tests build their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wallet.db import check_migrated, make_engine, session_factory
from wallet.ratelimit import RateLimiter
from wallet.services.uploads import RunningHashes
from wallet.settings import WalletSettings
from wallet.storage.base import BlobStore
from wallet.storage.local import LocalBlobStore


def open_blob_store(settings: WalletSettings) -> BlobStore:
    """The blob store chosen by `PDE_BLOB_BACKEND`."""
    if settings.blob_backend == "s3":
        from wallet.storage.s3 import S3BlobStore

        store = S3BlobStore(
            endpoint=settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            bucket=settings.s3_bucket,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
        store.ensure_bucket()
        return store
    return LocalBlobStore(settings.local_blob_dir)


@dataclass
class Runtime:
    """The server's long-lived parts, shared by every request."""

    settings: WalletSettings
    engine: Engine
    db: sessionmaker[Session]
    blobs: BlobStore
    limiter: RateLimiter = field(default_factory=RateLimiter)
    hashes: RunningHashes = field(default_factory=RunningHashes)

    @classmethod
    def start(cls, settings: WalletSettings) -> Runtime:
        """Check the settings and the schema, open the stores."""
        settings.check_production()
        engine = make_engine(settings.sqlalchemy_url)
        check_migrated(engine)
        return cls(settings, engine, session_factory(engine), open_blob_store(settings))
