"""Every package's settings in one typed object, read from `PDE_*` environment
variables: what `pde serve` and `create_app` take. A package with settings of
its own adds its class to the bases here."""

from __future__ import annotations

from day_centres.settings import OperatorSettings, StaffSettings
from share_links.settings import ShareSettings
from wallet.settings import UnsafeSettings

__all__ = ["Settings", "UnsafeSettings"]


class Settings(ShareSettings, StaffSettings, OperatorSettings):
    """Everything PDE can be configured with; docs/deployment.md explains each."""
