"""`pde backup` and `pde restore`: a whole server (database and blob store) saved
to a folder with a manifest of checksums, and put back into an empty database
and store (docs/deployment.md, "Backups")."""

from wallet.backup.errors import BackupError
from wallet.backup.manifest import Manifest
from wallet.backup.service import make_backup, restore_backup

__all__ = ["BackupError", "Manifest", "make_backup", "restore_backup"]
