"""Deposit links through the API (docs/deposits.md), on both backends: the owner
creates, lists, revokes and deletes links, and every refusal has its stable code
and stores nothing; a depositor with the link learns only the wallet's public key,
declares and uploads sealed files that land in the owner's inbox, never in the
documents, counted against the quota and the link; the file count holds under
concurrent declarations; revocation and expiry close every depositor route at
once; a depositor reaches only its own link's uploads and can read nothing; the
owner accepts (an ordinary document, byte for byte) or rejects (gone, quota and
blobs released); housekeeping and erasure treat deposits like the rest."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from client import PdeClient
from client import deposits as deposit_client
from client.shares import ShareViewer, create_share
from crypto import b64u_decode, decrypt_deposit_link_info, decrypt_deposit_link_record, new_id
from crypto.primitives import random_bytes
from crypto.stream import ciphertext_size
from tests.api.deposit_support import (
    DepositOwner,
    accept_body,
    age_document,
    complete,
    declare,
    deposit,
    deposit_content,
    documents_stored_for,
    expire_link,
    inbox_of,
    link_body,
    link_of,
    links_of,
    links_stored_for,
    make_link,
    put_part,
    register_owner,
    seal_deposit,
    set_link_expiry,
    stored_document,
    stored_link,
    upload_status,
)
from tests.api.share_support import post_share, prepare_share
from tests.api.support import API, RawWallet, assert_error, stored_keys
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from wallet.clock import now
from wallet.maintenance import run_once
from wallet.runtime import Runtime

HOUR, DAY, MIB = 3600, 86400, 1 << 20
LINKS_PER_WALLET = 3
FILES_PER_LINK = 10
QUOTA = 4 * MIB
DEPOSIT_ENV = {
    "PDE_DEPOSIT_LINKS_PER_WALLET": str(LINKS_PER_WALLET),
    "PDE_DEPOSIT_FILES_PER_LINK": str(FILES_PER_LINK),
    "PDE_WALLET_QUOTA_BYTES": str(QUOTA),
    "PDE_DEPOSITS_PER_CLIENT_PER_HOUR": "100000",  # every test deposits from 127.0.0.1
}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's live server, per backend, with small deposit limits and quota."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param), DEPOSIT_ENV) as server:
        yield server


@pytest.fixture
def new_owner(pde_server: LiveServer) -> Iterator[Callable[[], DepositOwner]]:
    made: list[DepositOwner] = []

    def make() -> DepositOwner:
        made.append(register_owner(pde_server.url))
        return made[-1]

    yield make
    for owner in made:
        owner.close()


@pytest.fixture
def owner(new_owner: Callable[[], DepositOwner]) -> DepositOwner:
    return new_owner()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def inbox_ids(owner: RawWallet) -> list[str]:
    response = owner.http.get(f"{API}/inbox")
    assert response.status_code == 200, response.text
    return [item["document_id"] for item in response.json()]


def assert_closed_everywhere(
    http: httpx.Client, owner: DepositOwner, deposit_id: str, started: str, status: int, code: str
) -> None:
    """Info, a new declaration and every route of the upload `started` answer `code`."""
    fresh = seal_deposit(owner.deposit_public_key, deposit_id, b"too late")
    assert_error(http.get(f"{API}/d/{deposit_id}"), status, code)
    assert_error(declare(http, fresh), status, code)
    assert_error(upload_status(http, deposit_id, started), status, code)
    assert_error(put_part(http, deposit_id, started, 0, b"PDEs\x01" + bytes(100)), status, code)
    assert_error(complete(http, deposit_id, started), status, code)


def start_deposit(http: httpx.Client, owner: DepositOwner, deposit_id: str, content: bytes):  # type: ignore[no-untyped-def]
    """Declare a deposit and send its first half: an upload left in progress."""
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, content)
    assert declare(http, sealed).status_code == 201
    half = sealed.size // 2
    response = put_part(http, deposit_id, sealed.document_id, 0, sealed.ciphertext[:half])
    assert response.status_code == 200, response.text
    return sealed


# The owner's links -----------------------------------------------------------------


def test_a_created_link_is_listed_newest_first_with_its_sealed_label_and_state(
    owner: DepositOwner,
) -> None:
    older = make_link(owner, max_files=1, expires_in=2 * HOUR)
    before = now()
    body = link_body(owner, max_files=3, label="Hôpital Saint-Pierre")

    response = owner.http.post(f"{API}/deposit-links", json=body)

    assert response.status_code == 201, response.text
    link = response.json()
    assert set(link) == {
        "deposit_id", "label", "created_at", "expires_at", "max_files", "files",
        "pending_files", "pending_bytes", "state", "suspension",
    }  # fmt: skip
    assert link["suspension"] is None
    assert link["deposit_id"] == body["deposit_id"] and link["label"] == body["label"]
    assert link["max_files"] == 3 and link["files"] == 0 and link["state"] == "active"
    assert link["pending_files"] == 0 and link["pending_bytes"] == 0
    created, expires = at(link["created_at"]), at(link["expires_at"])
    assert before - timedelta(seconds=5) <= created <= now() + timedelta(seconds=5)
    assert expires - created == timedelta(days=7)
    record = decrypt_deposit_link_record(
        owner.master_key, b64u_decode(link["label"]), owner.account_id, link["deposit_id"]
    )
    assert record == {"label": "Hôpital Saint-Pierre", "secret": record["secret"]}
    listed = links_of(owner)
    assert [item["deposit_id"] for item in listed] == [body["deposit_id"], older]
    assert listed[0] == link


@pytest.mark.parametrize("expires_in", [HOUR, 30 * DAY])
def test_a_link_may_last_from_one_hour_to_thirty_days(owner: DepositOwner, expires_in: int) -> None:
    link = link_of(owner, make_link(owner, expires_in=expires_in))
    assert at(link["expires_at"]) - at(link["created_at"]) == timedelta(seconds=expires_in)


@pytest.mark.parametrize("max_files", [1, FILES_PER_LINK])
def test_a_link_may_take_from_one_file_to_the_configured_limit(
    owner: DepositOwner, max_files: int
) -> None:
    assert link_of(owner, make_link(owner, max_files=max_files))["max_files"] == max_files


@pytest.mark.parametrize(
    "changes",
    [
        {"expires_in": HOUR - 1},
        {"expires_in": 30 * DAY + 1},
        {"expires_in": 365 * DAY},
        {"expires_in": 0},
        {"max_files": 0},
        {"max_files": -1},
        {"max_files": FILES_PER_LINK + 1},
        {"max_files": 10001},
        {"deposit_id": "short"},
        {"label": "AAAA"},
        {"label": None},
        {"info": None},  # no link that no depositor could check (FORMAT.md §7)
        {"info": "AAAA"},
        {"unknown": 1},
    ],
    ids=repr,
)
def test_an_invalid_link_is_refused_with_invalid_request_and_nothing_is_stored(
    pde_server: LiveServer, owner: DepositOwner, changes: dict[str, object]
) -> None:
    body = link_body(owner) | changes

    assert_error(owner.http.post(f"{API}/deposit-links", json=body), 422, "invalid_request")

    assert links_of(owner) == []
    assert links_stored_for(pde_server, owner.account_id) == 0


def test_a_wallet_keeps_at_most_its_link_limit_revoked_ones_included_until_deleted(
    pde_server: LiveServer, owner: DepositOwner
) -> None:
    kept = [make_link(owner) for _ in range(LINKS_PER_WALLET)]
    assert owner.http.post(f"{API}/deposit-links/{kept[0]}/revoke").status_code == 200
    one_more = link_body(owner)

    assert_error(owner.http.post(f"{API}/deposit-links", json=one_more), 413, "deposit_limit")

    assert stored_link(pde_server, one_more["deposit_id"]) is None
    assert links_stored_for(pde_server, owner.account_id) == LINKS_PER_WALLET
    assert owner.http.delete(f"{API}/deposit-links/{kept[0]}").status_code == 204
    assert owner.http.post(f"{API}/deposit-links", json=one_more).status_code == 201


def test_a_link_id_already_taken_is_refused_with_already_exists(
    new_owner: Callable[[], DepositOwner],
) -> None:
    first, other = new_owner(), new_owner()
    taken = make_link(first, label="mine", max_files=2)

    again = first.http.post(f"{API}/deposit-links", json=link_body(first, deposit_id=taken))
    theirs = other.http.post(f"{API}/deposit-links", json=link_body(other, deposit_id=taken))

    assert_error(again, 409, "already_exists")
    assert_error(theirs, 409, "already_exists")
    assert [link["max_files"] for link in links_of(first)] == [2]
    assert links_of(other) == []


def test_owner_routes_need_a_session(http: httpx.Client, owner: DepositOwner) -> None:
    deposit_id = make_link(owner)
    document_id = deposit_content(http, owner, deposit_id, b"in the inbox").document_id
    for response in [
        http.post(f"{API}/deposit-links", json=link_body(owner)),
        http.get(f"{API}/deposit-links"),
        http.post(f"{API}/deposit-links/{deposit_id}/revoke"),
        http.delete(f"{API}/deposit-links/{deposit_id}"),
        http.get(f"{API}/inbox"),
        http.post(
            f"{API}/inbox/{document_id}/accept",
            json=accept_body(owner, document_id, bytes(32), {"title": "x"}),
        ),
        http.delete(f"{API}/inbox/{document_id}"),
    ]:
        assert_error(response, 401, "not_authenticated")
    assert [link["state"] for link in links_of(owner)] == ["active"]
    assert inbox_ids(owner) == [document_id]


def test_another_wallets_links_and_inbox_are_not_found_to_a_wallet(
    http: httpx.Client, new_owner: Callable[[], DepositOwner]
) -> None:
    owner, stranger = new_owner(), new_owner()
    deposit_id = make_link(owner)
    sealed = deposit_content(http, owner, deposit_id, b"for the owner only")
    document_id = sealed.document_id
    base = f"{API}/deposit-links/{deposit_id}"

    for response in [
        stranger.http.post(f"{base}/revoke"),
        stranger.http.delete(base),
        stranger.http.post(
            f"{API}/inbox/{document_id}/accept",
            json=accept_body(stranger, document_id, sealed.document_key, sealed.metadata),
        ),
        stranger.http.delete(f"{API}/inbox/{document_id}"),
        stranger.http.get(f"{API}/documents/{document_id}"),
        stranger.http.get(f"{API}/documents/{document_id}/content"),
    ]:
        assert_error(response, 404, "not_found")
    assert links_of(stranger) == [] and inbox_ids(stranger) == []
    assert link_of(owner, deposit_id)["state"] == "active"
    assert inbox_ids(owner) == [document_id]


@pytest.mark.parametrize("deposit_id", ["short", "A" * 23, "!" * 22])
def test_a_malformed_id_on_an_owner_route_is_invalid_request_like_every_session_route(
    owner: DepositOwner, deposit_id: str
) -> None:
    for response in [
        owner.http.post(f"{API}/deposit-links/{deposit_id}/revoke"),
        owner.http.delete(f"{API}/deposit-links/{deposit_id}"),
        owner.http.delete(f"{API}/inbox/{deposit_id}"),
    ]:
        assert_error(response, 422, "invalid_request")


def test_an_unknown_link_or_inbox_id_of_the_owner_is_not_found(owner: DepositOwner) -> None:
    unknown = new_id()
    for response in [
        owner.http.post(f"{API}/deposit-links/{unknown}/revoke"),
        owner.http.delete(f"{API}/deposit-links/{unknown}"),
        owner.http.delete(f"{API}/inbox/{unknown}"),
        owner.http.post(
            f"{API}/inbox/{unknown}/accept", json=accept_body(owner, unknown, bytes(32), {})
        ),
    ]:
        assert_error(response, 404, "not_found")


# The depositor -------------------------------------------------------------------


def test_info_gives_the_wallets_public_key_and_what_the_link_still_takes(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    secret = random_bytes(16)
    deposit_id = make_link(owner, max_files=3, label="Hôpital Saint-Pierre", secret=secret)

    response = http.get(f"{API}/d/{deposit_id}")

    assert response.status_code == 200, response.text
    info = response.json()
    assert set(info) == {
        "deposit_id", "public_key", "info", "expires_at", "files_left", "document_max_bytes",
        "part_max_bytes",
    }  # fmt: skip
    assert b64u_decode(info["public_key"]) == owner.deposit_public_key
    # The info box, stored as the owner's client sealed it, opens with the link's secret.
    opened = decrypt_deposit_link_info(secret, b64u_decode(info["info"]), deposit_id)
    assert opened == {"label": "Hôpital Saint-Pierre", "public_key": info["public_key"]}
    account = owner.http.get(f"{API}/account").json()
    assert info["public_key"] == account["deposit_public_key"]
    assert info["deposit_id"] == deposit_id and info["files_left"] == 3
    assert info["expires_at"] == link_of(owner, deposit_id)["expires_at"]
    settings = pde_server.settings()
    assert info["document_max_bytes"] == settings.document_max_bytes
    assert info["part_max_bytes"] == settings.upload_part_max_bytes
    deposit_content(http, owner, deposit_id, b"one")
    assert http.get(f"{API}/d/{deposit_id}").json()["files_left"] == 2


def test_a_deposited_file_lands_in_the_inbox_not_in_the_documents_counted_everywhere(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    mine = owner.add(b"my own document")
    used = owner.used_bytes()
    deposit_id = make_link(owner, max_files=3)
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, b"attestation " * 2000)

    declared = declare(http, sealed)

    assert declared.status_code == 201, declared.text
    assert declared.json() == {
        "document_id": sealed.document_id,
        "size": sealed.size,
        "received": 0,
        "part_max_bytes": pde_server.settings().upload_part_max_bytes,
        "complete": False,
        "transfer": "server",  # deposits go through the server, even in direct mode
    }
    assert owner.used_bytes() == used + sealed.size  # reserved at the declaration
    assert link_of(owner, deposit_id)["files"] == 1
    assert inbox_ids(owner) == []  # not before it is complete
    half = sealed.size // 2
    assert (
        put_part(http, deposit_id, sealed.document_id, 0, sealed.ciphertext[:half]).json()[
            "received"
        ]
        == half
    )
    status = upload_status(http, deposit_id, sealed.document_id)
    assert status.status_code == 200 and status.json()["received"] == half
    rest = put_part(http, deposit_id, sealed.document_id, half, sealed.ciphertext[half:])
    assert rest.status_code == 200, rest.text
    done = complete(http, deposit_id, sealed.document_id)
    assert done.status_code == 200, done.text
    assert done.json()["received"] == sealed.size

    [item] = inbox_of(owner)
    assert set(item.raw) == {
        "document_id", "deposit_id", "sealed_key", "metadata", "size", "created_at",
    }  # fmt: skip
    assert item.document_id == sealed.document_id and item.raw["deposit_id"] == deposit_id
    assert item.raw["size"] == sealed.size
    assert item.document_key == sealed.document_key and item.metadata == sealed.metadata
    assert owner.document_ids() == [mine.document_id]
    assert_error(owner.http.get(f"{API}/documents/{sealed.document_id}"), 404, "not_found")
    response = owner.http.get(f"{API}/documents/{sealed.document_id}/content")
    assert_error(response, 404, "not_found")
    assert owner.used_bytes() == used + sealed.size
    link = link_of(owner, deposit_id)
    assert link["files"] == 1 and link["state"] == "active"
    again = complete(http, deposit_id, sealed.document_id)
    assert_error(again, 409, "upload_not_pending")  # a lost answer retried learns it is done


def test_a_link_of_two_files_refuses_a_third_but_lets_the_second_upload_finish(
    http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=2)
    first = deposit_content(http, owner, deposit_id, b"first")
    second = start_deposit(http, owner, deposit_id, b"second " * 1000)
    third = seal_deposit(owner.deposit_public_key, deposit_id, b"third")
    used = owner.used_bytes()

    assert_error(declare(http, third), 410, "deposit_closed")
    assert_error(http.get(f"{API}/d/{deposit_id}"), 410, "deposit_closed")

    link = link_of(owner, deposit_id)
    assert link["files"] == 2 and link["state"] == "used_up"
    assert owner.used_bytes() == used
    half = second.size // 2
    assert upload_status(http, deposit_id, second.document_id).json()["received"] == half
    response = put_part(http, deposit_id, second.document_id, half, second.ciphertext[half:])
    assert response.status_code == 200, response.text
    assert complete(http, deposit_id, second.document_id).status_code == 200
    assert sorted(inbox_ids(owner)) == sorted([first.document_id, second.document_id])
    assert_error(declare(http, third), 410, "deposit_closed")


def test_concurrent_declarations_on_a_single_file_link_let_exactly_one_through(
    pde_server: LiveServer, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=1)
    barrier = threading.Barrier(8)
    answers: list[httpx.Response] = []
    files = [
        seal_deposit(owner.deposit_public_key, deposit_id, f"race {n}".encode()) for n in range(8)
    ]

    def race(sealed) -> None:  # type: ignore[no-untyped-def]
        with httpx.Client(base_url=pde_server.url, timeout=60) as client:
            barrier.wait()
            answers.append(declare(client, sealed))

    threads = [threading.Thread(target=race, args=(sealed,)) for sealed in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in answers)
    assert statuses == [201] + [410] * 7, [r.text for r in answers]
    for response in answers:
        if response.status_code == 410:
            assert_error(response, 410, "deposit_closed")
    [winner] = [r.json()["document_id"] for r in answers if r.status_code == 201]
    assert link_of(owner, deposit_id)["files"] == 1
    assert documents_stored_for(pde_server, owner.account_id) == 1
    assert owner.used_bytes() == next(f.size for f in files if f.document_id == winner)


def test_concurrent_deposits_through_one_link_all_count_against_the_quota(
    pde_server: LiveServer, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=FILES_PER_LINK)
    files = [
        seal_deposit(owner.deposit_public_key, deposit_id, bytes([n]) * (1000 + n))
        for n in range(6)
    ]
    barrier = threading.Barrier(len(files))
    answers: list[httpx.Response] = []

    def race(sealed) -> None:  # type: ignore[no-untyped-def]
        with httpx.Client(base_url=pde_server.url, timeout=60) as client:
            barrier.wait()
            answers.append(declare(client, sealed))

    threads = [threading.Thread(target=race, args=(sealed,)) for sealed in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in answers] == [201] * len(files), [r.text for r in answers]
    assert link_of(owner, deposit_id)["files"] == len(files)
    assert owner.used_bytes() == sum(f.size for f in files)


def test_a_declaration_past_the_quota_is_refused_with_quota_exceeded_and_counts_no_file(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    reserved = owner.seal(b"")
    size = ciphertext_size(3 * MIB)
    assert owner.declare(reserved, size=size).status_code == 201  # reserves 3 MiB of the 4
    deposit_id = make_link(owner, max_files=2)
    big = seal_deposit(owner.deposit_public_key, deposit_id, b"x")

    response = declare(http, big, size=ciphertext_size(MIB + 1))

    assert_error(response, 413, "quota_exceeded")
    assert stored_document(pde_server, big.document_id) is None
    assert owner.used_bytes() == size
    link = link_of(owner, deposit_id)
    assert link["files"] == 0 and link["state"] == "active"
    deposit_content(http, owner, deposit_id, b"a small one still fits")


def test_a_declaration_larger_than_a_document_may_be_is_document_too_large(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=1)
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, b"x")
    limit = pde_server.settings().document_max_bytes

    assert_error(declare(http, sealed, size=ciphertext_size(limit + 1)), 413, "document_too_large")

    assert stored_document(pde_server, sealed.document_id) is None
    assert link_of(owner, deposit_id)["files"] == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"sealed_key": "AAAA"},
        {"wrapped_key": "A" * 82},
        {"metadata": "AAAA"},
        {"size": 10},
        {"size": ciphertext_size(MIB) + 10},  # no encrypted file has this size
        {"sha256": "AAAA"},
        {"document_id": "short"},
        {"unknown": 1},
    ],
    ids=repr,
)
def test_an_invalid_declaration_is_refused_with_invalid_request_and_counts_no_file(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner, changes: dict[str, object]
) -> None:
    deposit_id = make_link(owner, max_files=1)
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, b"x")

    assert_error(declare(http, sealed, **changes), 422, "invalid_request")

    assert documents_stored_for(pde_server, owner.account_id) == 0
    assert link_of(owner, deposit_id)["files"] == 0
    assert owner.used_bytes() == 0


def test_a_document_id_already_taken_is_already_exists_and_counts_no_file(
    pde_server: LiveServer, http: httpx.Client, new_owner: Callable[[], DepositOwner]
) -> None:
    owner, other = new_owner(), new_owner()
    theirs = other.add(b"another wallet's document")
    deposit_id = make_link(owner, max_files=1)
    first = deposit_content(http, owner, deposit_id, b"first")
    second_link = make_link(owner, max_files=1)

    for taken in (first.document_id, theirs.document_id):
        clash = seal_deposit(owner.deposit_public_key, second_link, b"x", document_id=taken)
        assert_error(declare(http, clash), 409, "already_exists")

    assert link_of(owner, second_link)["files"] == 0
    assert owner.used_bytes() == first.size
    assert other.content(theirs.document_id) == theirs.ciphertext
    deposit_content(http, owner, second_link, b"the link still takes its one file")


def test_a_damaged_deposit_is_discarded_with_integrity_mismatch(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=2)
    sealed = seal_deposit(owner.deposit_public_key, deposit_id, b"payslip " * 100)
    assert declare(http, sealed).status_code == 201
    damaged = sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    assert put_part(http, deposit_id, sealed.document_id, 0, damaged).status_code == 200

    assert_error(complete(http, deposit_id, sealed.document_id), 422, "integrity_mismatch")

    assert inbox_ids(owner) == []
    assert owner.used_bytes() == 0
    assert stored_document(pde_server, sealed.document_id) is None
    assert stored_keys(pde_server, f"accounts/{owner.account_id}") == []


# Closing a link --------------------------------------------------------------------


def test_a_revoked_link_closes_info_declaration_and_started_uploads_at_once(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=5)
    done = deposit_content(http, owner, deposit_id, b"before revocation")
    started = start_deposit(http, owner, deposit_id, b"half sent " * 500)

    response = owner.http.post(f"{API}/deposit-links/{deposit_id}/revoke")

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "revoked"
    assert_closed_everywhere(http, owner, deposit_id, started.document_id, 410, "deposit_closed")
    again = owner.http.post(f"{API}/deposit-links/{deposit_id}/revoke")
    assert again.status_code == 200 and again.json() == response.json()  # idempotent
    assert inbox_ids(owner) == [done.document_id]  # what was deposited stays
    assert stored_link(pde_server, deposit_id).revoked_at is not None  # type: ignore[union-attr]


def test_an_expired_link_closes_info_declaration_and_started_uploads(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=2)
    started = start_deposit(http, owner, deposit_id, b"half sent " * 500)

    expire_link(pde_server, deposit_id)

    assert link_of(owner, deposit_id)["state"] == "expired"
    assert_closed_everywhere(http, owner, deposit_id, started.document_id, 410, "deposit_closed")
    set_link_expiry(pde_server, deposit_id, now() + timedelta(hours=1))
    assert http.get(f"{API}/d/{deposit_id}").status_code == 200  # the expiry alone decided
    half = started.size // 2
    response = put_part(http, deposit_id, started.document_id, half, started.ciphertext[half:])
    assert response.status_code == 200, response.text


def test_a_used_up_link_that_expired_closes_its_last_upload_too(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=1)
    started = start_deposit(http, owner, deposit_id, b"the only one " * 300)
    expire_link(pde_server, deposit_id)
    assert_closed_everywhere(http, owner, deposit_id, started.document_id, 410, "deposit_closed")


def test_a_deleted_link_is_not_found_to_depositors_and_keeps_its_inbox_files(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=3)
    kept = deposit_content(http, owner, deposit_id, b"kept in the inbox")
    started = start_deposit(http, owner, deposit_id, b"half sent " * 500)

    assert owner.http.delete(f"{API}/deposit-links/{deposit_id}").status_code == 204

    assert_closed_everywhere(http, owner, deposit_id, started.document_id, 404, "deposit_not_found")
    assert links_of(owner) == []
    assert_error(owner.http.delete(f"{API}/deposit-links/{deposit_id}"), 404, "not_found")
    assert_error(owner.http.post(f"{API}/deposit-links/{deposit_id}/revoke"), 404, "not_found")
    [item] = inbox_of(owner)  # still opens: its deposit id stays with it
    assert item.document_id == kept.document_id and item.document_key == kept.document_key
    response = owner.http.post(
        f"{API}/inbox/{kept.document_id}/accept",
        json=accept_body(owner, kept.document_id, item.document_key, item.metadata),
    )
    assert response.status_code == 200, response.text
    assert owner.content(kept.document_id) == kept.ciphertext


# What a depositor reaches ----------------------------------------------------------


def test_a_depositor_reaches_only_its_own_links_uploads(
    http: httpx.Client, new_owner: Callable[[], DepositOwner]
) -> None:
    owner, stranger = new_owner(), new_owner()
    link_a, link_b = make_link(owner), make_link(owner)
    theirs_link = make_link(stranger)
    b_pending = start_deposit(http, owner, link_b, b"b's upload " * 500)
    b_done = deposit_content(http, owner, link_b, b"b's deposit")
    own_pending = owner.seal(b"the owner's upload " * 500)
    assert owner.declare(own_pending).status_code == 201
    own_done = owner.add(b"the owner's document")
    stranger_pending = start_deposit(http, stranger, theirs_link, b"another wallet " * 500)
    before = (owner.used_bytes(), inbox_ids(owner), owner.document_ids())

    for target in (
        b_pending.document_id,
        b_done.document_id,
        own_pending.document_id,
        own_done.document_id,
        stranger_pending.document_id,
        new_id(),
    ):
        for response in [
            upload_status(http, link_a, target),
            put_part(http, link_a, target, 0, b"PDEs\x01" + bytes(100)),
            complete(http, link_a, target),
        ]:
            assert_error(response, 404, "not_found")
    # The stranger's link on the owner's uploads, too.
    for target in (b_pending.document_id, own_pending.document_id):
        assert_error(upload_status(http, theirs_link, target), 404, "not_found")

    assert (owner.used_bytes(), inbox_ids(owner), owner.document_ids()) == before
    half = b_pending.size // 2
    assert upload_status(http, link_b, b_pending.document_id).json()["received"] == half
    status = owner.http.get(f"{API}/documents/{own_pending.document_id}/upload").json()
    assert status["received"] == 0


def test_a_depositor_has_no_route_to_read_and_every_read_route_refuses_it(
    http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner)
    sealed = deposit_content(http, owner, deposit_id, b"deposited")
    document_id = sealed.document_id
    # Nothing under the link lists or returns content.
    for path in (
        f"/d/{deposit_id}/documents",
        f"/d/{deposit_id}/documents/{document_id}",
        f"/d/{deposit_id}/documents/{document_id}/content",
    ):
        response = http.get(f"{API}{path}")
        assert response.status_code in (404, 405), (path, response.status_code)
        assert response.json()["error"]["code"] in ("not_found", "method_not_allowed")
        assert sealed.declaration["sealed_key"] not in response.text
    # The wallet's own read routes, without a session or with the link's id as a token.
    reads = [
        "/account", "/account/export", "/documents", f"/documents/{document_id}",
        f"/documents/{document_id}/content", f"/documents/{document_id}/upload", "/inbox",
        "/deposit-links", "/sessions", "/shares",
    ]  # fmt: skip
    for headers in ({}, {"Authorization": f"Bearer {deposit_id}"}):
        for path in reads:
            assert_error(http.get(f"{API}{path}", headers=headers), 401, "not_authenticated")
    assert sealed.declaration["sealed_key"] not in http.get(f"{API}/d/{deposit_id}").text


MALFORMED_IDS = [
    "not-an-id",
    "A" * 21,
    "A" * 23,
    "A" * 400,
    "%00",
    "AAAAAAAAAAAAAAAAAAAA%00A",
    "%E2%82%AC" * 8,
    "%FF%FE",
    "'%20OR%201=1--",
]


@pytest.mark.parametrize("deposit_id", MALFORMED_IDS)
def test_a_malformed_link_id_is_a_link_that_does_not_exist(
    http: httpx.Client, owner: DepositOwner, deposit_id: str
) -> None:
    sealed = seal_deposit(owner.deposit_public_key, new_id(), b"x")
    base = f"{API}/d/{deposit_id}"
    for response in [
        http.get(base),
        http.post(f"{base}/documents", json=sealed.declaration),
        http.get(f"{base}/documents/{new_id()}/upload"),
        http.put(
            f"{base}/documents/{new_id()}/content",
            params={"offset": 0},
            content=b"PDEs\x01",
            headers={"Content-Type": "application/octet-stream"},
        ),
        http.post(f"{base}/documents/{new_id()}/complete"),
    ]:
        assert_error(response, 404, "deposit_not_found")


@pytest.mark.parametrize("document_id", ["not-an-id", "%00", "A" * 400, "%E2%82%AC", "A" * 21])
def test_a_malformed_document_id_under_a_link_is_not_found(
    http: httpx.Client, owner: DepositOwner, document_id: str
) -> None:
    deposit_id = make_link(owner)
    for response in [
        upload_status(http, deposit_id, document_id),
        put_part(http, deposit_id, document_id, 0, b"PDEs\x01" + bytes(10)),
        complete(http, deposit_id, document_id),
    ]:
        assert_error(response, 404, "not_found")


# The inbox -------------------------------------------------------------------------


@pytest.fixture
def client_owner(wallet: PdeClient) -> PdeClient:
    """A wallet made by PdeClient (real keys behind the passphrase)."""
    return wallet


def test_an_accepted_deposit_is_an_ordinary_document_that_decrypts_byte_for_byte(
    pde_server: LiveServer, http: httpx.Client, client_owner: PdeClient
) -> None:
    link = deposit_client.create_deposit_link(client_owner, "CPAS", max_files=2)
    public_key = b64u_decode(client_owner.account["deposit_public_key"])
    content = bytes(range(256)) * 5000  # two segments of the stream
    meta = {"title": "Attestation", "file_name": "attestation.pdf", "type": "cpas"}
    sealed = seal_deposit(public_key, link.deposit_id, content, meta)
    deposit(http, sealed)
    [item] = deposit_client.inbox(client_owner)
    assert item.metadata == sealed.metadata and item.document_key == sealed.document_key
    used = client_owner.call("GET", f"{API}/account")["used_bytes"]

    assert deposit_client.accept(client_owner, item) == sealed.document_id

    assert deposit_client.inbox(client_owner) == []
    [listed] = client_owner.list()
    assert listed.document_id == sealed.document_id
    assert listed.metadata == sealed.metadata  # re-sealed as the wallet's own, same fields
    assert listed.size == sealed.size
    out = io.BytesIO()
    info = client_owner.get(sealed.document_id, out)
    assert out.getvalue() == content and info.metadata["title"] == "Attestation"
    assert client_owner.call("GET", f"{API}/account")["used_bytes"] == used
    stored = stored_document(pde_server, sealed.document_id)
    assert stored is not None and stored.state == "ready" and stored.deposit_id is None
    assert b64u_decode(sealed.declaration["metadata"]) != stored.metadata_box
    client_owner.update(sealed.document_id, title="renamed")  # an ordinary document now
    assert client_owner.info(sealed.document_id).metadata["title"] == "renamed"
    [summary] = deposit_client.list_deposit_links(client_owner)
    assert summary.files == 1 and summary.label == "CPAS"


def test_a_rejected_deposit_is_gone_with_its_blobs_and_quota(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=2)
    kept = deposit_content(http, owner, deposit_id, b"kept")
    rejected = deposit_content(http, owner, deposit_id, b"unwanted " * 300)
    prefix = f"accounts/{owner.account_id}"
    assert len(stored_keys(pde_server, prefix)) == 2

    response = owner.http.delete(f"{API}/inbox/{rejected.document_id}")

    assert response.status_code == 204, response.text
    assert inbox_ids(owner) == [kept.document_id]
    assert owner.used_bytes() == kept.size
    assert stored_document(pde_server, rejected.document_id) is None
    assert stored_keys(pde_server, prefix) == [f"{prefix}/documents/{kept.document_id}"]
    assert_error(owner.http.delete(f"{API}/inbox/{rejected.document_id}"), 404, "not_found")
    assert link_of(owner, deposit_id)["files"] == 2  # the link's count stays used


def test_accept_or_reject_of_anything_but_a_deposit_in_this_inbox_is_not_found(
    pde_server: LiveServer, http: httpx.Client, new_owner: Callable[[], DepositOwner]
) -> None:
    owner, other = new_owner(), new_owner()
    ordinary = owner.add(b"an ordinary document")
    pending_own = owner.seal(b"an upload in progress " * 100)
    assert owner.declare(pending_own).status_code == 201
    deposit_id = make_link(owner, max_files=3)
    pending_deposit = start_deposit(http, owner, deposit_id, b"deposit in progress " * 300)
    accepted = deposit_content(http, owner, deposit_id, b"accepted once")
    body = accept_body(owner, accepted.document_id, accepted.document_key, accepted.metadata)
    assert owner.http.post(f"{API}/inbox/{accepted.document_id}/accept", json=body).status_code
    theirs = deposit_content(http, other, make_link(other), b"another wallet's deposit")
    before = (owner.document_ids(), inbox_ids(owner), owner.used_bytes())

    for document_id in (
        ordinary.document_id,
        pending_own.document_id,
        pending_deposit.document_id,
        accepted.document_id,
        theirs.document_id,
        new_id(),
    ):
        body = accept_body(owner, document_id, accepted.document_key, {"title": "x"})
        assert_error(
            owner.http.post(f"{API}/inbox/{document_id}/accept", json=body), 404, "not_found"
        )
        assert_error(owner.http.delete(f"{API}/inbox/{document_id}"), 404, "not_found")

    assert (owner.document_ids(), inbox_ids(owner), owner.used_bytes()) == before
    assert owner.content(ordinary.document_id) == ordinary.ciphertext
    assert inbox_ids(other) == [theirs.document_id]


def test_a_deposit_waiting_in_the_inbox_is_no_document_yet_for_any_other_route(
    http: httpx.Client, owner: DepositOwner
) -> None:
    sealed = deposit_content(http, owner, make_link(owner), b"waiting")
    document_id = sealed.document_id
    prepared = prepare_share(owner, [], document_ids=[document_id])

    for response in [
        owner.http.get(f"{API}/documents/{document_id}"),
        owner.http.get(f"{API}/documents/{document_id}/content"),
        owner.http.patch(f"{API}/documents/{document_id}", json={"metadata": "A" * 380}),
        post_share(owner, prepared),
    ]:
        assert_error(response, 404, "not_found")
    assert owner.http.get(f"{API}/shares").json() == []
    assert inbox_ids(owner) == [document_id]


@pytest.mark.parametrize(
    "changes", [{"wrapped_key": "AAAA"}, {"metadata": "AAAA"}, {"extra": 1}], ids=repr
)
def test_an_invalid_acceptance_is_invalid_request_and_leaves_the_deposit_in_the_inbox(
    http: httpx.Client, owner: DepositOwner, changes: dict[str, object]
) -> None:
    sealed = deposit_content(http, owner, make_link(owner), b"waiting")
    body = accept_body(owner, sealed.document_id, sealed.document_key, sealed.metadata) | changes
    response = owner.http.post(f"{API}/inbox/{sealed.document_id}/accept", json=body)
    assert_error(response, 422, "invalid_request")
    assert inbox_ids(owner) == [sealed.document_id] and owner.document_ids() == []


def test_an_accepted_deposit_can_be_shared_and_opened(
    http: httpx.Client, client_owner: PdeClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    link = deposit_client.create_deposit_link(client_owner, "school", max_files=1)
    public_key = b64u_decode(client_owner.account["deposit_public_key"])
    content = b"bulletin scolaire " * 400
    sealed = seal_deposit(public_key, link.deposit_id, content, {"title": "Bulletin"})
    deposit(http, sealed)
    [item] = deposit_client.inbox(client_owner)
    deposit_client.accept(client_owner, item)

    share = create_share(
        client_owner, [sealed.document_id], recipient="CPAS", purpose="RIS", pin="1357"
    )

    with ShareViewer(share.link, retry_seconds=5) as viewer:
        opened = viewer.open("1357")
        [shared] = opened.documents
        assert shared.document_id == sealed.document_id
        assert shared.metadata["title"] == "Bulletin"
        out = io.BytesIO()
        viewer.download(opened, shared, out)
    assert out.getvalue() == content


def test_housekeeping_discards_abandoned_deposit_uploads_like_the_owners(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=3)
    stale = start_deposit(http, owner, deposit_id, b"abandoned " * 500)
    fresh = start_deposit(http, owner, deposit_id, b"still going " * 500)
    waiting = deposit_content(http, owner, deposit_id, b"in the inbox")
    own_stale = owner.seal(b"the owner's abandoned upload " * 100)
    assert owner.declare(own_stale).status_code == 201
    hours = pde_server.settings().upload_abandoned_hours
    for document_id in (stale.document_id, own_stale.document_id, waiting.document_id):
        age_document(pde_server, document_id, timedelta(hours=hours + 1))
    prefix = f"accounts/{owner.account_id}/uploads"

    def upload_keys(document_id: str) -> list[str]:  # the local store's file, or S3's parts
        return [k for k in stored_keys(pde_server, prefix) if k.split("/")[3] == document_id]

    assert len(upload_keys(stale.document_id)) == 1

    runtime = Runtime.start(pde_server.settings())
    try:
        run_once(runtime)
    finally:
        runtime.engine.dispose()

    assert stored_document(pde_server, stale.document_id) is None
    assert stored_document(pde_server, own_stale.document_id) is None
    assert upload_keys(stale.document_id) == []
    assert len(upload_keys(fresh.document_id)) == 1
    assert inbox_ids(owner) == [waiting.document_id]  # a finished deposit is not abandoned
    assert owner.used_bytes() == fresh.size + waiting.size
    assert_error(upload_status(http, deposit_id, stale.document_id), 404, "not_found")
    half = fresh.size // 2
    response = put_part(http, deposit_id, fresh.document_id, half, fresh.ciphertext[half:])
    assert response.status_code == 200, response.text


def test_erasing_the_wallet_removes_its_links_and_inbox(
    pde_server: LiveServer, http: httpx.Client, owner: DepositOwner
) -> None:
    deposit_id = make_link(owner, max_files=3)
    waiting = deposit_content(http, owner, deposit_id, b"in the inbox")
    started = start_deposit(http, owner, deposit_id, b"half sent " * 500)

    response = owner.http.request("DELETE", f"{API}/account", json={"confirm_handle": owner.handle})

    assert response.status_code == 204, response.text
    assert_closed_everywhere(http, owner, deposit_id, started.document_id, 404, "deposit_not_found")
    assert stored_link(pde_server, deposit_id) is None
    assert links_stored_for(pde_server, owner.account_id) == 0
    assert documents_stored_for(pde_server, owner.account_id) == 0
    assert stored_document(pde_server, waiting.document_id) is None
    assert stored_keys(pde_server, f"accounts/{owner.account_id}") == []
