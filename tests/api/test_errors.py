"""Bad input never becomes a 500: malformed JSON, wrong types, unknown fields,
bad base64url, ids of the wrong length, missing or forged sessions all get the
one error shape `{"error": {"code", "message"}}` with a stable code, and every
response, error or not, carries the security headers of docs/design.md §5."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

import crypto
from crypto import b64u_encode, new_id
from crypto.primitives import random_bytes
from crypto.share import is_valid_id
from pde.app import create_app
from pde.settings import Settings
from tests.api.support import API, RawWallet, assert_error, register_raw, registration_body
from tests.server import LiveServer
from wallet.db import migrate

KEY = b64u_encode(random_bytes(32))
STANDARD_BASE64 = base64.b64encode(bytes(range(224, 256))).decode().rstrip("=")  # has + and /
NO_SUCH_ID = "NoSuchDocumentIdHere0A"  # fixed: test ids must match across xdist workers


assert is_valid_id(NO_SUCH_ID)


def request_with(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    return {"method": method, "url": f"{API}{path}", **kwargs}


ANONYMOUS_BAD_REQUESTS = {
    "malformed-json": request_with(
        "POST", "/login/start", content=b'{"handle": ', headers={"Content-Type": "application/json"}
    ),
    "not-json-content-type": request_with(
        "POST", "/login/start", content=b'{"handle": "abc"}', headers={"Content-Type": "text/plain"}
    ),
    "empty-body": request_with("POST", "/login/start"),
    "array-not-object": request_with("POST", "/login/start", json=["abc"]),
    "number-for-handle": request_with("POST", "/login/start", json={"handle": 123}),
    "null-for-handle": request_with("POST", "/login/start", json={"handle": None}),
    "unknown-field": request_with("POST", "/login/start", json={"handle": "abc", "admin": True}),
    "missing-field": request_with("POST", "/login", json={"handle": "abc"}),
    "not-base64url": request_with(
        "POST", "/login", json={"handle": "abc", "auth_key": "not base64url!"}
    ),
    "padded-base64url": request_with(
        "POST", "/login", json={"handle": "abc", "auth_key": KEY + "="}
    ),
    "standard-base64": request_with(
        "POST", "/login", json={"handle": "abc", "auth_key": STANDARD_BASE64}
    ),
    "key-one-byte-short": request_with(
        "POST", "/login", json={"handle": "abc", "auth_key": b64u_encode(random_bytes(31))}
    ),
    "number-for-key": request_with("POST", "/login", json={"handle": "abc", "auth_key": 42}),
    "account-id-too-short": request_with(
        "POST", "/accounts", json=registration_body("abcde") | {"account_id": "abc"}
    ),
    "account-id-not-base64url": request_with(
        "POST", "/accounts", json=registration_body("abcde") | {"account_id": "!" * 22}
    ),
    "register-unknown-field": request_with(
        "POST", "/accounts", json=registration_body("abcde") | {"email": "x@example.org"}
    ),
    "recovery-bad-key": request_with(
        "POST", "/login/recovery", json={"handle": "abc", "recovery_auth": "***"}
    ),
}


def declaration(**changes: Any) -> dict[str, Any]:
    return {
        "document_id": new_id(),
        "wrapped_key": b64u_encode(random_bytes(61)),
        "metadata": b64u_encode(random_bytes(512)),
        "size": 1000,
        "sha256": b64u_encode(random_bytes(32)),
    } | changes


WALLET_BAD_REQUESTS = {
    "id-too-short": request_with("GET", "/documents/abc"),
    "id-too-long": request_with("GET", f"/documents/{NO_SUCH_ID}A"),
    "id-bad-characters": request_with("GET", f"/documents/{'!' * 22}"),
    "delete-id-too-short": request_with("DELETE", "/documents/abc"),
    "content-id-too-short": request_with("GET", "/documents/abc/content"),
    "offset-missing": request_with("PUT", f"/documents/{NO_SUCH_ID}/content", content=b"PDEs"),
    "offset-negative": request_with(
        "PUT", f"/documents/{NO_SUCH_ID}/content", params={"offset": -1}, content=b"PDEs"
    ),
    "offset-not-a-number": request_with(
        "PUT", f"/documents/{NO_SUCH_ID}/content", params={"offset": "ten"}, content=b"PDEs"
    ),
    "offset-huge": request_with(
        "PUT", f"/documents/{NO_SUCH_ID}/content", params={"offset": 2**64}, content=b"PDEs"
    ),
    "size-not-a-number": request_with("POST", "/documents", json=declaration(size="big")),
    "size-fractional": request_with("POST", "/documents", json=declaration(size=1000.5)),
    "size-huge": request_with("POST", "/documents", json=declaration(size=2**70)),
    "document-id-too-long": request_with(
        "POST", "/documents", json=declaration(document_id=NO_SUCH_ID + "A")
    ),
    "digest-wrong-length": request_with(
        "POST", "/documents", json=declaration(sha256=b64u_encode(random_bytes(20)))
    ),
    "metadata-too-short": request_with(
        "POST", "/documents", json=declaration(metadata=b64u_encode(random_bytes(100)))
    ),
    "metadata-not-base64url": request_with(
        "PATCH", f"/documents/{NO_SUCH_ID}", json={"metadata": "%%%"}
    ),
    "passphrase-wrong-types": request_with(
        "PUT",
        "/account/passphrase",
        json={"account_salt": 1, "auth_key": [], "wrapped_master_key": {}},
    ),
    "erase-without-confirmation": request_with("DELETE", "/account", json={}),
}


@pytest.mark.parametrize(
    "request_args", ANONYMOUS_BAD_REQUESTS.values(), ids=ANONYMOUS_BAD_REQUESTS
)
def test_malformed_requests_get_422_invalid_request_in_the_error_shape(
    http: httpx.Client, request_args: dict[str, Any]
) -> None:
    assert_error(http.request(**request_args), 422, "invalid_request")


@pytest.fixture(scope="module")
def module_wallet(pde_server: LiveServer) -> Iterator[RawWallet]:
    """One wallet for the module's many malformed requests, which change nothing."""
    with register_raw(pde_server.url) as wallet:
        yield wallet


