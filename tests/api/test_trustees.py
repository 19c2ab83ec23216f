"""Recovery by trustees over HTTP (docs/trustees.md), on both backends: given an
owner with two trustee wallets and a printed share (2 of 3), the setup can be
read, replaced and removed; invitations name a wallet only with its own key;
anyone can ask for a recovery, with the same answer for a handle that does
not exist; the owner sees and cancels requests; a trustee sees only requests
for wallets they hold a share of and releases once; k shares, after the delay,
through one's own request, open the wallet once and force a new passphrase.

Most tests run on a server whose requests open at once
(PDE_RECOVERY_DELAY_HOURS=0); `delayed_server` keeps the 72-hour default to
prove nothing opens before it, and has a small request limit."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import select

from client import ClientError, PdeClient
from client.trustees import (
    RecoveryTicket,
    TrusteePlan,
    cancel_recovery,
    recover_with_trustees,
    recovery_requests,
    release,
    request_recovery,
    requests_to_release,
    set_up_trustees,
    trustee_invitation,
    trustees_record,
)
from crypto import b64u_decode, b64u_encode, decode_code, new_id
from crypto.errors import InvalidShare
from crypto.shamir import combine_shares, share_from_bytes, share_from_text
from crypto.trustees import derive_request_keys, derive_trustee_keys, open_released_share
from tests.api.support import API, assert_error, stored_rows, unique_handle
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from tests.wallet_pool import WalletPool
from wallet.models import ReleasedShare

PASSPHRASE = "trustees api passphrase"
NEW_PASSPHRASE = "a brand new passphrase"
REQUESTS_PER_HOUR = 4  # on the delayed server
NO_DELAY = {"PDE_RECOVERY_DELAY_HOURS": "0", "PDE_RECOVERY_REQUESTS_PER_CLIENT_PER_HOUR": "1000"}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's live server, per backend: recovery requests open at once."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param), NO_DELAY) as server:
        yield server


@pytest.fixture(scope="module")
def delayed_server(
    pde_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server of the same backend with the default 72-hour delay and few requests per hour."""
    backend = "sqlite-local" if "PDE_DATABASE_URL" not in pde_server.env else "postgres-s3"
    env = {"PDE_RECOVERY_REQUESTS_PER_CLIENT_PER_HOUR": str(REQUESTS_PER_HOUR)}
    with server_on(backend, tmp_path_factory.mktemp(f"{backend}-delayed"), env) as server:
        yield server


@pytest.fixture
def wallets(wallet_pool: WalletPool) -> Iterator[Callable[[LiveServer], PdeClient]]:
    """Make logged-in wallets (real keys) on a server; all closed after the test."""
    made: list[PdeClient] = []

    def make(server: LiveServer) -> PdeClient:
        client = PdeClient(server.url, retry_seconds=5)
        wallet_pool.register(client, unique_handle("trust"), PASSPHRASE)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


class Circle:
    """An owner with a document and 2 of 3 trustees: two wallets and one printed share."""

    def __init__(self, server: LiveServer, make: Callable[[LiveServer], PdeClient]) -> None:
        self.server = server
        self.owner, self.first, self.second = make(server), make(server), make(server)
        self.document = b"my birth certificate"
        self.document_id = self.owner.add(io.BytesIO(self.document), title="Birth certificate")
        invitations = [trustee_invitation(self.first), trustee_invitation(self.second)]
        self.plan: TrusteePlan = set_up_trustees(self.owner, 2, invitations, printed=1)

    @property
    def handle(self) -> str:
        assert self.owner.handle is not None
        return self.owner.handle

    def ask(self) -> RecoveryTicket:
        return request_recovery(self.server.url, self.handle)

    def request_of(self, trustee: PdeClient, ticket: RecoveryTicket) -> dict:
        [request] = [
            r for r in requests_to_release(trustee) if r["request_id"] == ticket.request_id
        ]
        return request


@pytest.fixture
def circle(pde_server: LiveServer, wallets: Callable[[LiveServer], PdeClient]) -> Circle:
    return Circle(pde_server, wallets)


def status(
    server: LiveServer, ticket: RecoveryTicket, token: bytes | None = None
) -> httpx.Response:
    keys = derive_request_keys(decode_code(ticket.code), ticket.request_id)
    body = {"token": b64u_encode(token or keys.token)}
    return httpx.post(f"{server.url}{API}/recovery-requests/{ticket.request_id}/status", json=body)


