"""The command line of shares (`pde client share|shares|revoke`, `pde open-share`),
run in-process against a live server on both backends: a link is printed, the
owner lists it with its openings, a worker with no account saves the documents
byte for byte with the PIN, and every refusal exits 1 with its stable code."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from client import PdeClient
from pde.cli import build_parser
from tests.api.support import CLI_PASSPHRASE, Run, WalletCli
from tests.server import LiveServer
from tests.wallet_pool import WalletPool

DOCUMENTS = (("letter", b"Madame, Monsieur " * 50), ("scan", bytes(range(256)) * 9))


@dataclass
class Owner:
    """A wallet with two documents in it, and its command line."""

    client: WalletCli
    documents: dict[str, tuple[str, bytes]]  # id -> (title, content)


@pytest.fixture
def cli_owner(pde_server: LiveServer, pde: Callable[..., Run], tmp_path: Path) -> Owner:
    """A wallet made with the command line (`register`, `add`), with two documents in it."""
    client = WalletCli(pde, pde_server.url, f"cli-{secrets.token_hex(4)}")
    registered = client("register")
    assert registered.code == 0, registered.err
    assert f"handle: {client.handle}" in registered.out
    documents = {}
    for title, content in DOCUMENTS:
        source = tmp_path / f"{title}.bin"
        source.write_bytes(content)
        added = client("add", str(source), "--title", title)
        assert added.code == 0, added.err
        documents[added.out.strip()] = (title, content)
    return Owner(client, documents)


@pytest.fixture
def owner(pde_server: LiveServer, pde: Callable[..., Run], wallet_pool: WalletPool) -> Owner:
    """A fresh wallet with the same two documents, made without the command line
    (`cli_owner` is), so that each test spends its logins on what it tests."""
    handle = f"cli-{secrets.token_hex(4)}"
    with PdeClient(pde_server.url, retry_seconds=5) as wallet:
        wallet_pool.register(wallet, handle, CLI_PASSPHRASE)
        documents = {
            wallet.add(io.BytesIO(content), title=title): (title, content)
            for title, content in DOCUMENTS
        }
    return Owner(WalletCli(pde, pde_server.url, handle), documents)


def share(owner: Owner, *options: str) -> tuple[str, str]:
    """`pde client share` of both documents; (link, share id)."""
    made = owner.client(
        "share", "--to", "CPAS Ixelles", "--purpose", "RIS", *options, "--", *owner.documents
    )
    assert made.code == 0, made.err
    link = made.out.strip()
    assert "\n" not in link and "/s/" in link and "#" in link
    return link, link.split("/s/")[1].split("#")[0]


def test_a_share_made_on_the_command_line_opens_with_its_pin_byte_for_byte(
    cli_owner: Owner, pde: Callable[..., Run], tmp_path: Path
) -> None:
    owner = cli_owner
    made = owner.client(
        "share",
        "--to", "CPAS Ixelles, Mrs X",
        "--purpose", "RIS application",
        "--from", "Amina B.",
        "--expires", "2h",
        "--max-opens", "3",
        "--pin", "1234",
        "--", *owner.documents,  # an id may start with "-"
    )  # fmt: skip
    assert made.code == 0, made.err
    link = made.out.strip()
    share_id = link.split("/s/")[1].split("#")[0]
    assert "PIN" in made.err and "1234" not in link

    listed = owner.client("shares")
    assert listed.code == 0, listed.err
    [line] = [row for row in listed.out.splitlines() if not row.startswith("\t")]
    assert line.split("\t")[:3] == [share_id, "active", "opens 0/3"]
    assert line.split("\t")[4:] == ["2 documents", "CPAS Ixelles, Mrs X", "RIS application"]

    out = tmp_path / "worker"
    opened = pde("open-share", link, "--pin", "1234", "-o", str(out))

    assert opened.code == 0, opened.err
    assert "CPAS Ixelles, Mrs X" in opened.err and "RIS application" in opened.err
    assert "from: Amina B." in opened.err  # whose documents, as the owner chose to say
    written = [Path(p) for p in opened.out.split()]
    assert sorted(p.name for p in written) == ["letter", "scan"]  # titles: file names stayed home
    assert {p.read_bytes() for p in written} == {c for _, c in owner.documents.values()}
    assert sorted(p.name for p in out.iterdir()) == ["letter", "scan"]  # no partial file left
    listed = owner.client("shares")
    assert "\topens 1/3\t" in listed.out
    assert [row.split("\t")[-1] for row in listed.out.splitlines() if row.startswith("\t")] == [
        "opened"
    ]


def test_a_wrong_pin_exits_1_with_share_wrong_access(
    owner: Owner, pde: Callable[..., Run], tmp_path: Path
) -> None:
    link, _ = share(owner, "--pin", "1234")

    refused = pde("open-share", link, "--pin", "4321", "-o", str(tmp_path / "out"))

    assert refused.code == 1
    assert "[share_wrong_access]" in refused.err
    assert not (tmp_path / "out").exists()
    assert "wrong_access" in owner.client("shares").out


def test_a_revoked_share_exits_1_with_share_revoked(
    owner: Owner, pde: Callable[..., Run], tmp_path: Path
) -> None:
    link, share_id = share(owner)
    assert pde("open-share", link, "-o", str(tmp_path / "first")).code == 0

    revoked = owner.client("revoke", "--", share_id)

    assert revoked.code == 0, revoked.err
    assert revoked.out.strip() == f"{share_id}\trevoked"
    refused = pde("open-share", link, "-o", str(tmp_path / "second"))
    assert refused.code == 1 and "[share_revoked]" in refused.err
    assert f"{share_id}\trevoked\t" in owner.client("shares").out


def test_a_share_used_up_exits_1_with_share_used_up(
    owner: Owner, pde: Callable[..., Run], tmp_path: Path
) -> None:
    link, _ = share(owner, "--max-opens", "1")
    assert pde("open-share", link, "-o", str(tmp_path / "first")).code == 0
    refused = pde("open-share", link, "-o", str(tmp_path / "second"))
    assert refused.code == 1 and "[share_used_up]" in refused.err


@pytest.mark.parametrize("expires", ["soon", "", "7x", "h", "infh", "1e300d"])
def test_an_expiry_that_is_not_a_duration_stops_with_a_clear_message(
    owner: Owner, expires: str
) -> None:
    refused = owner.client(
        "share", "--to", "X", "--purpose", "Y", "--expires", expires, "--", *owner.documents
    )
    assert refused.code != 0
    assert "not a duration" in refused.err and "1h" in refused.err
    assert owner.client("shares").out == ""


@pytest.mark.parametrize("expires", ["30m", "31d"])
def test_an_expiry_out_of_range_is_refused_by_the_server_with_invalid_request(
    owner: Owner, expires: str
) -> None:
    refused = owner.client(
        "share", "--to", "X", "--purpose", "Y", "--expires", expires, "--", *owner.documents
    )
    assert refused.code == 1 and "[invalid_request]" in refused.err
    assert owner.client("shares").out == ""


@pytest.mark.parametrize(
    "link",
    [
        "not a link",
        "https://pde.example/s/short#AAAAAAAAAAAAAAAAAAAAAA",
        "https://pde.example/s/AAAAAAAAAAAAAAAAAAAAAA",
        "https://pde.example/s/AAAAAAAAAAAAAAAAAAAAAA#short",
    ],
)
def test_something_that_is_not_a_share_link_exits_1_with_share_not_found(
    pde: Callable[..., Run], tmp_path: Path, link: str
) -> None:
    refused = pde("open-share", link, "-o", str(tmp_path / "out"))
    assert refused.code == 1 and "[share_not_found]" in refused.err


def test_a_link_to_a_deleted_or_unknown_share_exits_1_with_share_not_found(
    pde_server: LiveServer, pde: Callable[..., Run], tmp_path: Path
) -> None:
    link = f"{pde_server.url}/s/{'A' * 22}#{'A' * 22}"
    refused = pde("open-share", link, "-o", str(tmp_path / "out"))
    assert refused.code == 1 and "[share_not_found]" in refused.err


def test_an_id_that_starts_with_a_dash_is_given_after_a_double_dash() -> None:
    """A base64url id starts with "-" once in 64: argparse would take it for an option."""
    parser = build_parser()
    base = ["client", "--server", "http://pde.example", "--handle", "h"]
    shared = parser.parse_args([*base, "share", "--to", "X", "--purpose", "Y", "--", "-a", "b"])
    assert shared.document_ids == ["-a", "b"]
    assert parser.parse_args([*base, "revoke", "--", "-abc"]).share_id == "-abc"
