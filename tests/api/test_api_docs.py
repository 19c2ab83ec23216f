"""The browsable API page at /api/docs: Swagger UI, vendored with its licence,
pinned version and integrity, draws this server's /openapi.json under the same
strict CSP as every page, loading nothing from another host and breaking no
rule of the policy (no inline script or style)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser

from pde.api_docs import API_DOCS_STATIC
from tests.server import LiveServer
from wallet.api.security_headers import CONTENT_SECURITY_POLICY

SCRIPT = Path(__file__).parents[2] / "scripts" / "vendor-browser-libs.sh"
VENDORED = API_DOCS_STATIC / "vendor" / "swagger-ui"


@pytest.fixture(scope="module")
def server(api_servers: Callable[[str], LiveServer]) -> LiveServer:
    """One server: the page is the same whatever stores the documents."""
    return api_servers("sqlite-local")


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


def test_the_page_and_each_file_it_names_come_from_this_server_under_the_strict_csp(
    http: httpx.Client,
) -> None:
    page = http.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline
    named = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(named) == 5  # two styles, two scripts, /openapi.json
    for url in named:
        assert url.startswith("/") and not url.startswith("//"), url
        assert http.get(url).status_code == 200, url


def test_the_vendored_swagger_ui_is_the_version_and_integrity_the_script_pins() -> None:
    pinned = dict(
        re.findall(r"^SWAGGER_(VERSION|INTEGRITY)='?([^'\n]+)'?$", SCRIPT.read_text(), re.M)
    )
    versions = (VENDORED / "VERSIONS").read_text()
    assert f"version: {pinned['VERSION']}\n" in versions
    assert f"integrity: {pinned['INTEGRITY']}\n" in versions
    assert "licence: Apache-2.0" in versions and (VENDORED / "LICENSE").is_file()


@pytest.mark.browser
def test_chromium_draws_every_operation_with_no_csp_violation_and_no_other_host(
    server: LiveServer, http: httpx.Client, browser: Browser
) -> None:
    operations = sum(len(item) for item in http.get("/openapi.json").json()["paths"].values())
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    try:
        page.add_init_script(
            "window.violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));"
        )
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.goto(f"{server.url}/api/docs")
        page.wait_for_selector(".opblock")
        drawn = page.locator(".opblock").count()
        page.locator(".opblock-summary").first.click()  # opening one draws its details
        page.wait_for_selector(".opblock-body")
        violations = page.evaluate("window.violations")
    finally:
        page.close()
    assert drawn == operations
    assert violations == []
    assert hosts == {urlsplit(server.url).netloc}
