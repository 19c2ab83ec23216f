"""Whose address a limit counts: X-Forwarded-For is believed only from the proxies
an operator names in PDE_TRUSTED_PROXIES. By default every limit counts the peer's
own address, so a client cannot pick a fresh address per request by writing the
header itself. The test servers run with `pde serve`'s uvicorn options
(pde.cli.serve_options)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api.support import API, registration_body, unique_handle
from tests.server import live_server

LIMIT = {"PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": "2"}


def register_from(server_url: str, addresses: list[str]) -> list[int]:
    with httpx.Client(base_url=server_url, timeout=60) as http:
        return [
            http.post(
                f"{API}/accounts",
                json=registration_body(unique_handle("xff")),
                headers={"X-Forwarded-For": address},
            ).status_code
            for address in addresses
        ]


ADDRESSES = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]


def test_a_forwarded_address_is_not_believed_by_default(tmp_path: Path) -> None:
    with live_server(tmp_path, LIMIT) as server:
        assert register_from(server.url, ADDRESSES) == [201, 201, 429]


@pytest.mark.parametrize("trusted", ["127.0.0.1", "*"])
def test_a_named_proxy_s_forwarded_address_is_counted(tmp_path: Path, trusted: str) -> None:
    with live_server(tmp_path, LIMIT | {"PDE_TRUSTED_PROXIES": trusted}) as server:
        assert register_from(server.url, ADDRESSES) == [201, 201, 201]
        assert register_from(server.url, [ADDRESSES[0]] * 2) == [201, 429]  # its 2nd, its 3rd
