"""Errors become `{"error": {"code", "message"}}` here, at the HTTP boundary,
and nowhere else. Nothing unexpected leaks a stack trace."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from wallet.api.observability import REQUEST_ID_KEY
from wallet.api.schemas import ErrorResponse
from wallet.api.security_headers import SECURITY_HEADERS
from wallet.errors import (
    DatabaseUnavailable,
    InvalidRequest,
    NotFound,
    StorageUnavailable,
    WalletError,
)
from wallet.metrics import SERVER_ERRORS
from wallet.storage.base import BlobNotFound, BlobStoreUnavailable

log = logging.getLogger("pde.api")

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


# Details a client may rely on, beside code and message.
PUBLIC_DETAILS = ("attempts_left", "suspension_reason")


def error_response(
    status: int, code: str, message: str, headers: Any = None, **details: object
) -> JSONResponse:
    """The one shape of every API error; a server's failure is counted by its code."""
    if status >= 500:
        SERVER_ERRORS.labels(code).inc()
    body = {"error": {"code": code, "message": message, **details}}
    return JSONResponse(body, status_code=status, headers=headers)


def _from_wallet_error(error: WalletError) -> JSONResponse:
    public = {key: error.details[key] for key in PUBLIC_DETAILS if key in error.details}
    response = error_response(error.status, error.code, error.message, **public)
    if "received" in error.details:
        response.headers["PDE-Upload-Received"] = str(error.details["received"])
    if error.status == 429:
        response.headers["Retry-After"] = "60"
    return response


async def _wallet_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WalletError)
    return _from_wallet_error(error)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    detail = f"{where}: {first.get('msg', 'invalid')}" if where else InvalidRequest.message
    return error_response(422, InvalidRequest.code, detail)


HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def allowed_methods(request: Request) -> str | None:
    """Every method the API description gives the request's path, for `Allow` on a 405
    (Starlette names only those of the path's first route, and a path may have
    several); None for a path the description does not have."""
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods = {method.upper() for method in item if method in HTTP_METHODS}
            return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
    return None


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code
    headers = getattr(error, "headers", None)
    allowed = allowed_methods(request) if error.status_code == 405 else None
    if allowed is not None:
        headers = {**(headers or {}), "Allow": allowed}
    return error_response(error.status_code, code, message, headers)


async def _storage_error(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, BlobNotFound):  # a row without its blob: report, do not crash
        log.error("blob missing for a stored document")
        return _from_wallet_error(NotFound())
    log.error("blob store unavailable: %s", type(error).__name__)
    return _from_wallet_error(StorageUnavailable())


async def _database_error(_: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable: %s", type(error).__name__)
    return _from_wallet_error(DatabaseUnavailable())


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    # Starlette answers this one outside every middleware, the request's own log
    # context included: its id, and the headers, are added here.
    request_id = request.scope.get(REQUEST_ID_KEY)
    log.exception("unexpected error: %s", type(error).__name__, extra={"request_id": request_id})
    headers = SECURITY_HEADERS | {"Cache-Control": "no-store"}
    if request_id:
        headers["X-Request-Id"] = request_id
    message = "Something went wrong on our side. Please try again."
    return error_response(500, "internal_error", message, headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register every translation on `app`."""
    app.add_exception_handler(WalletError, _wallet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(BlobStoreUnavailable, _storage_error)
    app.add_exception_handler(BlobNotFound, _storage_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
    app.add_exception_handler(Exception, _unexpected)


def error_responses(*errors: type[WalletError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route, from the errors it can raise."""
    out: dict[int | str, dict[str, Any]] = {}
    for error in (*errors, InvalidRequest, DatabaseUnavailable):
        entry = out.setdefault(error.status, {"model": ErrorResponse, "description": ""})
        entry["description"] = ", ".join(filter(None, [entry["description"], error.code]))
    return out
