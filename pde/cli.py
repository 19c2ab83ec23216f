"""The `pde` command: serve, migrate and housekeeping for operators, and the
client commands (pde/client_commands.py) that use a wallet or a link with their
own encryption. Thin: it parses arguments and calls services or the client.
The interface is kept stable for operators and scripts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pde.client_commands import add_client_parsers, shield_ids
from pde.settings import Settings


def serve_options(settings: Settings) -> dict[str, Any]:
    """What `pde serve` gives uvicorn besides the app and the address (tests serve
    with the same)."""
    return {
        "access_log": False,  # access logs would pair handles' requests with IP addresses
        "server_header": False,
        # X-Forwarded-For only from proxies the operator named (uvicorn believes 127.0.0.1).
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or None,
    }


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from pde.app import create_app

    settings = Settings()
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        **serve_options(settings),
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from wallet.db import migrate

    migrate(Settings().sqlalchemy_url)
    print("database is up to date")
    return 0


def _housekeeping(_: argparse.Namespace) -> int:
    from pde.app import housekeeping_tasks
    from wallet.maintenance import run_once
    from wallet.runtime import Runtime

    run_once(Runtime.start(Settings()), housekeeping_tasks())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="pde", description="PDE encrypted document wallet")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web application and the API")
    serve.add_argument("--host", default=None, help="listen address (PDE_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (PDE_PORT, 8000)")
    serve.set_defaults(run=_serve)
    commands.add_parser("migrate", help="create or upgrade the database").set_defaults(run=_migrate)
    commands.add_parser(
        "housekeeping", help="discard abandoned uploads, ended sessions and old shares now"
    ).set_defaults(run=_housekeeping)
    add_client_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pde` command."""
    args = build_parser().parse_args(shield_ids(sys.argv[1:] if argv is None else argv))
    try:
        return int(args.run(args))
    except BrokenPipeError:  # `pde client list | head`: the reader left, not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
