"""The application factory: composes the API, the share viewer and the kiosk pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import crypto
from wallet.settings import Settings

CRYPTO_WEB_DIR = Path(crypto.__file__).parent / "web"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the whole PDE web application for `settings` (defaults from the environment)."""
    settings = settings or Settings()
    app = FastAPI(title="PDE", version="1", docs_url=None, redoc_url=None)
    app.state.settings = settings

    @app.get("/api/v1/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness: answers as long as the process serves requests."""
        return {"status": "ok"}

    app.mount("/static/crypto", StaticFiles(directory=CRYPTO_WEB_DIR), name="crypto-web")
    return app