@pytest.mark.parametrize("request_args", WALLET_BAD_REQUESTS.values(), ids=WALLET_BAD_REQUESTS)
def test_malformed_requests_of_a_logged_in_wallet_get_422_invalid_request(
    module_wallet: RawWallet, request_args: dict[str, Any]
) -> None:
    assert_error(module_wallet.http.request(**request_args), 422, "invalid_request")
    assert module_wallet.http.get(f"{API}/account").status_code == 200  # nothing was broken


def test_a_body_that_is_not_utf8_gets_400_bad_request_in_the_error_shape(
    http: httpx.Client,
) -> None:
    garbled = http.post(
        f"{API}/login/start", content=b"\xff\xfe\x00", headers={"Content-Type": "application/json"}
    )
    assert_error(garbled, 400, "bad_request")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer garbage",
        f"Bearer {b64u_encode(random_bytes(32))}",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "garbage",
        "Bearer \u00e9\u00e8",
    ],
    ids=["missing", "garbage", "well-formed-unknown", "empty", "basic", "no-scheme", "latin-1"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/account"),
        ("GET", "/documents"),
        ("GET", "/sessions"),
        ("POST", "/logout"),
        ("GET", "/account/export"),
        ("GET", f"/documents/{NO_SUCH_ID}/content"),
    ],
)
def test_requests_without_a_valid_session_get_401_not_authenticated(
    http: httpx.Client, authorization: str | None, method: str, path: str
) -> None:
    headers = {} if authorization is None else {b"Authorization": authorization.encode("latin-1")}
    assert_error(http.request(method, f"{API}{path}", headers=headers), 401, "not_authenticated")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/account", "/no/such/page"])
