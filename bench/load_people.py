"""The simulated people of bench/load.py: their wallets and the shares they open,
made before the clock starts, and their visits (log in, list, upload, download,
open a share, log out), each request timed and every failure counted by its
status and the API's error code. A request that finds its idle keep-alive
connection closed is sent again once, as browsers do, and counted apart."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import secrets
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from client import PdeClient
from client.shares import create_share, shown_proofs
from crypto import (
    b64u_encode,
    derive_login_keys,
    derive_share_keys,
    encrypt_metadata,
    encrypt_stream,
    new_id,
    new_key,
    parse_share_link,
    wrap_document_key,
)
from crypto.keys import ACCOUNT_SALT_BYTES, LoginKeys
from crypto.primitives import random_bytes

API = "/api/v1"
PASSPHRASE = "a long enough passphrase for the load run"
SHARES = 5
FILE_BYTES = (8 << 10, 64 << 10)  # plaintext size of each upload, drawn between these
# uvicorn closes a keep-alive connection idle for 5 s; a request sent just then finds it
# closed without an answer, and a browser sends it again on a new connection.
CLOSED_WHILE_IDLE = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)
IDLE_RACE_SECONDS = 4.0


# --- Before the clock starts ---------------------------------------------------------


@dataclass
class Person:
    """One simulated person: a wallet, its keys, and the address it comes from."""

    number: int
    handle: str
    account_id: str
    master_key: bytes
    address: str


@dataclass(frozen=True)
class OpenableShare:
    """A share a person may open as a viewer: its id and the body proving the link."""

    share_id: str
    proofs: dict[str, str]


class ForwardedClient(PdeClient):
    """The Python client, as seen by the server from `address` (X-Forwarded-For)."""

    def __init__(self, server: str, address: str) -> None:
        super().__init__(server)
        self.address = address

    def _headers(self) -> dict[str, str]:
        return super()._headers() | {"X-Forwarded-For": self.address}


def address_of(number: int) -> str:
    """A private address of its own per person: 10.x.y.z."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def register(base_url: str, number: int, salt: bytes, login: LoginKeys) -> tuple[Person, str]:
    """A new wallet with one document; the person, and that document's id."""
    address = address_of(number + 1)
    with ForwardedClient(base_url, address) as wallet:
        wallet.register_with_keys(f"load-{number}-{secrets.token_hex(3)}", salt, login)
        document_id = wallet.add(io.BytesIO(random_bytes(FILE_BYTES[0])), title="first")
        account_id, master_key = wallet.master_keys()
        return Person(number, str(wallet.handle), account_id, master_key, address), document_id


def share_of(base_url: str, person: Person, document_id: str) -> OpenableShare:
    """A share of the person's first document, without a PIN, opened as many times as wished."""
    with ForwardedClient(base_url, person.address) as wallet:
        wallet.login(person.handle, PASSPHRASE)
        link = create_share(wallet, [document_id], recipient="CPAS", purpose="load").link
    _, share_id, secret = parse_share_link(link)
    return OpenableShare(share_id, shown_proofs(derive_share_keys(secret, share_id, "")))


def prepare(base_url: str, users: int) -> tuple[list[Person], list[OpenableShare], LoginKeys]:
    """`users` wallets (login keys derived once, shared by all) and a few shares."""
    salt = random_bytes(ACCOUNT_SALT_BYTES)
    login = derive_login_keys(PASSPHRASE, salt)
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda n: register(base_url, n, salt, login), range(users)))
        shares = list(pool.map(lambda pair: share_of(base_url, *pair), made[:SHARES]))
    return [person for person, _ in made], shares, login


# --- The people ----------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies by operation and failures by operation and status, counted from
    `since` (the end of the warm-up) on."""

    since: float = float("inf")
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    resent: Counter[str] = field(default_factory=Counter)  # by operation

    def record(self, operation: str, started: float, outcome: str | None) -> None:
        if started < self.since:
            return
        if outcome is None:
            self.times[operation].append(time.perf_counter() - started)
        else:
            self.failures[(operation, outcome)] += 1


def error_of(response: httpx.Response) -> str:
    """The status and the API's error code: "503 limits_unavailable"."""
    try:
        return f"{response.status_code} {response.json()['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return str(response.status_code)


class Failed(Exception):
    """A request failed; the person gives up this visit and starts another."""


