"""A deposit link holder cannot fill the owner's quota without sending a byte
(issue 13, finding 5): a link's files not yet sent may hold a bounded space
together; they are dropped, their space given back, when the link is revoked or
deleted, and after PDE_DEPOSIT_ABANDONED_MINUTES untouched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from crypto.stream import ciphertext_size
from tests.api.deposit_support import (
    DepositOwner,
    age_document,
    declare,
    link_of,
    make_link,
    register_owner,
    seal_deposit,
    stored_document,
)
from tests.api.support import API, assert_error, stored_keys
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from wallet.maintenance import run_once
from wallet.runtime import Runtime

MIB = 1 << 20
PENDING_PER_LINK = 3 * MIB
LIMITS = {
    "PDE_DEPOSIT_PENDING_BYTES_PER_LINK": str(PENDING_PER_LINK),
    "PDE_DOCUMENT_MAX_BYTES": str(2 * MIB),
    "PDE_WALLET_QUOTA_BYTES": str(20 * MIB),
}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with server_on(request.param, tmp_path_factory.mktemp(request.param), LIMITS) as server:
        yield server


@pytest.fixture
def owner(pde_server: LiveServer) -> DepositOwner:
    return register_owner(pde_server.url)


@pytest.fixture
def http(pde_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=pde_server.url, timeout=60) as client:
        yield client


def declare_unsent(http: httpx.Client, owner: DepositOwner, deposit_id: str, plain: int) -> str:
    """Declare a file of `plain` bytes through the link and send nothing of it."""
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, b"x")
    response = declare(http, sealed, size=ciphertext_size(plain))
    assert response.status_code == 201, response.text
    return sealed.document_id


def test_a_links_unsent_files_hold_a_bounded_space_and_the_owner_keeps_the_rest(
    http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=10)
    declare_unsent(http, owner, deposit_id, 2 * MIB - 4096)
    held = owner.used_bytes()
    one_more = seal_deposit(owner.deposit_public_key, deposit_id, b"x")

    refused = declare(http, one_more, size=ciphertext_size(2 * MIB - 4096))

    assert_error(refused, 413, "deposit_pending_limit")
    assert owner.used_bytes() == held  # nothing more reserved
    assert link_of(owner, deposit_id)["files"] == 1  # the refusal did not spend the count
    own = owner.seal(b"the owner's own paper " * 1000)
    assert owner.declare(own).status_code == 201  # the owner still has room


def test_revoking_or_deleting_a_link_gives_the_space_of_its_unsent_files_back(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    revoked, deleted = make_link(owner, max_files=2), make_link(owner, max_files=2)
    unsent = [declare_unsent(http, owner, link, MIB) for link in (revoked, deleted)]
    assert owner.used_bytes() == 2 * ciphertext_size(MIB)

    assert owner.http.post(f"{API}/deposit-links/{revoked}/revoke").status_code == 200
    assert owner.used_bytes() == ciphertext_size(MIB)
    assert owner.http.delete(f"{API}/deposit-links/{deleted}").status_code == 204

    assert owner.used_bytes() == 0
    assert [stored_document(pde_server, d) for d in unsent] == [None, None]
    assert stored_keys(pde_server, f"accounts/{owner.account_id}/uploads") == []


def test_unsent_deposits_are_dropped_within_the_hour(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=2)
    stale, fresh = (declare_unsent(http, owner, deposit_id, MIB) for _ in range(2))
    minutes = pde_server.settings().deposit_abandoned_minutes
    assert minutes < 60
    age_document(pde_server, stale, timedelta(minutes=minutes + 1))
    own = owner.seal(b"the owner's upload, left for a while")
    assert owner.declare(own).status_code == 201
    age_document(pde_server, own.document_id, timedelta(minutes=minutes + 1))

    runtime = Runtime.start(pde_server.settings())
    try:
        run_once(runtime)
    finally:
        runtime.engine.dispose()

    assert stored_document(pde_server, stale) is None
    assert stored_document(pde_server, fresh) is not None
    assert stored_document(pde_server, own.document_id) is not None  # the owner's wait a day
    assert owner.used_bytes() == ciphertext_size(MIB) + own.size
