"""Alembic environment: runs PDE's migrations on the URL set by wallet.db."""

from __future__ import annotations

from alembic import context

from wallet.db import make_engine
from wallet.models import Base

config = context.config


def run_migrations() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
