"""Fixtures of the API tests: live servers shared by the modules, raw HTTP
access to them, and the `pde` command run in-process."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import httpx
import pytest

from pde.cli import main
from tests.api.support import CLI_PASSPHRASE, RawWallet, Run, register_raw
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer


@pytest.fixture(scope="session")
def api_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str], LiveServer]]:
    """One live server per backend for the whole worker, started when first asked for.

    Starting a server costs seconds (a subprocess; PostgreSQL and S3 for the
    second pairing), and pytest-xdist's --dist loadfile runs each module's two
    backends one after the other, so a module-scoped server would be started
    twice per module. Every API test works in its own wallets with unique
    handles, so the modules can share these."""
    started: dict[str, LiveServer] = {}
    with contextlib.ExitStack() as stack:

        def server_for(backend: str) -> LiveServer:
            if backend not in started:
                base = tmp_path_factory.mktemp(backend)
                started[backend] = stack.enter_context(server_on(backend, base))
            return started[backend]

        yield server_for


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, api_servers: Callable[[str], LiveServer]
) -> LiveServer:
    """The live server of this backend, shared by the API modules; a module that
    needs other settings overrides this with its own."""
    return api_servers(request.param)


@pytest.fixture
def http(pde_server: LiveServer) -> Iterator[httpx.Client]:
    """An unauthenticated HTTP client for the live server."""
    with httpx.Client(base_url=pde_server.url, timeout=60) as client:
        yield client


@pytest.fixture
def new_raw_wallet(pde_server: LiveServer) -> Iterator[Callable[[], RawWallet]]:
    """Make raw-HTTP wallets with random keys (no PBKDF2); closed after the test."""
    made: list[RawWallet] = []

    def make() -> RawWallet:
        made.append(register_raw(pde_server.url))
        return made[-1]

    yield make
    for wallet in made:
        wallet.close()


@pytest.fixture
def raw_wallet(new_raw_wallet: Callable[[], RawWallet]) -> RawWallet:
    """A brand-new wallet driven with raw HTTP."""
    return new_raw_wallet()


@pytest.fixture
def pde(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `pde <args>` in-process as a script would, with PDE_PASSPHRASE = `secret` and
    PDE_CARD = `card` (unset without one); its exit code, standard output and error."""

    def run(*args: str, secret: str = CLI_PASSPHRASE, card: str | None = None) -> Run:
        monkeypatch.setenv("PDE_PASSPHRASE", secret)
        if card is None:
            monkeypatch.delenv("PDE_CARD", raising=False)
        else:
            monkeypatch.setenv("PDE_CARD", card)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
            if isinstance(stop.code, str):
                print(stop.code, file=sys.stderr)  # as the interpreter would
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