def trustee_login(
    server: LiveServer, handle: str, ticket: RecoveryTicket, trustee_key: bytes
) -> httpx.Response:
    keys = derive_request_keys(decode_code(ticket.code), ticket.request_id)
    body = {
        "handle": handle,
        "request_id": ticket.request_id,
        "token": b64u_encode(keys.token),
        "trustee_auth": b64u_encode(derive_trustee_keys(trustee_key).auth),
    }
    return httpx.post(f"{server.url}{API}/login/trustees", json=body)


def released_key(server: LiveServer, ticket: RecoveryTicket, printed: list[str]) -> bytes:
    """The trustee key from the shares released to `ticket` and the printed ones."""
    keys = derive_request_keys(decode_code(ticket.code), ticket.request_id)
    answer = status(server, ticket).json()
    shares = {s.x: s for s in map(share_from_text, printed)}
    for item in answer["released"]:
        raw = open_released_share(
            keys.private_key, b64u_decode(item["sealed_share"]), ticket.request_id, item["x"]
        )
        share = share_from_bytes(raw)
        shares[share.x] = share
    return combine_shares(list(shares.values()))


# Setting up ---------------------------------------------------------------------


def test_the_setup_is_read_replaced_and_removed(circle: Circle) -> None:
    setup = circle.owner.call("GET", f"{API}/trustees")
    assert (setup["threshold"], setup["total"]) == (2, 3)
    assert [t["handle"] for t in setup["wallet_trustees"]] == [
        circle.first.handle,
        circle.second.handle,
    ]
    assert [t["x"] for t in setup["wallet_trustees"]] == [1, 2]
    assert trustees_record(circle.owner) == {"notes": [], "printed": [3]}

    set_up_trustees(circle.owner, 2, [trustee_invitation(circle.first)], printed=2)
    setup = circle.owner.call("GET", f"{API}/trustees")
    assert (setup["threshold"], setup["total"]) == (2, 3)
    assert [t["handle"] for t in setup["wallet_trustees"]] == [circle.first.handle]
    assert trustees_record(circle.owner)["printed"] == [2, 3]
    ticket = circle.ask()
    assert [r["owner_handle"] for r in requests_to_release(circle.first)] == [circle.handle]
    assert requests_to_release(circle.second) == []

    circle.owner.call("DELETE", f"{API}/trustees")
    setup = circle.owner.call("GET", f"{API}/trustees")
    assert setup == {"threshold": None, "total": None, "record": None, "wallet_trustees": []}
    assert trustees_record(circle.owner) == {}
    assert requests_to_release(circle.first) == []
    assert ticket.request_id


def test_an_invitation_with_another_key_is_not_found_like_an_unknown_handle(
    circle: Circle, pde_server: LiveServer
) -> None:
    fake_key = b64u_encode(secrets.token_bytes(32))
    wrong_key = f"pde-trustee:1:{circle.first.handle}:{fake_key}"
    unknown = f"pde-trustee:1:{unique_handle('nobody')}:{fake_key}"
    answers = []
    for invitation in (wrong_key, unknown):
        with pytest.raises(ClientError) as refused:
            set_up_trustees(circle.owner, 2, [invitation], printed=1)
        answers.append((refused.value.status, refused.value.code, refused.value.message))
    assert answers[0] == answers[1] and answers[0][:2] == (404, "not_found")
    # nothing changed: the first setup stands
    assert circle.owner.call("GET", f"{API}/trustees")["total"] == 3


def test_ones_own_wallet_cannot_be_ones_trustee(circle: Circle) -> None:
    with pytest.raises(ClientError) as refused:
        set_up_trustees(circle.owner, 2, [trustee_invitation(circle.owner)], printed=1)
    assert (refused.value.status, refused.value.code) == (422, "invalid_request")


def test_setup_routes_need_a_session(pde_server: LiveServer) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = httpx.request(method, f"{pde_server.url}{API}/trustees", json={})
        assert_error(response, 401, "not_authenticated")


# Asking ---------------------------------------------------------------------------


def test_a_request_for_an_unknown_handle_answers_exactly_like_a_real_one(
    circle: Circle, pde_server: LiveServer
) -> None:
    answers = []
    for handle in (circle.handle, unique_handle("nobody")):
        request_id, secret = new_id(), secrets.token_bytes(16)
        keys = derive_request_keys(secret, request_id)
        body = {
            "request_id": request_id,
            "handle": handle,
            "public_key": b64u_encode(keys.public_key),
            "token": b64u_encode(keys.token),
        }
        response = httpx.post(f"{pde_server.url}{API}/recovery-requests", json=body)
        assert response.status_code == 201, response.text
        answer = response.json()
        assert answer["request_id"] == request_id
        proof = {"token": b64u_encode(keys.token)}
        checked = httpx.post(
            f"{pde_server.url}{API}/recovery-requests/{request_id}/status", json=proof
        )
        answers.append(
            (sorted(answer), answer["state"], checked.status_code, checked.json()["released"])
        )
    assert answers[0] == answers[1]


