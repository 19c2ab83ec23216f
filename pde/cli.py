"""The `pde` command: serve, migrate, housekeeping and staff accounts
(pde/staff_commands.py) for operators, and the client commands
(pde/client_commands.py) that use a wallet or a link with their own encryption.
Thin: it parses arguments and calls services or the client. The interface is
kept stable for operators and scripts. Any failure is one line on standard error
and a non-zero exit code (pde/cli_errors.py)."""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pde.backup_commands import add_backup_parsers
from pde.cli_errors import fail, one_line
from pde.client_commands import add_client_parsers, shield_ids, unshielded
from pde.indicator_commands import add_indicator_parsers
from pde.org_commands import add_org_parsers
from pde.progress import end_line
from pde.settings import Settings
from pde.staff_commands import add_staff_parsers
from wallet.logs import logging_config
from wallet.metrics import MULTIPROCESS_DIR

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKER_HEALTHCHECK_SECONDS = 60  # how long a worker may take to answer uvicorn's ping
KEEP_ALIVE_SECONDS = 5  # uvicorn's default, said here: the proxy's idle timeout must be shorter
DATA_HELP = (
    "data in ./var (SQLite database and document folder) unless PDE_DATA_DIR, "
    "PDE_DATABASE_URL or PDE_BLOB_BACKEND say otherwise"
)


def serve_options(settings: Settings) -> dict[str, Any]:
    """What `pde serve` gives uvicorn besides the app and the address (tests serve
    with the same)."""
    return {
        "access_log": False,  # access logs would pair handles' requests with IP addresses
        "server_header": False,
        # Idle keep-alive connections close after this; deploy/Caddyfile closes its own first.
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        # X-Forwarded-For only from proxies the operator named (uvicorn believes 127.0.0.1).
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or None,
    }


def served_app() -> FastAPI:
    """The app one `pde serve` process serves, built from the environment. What was
    built (routes, schemas, templates) lives as long as the process: frozen out of
    the garbage collector's sight, it is no longer walked by every full collection,
    which stalled all the requests in flight for 100-150 ms (bench/share_open.py)."""
    from pde.app import create_app

    app = create_app(Settings())
    gc.collect()
    gc.freeze()
    return app


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = Settings()
    address = {"host": args.host or settings.host, "port": args.port or settings.port}
    logs = {"log_config": logging_config(settings.log_format)}
    if args.workers == 1:
        uvicorn.run(served_app(), **address, **serve_options(settings), **logs)
        return 0
    if not (settings.redis_url and settings.server_secret.get_secret_value()):
        fail(
            "--workers above 1 needs PDE_REDIS_URL and PDE_SERVER_SECRET, or each"
            " process would keep its own rate limits and fake salts"
        )
    shared_metrics_folder()
    # Each worker process builds its own app from the environment.
    uvicorn.run(
        "pde.cli:served_app",
        factory=True,
        workers=args.workers,
        # uvicorn kills a worker that does not answer its ping in time (5 s by default),
        # and a worker still importing on a busy machine does not: it was killed and
        # replaced every 5 s, never serving (bench/load.py on a loaded machine).
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **address,
        **serve_options(settings),
        **logs,
    )
    return 0


def shared_metrics_folder() -> Path:
    """Where the worker processes keep their metrics, for /metrics to add them up:
    PROMETHEUS_MULTIPROC_DIR, emptied of an earlier run's files (prometheus-client
    needs that), or a new private folder, removed at exit. Set before the workers
    start: they read it when they import prometheus-client."""
    configured = os.environ.get(MULTIPROCESS_DIR)
    if not configured:
        configured = os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="pde-metrics-")
        atexit.register(shutil.rmtree, configured, ignore_errors=True)
    folder = Path(configured)
    folder.mkdir(parents=True, exist_ok=True)
    for earlier in folder.glob("*.db"):
        earlier.unlink()
    return folder


def _schema_revision(url: str) -> str | None:
    """The migration the database at `url` is at (None: no schema yet)."""
    from alembic.runtime.migration import MigrationContext

    from wallet.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _migrate(_: argparse.Namespace) -> int:
    from sqlalchemy.engine import make_url

    from wallet.db import migrate

    url = Settings().sqlalchemy_url
    where = make_url(url).render_as_string(hide_password=True)
    before = _schema_revision(url)
    migrate(url)
    after = _schema_revision(url)
    if before is None:
        print(f"created the database schema at {where} (revision {after})")
    elif before != after:
        print(f"upgraded the database at {where} from revision {before} to {after}")
    else:
        print(f"the database at {where} is up to date (revision {after}): nothing to do")
    return 0


def _housekeeping(_: argparse.Namespace) -> int:
    import logging.config

    from pde.app import housekeeping_tasks
    from wallet.maintenance import run_once
    from wallet.runtime import Runtime

    settings = Settings()
    logging.config.dictConfig(logging_config(settings.log_format))  # one line per kind
    removed = run_once(Runtime.start(settings), housekeeping_tasks())
    return 0 if removed is not None else 1


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Parser(argparse.ArgumentParser):
    """argparse, with a wrong command line told in one line rather than the usage."""

    def error(self, message: str) -> Any:
        self.exit(2, f"error: {message} (see: {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = Parser(prog="pde", description="PDE encrypted document wallet")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the web application and the API (/api/v1, described at /openapi.json)",
        description=f"Serve the kiosk, the share and deposit pages and the API; {DATA_HELP}.",
    )
    serve.add_argument("--host", default=None, help="listen address (PDE_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (PDE_PORT, 8000)")
    serve.add_argument(
        "--workers", type=_positive, default=1, help="processes (above 1: needs PDE_REDIS_URL)"
    )
    serve.set_defaults(run=_serve)
    commands.add_parser(
        "migrate",
        help="create or upgrade the database (SQLite in ./var unless PDE_DATABASE_URL)",
        description=f"Create or upgrade the database schema; {DATA_HELP}.",
    ).set_defaults(run=_migrate)
    commands.add_parser(
        "housekeeping", help="remove what has ended now (uploads, sessions, shares, links)"
    ).set_defaults(run=_housekeeping)
    add_backup_parsers(commands)
    add_staff_parsers(commands)
    add_indicator_parsers(commands)
    add_org_parsers(commands)
    add_client_parsers(commands)
    return parser


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """`argv` parsed, every word as typed: an id that starts with '-' (one in 64) is
    shielded from argparse, which would take it for an option, then unshielded."""
    return unshielded(build_parser().parse_args(shield_ids(argv)))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pde` command."""
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:  # `pde client list | head`: the reader left, not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        end_line()
        print("error: stopped (Ctrl-C)", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("PDE_DEBUG"):
            raise
        end_line()
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
