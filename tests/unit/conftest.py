"""Fixtures of the unit tests that need a database: a migrated SQLite runtime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pde.settings import Settings
from wallet.db import make_engine, migrate, session_factory
from wallet.runtime import Runtime
from wallet.storage.local import LocalBlobStore


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh, migrated SQLite database and a local blob folder."""
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    yield Runtime(settings, engine, session_factory(engine), LocalBlobStore(tmp_path / "blobs"))
    engine.dispose()
