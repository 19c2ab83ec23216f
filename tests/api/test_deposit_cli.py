"""The command line of deposit links (`pde client deposit-link|deposit-links|inbox|
accept|reject`, `pde deposit`), run in-process against a live server on both
backends: a link is printed, a service with no account deposits files through
it, the owner finds them in the inbox and accepts (byte for byte) or rejects
them, and every refusal exits 1 with its stable code, before sending anything
when the link's key fingerprint does not match or a file is missing."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from client import PdeClient
from client.deposits import revoke_deposit_link
from crypto import b64u_decode, b64u_encode
from pde.cli import build_parser
from tests.api.support import CLI_PASSPHRASE, Run, WalletCli
from tests.server import LiveServer
from tests.wallet_pool import WalletPool


@pytest.fixture
def cli_owner(pde_server: LiveServer, pde: Callable[..., Run]) -> WalletCli:
    """`pde client …` of a wallet registered on the command line."""
    owner = WalletCli(pde, pde_server.url, f"dcli-{secrets.token_hex(4)}")
    registered = owner("register")
    assert registered.code == 0, registered.err
    return owner


@pytest.fixture
def owner(pde_server: LiveServer, pde: Callable[..., Run], wallet_pool: WalletPool) -> WalletCli:
    """`pde client …` of a fresh wallet registered without the command line (`cli_owner`
    is), so that each test spends its logins on what it tests."""
    handle = f"dcli-{secrets.token_hex(4)}"
    with PdeClient(pde_server.url, retry_seconds=5) as wallet:
        wallet_pool.register(wallet, handle, CLI_PASSPHRASE)
    return WalletCli(pde, pde_server.url, handle)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, bytes]:
    """Two files a service deposits: name -> content."""
    made = {"attestation.pdf": b"%PDF-1.7 attestation " * 300, "scan.png": bytes(range(256)) * 9}
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return made


def deposit_link(owner: WalletCli, *options: str) -> tuple[str, str]:
    """`pde client deposit-link`; (link, deposit id)."""
    made = owner("deposit-link", "--label", "CPAS Ixelles, housing", *options)
    assert made.code == 0, made.err
    link = made.out.strip()
    assert "\n" not in link and "/d/" in link and "#" in link
    return link, link.split("/d/")[1].split("#")[0]


def inbox(owner: WalletCli) -> list[list[str]]:
    listed = owner("inbox")
    assert listed.code == 0, listed.err
    return [line.split("\t") for line in listed.out.splitlines()]


def links(owner: WalletCli) -> list[list[str]]:
    listed = owner("deposit-links")
    assert listed.code == 0, listed.err
    return [line.split("\t") for line in listed.out.splitlines()]


def test_files_deposited_through_a_printed_link_are_accepted_byte_for_byte(
    cli_owner: WalletCli,
    pde: Callable[..., Run],
    files: dict[str, bytes],
    tmp_path: Path,
) -> None:
    owner = cli_owner
    link, deposit_id = deposit_link(owner, "--max-files", "2", "--expires", "2d")
    assert links(owner) == [
        [deposit_id, "active", "files 0/2", links(owner)[0][3], "CPAS Ixelles, housing"]
    ]

    deposited = pde("deposit", link, *(str(tmp_path / name) for name in files))

    assert deposited.code == 0, deposited.err
    assert "to: CPAS Ixelles, housing" in deposited.err  # the owner's label, from the link
    ids = deposited.out.split()
    assert len(ids) == 2 and len(set(ids)) == 2
    waiting = inbox(owner)
    assert sorted(row[0] for row in waiting) == sorted(ids)
    by_name = {row[2]: row for row in waiting}
    assert set(by_name) == set(files)
    assert [by_name[name][1] for name in files] == [str(len(c)) for c in files.values()]
    assert owner("list").out == ""  # not documents before they are accepted
    [row] = links(owner)
    assert row[:3] == [deposit_id, "used_up", "files 2/2"]

    pdf_id, png_id = by_name["attestation.pdf"][0], by_name["scan.png"][0]
    accepted = owner("accept", "--", pdf_id)
    rejected = owner("reject", "--", png_id)

    assert accepted.code == 0 and accepted.out.strip() == f"{pdf_id}\taccepted"
    assert rejected.code == 0 and rejected.out.strip() == f"{png_id}\trejected"
    assert inbox(owner) == []
    [document] = owner("list").out.splitlines()
    assert document.startswith(pdf_id)
    out = tmp_path / "out.pdf"
    got = owner("get", "-o", str(out), "--", pdf_id)
    assert got.code == 0, got.err
    assert out.read_bytes() == files["attestation.pdf"]
    again = owner("accept", "--", png_id)
    assert again.code != 0 and "No deposited file" in again.err


def test_a_deposit_past_the_links_file_count_exits_1_with_deposit_closed(
    owner: WalletCli, pde: Callable[..., Run], files: dict[str, bytes], tmp_path: Path
) -> None:
    link, _ = deposit_link(owner, "--max-files", "2")
    paths = [str(tmp_path / name) for name in files]
    assert pde("deposit", link, *paths).code == 0

    third = pde("deposit", link, paths[0])

    assert third.code == 1 and "[deposit_closed]" in third.err
    assert third.out == ""
    assert len(inbox(owner)) == 2


def test_a_revoked_link_exits_1_with_deposit_closed(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    files: dict[str, bytes],
    tmp_path: Path,
) -> None:
    link, deposit_id = deposit_link(owner)
    with PdeClient(pde_server.url, retry_seconds=5) as client:
        client.login(owner.handle, CLI_PASSPHRASE)
        assert revoke_deposit_link(client, deposit_id).state == "revoked"

    refused = pde("deposit", link, str(tmp_path / "scan.png"))

    assert refused.code == 1 and "[deposit_closed]" in refused.err
    assert links(owner)[0][1] == "revoked"


@pytest.mark.parametrize("alteration", ["one bit flipped", "another secret"])
def test_a_link_whose_fragment_was_altered_exits_1_with_deposit_key_mismatch_sending_nothing(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    files: dict[str, bytes],
    tmp_path: Path,
    alteration: str,
) -> None:
    link, deposit_id = deposit_link(owner, "--max-files", "3")
    base, fragment = link.split("#")
    secret = bytearray(b64u_decode(fragment))  # the version byte, then the secret
    secret[1] ^= 1
    if alteration != "one bit flipped":
        secret = bytearray(b"\x02" + secrets.token_bytes(16))
    altered = f"{base}#{b64u_encode(bytes(secret))}"
    before = httpx.get(f"{pde_server.url}/api/v1/d/{deposit_id}").json()

    refused = pde("deposit", altered, *(str(tmp_path / name) for name in files))

    assert refused.code == 1 and "[deposit_key_mismatch]" in refused.err
    assert refused.out == ""
    assert httpx.get(f"{pde_server.url}/api/v1/d/{deposit_id}").json() == before
    assert inbox(owner) == []
    assert links(owner)[0][2] == "files 0/3"  # no declaration reached the server


@pytest.mark.parametrize(
    "link",
    [
        "not a link",
        "https://pde.example/d/short#AAAAAAAAAAAAAAAAAAAAAA",
        "https://pde.example/d/AAAAAAAAAAAAAAAAAAAAAA",
        "https://pde.example/d/AAAAAAAAAAAAAAAAAAAAAA#short",
        "https://pde.example/d/AAAAAAAAAAAAAAAAAAAAAA#!!!!!!!!!!!!!!!!!!!!!!",
        "https://pde.example/s/AAAAAAAAAAAAAAAAAAAAAA#AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_something_that_is_not_a_deposit_link_exits_1_with_deposit_not_found(
    pde: Callable[..., Run], files: dict[str, bytes], tmp_path: Path, link: str
) -> None:
    refused = pde("deposit", link, str(tmp_path / "scan.png"))
    assert refused.code == 1 and "[deposit_not_found]" in refused.err


def test_a_link_to_an_unknown_deposit_exits_1_with_deposit_not_found(
    pde_server: LiveServer, pde: Callable[..., Run], files: dict[str, bytes], tmp_path: Path
) -> None:
    fragment = b64u_encode(b"\x02" + bytes(16))
    refused = pde(
        "deposit", f"{pde_server.url}/d/{'A' * 22}#{fragment}", str(tmp_path / "scan.png")
    )
    assert refused.code == 1 and "[deposit_not_found]" in refused.err


def test_a_link_of_the_older_kind_exits_1_with_deposit_link_outdated_sending_nothing(
    owner: WalletCli, pde: Callable[..., Run], files: dict[str, bytes], tmp_path: Path
) -> None:
    """A link written before links carried a secret (a 16-byte key fingerprint after
    `#`) is refused as of an older kind, not as damaged, and nothing is sent."""
    link, _ = deposit_link(owner)
    base = link.split("#")[0]
    old_kind = f"{base}#{b64u_encode(hashlib.sha256(secrets.token_bytes(32)).digest()[:16])}"

    refused = pde("deposit", old_kind, str(tmp_path / "scan.png"))

    assert refused.code == 1 and "[deposit_link_outdated]" in refused.err
    assert "older kind: ask for a new one" in refused.err
    assert inbox(owner) == [] and links(owner)[0][2] == "files 0/5"


def test_a_missing_file_exits_1_with_a_clear_message_before_anything_is_sent(
    owner: WalletCli, pde: Callable[..., Run], files: dict[str, bytes], tmp_path: Path
) -> None:
    link, deposit_id = deposit_link(owner, "--max-files", "2")
    missing = tmp_path / "missing.pdf"

    refused = pde("deposit", link, str(tmp_path / "scan.png"), str(missing))

    assert refused.code == 1 and refused.out == ""
    assert "No such file or directory" in refused.err and str(missing) in refused.err
    assert "Traceback" not in refused.err
    assert inbox(owner) == []
    assert links(owner)[0][:3] == [deposit_id, "active", "files 0/2"]


@pytest.mark.parametrize("expires", ["soon", "30m", "31d"])
def test_an_expiry_that_is_not_a_duration_or_out_of_range_is_refused(
    owner: WalletCli, expires: str
) -> None:
    refused = owner("deposit-link", "--label", "X", "--expires", expires)
    assert refused.code != 0 and refused.out == ""
    assert "not a duration" in refused.err or "[invalid_request]" in refused.err
    assert links(owner) == []


def test_an_id_that_starts_with_a_dash_is_given_after_a_double_dash() -> None:
    parser = build_parser()
    base = ["client", "--server", "http://pde.example", "--handle", "h"]
    for verb in ("accept", "reject"):
        assert parser.parse_args([*base, verb, "--", "-abc"]).document_id == "-abc"
