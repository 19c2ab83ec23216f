"""How a `pde` command fails: one line on standard error, starting "error:", and
a non-zero exit code; never a Python traceback (PDE_DEBUG=1 shows one, for a
developer). What the person can do about it is in the line."""

from __future__ import annotations

from typing import NoReturn

from client import ClientError
from crypto.errors import CryptoError, DecryptionError

PDE_PACKAGES = {
    "pde",
    "wallet",
    "share_links",
    "day_centres",
    "page_kit",
    "kiosk_ui",
    "client",
    "crypto",
}


def fail(message: str) -> NoReturn:
    """Stop the command with one line on standard error and exit code 1."""
    raise SystemExit(f"error: {message}")


def one_line(error: Exception) -> str:
    """What went wrong, in one line, for any error a command did not expect to stop on."""
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(error, ClientError):
        return f"{error.message} [{error.code}]"
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    if isinstance(error, DecryptionError):
        return "A file did not decrypt: it was changed or damaged on the way. Nothing was kept."
    if isinstance(error, CryptoError):
        return str(error) or (type(error).__doc__ or type(error).__name__).split("\n")[0]
    if isinstance(error, ValidationError):  # a PDE_* setting that is not valid
        first = error.errors()[0]
        setting = "PDE_" + "_".join(str(part) for part in first["loc"]).upper()
        return f"{setting}: {first['msg']}"
    if isinstance(error, SQLAlchemyError):
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()
        return f"The database did not answer: {cause[0] if cause else type(error).__name__}"
    message = str(error).strip().splitlines()
    if message and type(error).__module__.split(".")[0] in PDE_PACKAGES:
        return message[0]  # PDE's own errors say what to do (DatabaseNotMigrated, UnsafeSettings)
    text = f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
    return f"{text} (PDE_DEBUG=1 shows where)"
