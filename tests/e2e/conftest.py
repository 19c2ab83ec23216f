"""Browser tests start the real application and a real Chromium.

`live_server` serves `pde.app:create_app()` (freshly migrated SQLite
database in a temporary folder) with uvicorn on a free 127.0.0.1 port, a secure
context, so `crypto.subtle` exists, under the app's real CSP; `browser` is one
headless Chromium per test session (per xdist worker); `crypto_page` is a fresh
page on the server's origin, where `import('/static/crypto/pde-crypto.js')` works.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from pde.settings import Settings
from tests.browser import launch_chromium as launch_chromium  # imported from here by tests
from tests.browser import require_chromium as require_chromium
from tests.server import ServedApp as LiveServer  # the name the browser modules import
from wallet.db import migrate

# Assertions wait at a person's pace: a login derives keys (600,000 PBKDF2 rounds in the
# page, Argon2id on the server), which takes seconds on a shared 2-core machine. Speed
# is measured by bench/, never asserted here.
expect.set_options(timeout=20_000)


# Every browser test registers from 127.0.0.1: the per-address limits are for people,
# not for a test run (tests of the limits themselves run their own servers).
GENEROUS_LIMITS = {
    "registrations_per_client_per_hour": 10_000,
    "login_attempts_per_client": 10_000,
    "share_opens_per_client_per_minute": 100_000,
    "deposits_per_client_per_hour": 10_000,
    "recovery_requests_per_client_per_hour": 10_000,
}


def server_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings of a browser-test server: its own data folder, generous address limits."""
    return Settings(data_dir=data_dir, **(GENEROUS_LIMITS | overrides))  # type: ignore[arg-type]


def start_live_server(data_dir: Path) -> LiveServer:
    """Start a server whose database and blobs live under `data_dir`; the caller stops it."""
    settings = server_settings(data_dir)
    migrate(settings.sqlalchemy_url)
    server = LiveServer(settings)
    server.start()
    return server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the running application, e.g. http://127.0.0.1:41234."""
    server = start_live_server(tmp_path_factory.mktemp("pde-data"))
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def crypto_context(browser: Browser) -> Iterator[BrowserContext]:
    """The browser profile of a module's crypto pages: they keep nothing in it (no
    storage, no cookie), so they share one instead of making a profile each."""
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def crypto_page(crypto_context: BrowserContext, live_server: str) -> Iterator[Page]:
    """A fresh page (its own JavaScript realm and module map) on the server's origin,
    with the crypto modules importable."""
    page = crypto_context.new_page()
    page.goto(f"{live_server}/api/v1/health")
    yield page
    page.close()
