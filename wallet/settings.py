"""The server core's typed settings, read from `PDE_*` environment variables.

Embedded defaults run PDE on one machine with nothing else installed: SQLite
and a local blob folder under `PDE_DATA_DIR`. With `PDE_ENVIRONMENT=production`
`WalletSettings.check_production` refuses values that would be unsafe there.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1 << 20
S3_MIN_PART_BYTES = 5 * MIB  # S3 refuses smaller multipart parts, but the last


class UnsafeSettings(RuntimeError):
    """A production deployment was configured with a value that would put wallets at risk."""


class WalletSettings(BaseSettings):
    """The server core's settings; each package above adds its own (share_links.settings),
    and pde.settings.Settings is all of them. docs/deployment.md explains each."""

    model_config = SettingsConfigDict(env_prefix="PDE_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    # Addresses of the reverse proxies whose X-Forwarded-For is believed (comma-
    # separated; "*" for any). Empty: none, every limit counts the peer's address.
    trusted_proxies: str = ""
    public_url: str = "http://127.0.0.1:8000"

    # Empty: SQLite at <data_dir>/pde.sqlite3. Production: postgresql+psycopg://…
    database_url: str = ""

    blob_backend: Literal["local", "s3"] = "local"
    blob_dir: Path | None = None  # default <data_dir>/blobs
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_bucket: str = "pde"
    s3_secure: bool = False
    s3_region: str | None = None
    # The site's origin (e.g. https://pde.example.org) where clients reach the bucket
    # through the proxy: set with the s3 backend, document content goes straight
    # between clients and the object store on presigned URLs ("direct" transfers).
    s3_public_url: str = ""
    s3_presign_seconds: int = Field(default=300, ge=10, le=7 * 24 * 3600)  # URLs' lifetime

    # Keys the server's own answers: fake salts for unknown handles. Random per
    # process by default (fine for development); production must set it.
    server_secret: SecretStr = SecretStr("")

    # Empty: rate limits in this process's memory. Several processes or replicas share
    # them through Redis instead: redis://host:6379/0 (needs PDE_SERVER_SECRET).
    redis_url: str = ""
    redis_key_prefix: str = "pde:limits:"

    # Who may read GET /metrics: addresses or networks, comma-separated; empty: nobody.
    metrics_allow: str = "127.0.0.1/32,::1/128"
    log_format: Literal["json", "text"] = "json"  # one JSON object per line, or for a terminal
    # <link rel="modulepreload"> for each page's modules (off: bench/slow_line.py's baseline).
    module_preload: bool = True

    session_idle_minutes: int = Field(default=30, ge=1)
    kiosk_idle_seconds: int = Field(default=180, ge=30, le=3600)
    kiosk_downloads: bool = False  # kiosk terminals preview and print; phones may download
    session_absolute_hours: int = Field(default=12, ge=1)

    wallet_quota_bytes: int = Field(default=500 * MIB, ge=1)
    document_max_bytes: int = Field(default=100 * MIB, ge=1)
    documents_per_wallet: int = Field(default=2000, ge=1)
    upload_part_max_bytes: int = Field(default=16 * MIB, ge=1024)
    upload_abandoned_hours: int = Field(default=24, ge=1)

    login_attempts_per_handle: int = Field(default=10, ge=1)  # from one address
    login_attempts_per_handle_any_address: int = Field(default=200, ge=1)
    login_attempts_per_client: int = Field(default=50, ge=1)
    login_window_minutes: int = Field(default=15, ge=1)
    registrations_per_client_per_hour: int = Field(default=20, ge=1)

    deposit_links_per_wallet: int = Field(default=50, ge=1)
    deposit_files_per_link: int = Field(default=100, ge=1)
    deposit_max_days: int = Field(default=30, ge=1, le=365)
    deposits_per_client_per_hour: int = Field(default=120, ge=1)
    # What one link's files not yet sent may hold, and how long they may wait: at most
    # 45 minutes, so that with housekeeping every 15 the kiosk's inbox can tell the
    # owner the space comes back within the hour.
    deposit_pending_bytes_per_link: int = Field(default=100 * MIB, ge=1)
    deposit_abandoned_minutes: int = Field(default=45, ge=1, le=45)

    recovery_delay_hours: int = Field(default=72, ge=0)
    recovery_requests_per_client_per_hour: int = Field(default=10, ge=1)
    recovery_requests_per_wallet_per_month: int = Field(default=3, ge=1)

    # Reports of a problem with a share or deposit link (docs/day-centres.md).
    reports_per_client_per_hour: int = Field(default=10, ge=1)
    reports_per_link_per_day: int = Field(default=20, ge=1)

    @model_validator(mode="after")
    def _direct_parts_fit_s3(self) -> WalletSettings:
        """Direct uploads are S3 multipart uploads: every part but the last has the
        fixed part size, which S3 refuses under 5 MiB."""
        if self.direct_transfers and self.upload_part_max_bytes < S3_MIN_PART_BYTES:
            raise ValueError(
                f"PDE_UPLOAD_PART_MAX_BYTES is {self.upload_part_max_bytes}, but with "
                f"PDE_S3_PUBLIC_URL set (direct transfers) parts go to S3, which needs at "
                f"least {S3_MIN_PART_BYTES} bytes (5 MiB) per part: raise it or unset "
                "PDE_S3_PUBLIC_URL"
            )
        if self.s3_public_url and not self.s3_public_url.startswith(("http://", "https://")):
            raise ValueError("PDE_S3_PUBLIC_URL must be an origin like https://pde.example.org")
        return self

    @property
    def direct_transfers(self) -> bool:
        """Whether document content goes straight between clients and the object store."""
        return self.blob_backend == "s3" and bool(self.s3_public_url)

    @functools.cached_property
    def fake_salt_key(self) -> bytes:
        """The key of the fake salts; random per process when no secret is configured."""
        configured = self.server_secret.get_secret_value()
        return configured.encode() if configured else secrets.token_bytes(32)

    @functools.cached_property
    def rate_limit_key(self) -> bytes:
        """The key naming rate-limit slots: derived from the server secret, so every
        process names them alike; random per process when no secret is configured."""
        configured = self.server_secret.get_secret_value()
        if not configured:
            return secrets.token_bytes(32)
        return hmac.new(configured.encode(), b"pde/v1/rate-limit-keys", hashlib.sha256).digest()

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, SQLite under the data folder unless one is set."""
        return self.database_url or f"sqlite:///{self.data_dir / 'pde.sqlite3'}"

    @property
    def local_blob_dir(self) -> Path:
        """Where the local blob store keeps ciphertext."""
        return self.blob_dir or self.data_dir / "blobs"

    def check_production(self) -> None:
        """Refuse, loudly, what must never run in production."""
        if self.environment != "production":
            return
        problems = []
        if not self.database_url.startswith("postgresql"):
            problems.append("PDE_DATABASE_URL must point at PostgreSQL")
        if len(self.server_secret.get_secret_value()) < 32:
            problems.append("PDE_SERVER_SECRET must be set to at least 32 random characters")
        if not self.public_url.startswith("https://"):
            problems.append("PDE_PUBLIC_URL must be https:// (WebCrypto needs a secure context)")
        if self.blob_backend == "s3" and (
            not self.s3_access_key or len(self.s3_secret_key.get_secret_value()) < 8
        ):
            problems.append("PDE_S3_ACCESS_KEY and PDE_S3_SECRET_KEY must be set")
        if self.s3_public_url and not self.s3_public_url.startswith("https://"):
            problems.append("PDE_S3_PUBLIC_URL must be https:// (presigned URLs carry authority)")
        if problems:
            raise UnsafeSettings("unsafe production settings: " + "; ".join(problems))
