"""A browsable page of the API at /api/docs: Swagger UI (vendored from the npm
registry by scripts/vendor-browser-libs.sh, no CDN) drawing this server's own
/openapi.json, under the same strict CSP as every page. Its files are served at
/static/api-docs/; the page itself holds no secret and no script of its own
inline."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

API_DOCS_STATIC = Path(__file__).parent / "static"
API_DOCS_URL = "/static/api-docs"
_PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")


def api_docs_router() -> APIRouter:
    """GET /api/docs, the page; its scripts and styles are at API_DOCS_URL."""
    router = APIRouter(include_in_schema=False)

    @router.get("/api/docs", response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(_PAGE.replace("{static}", API_DOCS_URL))

    return router
