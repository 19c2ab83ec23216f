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
# slowest modules go first, longest first, then the folders whose modules take longest
# for their number of tests, so that the last modules running are short ones rather
# than one browser journey while two workers idle.
LONGEST_FIRST = ("e2e", "faults", "security")
# Seconds each of the slowest modules took, its folder run on one worker with
# --durations=0 on the 2-core machine while other work kept its load at 11 to 23
# (December 2026, after that month's cuts); what matters is their order. A module
# missing here goes by its folder, after these.
SLOWEST_MODULES = {
    "security/test_openapi_fuzz.py": 169,
    "security/test_access_control.py": 97,
    "e2e/test_deposit_journey.py": 90,
    "security/test_e2ee_canary.py": 72,
    "faults/test_server_faults.py": 71,
    "e2e/test_kiosk_camera.py": 61,
    "e2e/test_kiosk_screens.py": 58,
    "e2e/test_indicator_pages.py": 55,
    "e2e/test_crypto_web.py": 51,
    "e2e/test_feedback_notice_and_guide.py": 47,
    "e2e/test_kiosk_documents_more.py": 47,
    "e2e/test_share_viewer.py": 44,
    "e2e/test_trustees_journey.py": 44,
    "e2e/test_wallet_card.py": 43,
    "e2e/test_kiosk_accessibility_trustees.py": 42,
    "e2e/test_terminal_enrolment.py": 40,
    "e2e/test_staff_pages.py": 39,
    "e2e/test_kiosk_accessibility_wallet.py": 38,
    "e2e/test_kiosk_accessibility_deposits_and_card.py": 34,
    "e2e/test_kiosk_hygiene.py": 30,
    "e2e/test_issued_documents.py": 28,
    "e2e/test_share_journey.py": 26,
    "e2e/test_link_reports_journey.py": 26,
    "security/test_observability.py": 24,
    "e2e/test_kiosk_account.py": 23,
    "e2e/test_kiosk_journeys.py": 23,
    "e2e/test_hidden_documents.py": 23,
    "security/test_staff_access.py": 22,
    "e2e/test_meeting_mode.py": 21,
}
BACKENDS = ["sqlite-local", "postgres-s3"]
FAST_ENV = {  # test servers: generous limits so one test's logins do not lock another's
    "PDE_LOGIN_ATTEMPTS_PER_CLIENT": "1000",
    "PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": "1000",
    "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": "100000",  # every test opens shares from 127.0.0.1
    "PDE_FEEDBACK_PER_CLIENT_PER_HOUR": "100000",  # the access matrix gives feedback too
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect SLOWEST_MODULES first, longest first, then LONGEST_FIRST's folders, each
    module's tests in their own order."""

    def rank(item: pytest.Item) -> tuple[int, float]:
        if not item.path.is_relative_to(TESTS):
            return len(LONGEST_FIRST) + 1, 0
        module = item.path.relative_to(TESTS)
        if module.as_posix() in SLOWEST_MODULES:
            return 0, -SLOWEST_MODULES[module.as_posix()]
        folder = module.parts[0]
        folders = (*LONGEST_FIRST, folder)
        return 1 + folders.index(folder), 0

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
