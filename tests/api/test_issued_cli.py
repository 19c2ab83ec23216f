"""Issued documents on the command line, against a live server on both backends:
an organisation registered by the operator signs what it deposits
(`pde deposit --sign-with org.key`), the owner accepts and shares it, and
`pde open-share` says who issued it and whether the signature holds; a key that
is not registered, or revoked on the issue date, cannot sign; a key revoked after
the issue date still verifies what it signed, one revoked before does not; a
file that is not the one signed does not match."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from client import ClientError, PdeClient
from client import issued as client_issued
from client.shares import ShareViewer
from crypto.issued import new_org_key, org_key_from_jwk, org_key_to_jwk
from day_centres import organisations
from tests.api.support import CLI_PASSPHRASE, Run, WalletCli
from tests.server import LiveServer
from tests.staff_support import database
from tests.wallet_pool import WalletPool

CONTENT = b"%PDF-1.7 decision: social integration income granted " * 40


@pytest.fixture
def owner(pde_server: LiveServer, pde: Callable[..., Run], wallet_pool: WalletPool) -> WalletCli:
    handle = f"icli-{secrets.token_hex(4)}"
    with PdeClient(pde_server.url, retry_seconds=5) as wallet:
        wallet_pool.register(wallet, handle, CLI_PASSPHRASE)
    return WalletCli(pde, pde_server.url, handle)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """A key file made at the organisation (as `pde org keygen` writes it), not yet
    registered."""
    path = tmp_path / f"org-{secrets.token_hex(3)}.key"
    path.write_text(json.dumps(org_key_to_jwk(new_org_key())))
    return path


def register(server: LiveServer, key_file: Path, **dates: date | None) -> str:
    """The operator registers the organisation and the key; returns its name."""
    key = org_key_from_jwk(json.loads(key_file.read_text()))
    name = f"CPAS d'Ixelles {secrets.token_hex(3)}"
    with database(server.settings().sqlalchemy_url) as db:
        organisation = organisations.create_organisation(db, name, "cpas", "Ixelles")
        organisations.add_key(
            db, organisation, key.public_key, dates.get("valid_from") or date(2025, 1, 1)
        )
    return name


def revoke(server: LiveServer, key_file: Path, day: date) -> None:
    kid = org_key_from_jwk(json.loads(key_file.read_text())).kid
    with database(server.settings().sqlalchemy_url) as db:
        organisations.revoke_key(db, organisations.get_key(db, kid), day, "laptop stolen")


def deposit_signed(
    owner: WalletCli, pde: Callable[..., Run], key_file: Path, tmp_path: Path, *options: str
) -> Run:
    made = owner("deposit-link", "--label", "CPAS Ixelles")
    assert made.code == 0, made.err
    (tmp_path / "decision.pdf").write_bytes(CONTENT)
    return pde(
        "deposit",
        "--sign-with",
        str(key_file),
        "--title",
        "Décision RIS",
        "--type",
        "cpas",
        *options,
        made.out.strip(),
        str(tmp_path / "decision.pdf"),
    )


def accept_share_and_open(owner: WalletCli, pde: Callable[..., Run], tmp_path: Path) -> Run:
    [row] = [line.split("\t") for line in owner("inbox").out.splitlines()]
    assert owner("accept", "--", row[0]).code == 0
    shared = owner(
        "share", "--to", "worker", "--purpose", "RIS", "--fields", "file_name", "--", row[0]
    )
    assert shared.code == 0, shared.err
    out = tmp_path / f"opened-{secrets.token_hex(3)}"
    opened = pde("open-share", shared.out.strip(), "-o", str(out))
    assert opened.code == 0, opened.err
    assert (out / "decision.pdf").read_bytes() == CONTENT
    return opened


def test_a_signed_deposit_verifies_in_the_worker_s_open_share(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    key_file: Path,
    tmp_path: Path,
) -> None:
    name = register(pde_server, key_file)
    deposited = deposit_signed(owner, pde, key_file, tmp_path, "--issued-on", "2026-03-03")
    assert deposited.code == 0, deposited.err
    opened = accept_share_and_open(owner, pde, tmp_path)
    assert (
        f"decision.pdf: issued by {name} on 2026-03-03 as “Décision RIS” (cpas): signature verified"
    ) in opened.err


def test_an_unregistered_key_cannot_sign_and_nothing_is_deposited(
    owner: WalletCli, pde: Callable[..., Run], key_file: Path, tmp_path: Path
) -> None:
    refused = deposit_signed(owner, pde, key_file, tmp_path)
    assert refused.code == 1 and "[signing_key_unknown]" in refused.err
    assert owner("inbox").out == ""
    not_a_key = tmp_path / "not.key"
    not_a_key.write_text("{}")
    bad = deposit_signed(owner, pde, not_a_key, tmp_path)
    assert bad.code == 1 and "not a signing key file" in bad.err


def test_revocation_after_the_issue_date_keeps_the_signature_and_before_it_breaks_it(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    key_file: Path,
    tmp_path: Path,
) -> None:
    register(pde_server, key_file)
    assert deposit_signed(owner, pde, key_file, tmp_path, "--issued-on", "2026-03-03").code == 0
    revoke(pde_server, key_file, date(2026, 4, 1))
    opened = accept_share_and_open(owner, pde, tmp_path)
    assert "signature verified" in opened.err
    revoke(pde_server, key_file, date(2026, 3, 1))
    # The same document, shared again and checked after the earlier revocation day.
    [document_id] = [line.split("\t")[0] for line in owner("list").out.splitlines()]
    link = owner("share", "--to", "w", "--purpose", "p", "--", document_id).out.strip()
    reopened = pde("open-share", link, "-o", str(tmp_path / "again"))
    assert reopened.code == 0, reopened.err
    assert "key revoked: the organisation's key was revoked before this date" in reopened.err
    refused = deposit_signed(owner, pde, key_file, tmp_path, "--issued-on", "2026-03-03")
    assert refused.code == 1 and "[signing_key_not_valid]" in refused.err


def test_a_signature_of_another_file_does_not_match(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    key_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(pde_server, key_file)
    other = tmp_path / "other.pdf"
    other.write_bytes(CONTENT.replace(b"granted", b"refused"))
    sign = client_issued.Signer.sign
    monkeypatch.setattr(
        client_issued.Signer, "sign", lambda self, source, *a: sign(self, other, *a)
    )
    assert deposit_signed(owner, pde, key_file, tmp_path).code == 0
    opened = accept_share_and_open(owner, pde, tmp_path)
    assert "signature does not match" in opened.err


def test_an_ordinary_deposit_says_nothing_of_a_signature(
    owner: WalletCli, pde: Callable[..., Run], tmp_path: Path
) -> None:
    made = owner("deposit-link", "--label", "CPAS Ixelles")
    (tmp_path / "decision.pdf").write_bytes(CONTENT)
    assert pde("deposit", made.out.strip(), str(tmp_path / "decision.pdf")).code == 0
    opened = accept_share_and_open(owner, pde, tmp_path)
    assert "issued" not in opened.err and "signature" not in opened.err


def test_open_share_saves_the_documents_and_says_why_none_was_checked_without_the_list(
    pde_server: LiveServer,
    owner: WalletCli,
    pde: Callable[..., Run],
    key_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register(pde_server, key_file)
    assert deposit_signed(owner, pde, key_file, tmp_path).code == 0

    def unreachable(self: object) -> list[dict[str, object]]:
        raise ClientError(503, "storage_unavailable", "The server is busy.")

    monkeypatch.setattr(ShareViewer, "organisations", unreachable)
    opened = accept_share_and_open(owner, pde, tmp_path)
    assert "decision.pdf: signature not checked: The server is busy." in opened.err
