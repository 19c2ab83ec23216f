"""Registration tells nothing more than "this name cannot be had", so that it
cannot be used to learn which names and ids exist: a taken handle, a client-made id
already used, or both, get the same answer; and a refused registration counts
against the address's hourly limit like an accepted one, so names cannot be probed
for free."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.support import API, assert_error, registration_body, unique_handle
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer

REGISTRATIONS_PER_HOUR = 4


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """This module's server: few registrations per address and hour."""
    limits = {"PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": str(REGISTRATIONS_PER_HOUR)}
    with server_on(request.param, tmp_path_factory.mktemp(request.param), limits) as server:
        yield server


def test_a_taken_handle_a_used_id_or_both_get_one_answer_and_count_against_the_limit(
    pde_server: LiveServer,
) -> None:
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        first = registration_body(unique_handle("probe"))
        assert http.post(f"{API}/accounts", json=first).status_code == 201  # 1 of 4
        same_id = registration_body(unique_handle("probe")) | {"account_id": first["account_id"]}
        same_both = dict(first)
        answers = [
            http.post(f"{API}/accounts", json=body)  # 2, 3 and 4 of 4
            for body in (registration_body(first["handle"]), same_id, same_both)
        ]
        bodies = [assert_error(answer, 409, "handle_taken") for answer in answers]
        assert len({answer["message"] for answer in bodies}) == 1

        fresh = http.post(f"{API}/accounts", json=registration_body(unique_handle("probe")))

        assert_error(fresh, 429, "rate_limited")
