"""The composition root: `create_app(settings)` builds the whole PDE web
application from every package (the core's API, share links, the depositor
page, the kiosk) and gives each package's housekeeping to the core's loop.
Nothing below imports this module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

import crypto
import kiosk_ui
from day_centres.errors import StaffError
from day_centres.feedback import purge_old_feedback
from day_centres.feedback_api import router as feedback_router
from day_centres.indicators import IndicatorCounter, close_ended_months, marks_key
from day_centres.maintenance import purge_staff_sessions_and_steps
from day_centres.organisations_api import router as organisations_router
from day_centres.pages import STAFF_STATIC, STAFF_STATIC_URL
from day_centres.pages.indicators import public_router as public_indicators_router
from day_centres.pages.router import staff_router, staff_view
from day_centres.pages.view import render_staff_error
from day_centres.terminal_context import TerminalContext
from day_centres.terminals import purge_ended_codes
from kiosk_ui.deposit import DEPOSIT_DIR, DEPOSIT_DOMAIN, deposit_router
from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES, KioskConfig, page_router
from kiosk_ui.privacy import PRIVACY_DIR, PRIVACY_DOMAIN, privacy_router
from page_kit import KIT_STATIC, KIT_TEMPLATES, KIT_URL
from page_kit.es_modules import ModulePreloads, module_preloads
from page_kit.i18n import LANGUAGES, load_translations
from page_kit.static_files import FileVersions, StaticUrls, VersionedStaticFiles, static_url
from pde.api_docs import API_DOCS_STATIC, API_DOCS_URL, api_docs_router
from pde.settings import Settings
from share_links.api import owner_router, share_body_rules, viewer_api_router
from share_links.maintenance import purge_ended_shares
from share_links.opening_writer import OpeningRecorder
from share_links.viewer import VIEWER_DIR, VIEWER_DOMAIN, viewer_router
from wallet.api import accounts, deposits, direct_transfers, documents, health, recovery
from wallet.api.body_limit import WALLET_BODY_RULES, BodyLimit
from wallet.api.errors import install_error_handlers
from wallet.api.observability import RequestObservability, parse_networks
from wallet.api.openapi import install_openapi
from wallet.api.security_headers import SecurityHeadersMiddleware
from wallet.maintenance import HousekeepingTask, housekeeping
from wallet.runtime import Runtime

KIOSK_DIR = Path(kiosk_ui.__file__).parent
CRYPTO_WEB_DIR = Path(crypto.__file__).parent / "web"
# URL prefix → folder of public static files, mounted in this order (Starlette takes
# the first match, so the narrower prefixes come first). tests/unit/test_es_modules.py
# resolves the browser's imports with it, and the modulepreload hints too.
STATIC_MOUNTS: tuple[tuple[str, Path], ...] = (
    ("/static/crypto", CRYPTO_WEB_DIR),
    (KIT_URL, KIT_STATIC),
    ("/static/viewer", VIEWER_DIR / "static"),
    ("/static/deposit", DEPOSIT_DIR / "static"),
    (STAFF_STATIC_URL, STAFF_STATIC),
    (API_DOCS_URL, API_DOCS_STATIC),
    ("/static", KIOSK_DIR / "static"),
)


class PublicPagesGzip:
    """Gzip everything but the API. Pages and static files are the same for everyone
    and carry no secret (a share's or deposit's secret stays in the URL fragment), so
    compression gives an attacker nothing to measure; API answers hold tokens and keys
    and stay uncompressed (BREACH)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/api/"):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# Each page's entry module: its whole static import graph is preloaded.
PAGE_MODULES = (
    "/static/js/selftest.js",
    "/static/js/main.js",
    "/static/viewer/viewer.js",
    "/static/deposit/deposit.js",
)


def _compressed(directory: Path, versions: FileVersions) -> GZipMiddleware:
    """Public static files, gzipped: they carry no secret, so compression gives an
    attacker nothing to measure (unlike API answers that hold tokens: see BREACH).
    Kept by browsers as page_kit/static_files.py says."""
    files = VersionedStaticFiles(directory=directory, versions=versions)
    return GZipMiddleware(files, minimum_size=1024)


def _page_templates(*folders: Path) -> Jinja2Templates:
    """A page's own templates first, then the kit's (page-head.html, public-page.html),
    with the kit's globals: `module_preloads` (modulepreload hints) and `static_url`
    (a file's versioned URL)."""
    templates = Jinja2Templates(directory=[*folders, KIT_TEMPLATES])
    templates.env.globals.update(module_preloads=module_preloads, static_url=static_url)
    return templates


