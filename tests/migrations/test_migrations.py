"""The migrations are the schema: on SQLite (embedded default) and on
PostgreSQL (production), upgrading to head gives exactly what the models
declare, downgrading undoes it, and nothing starts on an unmigrated database.

Each test gets an empty database of each kind, so the tests share no schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

import day_centres.models
import day_centres.organisations  # noqa: F401
import share_links.models  # noqa: F401  (every package's tables are in the one history)
from pde.settings import Settings
from tests.pg import temporary_database
from wallet.db import DatabaseNotMigrated, alembic_config, check_migrated, make_engine, migrate
from wallet.models import Base
from wallet.runtime import Runtime

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture(autouse=True)
def no_pde_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read PDE_* variables: the developer's own must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith("PDE_"):
            monkeypatch.delenv(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'pde.sqlite3'}"
        return
    with temporary_database("pde_mig") as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, disposed before the database is dropped."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def schema_differences(engine: Engine) -> list[Any]:
    """What Alembic's autogenerate would write to bring the database to the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_there_is_one_head() -> None:
    """Two heads would mean two branches of migrations nobody merged."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_to_head_matches_the_models(database_url: str, engine: Engine) -> None:
    migrate(database_url)

    assert current_revision(engine) == head_revision(database_url)
    assert tables(engine) == MODEL_TABLES | {"alembic_version"}
    assert schema_differences(engine) == [], (
        "the migrations' head differs from wallet/models.py: write a migration"
    )


def test_migrate_twice_changes_nothing(database_url: str, engine: Engine) -> None:
    """`pde migrate` runs at every container start: on a migrated database it is a no-op."""
    migrate(database_url)
    migrate(database_url)

    assert current_revision(engine) == head_revision(database_url)
    assert schema_differences(engine) == []


def test_downgrade_to_base_and_upgrade_again(database_url: str, engine: Engine) -> None:
    migrate(database_url)

    command.downgrade(alembic_config(database_url), "base")
    assert tables(engine) <= {"alembic_version"}
    assert current_revision(engine) is None

    migrate(database_url)
    assert current_revision(engine) == head_revision(database_url)
    assert schema_differences(engine) == []


def test_each_revision_steps_down_and_up(database_url: str, engine: Engine) -> None:
    """Every migration's downgrade undoes its upgrade, one step at a time."""
    config = alembic_config(database_url)
    revisions = list(ScriptDirectory.from_config(config).walk_revisions("base", "heads"))
    migrate(database_url)

    for _ in revisions:
        command.downgrade(config, "-1")
    assert current_revision(engine) is None
    for revision in reversed(revisions):
        command.upgrade(config, "+1")
        assert current_revision(engine) == revision.revision
    assert schema_differences(engine) == []


def test_check_migrated_refuses_an_empty_database(engine: Engine) -> None:
    with pytest.raises(DatabaseNotMigrated, match="pde migrate"):
        check_migrated(engine)


def test_check_migrated_refuses_a_downgraded_database(database_url: str, engine: Engine) -> None:
    migrate(database_url)
    command.downgrade(alembic_config(database_url), "base")

    with pytest.raises(DatabaseNotMigrated):
        check_migrated(engine)


def test_check_migrated_passes_after_migrate(database_url: str, engine: Engine) -> None:
    migrate(database_url)

    check_migrated(engine)


def runtime_settings(database_url: str, tmp_path: Path) -> Settings:
    """Development settings on the test database, blobs in a temporary folder."""
    return Settings(
        database_url=database_url, data_dir=tmp_path / "data", blob_dir=tmp_path / "blobs"
    )


def test_runtime_refuses_an_unmigrated_database(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotMigrated, match="pde migrate"):
        Runtime.start(runtime_settings(database_url, tmp_path))


def test_runtime_starts_on_a_migrated_database(database_url: str, tmp_path: Path) -> None:
    migrate(database_url)

    runtime = Runtime.start(runtime_settings(database_url, tmp_path))
    try:
        assert current_revision(runtime.engine) == head_revision(database_url)
    finally:
        runtime.engine.dispose()


def test_embedded_default_database_is_refused_until_migrated(tmp_path: Path) -> None:
    """With no PDE_DATABASE_URL the SQLite file under PDE_DATA_DIR is used, and gated too."""
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(DatabaseNotMigrated):
        Runtime.start(settings)

    migrate(settings.sqlalchemy_url)
    runtime = Runtime.start(settings)
    runtime.engine.dispose()
    assert (tmp_path / "data" / "pde.sqlite3").is_file()
