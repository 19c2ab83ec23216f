"""The privacy notice (GDPR art. 13) at `/privacy` (the browser's language) and
`/privacy/<lang>`: who runs PDE (`PDE_OPERATOR_*`), what the server keeps and
cannot read, for how long (the periods are this server's settings and
housekeeping constants, never copied by hand), the legal basis, the person's
rights and how to erase everything.

A page_kit public page without script: plain links change the language. The
kiosk, the share viewer and the depositor's page link to it. It names the
kiosk's buttons ("My account", "Erase my wallet"…) with the kiosk's own
catalogs, so that the notice says exactly what the person will see. Its own
words are in privacy/locales/<lang>/LC_MESSAGES/privacy.po.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from day_centres.feedback import FEEDBACK_KEPT_MONTHS
from day_centres.settings import PLACEHOLDER, OperatorSettings
from page_kit.i18n import LANGUAGES_BY_CODE, CatalogTranslations, Language
from page_kit.public_page import PublicPage, preferred_language
from share_links.settings import ShareSettings
from wallet.maintenance import ENDED_KEPT

# templates/ (the page) and locales/ (catalogs "privacy.po")
PRIVACY_DIR = Path(__file__).parent / "privacy"
PRIVACY_DOMAIN = "privacy"


@dataclass(frozen=True)
class NoticeFacts:
    """What the notice states that depends on this server: its operator and its
    retention periods."""

    operator_name: str
    operator_address: str
    operator_contact: str
    operator_dpo_contact: str
    placeholders: bool  # development: the operator's details are not set
    session_idle_minutes: int
    session_absolute_hours: int
    share_max_days: int
    ended_kept_days: int  # ended shares and recovery requests, then deleted
    deposit_max_days: int
    upload_abandoned_hours: int
    deposit_abandoned_minutes: int
    feedback_kept_months: int
    backup_days: int

    @classmethod
    def of(cls, settings: OperatorSettings) -> NoticeFacts:
        assert isinstance(settings, ShareSettings), "pde.settings.Settings has both"
        operator = (
            settings.operator_name,
            settings.operator_address,
            settings.operator_contact,
            settings.operator_dpo_contact,
        )
        return cls(
            *(value.removeprefix(PLACEHOLDER) for value in operator),
            placeholders=any(value.startswith(PLACEHOLDER) for value in operator),
            session_idle_minutes=settings.session_idle_minutes,
            session_absolute_hours=settings.session_absolute_hours,
            share_max_days=settings.share_max_days,
            ended_kept_days=ENDED_KEPT.days,
            deposit_max_days=settings.deposit_max_days,
            upload_abandoned_hours=settings.upload_abandoned_hours,
            deposit_abandoned_minutes=settings.deposit_abandoned_minutes,
            feedback_kept_months=FEEDBACK_KEPT_MONTHS,
            backup_days=settings.operator_backup_days,
        )


def privacy_router(
    templates: Jinja2Templates,
    translations: Mapping[str, CatalogTranslations],
    kiosk_translations: Mapping[str, CatalogTranslations],
    languages: Sequence[Language],
) -> APIRouter:
    """The notice's routes, rendered with `templates` (PRIVACY_DIR / "templates",
    then the kit's); `kiosk_translations` name the kiosk's buttons."""
    page = PublicPage(templates, "privacy.html", translations, languages, {}, scripted=False)
    router = APIRouter(include_in_schema=False)

    codes = [language.code for language in languages]

    def render(request: Request, lang: str | None) -> HTMLResponse:
        settings = request.app.state.runtime.settings
        assert isinstance(settings, OperatorSettings)
        accepted = request.headers.get("accept-language", "")
        code = lang or preferred_language(accepted, codes, codes[0])
        context = {
            "facts": NoticeFacts.of(settings),
            "language_href": "/privacy/{code}",
            # The kiosk's own words for its buttons, in the page's language.
            "kiosk": kiosk_translations[code].gettext,
        }
        return page.render(request, code, context)

    @router.get("/privacy", response_class=HTMLResponse)
    def notice_in_browser_language(request: Request) -> HTMLResponse:
        return render(request, None)

    @router.get("/privacy/{lang}", response_class=HTMLResponse)
    def notice(request: Request, lang: str) -> HTMLResponse:
        if lang not in LANGUAGES_BY_CODE:
            raise HTTPException(status_code=404)
        return render(request, lang)

    return router
