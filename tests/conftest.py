"""Fixtures shared by every test folder: a real PDE server on each backend
pairing (SQLite + local folder, PostgreSQL + S3), clients for it, and fresh
wallets from a pool that derives their keys once."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from client import PdeClient
from tests.browser import launch_chromium, require_chromium
from tests.pg import temporary_database
from tests.server import LiveServer, live_server, s3_env, serve_process
from tests.storage.s3server import S3Server, require_ministack
from tests.wallet_pool import WalletPool

TESTS = Path(__file__).parent
# `make test` runs modules whole on 3 workers (--dist loadfile) in the order collected
# (--no-loadscope-reorder: xdist would start the modules with the most tests first). The
# folders whose modules take longest for their number of tests go first, so that the
# last modules running are short ones rather than one browser journey while two
# workers idle.
LONGEST_FIRST = ("e2e", "faults", "security")
BACKENDS = ["sqlite-local", "postgres-s3"]
FAST_ENV = {  # test servers: generous limits so one test's logins do not lock another's
    "PDE_LOGIN_ATTEMPTS_PER_CLIENT": "1000",
    "PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": "1000",
    "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": "100000",  # every test opens shares from 127.0.0.1
    "PDE_FEEDBACK_PER_CLIENT_PER_HOUR": "100000",  # the access matrix gives feedback too
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect LONGEST_FIRST's folders first, each module's tests in their own order."""

    def rank(item: pytest.Item) -> int:
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        return LONGEST_FIRST.index(folder) if folder in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@contextlib.contextmanager
def server_on(
    backend: str, base: Path, env: dict[str, str] | None = None, *, process: bool = False
) -> Iterator[LiveServer]:
    """A live server on `backend`, with whatever that backend needs started for it:
    served in this process, or by `pde serve` in a subprocess when `process` is what
    the test looks at (its log, a kill, a restart)."""
    env = FAST_ENV | (env or {})
    serve = serve_process if process else live_server
    if backend == "sqlite-local":
        with serve(base / "server", env) as server:
            yield server
        return
    require_ministack()
    s3 = S3Server(base / "s3")
    s3.start()
    # "-direct": clients reach the store themselves on presigned URLs (issue 12 §2)
    direct = {"PDE_S3_PUBLIC_URL": f"http://{s3.endpoint}"} if backend.endswith("-direct") else {}
    try:
        with temporary_database("pde_api") as url:
            backend_env = {"PDE_DATABASE_URL": url} | s3_env(s3, "pde-test") | direct
            with serve(base / "server", backend_env | env) as server:
                yield server
    finally:
        s3.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A live PDE server per test module and backend pairing."""
    with server_on(request.param, tmp_path_factory.mktemp(request.param)) as server:
        yield server


@pytest.fixture
def new_client(pde_server: LiveServer) -> Iterator[Callable[[], PdeClient]]:
    """Make clients for the live server; all closed after the test."""
    made: list[PdeClient] = []

    def make() -> PdeClient:
        client = PdeClient(pde_server.url, retry_seconds=5)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="session")
def wallet_pool() -> WalletPool:
    """Fresh wallets for tests that do not test registering (one per worker)."""
    return WalletPool()


@pytest.fixture
def wallet(wallet_pool: WalletPool, new_client: Callable[[], PdeClient]) -> PdeClient:
    """A client logged in to a brand-new wallet with a random handle and PASSPHRASE."""
    client = new_client()
    wallet_pool.register(client, f"test-{secrets.token_hex(4)}", PASSPHRASE)
    return client


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The one Playwright driver of the session (see tests/browser.py)."""
    require_chromium()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One headless Chromium per test session (per xdist worker): each test opens its
    own context, a fresh profile, so launching Chromium again for every module (about
    a second each, more on a loaded run) bought nothing. A module that needs other
    command-line flags (the fake camera) launches its own."""
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()
