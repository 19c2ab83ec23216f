"""The API description a second client is written from (/openapi.json and
docs/api.md) says what the server does: limits that are settings are this
server's values, every error has the one documented shape, a 405 names every
method of its path, and docs/api.md names every error code and maps the
names of crypto/FORMAT.md to fields that exist."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crypto.stream import ciphertext_size
from pde.app import create_app
from pde.settings import Settings
from wallet.db import migrate
from wallet.errors import WalletError

REPO = Path(__file__).parents[2]
API_MD = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
FORMAT_MD = (REPO / "crypto" / "FORMAT.md").read_text(encoding="utf-8")
DAY = 86_400
LOWERED = {
    "share_max_days": 7,
    "documents_per_share": 3,
    "deposit_max_days": 2,
    "deposit_files_per_link": 5,
    "document_max_bytes": 3 << 20,
    "upload_part_max_bytes": 4096,
}


def served(tmp_path: Path, **settings: Any) -> Iterator[TestClient]:
    configured = Settings(data_dir=tmp_path, **settings)
    migrate(configured.sqlalchemy_url)
    app = create_app(configured)
    try:
        yield TestClient(app)
    finally:
        app.state.runtime.engine.dispose()


@pytest.fixture
def default_server(tmp_path: Path) -> Iterator[TestClient]:
    yield from served(tmp_path)


@pytest.fixture
def lowered_server(tmp_path: Path) -> Iterator[TestClient]:
    yield from served(tmp_path, **LOWERED)


def bounds(document: dict[str, Any]) -> dict[str, Any]:
    """The bounds of /openapi.json that are settings, and the setting it names for each."""
    schemas = document["components"]["schemas"]
    share = schemas["ShareCreateRequest"]["properties"]
    link = schemas["DepositLinkCreateRequest"]["properties"]
    declared = schemas["DocumentCreateRequest"]["properties"]["size"]
    deposited = schemas["DepositDeclareRequest"]["properties"]["size"]
    part = document["paths"]["/api/v1/documents/{document_id}/content"]["put"]["requestBody"]
    return {
        "share days": (
            share["expires_in"]["maximum"] / 86400,
            share["expires_in"]["x-pde-setting"],
        ),
        "documents": (share["documents"]["maxItems"], share["documents"]["x-pde-setting"]),
        "link days": (link["expires_in"]["maximum"] / 86400, link["expires_in"]["x-pde-setting"]),
        "files": (link["max_files"]["maximum"], link["max_files"]["x-pde-setting"]),
        "size": (declared["maximum"], declared["x-pde-setting"]),
        "deposited size": (deposited["maximum"], deposited["x-pde-setting"]),
        "part": (
            part["content"]["application/octet-stream"]["schema"]["maxLength"],
            part["content"]["application/octet-stream"]["schema"]["x-pde-setting"],
        ),
    }


def expected_bounds(settings: dict[str, int]) -> dict[str, Any]:
    return {
        "share days": (settings["share_max_days"], "PDE_SHARE_MAX_DAYS"),
        "documents": (settings["documents_per_share"], "PDE_DOCUMENTS_PER_SHARE"),
        "link days": (settings["deposit_max_days"], "PDE_DEPOSIT_MAX_DAYS"),
        "files": (settings["deposit_files_per_link"], "PDE_DEPOSIT_FILES_PER_LINK"),
        "size": (ciphertext_size(settings["document_max_bytes"]), "PDE_DOCUMENT_MAX_BYTES"),
        "deposited size": (
            ciphertext_size(settings["document_max_bytes"]),
            "PDE_DOCUMENT_MAX_BYTES",
        ),
        "part": (settings["upload_part_max_bytes"], "PDE_UPLOAD_PART_MAX_BYTES"),
    }


def test_the_limits_in_the_description_are_this_server_s_settings(
    default_server: TestClient, lowered_server: TestClient
) -> None:
    defaults = {name: getattr(Settings(), name) for name in LOWERED}
    assert defaults["share_max_days"] == 30 and defaults["documents_per_share"] == 50
    assert bounds(default_server.get("/openapi.json").json()) == expected_bounds(defaults)
    assert bounds(lowered_server.get("/openapi.json").json()) == expected_bounds(LOWERED)


def test_every_error_the_description_names_has_the_one_error_shape(
    default_server: TestClient,
) -> None:
    document = default_server.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (path, status)
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert {"400", "413", "422"} <= set(responses), (method, path)
                assert "request_too_large" in responses["413"]["description"]


def test_a_405_names_every_method_of_its_path_in_allow(default_server: TestClient) -> None:
    document = default_server.get("/openapi.json").json()
    for path, item in document["paths"].items():
        methods = {method.upper() for method in item}
        concrete = re.sub(r"\{[^}]+\}", "AAAAAAAAAAAAAAAAAAAAAA", path)
        answer = default_server.request("OPTIONS", concrete)
        assert answer.status_code == 405, path
        assert answer.json()["error"]["code"] == "method_not_allowed"
        allowed = set(answer.headers["allow"].split(", "))
        assert allowed == methods | ({"HEAD"} if "GET" in methods else set()), path


def _error_codes(kind: type[WalletError]) -> Iterator[str]:
    for sub in kind.__subclasses__():
        yield sub.code
        yield from _error_codes(sub)


def test_docs_api_md_names_every_error_code_and_where_the_description_is() -> None:
    import share_links.errors  # noqa: F401  (its errors are WalletErrors too)

    missing = sorted(code for code in set(_error_codes(WalletError)) if f"`{code}`" not in API_MD)
    assert missing == [], f"document these codes in docs/api.md: {missing}"
    assert "`GET /openapi.json`" in API_MD or "**`GET /openapi.json`**" in API_MD


def test_docs_api_md_maps_format_md_names_to_fields_the_api_has(
    default_server: TestClient,
) -> None:
    document = default_server.get("/openapi.json").json()
    fields = set(re.findall(r'"([A-Za-z_][\w-]*)"\s*:', json.dumps(document)))
    fields |= {
        param["name"]
        for item in document["paths"].values()
        for op in item.values()
        for param in op.get("parameters", [])
    }
    table = API_MD.split("## FORMAT.md names and API fields", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) >= 25
    for row in rows:
        format_name, api_fields = row[0].removeprefix("| "), row[1]
        for name in re.findall(r"`([^`]+)`", format_name):
            assert name.split("(")[0].strip() in FORMAT_MD, name
        for field in re.findall(r"`([A-Za-z_][\w.\[\]-]*)`", api_fields):
            leaf = field.split(".")[-1]
            assert leaf in fields, field
