"""What the `pde` commands check before they log in or send anything: that the
files named can be read and the places named can be written, so that a typo
costs one clear line rather than a login, an upload or a spent share opening."""

from __future__ import annotations

from pathlib import Path

from pde.cli_errors import fail


def readable_file(name: str) -> Path:
    """The file `name`, which exists, is a file and can be read; else stop."""
    path = Path(name)
    if not path.exists():
        fail(f"No such file or directory: {name}")
    if not path.is_file():
        fail(f"Not a file: {name}")
    try:
        path.open("rb").close()
    except OSError as error:
        fail(f"{error.strerror}: {name}")
    return path


def writable_target(name: str) -> Path:
    """A file to write at `name`, whose folder exists; else stop."""
    path = Path(name)
    if path.is_dir():
        fail(f"This is a folder: {name} (name the file to write)")
    if not path.parent.is_dir():
        fail(f"No such folder: {path.parent}")
    return path


def usable_folder(name: str) -> Path:
    """A folder to write files into: it exists, or can be made; else stop."""
    path = Path(name)
    if path.exists() and not path.is_dir():
        fail(f"Not a folder: {name}")
    return path
