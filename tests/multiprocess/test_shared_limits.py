"""Every limit holds exactly across processes: `pde serve` and `pde serve --workers 2`
(three processes) on one PostgreSQL database, one S3 server and Redis, requests
alternating between them. With limits in each process's memory, each process
counted on its own and every limit was multiplied by the number of processes.
Client addresses come from X-Forwarded-For (the test names 127.0.0.1 a proxy)."""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from crypto import b64u_encode, new_id
from crypto.primitives import random_bytes
from crypto.stream import ciphertext_size
from crypto.trustees import derive_request_keys
from tests.api.deposit_support import make_link, register_owner, seal_deposit
from tests.api.share_support import make_share
from tests.api.support import API, RawWallet, register_raw, registration_body, unique_handle
from tests.pg import temporary_database
from tests.redis_support import REDIS_URL, keys_under, redis_prefix
from tests.server import ServeProcess, s3_env
from tests.storage.s3server import S3Server, require_ministack

PER_HANDLE, PER_HANDLE_ANY_ADDRESS, PER_CLIENT = 4, 6, 8
REGISTRATIONS = 6  # per address per hour (the tests make 3 wallets from 127.0.0.1)
RECOVERY_REQUESTS, DEPOSITS = 3, 3  # per address per hour
SHARE_OPENS = 30  # per address per minute: the default
WRONG_PINS = 5  # before a share locks: the default
DOCUMENT = 3000  # plaintext bytes of each document of the quota test
QUOTA = 3 * ciphertext_size(DOCUMENT) + ciphertext_size(DOCUMENT) // 2  # three fit, not four
LIMITS = {
    "PDE_LOGIN_ATTEMPTS_PER_HANDLE": str(PER_HANDLE),
    "PDE_LOGIN_ATTEMPTS_PER_HANDLE_ANY_ADDRESS": str(PER_HANDLE_ANY_ADDRESS),
    "PDE_LOGIN_ATTEMPTS_PER_CLIENT": str(PER_CLIENT),
    "PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": str(REGISTRATIONS),
    "PDE_RECOVERY_REQUESTS_PER_CLIENT_PER_HOUR": str(RECOVERY_REQUESTS),
    "PDE_DEPOSITS_PER_CLIENT_PER_HOUR": str(DEPOSITS),
    "PDE_WALLET_QUOTA_BYTES": str(QUOTA),
}


@dataclass
class Replicas:
    """The servers, and a client for each that opens a new connection per request
    (so that the kernel spreads `--workers 2`'s requests over its processes)."""

    servers: list[ServeProcess]
    clients: list[httpx.Client]
    redis_prefix: str

    def post(self, n: int, path: str, body: dict[str, Any], address: str) -> httpx.Response:
        """Request `n` goes to server n mod 2, as from `address`."""
        client = self.clients[n % len(self.clients)]
        return client.post(f"{API}{path}", json=body, headers={"X-Forwarded-For": address})

    def at_once(self, calls: list[Callable[[httpx.Client], httpx.Response]]) -> list[int]:
        """Run every call at the same moment, alternately on each server; their statuses."""
        barrier = threading.Barrier(len(calls))

        def run(n: int) -> httpx.Response:
            barrier.wait()
            return calls[n](self.clients[n % len(self.clients)])

        with ThreadPoolExecutor(len(calls)) as pool:
            return [answer.status_code for answer in pool.map(run, range(len(calls)))]


