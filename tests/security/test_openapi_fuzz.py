"""Fuzzing of the OpenAPI schema with Schemathesis: nothing unexpected becomes
a 500, and the server answers as its schema says. Every operation gets Schemathesis' coverage cases
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

Every answer goes through Schemathesis' checks of the server against the
schema (CHECKS): no 5xx, only documented statuses, content types, headers and
bodies, valid data accepted and invalid data refused, 405 with the right
`Allow` for other methods. Schemathesis counts 413 as a refusal too (the
server refuses a body over the route's limit before reading it: a long
invalid string of escaped characters can be one), and 416 as the right
answer to a well-formed range the file does not have; the upload parts it
sends are what a client sends (stream bytes, within the declared size),
since no JSON schema can say "the part at offset 0 starts with the stream
header"."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import threading
from collections.abc import Iterator
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
from schemathesis.checks import (
    allow_header_conformance,
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok

from client import PdeClient
from crypto import b64u_decode, b64u_encode, derive_login_keys, new_id
from crypto.links import is_valid_id
from pde.app import create_app
from tests.conftest import FAST_ENV, server_on
from tests.security.fuzz_wallet import API, FuzzWallet
from tests.server import LiveServer, settings_of
from wallet.db import migrate

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
    """The schema `create_app` serves with the fuzzing server's settings (its limits
    are that server's). It is built at collection time, so that
    each operation is a test of its own. (Schemathesis' pytest plugin does not
    fit pytest 9.2: `schemathesis.pytest.from_fixture` sets the removed
    `Node._nodeid`, and `@schema.parametrize()` gives every operation the same
    test id. So the tests below call its generation API directly.)"""
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_of(Path(folder), FAST_ENV | FUZZ_ENV)
        migrate(settings.sqlalchemy_url)
        app = create_app(settings)
        try:
            return app.openapi()
        finally:
            app.state.runtime.engine.dispose()


ID_LENGTH = 22
schemathesis.openapi.format("pde-id", st.binary(min_size=16, max_size=16).map(b64u_encode))
# Upload parts as a client sends them: bytes that start like an encrypted stream, as a
# first part must, never past the 160 bytes that the fuzzer's real uploads declare.
schemathesis.openapi.media_type(
    "application/octet-stream", st.binary(max_size=150).map(lambda rest: b"PDEs\x01" + rest)
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
    if copy.get("minLength") == copy.get("maxLength") == ID_LENGTH:
        copy["format"] = "pde-id"  # 16 bytes: the 22nd character carries 4 zero bits
        copy.pop("pattern", None)  # the format's values match it, and are quicker to make
    elif copy.get("format") == "base64url" and "minLength" in copy and "maxLength" in copy:
        low, high = copy["minLength"] * 3 // 4, copy["maxLength"] * 3 // 4
        copy["format"] = f"base64url:{low}-{high}"
        copy.pop("pattern", None)
        sizes = st.binary(min_size=low, max_size=min(high, low + 64))
        schemathesis.openapi.format(copy["format"], sizes.map(b64u_encode))
    return copy


OPENAPI = openapi_of_the_app()
# Coverage cases come from the schema as served (its boundaries, such as the longest
# metadata box, are quick to make there), except COVERED_SHARPENED's (below); generated
# requests from the sharpened one.
# 413 is a refusal too: the server reads no body over its route's limit (docs/api.md);
# so is 416 for a Range header of another form.
REFUSALS = [400, 401, 403, 404, 405, 406, 409, 413, 415, 416, 422, 428, 429]
# A download's range is well formed and yet beyond the file (the schema cannot know its
# size): 416 is then the right answer, as 404 is for an id that exists nowhere.
ACCEPTANCES = ["2xx", "3xx", 401, 403, 404, 409, 416, 429]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}},
        "operations": [
            {
                "include-name-regex": "^GET .*/content$",
                "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTANCES}},
            }
        ],
    }
)
AS_SERVED = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)
SHARPENED = schemathesis.openapi.from_dict(sharpened(OPENAPI), config=CONFIG)
# Every check of a server against its schema that needs no state between requests.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]
OPERATIONS = [result.ok() for result in AS_SERVED.get_all_operations()]
# PUT /trustees' cross-field rules (an anyOf over the counts, and each share number `x`
# at most once) leave Schemathesis no valid body to vary in the schema as served: its
# coverage cases there were only the counts' 56, made in 23 s of CPU. The sharpened
# schema's are those and every field's boundaries, 172 cases, made in 4 s.
COVERED_SHARPENED = {f"PUT {API}/trustees"}
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


def _aimed(generated: object) -> bool:
    """Whether to point a generated id at a real thing: half of the well-formed ones
    (deterministically). A malformed one stays: it is what an invalid case is about."""
    well_formed = isinstance(generated, str) and is_valid_id(generated)
    return well_formed and not hashlib.sha256(repr(generated).encode()).digest()[0] % 2


def _aim_at_real_things(case: schemathesis.Case, wallet: FuzzWallet) -> None:
    """Point half of the generated ids at real ones of the wallet."""
    parameters = case.path_parameters or {}
    if _aimed(parameters.get("share_id")):
        parameters["share_id"], shared_document = wallet.new_share()
        if "document_id" in parameters:  # the share's content route: its own document
            parameters["document_id"] = shared_document
        return
    in_progress = case.path.endswith(("/upload", "/complete")) or case.method.upper() == "PUT"
    if _aimed(parameters.get("deposit_id")):
        parameters["deposit_id"] = wallet.new_deposit_link()
        if "document_id" in parameters:  # a depositor's upload route: one of the link's
            parameters["document_id"] = wallet.new_deposit(
                parameters["deposit_id"], complete=not in_progress
            )
        return
    if (
        "session_id" in parameters
        and not hashlib.sha256(repr(parameters["session_id"]).encode()).digest()[0] % 2
    ):
        parameters["session_id"] = wallet.new_session()[1]
    if not _aimed(parameters.get("document_id")):
        return
    if case.path.startswith(f"{API}/inbox/"):  # a deposited file waiting in the inbox
        parameters["document_id"] = wallet.new_deposit(wallet.new_deposit_link(), complete=True)
    else:
        parameters["document_id"] = wallet.new_upload(complete=not in_progress)


def _distinct_shared_documents(case: schemathesis.Case) -> None:
    """A share's documents differ, which no JSON schema can say of its items' ids (the
    description says it in words): when a well-formed id is drawn twice, all are drawn again."""
    documents = case.body.get("documents") if isinstance(case.body, dict) else None
    if case.operation.label != f"POST {API}/shares" or not isinstance(documents, list):
        return
    ids = [item.get("document_id") if isinstance(item, dict) else None for item in documents]
    if all(isinstance(i, str) and is_valid_id(i) for i in ids) and len(set(ids)) < len(ids):
        for item in documents:
            item["document_id"] = new_id()


def _mismatch(case: schemathesis.Case, wallet: FuzzWallet) -> str | None:
    """Send `case` as the wallet; a description of the request if the answer is a 5xx
    or is not what the schema says."""
    _aim_at_real_things(case, wallet)
    _distinct_shared_documents(case)
    base_url = str(wallet.http.base_url).rstrip("/")
    try:
        response = case.call_and_validate(
            base_url=base_url,
            session=wallet.session,
            headers=wallet.authorization(),
            checks=CHECKS,
        )
    except (Exception, BaseExceptionGroup) as error:  # a failed check, or no answer at all
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
def test_the_server_answers_every_fuzzed_request_as_its_schema_says(
    operation: APIOperation, fuzz_wallet: FuzzWallet
) -> None:
    """Schemathesis' coverage cases for the operation (boundaries and invalid
    values of each field, missing fields and headers, other methods), then 30
    generated requests, with valid and with invalid data. Every request that
    got a 5xx or an answer the schema does not describe (a schema mismatch) is
    reported, with a curl command to replay it."""
    failures: list[str] = []
    generated = SHARPENED[operation.path][operation.method.upper()]
    covered = generated if operation.label in COVERED_SHARPENED else operation
    schema = SHARPENED if operation.label in COVERED_SHARPENED else AS_SERVED
    config = schema.config.generation_for(operation=covered)
    for case in schema.iter_coverage_cases(
        covered, generation_modes=list(GenerationMode), generation_config=config
    ):
        failures.append(_mismatch(case, fuzz_wallet) or "")
    modes = list(GenerationMode) if _has_inputs(operation) else [GenerationMode.POSITIVE]

    @FUZZING
    @given(case=st.one_of([generated.as_strategy(generation_mode=mode) for mode in modes]))
    def fuzz(case: schemathesis.Case) -> None:
        failures.append(_mismatch(case, fuzz_wallet) or "")

    fuzz()
    failed = [failure for failure in failures if failure]
    assert not failed, "\n\n".join(failed)


class _AlwaysFails(BaseHTTPRequestHandler):
    status, body = 500, b""

    def do_GET(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.mark.parametrize(
    ("status", "body", "reported"),
    [(500, b"", "[500]"), (200, b"ok", "Undocumented Content-Type"), (418, b"", "[418]")],
    ids=["5xx", "undocumented-content-type", "undocumented-status"],
)
def test_a_bad_answer_is_reported_with_the_request_to_replay_it(
    status: int, body: bytes, reported: str
) -> None:
    """Positive control: the checks fail on a server that answers 500, or answers
    otherwise than the schema says."""
    handler = type("Answers", (_AlwaysFails,), {"status": status, "body": body})
    broken = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=broken.serve_forever, daemon=True).start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{broken.server_port}") as http:
            wallet = FuzzWallet(http, requests.Session(), "nobody", "", "not-a-token")
            [health] = [op for op in OPERATIONS if op.label == "GET /api/v1/health"]
            failure = _mismatch(health.Case(), wallet)
    finally:
        broken.shutdown()
    assert failure is not None and reported in failure and "curl -X GET" in failure, failure


def test_the_fuzzing_wallet_still_works_after_the_fuzzing(fuzz_wallet: FuzzWallet) -> None:
    """Guard: had the fuzzer ended the shared session, it would have fuzzed nothing behind it."""
    answer = fuzz_wallet.http.get(f"{API}/account", headers=fuzz_wallet.authorization())
    assert answer.status_code == 200, answer.text
