"""Staff accounts' own settings (`PDE_STAFF_*`), added to the core's:
pde.settings.Settings is every package's settings in one object."""

from __future__ import annotations

from pydantic import Field

from wallet.settings import WalletSettings


class StaffSettings(WalletSettings):
    """Sessions and lockouts of staff logins; docs/deployment.md explains each."""

    staff_session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    staff_session_absolute_hours: int = Field(default=12, ge=1, le=24 * 7)
    # Failed passwords per staff name from one address, from every address, and per address.
    staff_login_attempts_per_name: int = Field(default=10, ge=1)
    staff_login_attempts_per_name_any_address: int = Field(default=100, ge=1)
    staff_login_attempts_per_client: int = Field(default=50, ge=1)
    # Wrong TOTP or recovery codes per account: six digits must not be guessable.
    staff_code_attempts: int = Field(default=5, ge=1, le=20)
    staff_login_window_minutes: int = Field(default=15, ge=1)
