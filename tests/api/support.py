"""Helpers of the API tests.

`RawWallet` is a second, independent client: it speaks the HTTP API with
httpx and does its own crypto with `crypto`, so tests can send what PdeClient
never would (a part at the wrong offset, tampered bytes, malformed JSON).
The `stored_*` helpers look, read-only, at what a live server kept in its
database and blob store, to prove what the API cannot show (a deleted blob,
a hashed token)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

import httpx
from sqlalchemy.orm import Session

from crypto import (
    b64u_decode,
    b64u_encode,
    derive_login_keys,
    encrypt_metadata,
    encrypt_stream,
    new_id,
    new_key,
    unwrap_master_key,
    wrap_document_key,
)
from crypto.primitives import random_bytes
from tests.server import LiveServer
from wallet.db import make_engine, session_factory
from wallet.runtime import open_blob_store

API = "/api/v1"
CLI_PASSPHRASE = "command line passphrase"  # the PDE_PASSPHRASE of the `pde` fixture
WRAPPED_KEY_BYTES = 61  # a 32-byte key in an AES-GCM box


@dataclass
class Run:
    """What one `pde` command run in-process did: its exit code, output and errors."""

    code: int
    out: str
    err: str


@dataclass
class WalletCli:
    """`pde client --server … --handle …` of one wallet: `cli("list")` runs
    `pde client … list` through the `pde` fixture."""

    pde: Callable[..., Run]
    server: str
    handle: str

    def __call__(self, *args: str, **options: str | None) -> Run:
        base = ("client", "--server", self.server, "--handle", self.handle)
        return self.pde(*base, *args, **options)


def unique_handle(prefix: str = "api") -> str:
    """A handle no other test (or xdist worker) uses."""
    return f"{prefix}-{secrets.token_hex(5)}"


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, str]:
    """The response is the API's one error shape, with this status and code."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    assert sorted(body["error"]) == ["code", "message"], body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return dict(body["error"])


def registration_body(handle: str, auth_key: bytes | None = None) -> dict[str, str]:
    """A valid POST /accounts body whose keys are random: the server cannot tell,
    and it costs no PBKDF2. Log in again with the same `auth_key`."""
    return {
        "account_id": new_id(),
        "handle": handle,
        "account_salt": b64u_encode(random_bytes(16)),
        "auth_key": b64u_encode(auth_key or random_bytes(32)),
        "recovery_auth": b64u_encode(random_bytes(32)),
        "wrapped_master_key": b64u_encode(random_bytes(WRAPPED_KEY_BYTES)),
        "wrapped_master_key_recovery": b64u_encode(random_bytes(WRAPPED_KEY_BYTES)),
        "deposit_public_key": b64u_encode(random_bytes(32)),
        "wrapped_deposit_private_key": b64u_encode(random_bytes(WRAPPED_KEY_BYTES)),
    }


@dataclass(frozen=True)
class SealedDocument:
    """A document encrypted here: what to declare, and the exact ciphertext to send."""

    document_id: str
    document_key: bytes
    ciphertext: bytes
    declaration: dict[str, Any]

    @property
    def size(self) -> int:
        return len(self.ciphertext)