def _start_all(servers: list[ServeProcess]) -> None:
    with ThreadPoolExecutor(len(servers)) as pool:
        for started in [pool.submit(server.start) for server in servers]:
            started.result()


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    require_ministack()
    base = tmp_path_factory.mktemp("replicas")
    s3 = S3Server(base / "s3")
    s3.start()
    try:
        with temporary_database("pde_replicas") as url, redis_prefix() as prefix:
            env = (
                LIMITS
                | s3_env(s3, "pde-replicas")
                | {
                    "PDE_DATABASE_URL": url,
                    "PDE_REDIS_URL": REDIS_URL,
                    "PDE_REDIS_KEY_PREFIX": prefix,
                    "PDE_SERVER_SECRET": secrets.token_hex(32),
                    "PDE_TRUSTED_PROXIES": "127.0.0.1",
                }
            )
            servers = [
                ServeProcess(data_dir=base / "one", env=env),
                ServeProcess(data_dir=base / "two", env=env, workers=2),
            ]
            servers[0].migrate()
            no_reuse = httpx.Limits(max_keepalive_connections=0)
            clients = [httpx.Client(base_url=s.url, timeout=60, limits=no_reuse) for s in servers]
            try:
                _start_all(servers)
                yield Replicas(servers, clients, prefix)
            finally:
                for client in clients:
                    client.close()
                for server in servers:
                    server.stop()
    finally:
        s3.stop()


def wrong_login(handle: str) -> dict[str, str]:
    return {"handle": handle, "auth_key": b64u_encode(random_bytes(32))}


def opening(
    share_id: str, body: dict[str, str], address: str
) -> Callable[[httpx.Client], httpx.Response]:
    """One opening of a share, to run on whichever server `at_once` gives it."""
    headers = {"X-Forwarded-For": address}
    return lambda http: http.post(f"{API}/s/{share_id}/open", json=body, headers=headers)


def statuses(answers: list[httpx.Response]) -> list[int]:
    return [answer.status_code for answer in answers]


def test_every_process_is_ready_and_shares_redis(replicas: Replicas) -> None:
    for client in replicas.clients:
        answer = client.get(f"{API}/ready")
        assert answer.json() == {
            "status": "ready",
            "checks": {"database": "ok", "object_store": "ok", "limits": "ok"},
        }


def test_wrong_logins_per_handle_from_one_address_hold_exactly_across_processes(
    replicas: Replicas,
) -> None:
    handle = unique_handle("guessed")
    answers = [
        replicas.post(n, "/login", wrong_login(handle), "203.0.113.10")
        for n in range(PER_HANDLE + 2)
    ]
    assert statuses(answers) == [401] * PER_HANDLE + [429] * 2


def test_wrong_logins_per_handle_from_many_addresses_hold_exactly(replicas: Replicas) -> None:
    handle = unique_handle("spread")
    answers = [
        replicas.post(n, "/login", wrong_login(handle), f"198.51.100.{n + 1}")
        for n in range(PER_HANDLE_ANY_ADDRESS + 2)
    ]
    assert statuses(answers) == [401] * PER_HANDLE_ANY_ADDRESS + [429] * 2


def test_wrong_logins_per_address_hold_exactly(replicas: Replicas) -> None:
    answers = [
        replicas.post(n, "/login", wrong_login(unique_handle("any")), "203.0.113.20")
        for n in range(PER_CLIENT + 2)
    ]
    assert statuses(answers) == [401] * PER_CLIENT + [429] * 2


def test_registrations_per_address_hold_exactly(replicas: Replicas) -> None:
    answers = [
        replicas.post(n, "/accounts", registration_body(unique_handle("new")), "203.0.113.30")
        for n in range(REGISTRATIONS + 2)
    ]
    assert statuses(answers) == [201] * REGISTRATIONS + [429] * 2


def test_recovery_requests_per_address_hold_exactly(replicas: Replicas) -> None:
    def request(handle: str) -> dict[str, str]:
        request_id = new_id()
        keys = derive_request_keys(secrets.token_bytes(16), request_id)
        return {
            "request_id": request_id,
            "handle": handle,
            "public_key": b64u_encode(keys.public_key),
            "token": b64u_encode(keys.token),
        }

    answers = [
        replicas.post(n, "/recovery-requests", request(unique_handle("lost")), "203.0.113.50")
        for n in range(RECOVERY_REQUESTS + 2)
    ]
    assert statuses(answers) == [201] * RECOVERY_REQUESTS + [429] * 2