def test_an_unknown_route_is_a_json_404(http: httpx.Client, path: str) -> None:
    assert_error(http.get(path), 404, "not_found")


def test_a_known_route_with_the_wrong_method_is_a_json_405(http: httpx.Client) -> None:
    assert_error(http.delete(f"{API}/handles/suggestion"), 405, "method_not_allowed")


def operations(http: httpx.Client) -> Iterator[tuple[str, str]]:
    """Every (method, path template) of the API, the session-ending ones last."""
    spec = http.get("/openapi.json").json()
    found = [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops]
    assert len(found) >= 20
    return iter(sorted(found, key=lambda op: op[1] in {f"{API}/logout", f"{API}/account"}))


def test_no_route_answers_500_to_garbage(http: httpx.Client, raw_wallet: RawWallet) -> None:
    bodies: list[dict[str, Any]] = [
        {"content": b"\x00garbage\xff", "headers": {"Content-Type": "application/json"}},
        {"json": {"unexpected": [1, {"nested": None}], "size": -1}},
        {"json": "a string"},
    ]
    answers = []
    for method, template in operations(http):
        for path_id in ["x", NO_SUCH_ID, "A" * 300]:
            path = template.replace("{document_id}", path_id).replace("{session_id}", path_id)
            for client in (http, raw_wallet.http):
                for body in bodies:
                    response = client.request(method, path, params={"offset": "-"}, **body)
                    answers.append((method, path, response.status_code))
                    assert response.status_code < 500, (method, path, response.text)
                    if response.status_code >= 400:
                        assert set(response.json()["error"]) == {"code", "message"}
    assert {status for *_, status in answers} >= {401, 404, 422}


BROWSER_CRYPTO = min(Path(crypto.__file__).with_name("web").glob("*.js"))
SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def assert_security_headers(response: httpx.Response) -> None:
    """docs/design.md §5's headers; API answers are personal, so never cached."""
    where = (response.request.method, response.request.url.path, response.status_code)
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {d.strip() for d in policy.split(";")}
    assert {"default-src 'self'", "frame-ancestors 'none'"} <= directives, where
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, where
    if response.request.url.path.startswith(API):
        assert "no-store" in response.headers.get("Cache-Control", ""), where


def test_every_response_carries_the_security_headers(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(b"for the headers " * 100)
    content = f"{API}/documents/{sealed.document_id}/content"
    responses = [
        http.get(f"{API}/health"),
        http.get("/"),
        http.get(f"/static/crypto/{BROWSER_CRYPTO.name}"),
        http.get("/static/no-such-file.js"),
        http.get("/nowhere"),
        http.delete(f"{API}/handles/suggestion"),
        http.post(f"{API}/login/start", content=b"{"),
        http.get(f"{API}/account"),
        http.post(f"{API}/accounts", json=registration_body(raw_wallet.handle)),  # 409
        raw_wallet.http.get(f"{API}/documents"),
        raw_wallet.http.get(content),
        raw_wallet.http.get(content, headers={"Range": "bytes=0-9"}),
        raw_wallet.http.get(content, headers={"Range": "bytes=999999-"}),
        raw_wallet.http.get(f"{API}/account/export"),
        raw_wallet.http.post(f"{API}/logout"),
    ]
    assert {r.status_code for r in responses} >= {200, 204, 206, 401, 404, 405, 409, 416, 422}
    for response in responses:
        assert_security_headers(response)


def test_an_unexpected_error_is_a_json_500_that_still_carries_the_security_headers(
    tmp_path: Path,
) -> None:
    """No route fails on purpose, so this one is added to the real application,
    served in-process: an unexpected exception must still get the error shape
    and the headers of every other response."""
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)

    def fail() -> None:
        raise RuntimeError("a bug")

    app.add_api_route(f"{API}/failing-on-purpose", fail)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(f"{API}/failing-on-purpose")
    assert_error(response, 500, "internal_error")
    assert "a bug" not in response.text
    assert_security_headers(response)
