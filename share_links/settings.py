"""Share links' own settings (`PDE_SHARE*`, `PDE_DOCUMENTS_PER_SHARE`), added to
the core's: pde.settings.Settings is every package's settings in one object."""

from __future__ import annotations

import functools
import hashlib
import hmac

from pydantic import Field

from wallet.settings import WalletSettings


class ShareSettings(WalletSettings):
    """Limits of share links (docs/design.md §6); docs/deployment.md explains each."""

    shares_per_wallet: int = Field(default=200, ge=1)
    shares_per_hour: int = Field(default=60, ge=1)
    documents_per_share: int = Field(default=50, ge=1)
    share_max_days: int = Field(default=30, ge=1, le=365)
    share_wrong_access_limit: int = Field(default=5, ge=1, le=20)
    share_opens_per_client_per_minute: int = Field(default=30, ge=1)
    share_view_minutes: int = Field(default=60, ge=1)

    @functools.cached_property
    def share_view_key(self) -> bytes:
        """The key that signs share viewer tokens (derived from the server secret)."""
        return hmac.new(self.fake_salt_key, b"pde/v1/share-view-token", hashlib.sha256).digest()
