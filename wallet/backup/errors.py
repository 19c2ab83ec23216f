"""The one error of backups and restores."""

from __future__ import annotations


class BackupError(RuntimeError):
    """A backup or restore stopped on purpose: the message says why and what to do.
    A restore raises it before writing anything whenever it can tell in advance."""
