"""Limits on a server configured small: every limit answers 413 with its code
when the document is declared, before any byte is stored, and a refusal never
costs the wallet anything it already held."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crypto.stream import ciphertext_size
from tests.api.support import API, RawWallet, SealedDocument, assert_error, stored_keys
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer

DOCUMENT_MAX = 1_000_000
QUOTA = 3_000_000
DOCUMENTS_MAX = 3
SMALL_LIMITS = {
    "PDE_DOCUMENT_MAX_BYTES": str(DOCUMENT_MAX),
    "PDE_WALLET_QUOTA_BYTES": str(QUOTA),
    "PDE_DOCUMENTS_PER_WALLET": str(DOCUMENTS_MAX),
}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's live server, per backend, with small limits."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param), SMALL_LIMITS) as server:
        yield server


def assert_untouched(server: LiveServer, wallet: RawWallet, stored: list[SealedDocument]) -> None:
    """The wallet holds exactly `stored`, byte for byte, and nothing else."""
    assert wallet.document_ids() == [s.document_id for s in stored]
    assert wallet.used_bytes() == sum(s.size for s in stored)
    for sealed in stored:
        assert wallet.content(sealed.document_id) == sealed.ciphertext
    expected = sorted(f"accounts/{wallet.account_id}/documents/{s.document_id}" for s in stored)
    assert stored_keys(server, f"accounts/{wallet.account_id}") == expected


def test_the_account_announces_its_limits(raw_wallet: RawWallet) -> None:
    account = raw_wallet.http.get(f"{API}/account").json()
    assert account["quota_bytes"] == QUOTA
    assert account["document_max_bytes"] == DOCUMENT_MAX


def test_a_document_over_the_size_limit_is_refused_413_before_any_byte_is_stored(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    kept = raw_wallet.add(b"kept " * 100)
    sealed = raw_wallet.seal(b"small")

    response = raw_wallet.declare(sealed, size=ciphertext_size(DOCUMENT_MAX + 1))

    assert_error(response, 413, "document_too_large")
    assert_error(raw_wallet.put_part(sealed.document_id, 0, sealed.ciphertext), 404, "not_found")
    assert_untouched(pde_server, raw_wallet, [kept])
    at_the_limit = raw_wallet.add(bytes(DOCUMENT_MAX))
    assert_untouched(pde_server, raw_wallet, [kept, at_the_limit])


def test_a_wallet_over_its_quota_is_refused_413_and_keeps_everything_it_held(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    first, second = raw_wallet.add(bytes(DOCUMENT_MAX)), raw_wallet.add(b"\x01" * DOCUMENT_MAX)
    third = raw_wallet.seal(b"\x02" * DOCUMENT_MAX)
    assert first.size + second.size + third.size > QUOTA

    assert_error(raw_wallet.declare(third), 413, "quota_exceeded")
    assert_untouched(pde_server, raw_wallet, [first, second])

    assert raw_wallet.http.delete(f"{API}/documents/{first.document_id}").status_code == 204
    raw_wallet.upload(third)
    assert_untouched(pde_server, raw_wallet, [second, third])


def test_a_declared_upload_reserves_its_size_until_it_is_deleted(raw_wallet: RawWallet) -> None:
    big = [raw_wallet.seal(bytes([n]) * DOCUMENT_MAX) for n in range(3)]
    assert raw_wallet.declare(big[0]).status_code == 201
    assert raw_wallet.declare(big[1]).status_code == 201
    assert_error(raw_wallet.declare(big[2]), 413, "quota_exceeded")

    assert raw_wallet.http.delete(f"{API}/documents/{big[0].document_id}").status_code == 204
    assert raw_wallet.declare(big[2]).status_code == 201


def test_a_wallet_with_the_most_documents_is_refused_413_until_one_is_deleted(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    stored = [raw_wallet.add(f"document {n}".encode()) for n in range(DOCUMENTS_MAX)]

    assert_error(raw_wallet.declare(raw_wallet.seal(b"one too many")), 413, "quota_exceeded")
    assert_untouched(pde_server, raw_wallet, stored)

    assert raw_wallet.http.delete(f"{API}/documents/{stored[0].document_id}").status_code == 204
    stored = [*stored[1:], raw_wallet.add(b"room again")]
    assert_untouched(pde_server, raw_wallet, stored)