@dataclass
class RawWallet:
    """A logged-in wallet driven with raw HTTP; `http` carries its bearer token."""

    http: httpx.Client
    account_id: str
    handle: str
    master_key: bytes
    token: str
    auth_key: bytes = b""  # known for wallets made by `register_raw`: log in again with it

    def seal(self, content: bytes, metadata: dict[str, Any] | None = None) -> SealedDocument:
        """Encrypt `content` as PdeClient would, under this wallet's master key."""
        document_id, document_key = new_id(), new_key()
        out = io.BytesIO()
        encrypt_stream(io.BytesIO(content), out, document_key, document_id)
        ciphertext = out.getvalue()
        meta = {"title": "raw", "type": "other", "size": len(content)} | (metadata or {})
        wrapped = wrap_document_key(self.master_key, document_key, self.account_id, document_id)
        box = encrypt_metadata(document_key, meta, self.account_id, document_id)
        declaration = {
            "document_id": document_id,
            "wrapped_key": b64u_encode(wrapped),
            "metadata": b64u_encode(box),
            "size": len(ciphertext),
            "sha256": b64u_encode(sha256(ciphertext).digest()),
        }
        return SealedDocument(document_id, document_key, ciphertext, declaration)

    def declare(self, sealed: SealedDocument, **changes: Any) -> httpx.Response:
        return self.http.post(f"{API}/documents", json=sealed.declaration | changes)

    def put_part(self, document_id: str, offset: int, data: bytes) -> httpx.Response:
        return self.http.put(
            f"{API}/documents/{document_id}/content",
            params={"offset": offset},
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    def complete(self, document_id: str) -> httpx.Response:
        return self.http.post(f"{API}/documents/{document_id}/complete")

    def upload(self, sealed: SealedDocument) -> str:
        """Declare, send in one part and complete; fails the test on any error."""
        assert self.declare(sealed).status_code == 201
        assert self.put_part(sealed.document_id, 0, sealed.ciphertext).status_code == 200
        assert self.complete(sealed.document_id).status_code == 200
        return sealed.document_id

    def add(self, content: bytes) -> SealedDocument:
        """Seal and upload `content`; returns what was sent."""
        sealed = self.seal(content)
        self.upload(sealed)
        return sealed

    def document_ids(self) -> list[str]:
        response = self.http.get(f"{API}/documents")
        assert response.status_code == 200, response.text
        return [item["document_id"] for item in response.json()]

    def used_bytes(self) -> int:
        response = self.http.get(f"{API}/account")
        assert response.status_code == 200, response.text
        return int(response.json()["used_bytes"])

    def content(self, document_id: str) -> bytes:
        response = self.http.get(f"{API}/documents/{document_id}/content")
        assert response.status_code == 200, response.text
        return response.content

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> RawWallet:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _authorized(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {token}"})


def register_raw(url: str, handle: str | None = None) -> RawWallet:
    """A new wallet with random keys, made without PBKDF2 (fast)."""
    handle, auth_key = handle or unique_handle("raw"), random_bytes(32)
    body = registration_body(handle, auth_key)
    response = httpx.post(f"{url}{API}/accounts", json=body, timeout=60)
    assert response.status_code == 201, response.text
    token = response.json()["session_token"]
    client = _authorized(url, token)
    return RawWallet(client, body["account_id"], handle, new_key(), token, auth_key)


def login_again(url: str, wallet: RawWallet) -> RawWallet:
    """Another session on a `register_raw` wallet (no PBKDF2: it knows the auth key)."""
    body = {"handle": wallet.handle, "auth_key": b64u_encode(wallet.auth_key)}
    response = httpx.post(f"{url}{API}/login", json=body, timeout=60)
    assert response.status_code == 200, response.text
    token = response.json()["session_token"]
    return RawWallet(
        _authorized(url, token),
        wallet.account_id,
        wallet.handle,
        wallet.master_key,
        token,
        wallet.auth_key,
    )


def login_raw(url: str, handle: str, passphrase: str) -> RawWallet:
    """A second session on a PdeClient's wallet, with its master key opened here."""
    start = httpx.post(f"{url}{API}/login/start", json={"handle": handle}, timeout=60)
    keys = derive_login_keys(passphrase, b64u_decode(start.json()["account_salt"]))
    response = httpx.post(
        f"{url}{API}/login",
        json={"handle": handle, "auth_key": b64u_encode(keys.auth_key)},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    account = answer["account"]
    master = unwrap_master_key(
        keys.kek, b64u_decode(account["wrapped_master_key"]), account["account_id"]
    )
    token = answer["session_token"]
    return RawWallet(_authorized(url, token), account["account_id"], handle, master, token)


# --- what a live server stored ----------------------------------------------


def is_local(server: LiveServer) -> bool:
    """True for the sqlite-local pairing, whose files tests may look at directly."""
    return "PDE_DATABASE_URL" not in server.env


def stored_keys(server: LiveServer, prefix: str) -> list[str]:
    """Every blob key the server's store holds under `prefix/`."""
    return sorted(open_blob_store(server.settings()).list_keys(prefix))


@contextmanager
def stored_rows(server: LiveServer) -> Iterator[Session]:
    """A read-only look at the server's database."""
    engine = make_engine(server.settings().sqlalchemy_url)
    try:
        with session_factory(engine)() as db:
            yield db
    finally:
        engine.dispose()
