"""Fixtures of the command line's unit tests: `pde`, the command run in-process as
the API tests run it (no server is needed when a command stops before any request)."""

from tests.api.conftest import pde

__all__ = ["pde"]
