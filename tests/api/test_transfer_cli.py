"""What the command line shows while it moves files, run in-process against a
live server on both backends: a progress bar on standard error for a large
upload and download when that is a terminal, and nothing at all otherwise (a
script reads only the command's own lines); a shared document whose file name
stayed home is saved under its title with its media type's extension; the list
of shares speaks of "1 document"."""

from __future__ import annotations

import io
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from client import PdeClient
from pde.progress import LARGE_BYTES
from tests.api.support import CLI_PASSPHRASE, Run, WalletCli
from tests.server import LiveServer
from tests.wallet_pool import WalletPool


class Terminal(io.StringIO):
    """Standard error as a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def owner(pde_server: LiveServer, pde: Callable[..., Run], wallet_pool: WalletPool) -> WalletCli:
    """`pde client …` of a fresh, empty wallet (registered without the command line)."""
    handle = f"tcli-{secrets.token_hex(4)}"
    with PdeClient(pde_server.url, retry_seconds=5) as wallet:
        wallet_pool.register(wallet, handle, CLI_PASSPHRASE)
    return WalletCli(pde, pde_server.url, handle)


def test_a_large_upload_and_download_draw_a_progress_bar_on_a_terminal_only(
    owner: WalletCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = os.urandom(LARGE_BYTES + 12345)
    (tmp_path / "scan.bin").write_bytes(content)

    quiet = owner("add", str(tmp_path / "scan.bin"))  # standard error is not a terminal
    assert quiet.code == 0, quiet.err
    assert quiet.err == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    added = owner("add", str(tmp_path / "scan.bin"))
    got = owner("get", added.out.strip(), "-o", str(tmp_path / "back.bin"))
    monkeypatch.undo()

    assert (added.code, got.code) == (0, 0)
    drawn = terminal.getvalue()
    upload, download = drawn.split("\n")[:2]
    assert upload.startswith("\ruploading scan.bin [") and upload.endswith(" 100% 4.0/4.0 MiB")
    assert download.startswith("\rdownloading back.bin [") and "100% 4.0/4.0 MiB" in download
    assert "#" * 24 in download.rsplit("\r", 1)[1]
    assert (tmp_path / "back.bin").read_bytes() == content
    assert quiet.out.strip() != added.out.strip()


def test_a_small_file_draws_no_bar_even_on_a_terminal(
    owner: WalletCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "note.txt").write_text("my story")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    added = owner("add", str(tmp_path / "note.txt"))
    monkeypatch.undo()
    assert added.code == 0
    assert terminal.getvalue() == ""


def test_a_shared_document_without_its_file_name_keeps_its_extension(
    owner: WalletCli, pde: Callable[..., Run], tmp_path: Path
) -> None:
    (tmp_path / "identity card.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    (tmp_path / "letter.pdf").write_bytes(b"%PDF-1.7 a letter")
    ids = [owner("add", str(tmp_path / name)).out.strip() for name in ("identity card.jpg",)]
    ids.append(owner("add", str(tmp_path / "letter.pdf"), "--title", "CPAS decision").out.strip())
    made = owner("share", "--to", "CPAS", "--purpose", "RIS", "--", *ids)  # title and type
    assert made.code == 0, made.err

    opened = pde("open-share", made.out.strip(), "-o", str(tmp_path / "worker"))

    assert opened.code == 0, opened.err
    saved = sorted(Path(line).name for line in opened.out.split("\n") if line)
    assert saved == ["CPAS decision.pdf", "identity card.jpg"]


def test_the_list_of_shares_says_1_document_in_the_singular(
    owner: WalletCli, tmp_path: Path
) -> None:
    (tmp_path / "note.txt").write_text("my story")
    document_id = owner("add", str(tmp_path / "note.txt")).out.strip()
    assert owner("share", "--to", "CPAS", "--purpose", "RIS", "--", document_id).code == 0
    listed = owner("shares").out.splitlines()[0].split("\t")
    assert listed[4] == "1 document"
