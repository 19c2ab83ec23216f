"""What a running PDE server holds: settings, database, blob store, rate
limiter (in memory or Redis), and the subscribers of wallet events. Built once by
`create_app(settings)`; tests build their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wallet.db import check_migrated, make_engine, session_factory
from wallet.events import WalletEvents
from wallet.limits import Limiter, MemoryLimiter, open_limiter
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
    limiter: Limiter = field(default_factory=MemoryLimiter)
    hashes: RunningHashes = field(default_factory=RunningHashes)
    events: WalletEvents = field(default_factory=WalletEvents)  # pde/app.py subscribes

    @classmethod
    def start(cls, settings: WalletSettings) -> Runtime:
        """Check the settings and the schema, open the stores and the limiter."""
        settings.check_production()
        limiter = open_limiter(settings)
        engine = make_engine(settings.sqlalchemy_url)
        check_migrated(engine)
        blobs = open_blob_store(settings)
        return cls(settings, engine, session_factory(engine), blobs, limiter)
