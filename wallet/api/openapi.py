"""The OpenAPI document this server serves at /openapi.json (docs/api.md).

FastAPI derives it from the routes and the schemas (wallet/api/schemas.py);
here it is made to say what this server does, so that a client written from it
alone, and a fuzzer that checks the server against it, find no difference:

- every error has the one shape `ErrorResponse` (FastAPI would document its own
  validation error body, which this server never sends);
- a request body that cannot be read is 400 `bad_request`, and one over its
  route's size limit 413 `request_too_large`, before anything validates it;
- a limit that is a setting says this server's value and names the setting
  (`x-pde-setting`), so the document stays true however the server is set up;
- headers say what they hold (the compartment token is 32 bytes of base64url, a
  range one range of bytes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from crypto.stream import ciphertext_size
from wallet.api.fields import COMPARTMENT_TOKEN_SCHEMA, SETTING_MARK
from wallet.settings import WalletSettings

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}
ERROR_CONTENT = {"application/json": {"schema": ERROR_SCHEMA}}
BODY_ERRORS = {
    "400": "bad_request: the body cannot be read (its bytes are not UTF-8)",
    "413": "request_too_large: the body is over this route's size limit; nothing was read",
}
RANGE_SCHEMA = {
    "type": "string",
    "pattern": r"^bytes=(\d+-\d*|-\d+)$",
    "description": "one byte range of the encrypted stream: `bytes=<first>-<last>`, "
    "`bytes=<first>-` or `bytes=-<suffix length>`; absent: all of it. A range the stream "
    "does not have, or another form, is 416 range_not_satisfiable",
}
HEADER_SCHEMAS = {"PDE-Compartment": COMPARTMENT_TOKEN_SCHEMA, "Range": RANGE_SCHEMA}
# How a setting becomes a bound of the schema: days of a lifetime are seconds,
# a document's size limit (plaintext) is the size of its encrypted stream.
UNITS: dict[str, Callable[[int], int]] = {
    "count": lambda value: value,
    "days": lambda value: value * 86_400,
    "plaintext bytes": ciphertext_size,
}


def install_openapi(app: FastAPI) -> None:
    """Serve FastAPI's document for `app`, described as above with the settings of
    the app's runtime (read when the document is first asked for)."""
    derived = app.openapi

    def served() -> dict[str, Any]:
        if app.openapi_schema is None:
            describe(derived(), app.state.runtime.settings)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = served  # type: ignore[method-assign]


def describe(document: dict[str, Any], settings: WalletSettings) -> None:
    """Make FastAPI's `document` say what the server does (in place)."""
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in item.values():
            _describe_errors(operation)
            _describe_part(operation, settings)
            for parameter in operation.get("parameters", []):
                if parameter["name"] in HEADER_SCHEMAS and parameter["in"] == "header":
                    parameter["schema"] = HEADER_SCHEMAS[parameter["name"]]
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _apply_settings(schemas, settings)


def _describe_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    if "422" in responses:
        invalid = responses["422"]
        invalid["content"] = ERROR_CONTENT
        if invalid.get("description") in ("Validation Error", ""):
            invalid["description"] = "invalid_request"
    if "application/json" not in operation.get("requestBody", {}).get("content", {}):
        return
    for status, text in BODY_ERRORS.items():
        entry = responses.setdefault(status, {"description": "", "content": ERROR_CONTENT})
        entry["description"] = ", ".join(filter(None, [entry["description"], text]))


def _describe_part(operation: dict[str, Any], settings: WalletSettings) -> None:
    """An upload part: bytes of the encrypted stream, 1 to PDE_UPLOAD_PART_MAX_BYTES."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/octet-stream" not in content:
        return
    content["application/octet-stream"]["schema"] = {
        "type": "string",
        "format": "binary",
        "minLength": 1,
        "maxLength": settings.upload_part_max_bytes,
        "x-pde-setting": "PDE_UPLOAD_PART_MAX_BYTES",
        "description": "the bytes of the encrypted stream from `offset` on, at most "
        "PDE_UPLOAD_PART_MAX_BYTES (16 MiB by default; `maxLength` is this server's value). "
        "The part at offset 0 starts with the stream header's `PDEs` 0x01 (FORMAT.md §5.1), "
        "and no part goes past the declared size.",
    }


def _apply_settings(node: Any, settings: WalletSettings) -> None:
    """Replace each SETTING_MARK ({"setting", "unit", "keyword"}) by this server's bound:
    the setting's value, never past the hard bound the schema already states."""
    if isinstance(node, list):
        for item in node:
            _apply_settings(item, settings)
        return
    if not isinstance(node, dict):
        return
    mark = node.pop(SETTING_MARK, None)
    if mark is not None:
        keyword = mark["keyword"]
        value = UNITS[mark["unit"]](int(getattr(settings, mark["setting"])))
        node[keyword] = min(value, node[keyword]) if keyword in node else value
        node["x-pde-setting"] = f"PDE_{mark['setting'].upper()}"
    for child in node.values():
        _apply_settings(child, settings)