TEMPLATES = _page_templates(KIOSK_DIR / "templates")


def housekeeping_tasks() -> list[HousekeepingTask]:
    """Every package's housekeeping, beyond the core's own."""
    return [
        purge_ended_shares,
        purge_staff_sessions_and_steps,
        close_ended_months,
        purge_old_feedback,
        purge_ended_codes,
    ]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the whole PDE web application for `settings` (defaults from the environment).

    Refuses to start on unsafe production settings or an unmigrated database."""
    runtime = runtime or Runtime.start(settings or Settings())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with housekeeping(runtime, housekeeping_tasks()):
            yield
        app.state.share_openings.close()

    app = FastAPI(
        title="PDE",
        version="1",
        summary="End-to-end encrypted document wallet: the server stores only ciphertext.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # PDE has its own metrics and logs (RequestObservability): FastAPI's OpenTelemetry
        # hooks would only look for a provider in every request (5-10 % of an opening).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.runtime = runtime
    # The anonymous indicators count wallet events in the events' own transactions.
    runtime.events.subscribe(IndicatorCounter(marks_key(runtime.settings)))
    app.state.share_openings = OpeningRecorder(runtime.db, runtime.limiter, runtime.events)
    body_rules = WALLET_BODY_RULES + share_body_rules(runtime.settings)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, rules=body_rules)
    # request.state.terminal_centre_id and terminal_policy: which enrolled terminal asks.
    app.add_middleware(TerminalContext, runtime=runtime)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(PublicPagesGzip)
    # Outermost: it times, counts and logs the whole answer, and serves /metrics.
    allow = parse_networks(runtime.settings.metrics_allow)
    app.add_middleware(RequestObservability, allow=allow)
    install_error_handlers(app)
    install_openapi(app)

    app.include_router(health.router)
    # Routes are tried in order: a crowd opening a share is the busiest route, and no
    # other route's path starts /api/v1/s/ (tests/unit/pde/test_routes.py).
    app.include_router(viewer_api_router)
    app.include_router(accounts.router)
    app.include_router(documents.router)
    app.include_router(direct_transfers.router)
    app.include_router(deposits.owner_router)
    app.include_router(deposits.depositor_router)
    app.include_router(recovery.router)
    app.include_router(owner_router)
    app.include_router(organisations_router)
    app.include_router(feedback_router)

    app.state.kiosk = KioskConfig(
        translations=load_translations(KIOSK_LOCALES, KIOSK_DOMAIN),
        development=runtime.settings.environment == "development",
        idle_seconds=runtime.settings.kiosk_idle_seconds,
        downloads=runtime.settings.kiosk_downloads,
    )
    viewer_translations = load_translations(VIEWER_DIR / "locales", domain=VIEWER_DOMAIN)
    viewer_templates = _page_templates(VIEWER_DIR / "templates")
    app.include_router(viewer_router(viewer_templates, viewer_translations, LANGUAGES))
    deposit_translations = load_translations(DEPOSIT_DIR / "locales", domain=DEPOSIT_DOMAIN)
    deposit_templates = _page_templates(DEPOSIT_DIR / "templates")
    app.include_router(deposit_router(deposit_templates, deposit_translations, LANGUAGES))
    privacy_translations = load_translations(PRIVACY_DIR / "locales", domain=PRIVACY_DOMAIN)
    privacy_templates = _page_templates(PRIVACY_DIR / "templates")
    app.include_router(
        privacy_router(
            privacy_templates, privacy_translations, app.state.kiosk.translations, LANGUAGES
        )
    )
    app.include_router(api_docs_router())
    app.state.staff_view = staff_view()
    app.add_exception_handler(StaffError, render_staff_error)
    app.include_router(public_indicators_router(app.state.staff_view))  # before the kiosk's /{lang}
    app.include_router(staff_router())  # before the kiosk's, whose /{lang} would take /staff
    app.include_router(page_router(TEMPLATES))

    versions = FileVersions()
    app.state.static_urls = StaticUrls(STATIC_MOUNTS, versions)
    app.state.module_preloads = ModulePreloads(
        STATIC_MOUNTS, PAGE_MODULES, enabled=runtime.settings.module_preload
    )
    for prefix, directory in STATIC_MOUNTS:
        app.mount(prefix, _compressed(directory, versions), name=f"static:{prefix}")
    return app