@dataclass
class Visit:
    """One person's HTTP connection and what each of their requests needs. With
    `store` (direct transfers) content goes to and from the object store on the
    presigned URLs the server gives, through that client, with no header of ours."""

    person: Person
    http: httpx.AsyncClient
    tally: Tally
    login: LoginKeys
    store: httpx.AsyncClient | None = None
    token: str = ""
    answered: dict[int, float] = field(default_factory=dict)  # last answer, by client

    async def request(
        self, operation: str, method: str, path: str, **options: Any
    ) -> httpx.Response:
        """One timed request to the server; Failed unless it succeeded."""
        headers = {"X-Forwarded-For": self.person.address} | options.pop("headers", {})
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return await self.timed(operation, self.http, method, path, headers=headers, **options)

    async def timed(
        self, operation: str, http: httpx.AsyncClient, method: str, url: str, **options: Any
    ) -> httpx.Response:
        """One timed request with `http`; Failed unless it succeeded. A request that
        finds its idle keep-alive connection closed is sent again once, as browsers do."""
        started = time.perf_counter()
        idle = started - self.answered.get(id(http), started)
        try:
            try:
                response = await http.request(method, url, **options)
            except CLOSED_WHILE_IDLE:
                if idle < IDLE_RACE_SECONDS:
                    raise
                self.tally.resent[operation] += started >= self.tally.since
                response = await http.request(method, url, **options)
        except httpx.HTTPError as error:
            outcome = f"dropped ({type(error).__name__}, after {idle:.0f} s idle)"
            self.tally.record(operation, started, outcome)
            raise Failed(operation) from None
        self.answered[id(http)] = time.perf_counter()
        failed = response.status_code >= 400
        self.tally.record(operation, started, error_of(response) if failed else None)
        if failed:
            raise Failed(operation)
        return response

    async def log_in(self) -> None:
        handle = self.person.handle
        await self.request("login start", "POST", f"{API}/login/start", json={"handle": handle})
        body = {"handle": handle, "auth_key": b64u_encode(self.login.auth_key)}
        answer = await self.request("login", "POST", f"{API}/login", json=body)
        self.token = answer.json()["session_token"]

    async def list_documents(self) -> list[str]:
        answer = await self.request("list", "GET", f"{API}/documents")
        return [item["document_id"] for item in answer.json()]

    async def upload(self) -> None:
        declared, ciphertext = sealed_upload(self.person)
        path = f"{API}/documents/{declared['document_id']}"
        await self.request("upload declare", "POST", f"{API}/documents", json=declared)
        if self.store is None:
            await self.request(
                "upload part",
                "PUT",
                f"{path}/content",
                params={"offset": 0},
                content=ciphertext,
                headers={"Content-Type": "application/octet-stream"},
            )
        else:
            await self.put_direct(path, ciphertext)
        await self.request("upload complete", "POST", f"{path}/complete")

    async def put_direct(self, path: str, ciphertext: bytes) -> None:
        """The one part of a small file: its presigned URL, put on the store, acknowledged."""
        assert self.store is not None
        digest = b64u_encode(hashlib.sha256(ciphertext).digest())
        part = {"offset": 0, "length": len(ciphertext), "sha256": digest}
        presigned = await self.request("upload part url", "POST", f"{path}/upload/parts", json=part)
        target = presigned.json()
        await self.timed(
            "store put",
            self.store,
            "PUT",
            target["url"],
            content=ciphertext,
            headers=target["headers"],
        )
        await self.request(
            "upload part ack", "POST", f"{path}/upload/parts/ack", json={"offset": 0}
        )

    async def fetch(self, operation: str, path: str, headers: dict[str, str]) -> None:
        """A ciphertext: from the server at `path`, or (direct) from the store on the
        URL of `path`-url."""
        if self.store is None:
            await self.request(operation, "GET", path, headers=headers)
            return
        answer = await self.request(f"{operation} url", "GET", f"{path}-url", headers=headers)
        await self.timed("store get", self.store, "GET", answer.json()["url"])

    async def download(self, document_id: str) -> None:
        await self.fetch("download", f"{API}/documents/{document_id}/content", {})

    async def open_share(self, share: OpenableShare) -> None:
        path = f"{API}/s/{share.share_id}"
        opened = (
            await self.request("share open", "POST", f"{path}/open", json=share.proofs)
        ).json()
        document_id = opened["documents"][0]["document_id"]
        viewer = {"Authorization": f"Bearer {opened['view_token']}"}
        await self.fetch("share download", f"{path}/documents/{document_id}/content", viewer)

    async def log_out(self) -> None:
        await self.request("logout", "POST", f"{API}/logout")
        self.token = ""


def sealed_upload(person: Person) -> tuple[dict[str, Any], bytes]:
    """A new document's declaration and ciphertext: a few KiB of random content
    encrypted under a fresh key wrapped with the person's master key."""
    document_id, document_key = new_id(), new_key()
    plaintext = random_bytes(random.randint(*FILE_BYTES))
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), sealed, document_key, document_id)
    ciphertext = sealed.getvalue()
    metadata = {"title": "load", "type": "other", "media_type": "image/jpeg"}
    metadata["size"] = len(plaintext)
    wrapped = wrap_document_key(person.master_key, document_key, person.account_id, document_id)
    box = encrypt_metadata(document_key, metadata, person.account_id, document_id)
    declared = {
        "document_id": document_id,
        "wrapped_key": b64u_encode(wrapped),
        "metadata": b64u_encode(box),
        "size": len(ciphertext),
        "sha256": b64u_encode(hashlib.sha256(ciphertext).digest()),
    }
    return declared, ciphertext


async def live(
    visit: Visit, shares: list[OpenableShare], think: tuple[float, float], end: float
) -> None:
    """Visits until `end`: log in, list, upload, download one, open a share, log out,
    thinking between actions; a failed request ends the visit."""

    async def think_a_while() -> None:
        await asyncio.sleep(min(random.uniform(*think), max(0.0, end - time.perf_counter())))

    async def pause() -> None:
        await think_a_while()
        if time.perf_counter() >= end:
            raise Failed("time is up")

    while time.perf_counter() < end:
        try:
            await visit.log_in()
            await pause()
            documents = await visit.list_documents()
            await pause()
            await visit.upload()
            await pause()
            await visit.download(random.choice(documents))
            await pause()
            await visit.open_share(random.choice(shares))
            await pause()
            await visit.log_out()
            await pause()
        except Failed:
            visit.token = ""
            await think_a_while()
