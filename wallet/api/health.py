"""Is this process alive, and can it serve? `/health` (liveness) answers as long
as the process serves requests; `/ready` (readiness) also reaches every part a
request needs: the database, the object store, and Redis when limits are shared.
Neither names a host, a URL or an error's text: only which part failed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from wallet.api.deps import RuntimeDep
from wallet.api.errors import error_response, error_responses
from wallet.errors import NotReady
from wallet.runtime import Runtime

log = logging.getLogger("pde.api")

router = APIRouter(prefix="/api/v1", tags=["health"])

Check = Literal["ok", "unavailable"]


class HealthResponse(BaseModel):
    status: Literal["ok"]


class ReadyResponse(BaseModel):
    status: Literal["ready"]
    checks: dict[str, Check]


def _database(runtime: Runtime) -> None:
    with runtime.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


PARTS: dict[str, Callable[[Runtime], None]] = {
    "database": _database,
    "object_store": lambda runtime: runtime.blobs.check_health(),
    "limits": lambda runtime: runtime.limiter.check_health(),
}


def check_parts(runtime: Runtime) -> dict[str, Check]:
    """Each part's state; a failure is logged by its kind, never with its text."""
    checks: dict[str, Check] = {}
    for name, check in PARTS.items():
        try:
            check(runtime)
            checks[name] = "ok"
        except Exception as error:  # any failure means not ready, whatever its kind
            log.error("not ready: %s failed (%s)", name, type(error).__name__)
            checks[name] = "unavailable"
    return checks


@router.get("/health", response_model=HealthResponse)
def health() -> HealthResponse:
    """Liveness: answers as long as the process serves requests."""
    return HealthResponse(status="ok")


@router.get("/ready", response_model=ReadyResponse, responses=error_responses(NotReady))
def ready(runtime: RuntimeDep) -> ReadyResponse | JSONResponse:
    """Readiness: the database, the object store and the shared limits (Redis) all
    answer; otherwise 503 `not_ready`, naming in `checks` the parts that failed."""
    checks = check_parts(runtime)
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        message = f"Not ready: {', '.join(failed)} cannot be reached."
        return error_response(NotReady.status, NotReady.code, message, checks=checks)
    return ReadyResponse(status="ready", checks=checks)
