"""An unexpected error's log line carries the id of the request that met it, the same
id its 500 answer gives in X-Request-Id, so that a person reporting the problem
points the operator at the traceback. Starlette answers such an error outside every
middleware, after the request middleware has ended."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.log_lines import JsonLines, json_log_lines
from wallet.api.errors import install_error_handlers
from wallet.api.observability import RequestObservability


def failing_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestObservability)
    install_error_handlers(app)

    @app.get("/api/v1/failing/{document_id}")
    def fail(document_id: str) -> None:
        raise RuntimeError("a bug")

    return app


@pytest.fixture
def log() -> Iterator[JsonLines]:
    with json_log_lines() as lines:
        yield lines


def test_the_log_line_of_an_unexpected_500_carries_the_answer_s_request_id(
    log: JsonLines,
) -> None:
    with TestClient(failing_app(), raise_server_exceptions=False) as client:
        answers = [client.get(f"/api/v1/failing/doc-{n}") for n in range(2)]

    assert [a.status_code for a in answers] == [500, 500]
    ids = [a.headers["X-Request-Id"] for a in answers]
    assert len(set(ids)) == 2
    errors = log.of("pde.api")
    assert [line["message"] for line in errors] == ["unexpected error: RuntimeError"] * 2
    assert [line["request_id"] for line in errors] == ids
    assert all("RuntimeError: a bug" in str(line["traceback"]) for line in errors)
    # The request's own line says the same id, with the route's template, never the path.
    requests = log.of("pde.request")
    assert [(line["request_id"], line["status"]) for line in requests] == [(i, 500) for i in ids]
    assert {line["route"] for line in requests} == {"/api/v1/failing/{document_id}"}


def test_a_log_line_outside_any_request_has_no_request_id(log: JsonLines) -> None:
    with TestClient(failing_app(), raise_server_exceptions=False) as client:
        client.get("/api/v1/failing/x")
    logging.getLogger("pde.maintenance").info("after the request")
    [after] = log.of("pde.maintenance")
    assert "request_id" not in after