def test_the_owner_sees_a_pending_request_and_cancels_it(circle: Circle) -> None:
    ticket = circle.ask()
    pending = recovery_requests(circle.owner)
    assert [r["request_id"] for r in pending] == [ticket.request_id]
    assert pending[0]["opens_at"] == ticket.opens_at

    cancel_recovery(circle.owner, ticket.request_id)
    assert recovery_requests(circle.owner) == []
    assert status(circle.server, ticket).json()["state"] == "cancelled"
    assert requests_to_release(circle.first) == []


def test_another_wallet_cannot_see_or_cancel_a_request(
    circle: Circle, wallets: Callable[[LiveServer], PdeClient]
) -> None:
    ticket = circle.ask()
    stranger = wallets(circle.server)
    assert recovery_requests(stranger) == []
    assert requests_to_release(stranger) == []
    with pytest.raises(ClientError) as refused:
        cancel_recovery(stranger, ticket.request_id)
    assert refused.value.code == "not_found"
    with pytest.raises(ClientError) as refused:
        cancel_recovery(circle.first, ticket.request_id)  # a trustee is not the owner
    assert refused.value.code == "not_found"
    assert [r["request_id"] for r in recovery_requests(circle.owner)] == [ticket.request_id]


# Releasing ------------------------------------------------------------------------


def test_a_trustee_releases_once(circle: Circle) -> None:
    ticket = circle.ask()
    request = circle.request_of(circle.first, ticket)
    assert (request["owner_handle"], request["x"], request["released"]) == (circle.handle, 1, False)

    release(circle.first, request)
    assert circle.request_of(circle.first, ticket)["released"] is True
    with pytest.raises(ClientError) as again:
        release(circle.first, request)
    assert (again.value.status, again.value.code) == (409, "already_exists")
    assert circle.request_of(circle.second, ticket)["released"] is False
    assert [r["x"] for r in status(circle.server, ticket).json()["released"]] == [1]


def test_a_stranger_cannot_release_to_a_request(
    circle: Circle, wallets: Callable[[LiveServer], PdeClient]
) -> None:
    ticket = circle.ask()
    stranger = wallets(circle.server)
    body = {"sealed_share": b64u_encode(secrets.token_bytes(93))}
    with pytest.raises(ClientError) as refused:
        stranger.call("POST", f"{API}/trustee/requests/{ticket.request_id}/release", json=body)
    assert refused.value.code == "not_found"
    assert status(circle.server, ticket).json()["released"] == []


# Recovering -----------------------------------------------------------------------


def test_a_lone_trustee_cannot_recover(circle: Circle) -> None:
    ticket = circle.ask()
    release(circle.first, circle.request_of(circle.first, ticket))
    with pytest.raises(InvalidShare):
        recover_with_trustees(circle.server.url, circle.handle, ticket, NEW_PASSPHRASE)
    # A guessed trustee key through the same request: refused, and the request still stands.
    assert_error(
        trustee_login(circle.server, circle.handle, ticket, secrets.token_bytes(16)),
        401,
        "invalid_credentials",
    )
    assert status(circle.server, ticket).json()["state"] == "ready"


def test_k_shares_open_the_wallet_with_its_documents_and_a_new_passphrase_comes_first(
    circle: Circle,
) -> None:
    ticket = circle.ask()
    release(circle.second, circle.request_of(circle.second, ticket))
    trustee_key = released_key(circle.server, ticket, circle.plan.printed_shares)

    login = trustee_login(circle.server, circle.handle, ticket, trustee_key)
    assert login.status_code == 200, login.text
    assert login.json()["account"]["must_change_passphrase"] is True
    session = {"Authorization": f"Bearer {login.json()['session_token']}"}
    documents = httpx.get(f"{circle.server.url}{API}/documents", headers=session)
    assert_error(documents, 403, "passphrase_change_required")

    # The same request is used up; a new one, with the same shares, opens the wallet.
    assert_error(
        trustee_login(circle.server, circle.handle, ticket, trustee_key), 409, "recovery_not_ready"
    )
    assert status(circle.server, ticket).json()["state"] == "completed"
    again = circle.ask()
    release(circle.first, circle.request_of(circle.first, again))
    with recover_with_trustees(
        circle.server.url, circle.handle, again, NEW_PASSPHRASE, circle.plan.printed_shares
    ) as recovered:
        [item] = recovered.list()
        assert item.document_id == circle.document_id
        out = io.BytesIO()
        recovered.get(circle.document_id, out)
        assert out.getvalue() == circle.document
    with PdeClient(circle.server.url) as fresh:
        fresh.login(circle.handle, NEW_PASSPHRASE)
        with pytest.raises(ClientError):
            PdeClient(circle.server.url).login(circle.handle, PASSPHRASE)


