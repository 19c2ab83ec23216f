"""Fuzzing of the OpenAPI schema with Schemathesis (DESIGN.md §5: "nothing
unexpected becomes a 500"). Every operation gets Schemathesis' coverage cases
(edge and invalid values of each field, missing fields and headers, other
methods), then 30 generated requests with valid and invalid data, derandomized
so that a run is repeatable, against a live server on SQLite and the local
folder, with the bearer token of a fresh wallet so that the routes behind the
login are reached too. Half of the requests that name a document, a session
or a share are pointed at a real one of that wallet (a completed document, an
upload in progress, a second session, a share of a document, and that
document on the share's content route, an open deposit link and an upload
declared through it, a deposited file in the inbox), so that they get past
"not found" into the route's own checks.

The only check is `not_a_server_error`: no answer may be a 5xx."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from client import PdeClient
from crypto import b64u_decode, b64u_encode, derive_login_keys, new_id
from pde.app import create_app
from pde.settings import Settings
from tests.conftest import server_on
from tests.server import LiveServer
from wallet.db import migrate

API = "/api/v1"
FUZZ_ENV = {  # the fuzzer's failed logins and its many uploads must not lock the wallet out
    "PDE_LOGIN_ATTEMPTS_PER_CLIENT": "1000000",
    "PDE_LOGIN_ATTEMPTS_PER_HANDLE": "1000000",
    "PDE_WALLET_QUOTA_BYTES": str(1 << 60),
    "PDE_DOCUMENTS_PER_WALLET": "1000000",
    "PDE_SHARES_PER_WALLET": "1000000",
    "PDE_SHARES_PER_HOUR": "1000000",
    "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": "1000000",
    "PDE_DEPOSIT_LINKS_PER_WALLET": "1000000",
    "PDE_DEPOSIT_FILES_PER_LINK": "10000",
    "PDE_DEPOSITS_PER_CLIENT_PER_HOUR": "1000000",
}
PASSPHRASE = "fuzzing passphrase"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on("sqlite-local", tmp_path_factory.mktemp("fuzz"), FUZZ_ENV) as server:
        yield server


@dataclass
class FuzzWallet:
    """A fresh wallet the fuzzer acts as, and real things of it to aim at."""

    http: httpx.Client
    session: requests.Session  # what Schemathesis sends with: one, kept alive
    handle: str
    auth_key: str
    token: str

    def _ok(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code < 300, (response.request.url, response.text)
        return response

    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def new_session(self) -> tuple[str, str]:
        """(token, session id) of a new session of the wallet."""
        answer = self._ok(
            self.http.post(f"{API}/login", json={"handle": self.handle, "auth_key": self.auth_key})
        ).json()
        return answer["session_token"], answer["session_id"]

    def new_upload(self, *, complete: bool) -> str:
        """A document declared and sent (stream-shaped bytes: the server cannot
        tell them from real ciphertext), completed or left in progress."""
        document_id = new_id()
        content = b"PDEs\x01" + os.urandom(155)
        self._ok(
            self.http.post(
                f"{API}/documents",
                headers=self.authorization(),
                json={
                    "document_id": document_id,
                    "wrapped_key": b64u_encode(os.urandom(61)),
                    "metadata": b64u_encode(os.urandom(285)),
                    "size": len(content),
                    "sha256": b64u_encode(hashlib.sha256(content).digest()),
                },
            )
        )
        if complete:
            self._ok(
                self.http.put(
                    f"{API}/documents/{document_id}/content",
                    params={"offset": 0},
                    content=content,
                    headers=self.authorization() | {"Content-Type": "application/octet-stream"},
                )
            )
            self._ok(
                self.http.post(
                    f"{API}/documents/{document_id}/complete", headers=self.authorization()
                )
            )
        return document_id

    def new_share(self) -> tuple[str, str]:
        """(share id, its document id): a share of a new completed document. Its boxes
        are random bytes of the right sizes: the server cannot tell."""
        share_id, document_id = new_id(), self.new_upload(complete=True)
        self._ok(
            self.http.post(
                f"{API}/shares",
                headers=self.authorization(),
                json={
                    "share_id": share_id,
                    "access_hash": b64u_encode(os.urandom(32)),
                    "pin": True,
                    "expires_in": 86400,
                    "max_opens": None,
                    "info": b64u_encode(os.urandom(285)),
                    "owner_record": b64u_encode(os.urandom(285)),
                    "documents": [
                        {
                            "document_id": document_id,
                            "wrapped_key": b64u_encode(os.urandom(61)),
                            "metadata": b64u_encode(os.urandom(285)),
                        }
                    ],
                },
            )
        )
        return share_id, document_id

    def new_deposit_link(self) -> str:
        """An open deposit link of the wallet (its label: random bytes of the right size)."""
        deposit_id = new_id()
        self._ok(
            self.http.post(
                f"{API}/deposit-links",
                headers=self.authorization(),
                json={
                    "deposit_id": deposit_id,
                    "expires_in": 86400,
                    "max_files": 10000,
                    "label": b64u_encode(os.urandom(285)),
                },
            )
        )
        return deposit_id

    def new_deposit(self, deposit_id: str, *, complete: bool) -> str:
        """A file declared through the link with no session, completed (in the inbox)
        or left in progress; its sealed key and metadata are random bytes."""
        document_id = new_id()
        content = b"PDEs\x01" + os.urandom(155)
        base = f"{API}/d/{deposit_id}/documents"
        self._ok(
            self.http.post(
                base,
                json={
                    "document_id": document_id,
                    "sealed_key": b64u_encode(os.urandom(93)),
                    "metadata": b64u_encode(os.urandom(285)),
                    "size": len(content),
                    "sha256": b64u_encode(hashlib.sha256(content).digest()),
                },
            )
        )
        if complete:
            self._ok(
                self.http.put(
                    f"{base}/{document_id}/content",
                    params={"offset": 0},
                    content=content,
                    headers={"Content-Type": "application/octet-stream"},
                )
            )
            self._ok(self.http.post(f"{base}/{document_id}/complete"))
        return document_id


@pytest.fixture(scope="module")
def fuzz_wallet(fuzz_server: LiveServer) -> Iterator[FuzzWallet]:
    with (
        PdeClient(fuzz_server.url, retry_seconds=5) as client,
        httpx.Client(base_url=fuzz_server.url, timeout=30) as http,
    ):
        handle = f"fuzz-{secrets.token_hex(4)}"
        client.register(handle, PASSPHRASE)
        salt = http.post(f"{API}/login/start", json={"handle": handle}).json()["account_salt"]
        auth_key = b64u_encode(derive_login_keys(PASSPHRASE, b64u_decode(salt)).auth_key)
        with requests.Session() as session:
            yield FuzzWallet(http, session, handle, auth_key, str(client._token))


def openapi_of_the_app() -> dict[str, Any]:
    """The schema `create_app` serves. It is built at collection time, so that
    each operation is a test of its own. (Schemathesis' pytest plugin does not
    fit pytest 9.2: `schemathesis.pytest.from_fixture` sets the removed
    `Node._nodeid`, and `@schema.parametrize()` gives every operation the same
    test id. So the tests below call its generation API directly.)"""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder))
        migrate(settings.sqlalchemy_url)
        app = create_app(settings)
        try:
            return app.openapi()
        finally:
            app.state.runtime.engine.dispose()


ID_LENGTH = 22
schemathesis.openapi.format("pde-id", st.binary(min_size=16, max_size=16).map(b64u_encode))
# Upload parts: anything, or bytes that start like an encrypted stream, as a first part must.
schemathesis.openapi.media_type(
    "application/octet-stream",
    st.one_of(st.binary(max_size=64), st.binary(max_size=200).map(lambda rest: b"PDEs\x01" + rest)),
)


def sharpened(node: Any) -> Any:
    """A copy of the schema where each `base64url` field names its own format,
    `base64url:<min bytes>-<max bytes>` (registered here with a strategy that
    makes values of such lengths), and each 22-character id the format
    `pde-id`. Without them almost no generated key, box or id would decode,
    and generated requests would seldom get past validation."""
    if isinstance(node, list):
        return [sharpened(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: sharpened(value) for key, value in node.items()}
    if copy.get("minLength") == copy.get("maxLength") == ID_LENGTH and "format" not in copy:
        copy["format"] = "pde-id"  # 16 bytes: the 22nd character carries 4 zero bits
    if copy.get("format") == "base64url" and "minLength" in copy and "maxLength" in copy:
        low, high = copy["minLength"] * 3 // 4, copy["maxLength"] * 3 // 4
        copy["format"] = f"base64url:{low}-{high}"
        sizes = st.binary(min_size=low, max_size=min(high, low + 64))
        schemathesis.openapi.format(copy["format"], sizes.map(b64u_encode))
    return copy


OPENAPI = openapi_of_the_app()
# Coverage cases come from the schema as served (its boundaries, such as the longest
# metadata box, are quick to make there); generated requests from the sharpened one.
AS_SERVED = schemathesis.openapi.from_dict(OPENAPI)
SHARPENED = schemathesis.openapi.from_dict(sharpened(OPENAPI))
OPERATIONS = [result.ok() for result in AS_SERVED.get_all_operations()]
FUZZING = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
# After a logout that worked, the wallet logs in again. (Erasing the wallet or changing
# its passphrase would end the session too, but only with the handle or the current auth
# key, which the fuzzer cannot guess; the last test checks that the session survived.)
LOGOUT = "POST /api/v1/logout"


def _aim_at_real_things(case: schemathesis.Case, wallet: FuzzWallet) -> None:
    """Point half of the generated ids (deterministically) at real ones of the wallet."""
    parameters = case.path_parameters or {}
    generated = parameters.get("share_id")
    if generated is not None and not hashlib.sha256(repr(generated).encode()).digest()[0] % 2:
        parameters["share_id"], shared_document = wallet.new_share()
        if "document_id" in parameters:  # the share's content route: its own document
            parameters["document_id"] = shared_document
        return
    in_progress = case.path.endswith(("/upload", "/complete")) or case.method.upper() == "PUT"
    generated = parameters.get("deposit_id")
    if generated is not None and not hashlib.sha256(repr(generated).encode()).digest()[0] % 2:
        parameters["deposit_id"] = wallet.new_deposit_link()
        if "document_id" in parameters:  # a depositor's upload route: one of the link's
            parameters["document_id"] = wallet.new_deposit(
                parameters["deposit_id"], complete=not in_progress
            )
        return
    for name in ("document_id", "session_id"):
        generated = parameters.get(name)
        if generated is None or hashlib.sha256(repr(generated).encode()).digest()[0] % 2:
            continue
        if name == "session_id":
            parameters[name] = wallet.new_session()[1]
        elif case.path.startswith(f"{API}/inbox/"):  # a deposited file waiting in the inbox
            parameters[name] = wallet.new_deposit(wallet.new_deposit_link(), complete=True)
        else:
            parameters[name] = wallet.new_upload(complete=not in_progress)


def _server_error(case: schemathesis.Case, wallet: FuzzWallet) -> str | None:
    """Send `case` as the wallet; a description of the request if the answer is a 5xx."""
    _aim_at_real_things(case, wallet)
    base_url = str(wallet.http.base_url).rstrip("/")
    try:
        response = case.call_and_validate(
            base_url=base_url,
            session=wallet.session,
            headers=wallet.authorization(),
            checks=[not_a_server_error],
        )
    except (Exception, BaseExceptionGroup) as error:  # a 5xx, or a server that stopped answering
        return f"{case.operation.label}: {error}"  # Schemathesis' message has a curl command
    if case.operation.label == LOGOUT and response.status_code == 204:
        wallet.token = wallet.new_session()[0]
    return None


def _has_inputs(operation: APIOperation) -> bool:
    """Whether anything of the operation can be made invalid."""
    return bool(list(operation.iter_parameters()) or operation.body)


def test_the_fuzzed_schema_is_the_one_the_server_serves(fuzz_server: LiveServer) -> None:
    assert httpx.get(f"{fuzz_server.url}/openapi.json").json() == OPENAPI


def test_the_fuzzer_sees_every_operation_of_the_schema() -> None:
    for schema in (AS_SERVED, SHARPENED):
        assert all(isinstance(result, Ok) for result in schema.get_all_operations())
    labels = {operation.label for operation in OPERATIONS}
    assert len(labels) == sum(len(item) for item in OPENAPI["paths"].values())


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_fuzzed_request_makes_the_server_answer_5xx(
    operation: APIOperation, fuzz_wallet: FuzzWallet
) -> None:
    """Schemathesis' coverage cases for the operation (boundaries and invalid
    values of each field, missing fields and headers, other methods), then 30
    generated requests, with valid and with invalid data. Every request that
    got a 5xx is reported, with a curl command to replay it."""
    failures: list[str] = []
    config = AS_SERVED.config.generation_for(operation=operation)
    for case in AS_SERVED.iter_coverage_cases(
        operation, generation_modes=list(GenerationMode), generation_config=config
    ):
        failures.append(_server_error(case, fuzz_wallet) or "")
    generated = SHARPENED[operation.path][operation.method.upper()]
    modes = list(GenerationMode) if _has_inputs(operation) else [GenerationMode.POSITIVE]

    @FUZZING
    @given(case=st.one_of([generated.as_strategy(generation_mode=mode) for mode in modes]))
    def fuzz(case: schemathesis.Case) -> None:
        failures.append(_server_error(case, fuzz_wallet) or "")

    fuzz()
    assert [failure for failure in failures if failure] == []


class _AlwaysFails(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def test_a_5xx_answer_is_reported_with_the_request_to_replay_it() -> None:
    """Positive control: the check fails on a server that answers 500."""
    broken = ThreadingHTTPServer(("127.0.0.1", 0), _AlwaysFails)
    threading.Thread(target=broken.serve_forever, daemon=True).start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{broken.server_port}") as http:
            wallet = FuzzWallet(http, requests.Session(), "nobody", "", "not-a-token")
            [health] = [op for op in OPERATIONS if op.label == "GET /api/v1/health"]
            failure = _server_error(health.Case(), wallet)
    finally:
        broken.shutdown()
    assert failure is not None and "[500]" in failure and "curl -X GET" in failure, failure


def test_the_fuzzing_wallet_still_works_after_the_fuzzing(fuzz_wallet: FuzzWallet) -> None:
    """Guard: had the fuzzer ended the shared session, it would have fuzzed nothing behind it."""
    answer = fuzz_wallet.http.get(f"{API}/account", headers=fuzz_wallet.authorization())
    assert answer.status_code == 200, answer.text
