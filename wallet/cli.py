"""The `pde` command: serve, migrate, and a client that does its own encryption."""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk_ui.app import create_app
    from wallet.settings import Settings

    settings = Settings()
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        access_log=False,  # access logs would pair handles' requests with IP addresses
        server_header=False,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface; kept stable for operators' scripts."""
    parser = argparse.ArgumentParser(prog="pde", description="PDE encrypted document wallet")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web application and the API")
    serve.add_argument("--host", default=None, help="listen address (PDE_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (PDE_PORT, 8000)")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `pde` command."""
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
