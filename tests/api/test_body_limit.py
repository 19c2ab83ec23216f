"""Request bodies over their limit are refused before anything parses them (a 30 MB
body to /login/start was once parsed whole): 413 `request_too_large`, whether the
length is declared or the body just keeps coming; a document's metadata box, up to
its 64 KiB bucket, still fits where the API takes one; ciphertext parts keep their
own limit."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.support import API, RawWallet, assert_error, unique_handle
from tests.server import LiveServer
from wallet.api.body_limit import DEFAULT_LIMIT, METADATA_LIMIT, WALLET_BODY_RULES, BodyLimit


def test_each_route_has_the_limit_of_what_it_carries() -> None:
    limits = BodyLimit(None, WALLET_BODY_RULES)  # type: ignore[arg-type]
    assert limits.limit_for("POST", "/api/v1/login/start") == DEFAULT_LIMIT
    assert limits.limit_for("POST", "/api/v1/documents") == METADATA_LIMIT
    assert limits.limit_for("PATCH", "/api/v1/documents/AAAAAAAAAAAAAAAAAAAAAA") == METADATA_LIMIT
    assert limits.limit_for("PUT", "/api/v1/documents/AAAAAAAAAAAAAAAAAAAAAA/content") is None
    assert limits.limit_for("POST", "/api/v1/documents/A/content/x") == DEFAULT_LIMIT
    assert limits.limit_for("PUT", "/api/v1/documents/A/content") is None


def test_a_huge_declared_body_is_refused_before_it_is_read(pde_server: LiveServer) -> None:
    thirty_mb = b'{"handle": "' + b"x" * (30 << 20) + b'"}'
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        response = http.post(
            f"{API}/login/start", content=thirty_mb, headers={"Content-Type": "application/json"}
        )
    assert_error(response, 413, "request_too_large")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_body_without_a_length_is_refused_once_it_passes_the_limit(
    pde_server: LiveServer,
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"handle": "'
        for _ in range(100):
            yield b"y" * 1024  # 100 KiB in all, over the 64 KiB of this route
        yield b'"}'

    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        response = http.post(
            f"{API}/login/start", content=chunks(), headers={"Content-Type": "application/json"}
        )
        small = http.post(f"{API}/login/start", json={"handle": unique_handle()})
    assert_error(response, 413, "request_too_large")
    assert small.status_code == 200  # a body under the limit, streamed the same way, passes


@pytest.mark.parametrize("note_bytes", [40_000, 60_000])
def test_a_document_with_the_largest_metadata_box_is_still_declared(
    raw_wallet: RawWallet, note_bytes: int
) -> None:
    sealed = raw_wallet.seal(b"content", {"note": "n" * note_bytes})
    assert len(str(sealed.declaration)) > DEFAULT_LIMIT  # over the small limit…
    response = raw_wallet.declare(sealed)
    assert response.status_code == 201, response.text  # …but this route takes a metadata box