def test_deposits_per_address_hold_exactly(replicas: Replicas) -> None:
    with register_owner(replicas.servers[0].url) as owner:
        deposit_id = make_link(owner, max_files=DEPOSITS + 2)
        answers = [
            replicas.post(
                n,
                f"/d/{deposit_id}/documents",
                seal_deposit(owner.deposit_public_key, deposit_id, b"letter").declaration,
                "203.0.113.60",
            )
            for n in range(DEPOSITS + 2)
        ]
    assert statuses(answers) == [201] * DEPOSITS + [429] * 2


@pytest.fixture(scope="module")
def owner(replicas: Replicas) -> Iterator[RawWallet]:
    with register_raw(replicas.servers[0].url) as wallet:
        yield wallet


def test_share_opens_per_address_per_minute_hold_exactly(
    replicas: Replicas, owner: RawWallet
) -> None:
    prepared = make_share(owner, [owner.add(b"papers")])
    wrong_link = prepared.open_body() | {"link_token": b64u_encode(random_bytes(32))}
    answers = [
        replicas.post(n, f"/s/{prepared.share_id}/open", wrong_link, "203.0.113.40")
        for n in range(SHARE_OPENS + 2)
    ]
    assert statuses(answers) == [403] * SHARE_OPENS + [429] * 2


def test_a_crowd_of_wrong_pins_on_both_processes_locks_the_share_after_exactly_five(
    replicas: Replicas, owner: RawWallet
) -> None:
    prepared = make_share(owner, [owner.add(b"papers")], pin="2468")

    guesses = [
        opening(prepared.share_id, prepared.open_body(f"{n:04d}"), f"192.0.2.{n + 1}")
        for n in range(16)
    ]

    answers = Counter(replicas.at_once(guesses))

    assert answers == {403: WRONG_PINS - 1, 423: 16 - WRONG_PINS + 1}, answers
    right = replicas.post(0, f"/s/{prepared.share_id}/open", prepared.open_body(), "192.0.2.99")
    assert right.status_code == 423
    share = owner.http.get(f"{API}/shares/{prepared.share_id}").json()
    assert share["state"] == "locked" and share["opens"] == 0


def test_a_crowd_opening_on_both_processes_gets_exactly_max_opens(
    replicas: Replicas, owner: RawWallet
) -> None:
    prepared = make_share(owner, [owner.add(b"papers")], max_opens=3)

    openings = [
        opening(prepared.share_id, prepared.open_body(), f"192.0.2.{n + 101}") for n in range(12)
    ]

    answers = Counter(replicas.at_once(openings))

    assert answers == {200: 3, 410: 9}, answers
    assert owner.http.get(f"{API}/shares/{prepared.share_id}").json()["opens"] == 3


def test_uploads_declared_at_once_on_both_processes_never_pass_the_quota(
    replicas: Replicas,
) -> None:
    with register_raw(replicas.servers[1].url) as wallet:
        sealed = [wallet.seal(random_bytes(DOCUMENT)) for _ in range(10)]
        token = {"Authorization": f"Bearer {wallet.token}"}

        def declare(n: int) -> Callable[[httpx.Client], httpx.Response]:
            body = sealed[n].declaration
            return lambda http: http.post(f"{API}/documents", json=body, headers=token)

        answers = Counter(replicas.at_once([declare(n) for n in range(10)]))

        assert answers == {201: 3, 413: 7}, answers
        assert wallet.used_bytes() == 3 * ciphertext_size(DOCUMENT) <= QUOTA


def test_redis_holds_only_keyed_hashes(replicas: Replicas, owner: RawWallet) -> None:
    stored = b" ".join(keys_under(replicas.redis_prefix))
    assert stored  # the tests above counted there
    for clear in (owner.handle, "203.0.113", "login", "share"):
        assert clear.encode() not in stored
