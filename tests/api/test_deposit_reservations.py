"""A deposit link holder cannot fill the owner's quota without sending a byte (a
declared file reserves its size before any of it arrives): a link's files not yet
sent may hold a bounded space together; they are dropped, their space given back,
when the link is revoked or deleted, and after PDE_DEPOSIT_ABANDONED_MINUTES
untouched. The owner sees them: the list of links gives each link's files being
sent and the space they hold, until they arrive, the link is revoked or
housekeeping drops them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from crypto.stream import ciphertext_size
from tests.api.deposit_support import (
    DepositOwner,
    age_document,
    complete,
    declare,
    link_of,
    make_link,
    put_part,
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


def pending_of(owner: DepositOwner, deposit_id: str) -> tuple[int, int]:
    """What the owner's list of links says is still being sent through this one."""
    link = link_of(owner, deposit_id)
    return link["pending_files"], link["pending_bytes"]


def run_housekeeping(server: LiveServer) -> None:
    runtime = Runtime.start(server.settings())
    try:
        run_once(runtime)
    finally:
        runtime.engine.dispose()


def test_the_owner_sees_each_links_files_being_sent_and_their_space_until_they_arrive(
    http: httpx.Client, owner: DepositOwner
) -> None:
    sending, other, quiet = (make_link(owner, max_files=3) for _ in range(3))
    report = seal_deposit(owner.deposit_public_key, sending, b"a social report " * 4000)
    certificate = seal_deposit(owner.deposit_public_key, sending, b"a certificate " * 100)
    for sealed in (report, certificate):
        assert declare(http, sealed).status_code == 201
    declare_unsent(http, owner, other, MIB)

    assert pending_of(owner, sending) == (2, report.size + certificate.size)
    assert pending_of(owner, other) == (1, ciphertext_size(MIB))
    assert pending_of(owner, quiet) == (0, 0)
    # What the list shows held is exactly what the quota holds.
    assert owner.used_bytes() == report.size + certificate.size + ciphertext_size(MIB)

    sent = put_part(http, sending, report.document_id, 0, report.ciphertext)
    assert sent.status_code == 200, sent.text
    assert pending_of(owner, sending) == (2, report.size + certificate.size)  # not arrived yet
    assert complete(http, sending, report.document_id).status_code == 200

    assert pending_of(owner, sending) == (1, certificate.size)  # the report is in the inbox
    assert link_of(owner, sending)["files"] == 2  # both still count against the link
    assert pending_of(owner, other) == (1, ciphertext_size(MIB))


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

    assert pending_of(owner, revoked) == (1, ciphertext_size(MIB))

    answer = owner.http.post(f"{API}/deposit-links/{revoked}/revoke")
    assert answer.status_code == 200
    assert (answer.json()["pending_files"], answer.json()["pending_bytes"]) == (0, 0)
    assert pending_of(owner, revoked) == (0, 0)
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
    assert pending_of(owner, deposit_id) == (2, 2 * ciphertext_size(MIB))  # until dropped

    run_housekeeping(pde_server)

    assert pending_of(owner, deposit_id) == (1, ciphertext_size(MIB))
    assert stored_document(pde_server, stale) is None
    assert stored_document(pde_server, fresh) is not None
    assert stored_document(pde_server, own.document_id) is not None  # the owner's wait a day
    assert owner.used_bytes() == ciphertext_size(MIB) + own.size