def test_a_cancelled_request_opens_nothing_and_loses_its_released_shares(circle: Circle) -> None:
    ticket = circle.ask()
    release(circle.first, circle.request_of(circle.first, ticket))
    trustee_key = released_key(circle.server, ticket, circle.plan.printed_shares)
    cancel_recovery(circle.owner, ticket.request_id)

    assert_error(
        trustee_login(circle.server, circle.handle, ticket, trustee_key), 409, "recovery_not_ready"
    )
    answer = status(circle.server, ticket).json()
    assert (answer["state"], answer["released"]) == ("cancelled", [])
    with stored_rows(circle.server) as db:
        stored = db.scalars(
            select(ReleasedShare).where(ReleasedShare.request_id == ticket.request_id)
        )
        assert list(stored) == []


def test_a_wrong_token_or_unknown_request_is_not_found(circle: Circle) -> None:
    ticket = circle.ask()
    wrong = assert_error(status(circle.server, ticket, secrets.token_bytes(32)), 404, "not_found")
    unknown = RecoveryTicket(new_id(), ticket.code, ticket.opens_at)
    assert assert_error(status(circle.server, unknown), 404, "not_found") == wrong
    keys = derive_request_keys(decode_code(ticket.code), ticket.request_id)
    body = {
        "handle": circle.handle,
        "request_id": ticket.request_id,
        "token": b64u_encode(secrets.token_bytes(32)),
        "trustee_auth": b64u_encode(keys.token),
    }
    response = httpx.post(f"{circle.server.url}{API}/login/trustees", json=body)
    assert_error(response, 404, "not_found")


def test_a_request_for_another_wallet_does_not_open_this_one(
    circle: Circle, wallets: Callable[[LiveServer], PdeClient]
) -> None:
    other = wallets(circle.server)
    assert other.handle is not None
    # A request against another wallet, with this wallet's real trustee key.
    elsewhere = request_recovery(circle.server.url, other.handle)
    own = circle.ask()
    release(circle.first, circle.request_of(circle.first, own))
    trustee_key = released_key(circle.server, own, circle.plan.printed_shares)
    assert_error(
        trustee_login(circle.server, circle.handle, elsewhere, trustee_key),
        401,
        "invalid_credentials",
    )
    assert status(circle.server, own).json()["state"] == "ready"


def test_removing_trustees_makes_their_shares_useless(circle: Circle) -> None:
    ticket = circle.ask()
    release(circle.first, circle.request_of(circle.first, ticket))
    trustee_key = released_key(circle.server, ticket, circle.plan.printed_shares)
    circle.owner.call("DELETE", f"{API}/trustees")

    assert_error(
        trustee_login(circle.server, circle.handle, ticket, trustee_key), 401, "invalid_credentials"
    )
    set_up_trustees(circle.owner, 2, [trustee_invitation(circle.first)], printed=1)
    assert_error(
        trustee_login(circle.server, circle.handle, ticket, trustee_key), 401, "invalid_credentials"
    )


# Before the delay, and limits (the 72-hour server) -----------------------------------


def test_nothing_opens_before_the_delay(
    delayed_server: LiveServer, wallets: Callable[[LiveServer], PdeClient]
) -> None:
    circle = Circle(delayed_server, wallets)
    ticket = circle.ask()
    request = circle.request_of(circle.first, ticket)
    assert request["state"] == "waiting"
    release(circle.first, request)  # trustees may agree during the delay

    answer = status(delayed_server, ticket).json()
    assert (answer["state"], answer["released"]) == ("waiting", [])
    assert answer["opens_at"] == ticket.opens_at
    trustee_key = secrets.token_bytes(16)  # the state is checked first: no key gets past it
    assert_error(
        trustee_login(delayed_server, circle.handle, ticket, trustee_key), 409, "recovery_not_ready"
    )
    with pytest.raises(ClientError) as refused:
        recover_with_trustees(
            delayed_server.url, circle.handle, ticket, NEW_PASSPHRASE, circle.plan.printed_shares
        )
    assert refused.value.code == "recovery_not_ready"


def test_recovery_requests_are_rate_limited_per_client(delayed_server: LiveServer) -> None:
    answers = []
    for _ in range(REQUESTS_PER_HOUR + 1):
        try:
            request_recovery(delayed_server.url, unique_handle("nobody"))
            answers.append("made")
        except ClientError as refused:
            answers.append(refused.code)
    assert answers[-1] == "rate_limited"
    assert answers.count("made") <= REQUESTS_PER_HOUR
