"""The client's connection when the server is not there: an address where no
server ever answered fails at once with ServerUnreachable (retrying cannot help a
wrong address or a stopped server), while a server that answered before and
goes away, or answers 503 for a moment, is waited for, and the caller is told."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import pytest

from client import http
from client.http import ClientError, Connection, ServerUnreachable


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scripted(connection: Connection, answers: list[Callable[[], httpx.Response]]) -> list[str]:
    """Make `connection` meet `answers` in turn (each returns a response or raises);
    returns the list where its `on_retry` notices land."""
    told: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)()

    connection._http = httpx.Client(
        base_url=connection.server, transport=httpx.MockTransport(handle)
    )
    connection.on_retry = told.append
    return told


def ok() -> httpx.Response:
    return httpx.Response(200, json={"status": "ok"})


def unavailable() -> httpx.Response:
    return httpx.Response(503, json={"error": {"code": "database_unavailable", "message": "…"}})


def refused() -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused")


def test_a_refused_connection_fails_at_once_with_a_clear_message() -> None:
    server = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with Connection(server) as connection, pytest.raises(ServerUnreachable) as stop:
        connection.call("GET", "/api/v1/health")
    assert time.monotonic() - started < 2  # the default wait for a server is 120 s
    assert stop.value.code == "server_unreachable" and stop.value.status == 0
    assert stop.value.message == (
        f"No PDE server answers at {server}: the connection was refused "
        "(is the server running, on this port?)"
    )


def test_a_server_that_takes_the_connection_and_never_answers_is_told_within_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "FIRST_ANSWER_SECONDS", 0.5)
    with socket.socket() as silent:  # the kernel accepts connections; nobody answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        server = f"http://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with Connection(server) as connection, pytest.raises(ServerUnreachable) as stop:
            connection.call("GET", "/api/v1/health")
    assert time.monotonic() - started < 3  # a request may take `timeout` (60 s) later on
    assert stop.value.message.endswith("took the connection but gave no answer within 0.5 s")


def test_an_address_without_http_is_told_so() -> None:
    with Connection("127.0.0.1:8000") as connection, pytest.raises(ServerUnreachable) as stop:
        connection.call("GET", "/api/v1/health")
    assert "must start with http:// or https://" in stop.value.message


def test_a_server_that_answered_and_went_away_is_waited_for_and_the_caller_told() -> None:
    connection = Connection("http://pde.test", retry_seconds=10)
    told = scripted(connection, [ok, refused, refused, ok])
    assert connection.call("GET", "/api/v1/health") == {"status": "ok"}
    assert connection.call("GET", "/api/v1/health") == {"status": "ok"}
    assert told == ["The server stopped answering: trying again for up to 10 s."]


def test_a_server_that_answers_503_for_a_moment_is_waited_for() -> None:
    connection = Connection("http://pde.test", retry_seconds=10)
    told = scripted(connection, [unavailable, unavailable, ok])
    assert connection.call("GET", "/api/v1/health") == {"status": "ok"}
    assert told == ["The server answers 503: trying again for up to 10 s."]


def test_a_server_that_stays_away_past_the_wait_is_server_unreachable() -> None:
    connection = Connection("http://pde.test", retry_seconds=0.5)
    scripted(connection, [ok] + [refused] * 20)
    connection.call("GET", "/api/v1/health")
    with pytest.raises(ServerUnreachable):
        connection.call("GET", "/api/v1/health")


def test_a_web_server_that_is_not_pde_is_told_apart() -> None:
    connection = Connection("http://pde.test")
    scripted(connection, [lambda: httpx.Response(200, text="<html>welcome</html>")])
    with pytest.raises(ClientError) as stop:
        connection.call("GET", "/api/v1/health")
    assert stop.value.code == "not_pde"


def test_an_error_that_is_not_pde_s_says_so_and_names_the_host() -> None:
    connection = Connection("http://pde.test")
    scripted(connection, [lambda: httpx.Response(404, text="")])
    with pytest.raises(ClientError) as stop:
        connection.call("GET", "/api/v1/health")
    assert (stop.value.code, stop.value.status) == ("http_error", 404)
    assert stop.value.message == (
        "pde.test answered 404 Not Found without PDE's error: a proxy, or not PDE"
    )
