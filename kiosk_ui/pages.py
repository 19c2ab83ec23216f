"""The kiosk's pages: the language picker, and the one-page app rendered in
the chosen language (`/fr/`, `/ar/`, …). The language lives in the URL, never
in a cookie; keys and the session token live only in the page's memory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from day_centres.terminals import TerminalPolicy
from page_kit.categories import CATEGORY_LABELS
from page_kit.i18n import (
    LANGUAGES,
    LANGUAGES_BY_CODE,
    CatalogTranslations,
    Language,
    page_strings,
)
from wallet.api.security_headers import CAMERA_PERMISSIONS_POLICY
from wallet.categories import CATEGORIES

# The kiosk's own catalogs: locales/<lang>/LC_MESSAGES/messages.po
KIOSK_LOCALES = Path(__file__).parent / "locales"
KIOSK_DOMAIN = "messages"

DEFAULT_IDLE_SECONDS = 180
IDLE_WARNING_SECONDS = 30
UPLOAD_PART_BYTES = 4 << 20


@dataclass(frozen=True)
class KioskConfig:
    """What the pages need: the catalogs, whether test-only overrides are honoured,
    the idle timeout, and whether decrypted documents may be downloaded (off on
    public terminals: they preview and print instead)."""

    translations: dict[str, CatalogTranslations]
    development: bool
    idle_seconds: int = DEFAULT_IDLE_SECONDS
    downloads: bool = False


def terminal_policy(request: Request) -> TerminalPolicy | None:
    """The policy of the enrolled terminal asking (day_centres.terminal_context
    resolved its cookie), or None for an ordinary browser."""
    policy = getattr(request.state, "terminal_policy", None)
    return policy if isinstance(policy, TerminalPolicy) else None


def centre_help(request: Request) -> str | None:
    """Where the person can find help near this terminal (the day centre's name,
    address, opening hours and help phone), printed on the recovery sheet. None on
    an ordinary browser: the sheet then names only PDE's own address, and never a
    made-up centre."""
    policy = terminal_policy(request)
    if policy is None:
        return None
    parts = (policy.centre_name, policy.address, policy.opening_hours, policy.help_phone)
    return " · ".join(part for part in parts if part)


def terminal_languages(policy: TerminalPolicy | None) -> list[Language]:
    """Every language, the terminal's centre's first in its order (the others after)."""
    if policy is None:
        return list(LANGUAGES)
    first = [LANGUAGES_BY_CODE[code] for code in policy.languages if code in LANGUAGES_BY_CODE]
    return first + [language for language in LANGUAGES if language not in first]


def terminal_context(policy: TerminalPolicy | None) -> dict[str, Any] | None:
    """What the kiosk's scripts read of the policy (#terminal-policy): downloads and
    the zip of everything are always off on a terminal, printing as the centre says."""
    if policy is None:
        return None
    return {
        "centre": policy.centre_name,
        "help_phone": policy.help_phone,
        "printing": policy.printing_allowed,
        "downloads": False,
    }


def page_router(templates: Jinja2Templates) -> APIRouter:
    """The routes of the kiosk's pages, rendered with `templates`."""
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def language_picker(request: Request) -> HTMLResponse:
        languages = terminal_languages(terminal_policy(request))
        return templates.TemplateResponse(request, "picker.html", {"languages": languages})

    @router.get("/{lang}", response_class=RedirectResponse)
    def without_slash(lang: str) -> RedirectResponse:
        if lang not in LANGUAGES_BY_CODE:
            raise HTTPException(status_code=404)
        return RedirectResponse(f"/{lang}/", status_code=308)

    @router.get("/{lang}/", response_class=HTMLResponse)
    def kiosk(
        request: Request,
        lang: str,
        idle: Annotated[int | None, Query(ge=2, le=3600)] = None,
    ) -> HTMLResponse:
        language = LANGUAGES_BY_CODE.get(lang)
        if language is None:
            raise HTTPException(status_code=404)
        config: KioskConfig = request.app.state.kiosk
        translations = config.translations[lang]
        policy = terminal_policy(request)
        # An enrolled terminal logs out after its centre's idle minutes; a shorter
        # idle timeout from the URL is for tests and demonstrations only.
        usual = policy.idle_minutes * 60 if policy else config.idle_seconds
        idle_seconds = idle if (idle and config.development) else usual
        context: dict[str, Any] = {
            "language": language,
            "languages": LANGUAGES,
            "_": translations.gettext,
            # The kiosk changes language by changing page: only this language's words.
            "page_strings": page_strings([language], config.translations, CATEGORY_LABELS),
            "categories": [(slug, CATEGORY_LABELS[slug]) for slug in CATEGORIES],
            "idle_seconds": idle_seconds,
            "idle_warning_seconds": min(IDLE_WARNING_SECONDS, max(1, idle_seconds // 2)),
            "part_bytes": UPLOAD_PART_BYTES,
            "downloads": config.downloads and policy is None,
            "centre_help": centre_help(request),
            "terminal": terminal_context(policy),
        }
        response = templates.TemplateResponse(request, "kiosk.html", context)
        # The camera screen (screens/camera.js) asks for the camera; no other page may.
        response.headers["Permissions-Policy"] = CAMERA_PERMISSIONS_POLICY
        return response

    return router
