"""One typed settings object, read from `PDE_*` environment variables.

Embedded defaults run PDE on one machine with nothing else installed: SQLite
and a local blob folder under `PDE_DATA_DIR`. Production settings are checked
by `Settings.check_production`, which refuses values that would be unsafe.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything PDE can be configured with; see docs/deployment.md."""

    model_config = SettingsConfigDict(env_prefix="PDE_", extra="ignore")

    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
