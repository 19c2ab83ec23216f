"""Permissions-Policy (docs/design.md §5, least privilege): only the kiosk's own
page, where the camera screen takes photos of papers, may ask for the camera.
The language picker, the share viewer, the depositor's page, the staff pages, the
API and static files may not: a script injected into any of them could not
turn a terminal's camera on. No page may use the microphone or the location."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from page_kit.i18n import LANGUAGES
from pde.app import create_app
from pde.settings import Settings
from wallet.db import migrate


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("pde-camera-policy")))
    migrate(settings.sqlalchemy_url)
    return TestClient(create_app(settings))


def policy(header: str) -> dict[str, str]:
    """The features of a Permissions-Policy header and their allowlists."""
    features = (part.strip().split("=", 1) for part in header.split(",") if part.strip())
    return {name: allowed for name, allowed in features}


@pytest.mark.parametrize("code", [language.code for language in LANGUAGES])
def test_the_kiosk_page_may_use_the_camera_of_its_own_origin_only(
    http: TestClient, code: str
) -> None:
    response = http.get(f"/{code}/")
    assert response.status_code == 200
    features = policy(response.headers["Permissions-Policy"])
    assert features["camera"] == "(self)"
    assert features["microphone"] == "()" and features["geolocation"] == "()"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/v1/health",
        "/api/v1/documents",
        "/s/AAAAAAAAAAAAAAAAAAAAAA",
        "/d/AAAAAAAAAAAAAAAAAAAAAA",
        "/staff/",
        "/static/js/main.js",
        "/static/js/camera.js",
        "/xx/",
        "/nowhere",
    ],
)
def test_every_other_page_and_answer_may_not_use_the_camera(http: TestClient, path: str) -> None:
    response = http.get(path, follow_redirects=False)
    features = policy(response.headers["Permissions-Policy"])
    assert features["camera"] == "()", (path, response.status_code)
    assert features["microphone"] == "()" and features["geolocation"] == "()"
