"""How a staff page is answered: a template rendered in the page's language, the
session cookie (HttpOnly, SameSite=Strict, Path=/staff, Secure over HTTPS), and
the translated page of each day_centres.errors error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from day_centres.errors import LoginRequired, StaffError
from page_kit.i18n import LANGUAGES, LANGUAGES_BY_CODE, CatalogTranslations, Language
from page_kit.public_page import preferred_language

COOKIE = "pde_staff"
COOKIE_PATH = "/staff"
DEFAULT_LANGUAGE = "fr"
# What a page says after a change (`?done=…`, the form having redirected there).
DONE_MESSAGES = {
    "logged_out": "You are logged out.",
    "centre_created": "The centre was created.",
    "centre_updated": "The centre was saved.",
    "account_created": "The account was created. Give its name and first password to the person.",
    "account_disabled": "The account was disabled and its sessions ended.",
    "totp_reset": "The code app was reset: the person sets it up again at their next login.",
    "recovery_code_used": "You logged in with a recovery code: that code will not work again.",
    "terminal_renamed": "The terminal was renamed.",
    "terminal_revoked": "The terminal was revoked: it is an ordinary browser again.",
    "link_suspended": "The link is suspended: it cannot be opened, and its owner sees why.",
    "suspension_lifted": "The suspension is lifted: the link works again.",
    "report_closed": "The report is closed.",
    "organisation_created": "The organisation was registered.",
    "organisation_key_added": "The key was registered.",
    "organisation_key_revoked": "The key was revoked.",
    "nothing_changed": "Nothing changed: this was already done.",
}
# The audit log's actions (day_centres.audit.ACTIONS), as the log page names them.
ACTION_LABELS = {
    "login": "Logged in",
    "logout": "Logged out",
    "recovery_code_used": "Used a recovery code",
    "totp_enrolled": "Set up the code app",
    "totp_reset": "Reset a code app",
    "centre_created": "Created a centre",
    "centre_updated": "Changed a centre",
    "account_created": "Created an account",
    "account_disabled": "Disabled an account",
    "terminal_code_issued": "Asked for a terminal code",
    "terminal_enrolled": "Enrolled a terminal",
    "terminal_renamed": "Renamed a terminal",
    "terminal_revoked": "Revoked a terminal",
    "link_suspended": "Suspended a reported link",
    "suspension_lifted": "Lifted a link's suspension",
    "report_closed": "Closed a report",
    "organisation_created": "Registered an organisation",
    "organisation_key_added": "Registered an organisation's key",
    "organisation_key_revoked": "Revoked an organisation's key",
    "feedback_exported": "Downloaded the feedback",
}
ROLE_NAMES = {"operator": "Operator", "coordinator": "Coordinator", "worker": "Worker"}
# The menu: (path after /staff/<lang>/, label, the roles it is shown to).
MENU = (
    ("", "Home", ("operator", "coordinator", "worker")),
    ("indicators", "Indicators", ("operator", "coordinator", "worker")),
    ("centres", "Centres", ("operator",)),
    ("accounts", "Staff accounts", ("operator",)),
    ("accounts", "Workers", ("coordinator",)),
    ("reports", "Reported links", ("operator",)),
    ("feedback", "Feedback", ("operator",)),
    ("organisations", "Organisations", ("operator",)),
    ("terminals", "Terminals", ("operator", "coordinator", "worker")),
    ("audit", "Audit log", ("operator",)),
)
ORDINALS = (
    "First language",
    "Second language",
    "Third language",
    "Fourth language",
    "Fifth language",
)
LANGUAGE_NAMES = {language.code: language.name for language in LANGUAGES}
try:
    BRUSSELS = ZoneInfo("Europe/Brussels")
except ZoneInfoNotFoundError:  # a machine without the time zone database: UTC
    BRUSSELS = ZoneInfo("UTC")


def page_language(request: Request) -> Language:
    """The language in the path (/staff/<lang>/…), else the browser's preferred one."""
    code = request.path_params.get("lang")
    if code in LANGUAGES_BY_CODE:
        return LANGUAGES_BY_CODE[code]
    codes = [language.code for language in LANGUAGES]
    accepted = request.headers.get("accept-language", "")
    return LANGUAGES_BY_CODE[preferred_language(accepted, codes, DEFAULT_LANGUAGE)]


class StaffView:
    """The staff templates and catalogs, kept on app.state.staff_view."""

    def __init__(
        self, templates: Jinja2Templates, translations: Mapping[str, CatalogTranslations]
    ) -> None:
        self.templates = templates
        self.translations = translations

    def render(
        self,
        request: Request,
        template: str,
        context: Mapping[str, Any] | None = None,
        status_code: int = 200,
    ) -> HTMLResponse:
        language = page_language(request)
        gettext = self.translations[language.code].gettext

        def when(moment: datetime | None) -> str:
            if moment is None:
                return ""
            return format_datetime(moment, "short", tzinfo=BRUSSELS, locale=language.code)

        full: dict[str, Any] = {
            "language": language,
            "languages": LANGUAGES,
            "_": gettext,
            "when": when,
            "here": _path_without_language(request),
            "done": "",
            "done_messages": DONE_MESSAGES,
            "action_labels": ACTION_LABELS,
            "language_names": LANGUAGE_NAMES,
            "role_names": ROLE_NAMES,
            "menu": MENU,
            "ordinals": ORDINALS,
            **(context or {}),
        }
        response = self.templates.TemplateResponse(request, template, full, status_code=status_code)
        response.headers["Content-Language"] = language.code
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response


def _path_without_language(request: Request) -> str:
    """The page's path after /staff/<lang>/, to link the same page in another language."""
    parts = request.url.path.split("/", 3)
    return parts[3] if len(parts) > 3 and parts[2] in LANGUAGES_BY_CODE else ""


def staff_url(request: Request, path: str = "") -> str:
    """/staff/<lang>/<path> in the request's language."""
    return f"/staff/{page_language(request).code}/{path}"


def redirect(request: Request, path: str = "") -> RedirectResponse:
    """See the page at /staff/<lang>/<path> (after a form: 303, the browser GETs it)."""
    return RedirectResponse(staff_url(request, path), status_code=303)


def set_session_cookie(request: Request, response: Response, token: str, secure: bool) -> None:
    """The staff session's cookie: script cannot read it, no other site can send it,
    and it goes to /staff only, never to the wallets' API."""
    response.set_cookie(
        COOKIE,
        token,
        path=COOKIE_PATH,
        httponly=True,
        secure=secure or request.url.scheme == "https",
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")


async def render_staff_error(request: Request, error: Exception) -> Response:
    """A day_centres error as a page: the login for LoginRequired, else the
    translated error page with the error's status."""
    assert isinstance(error, StaffError)
    if isinstance(error, LoginRequired):
        response: Response = redirect(request, error.page)
        if error.page == "login" and request.cookies.get(COOKIE):
            clear_session_cookie(response)  # a cookie that opens nothing any more
        return response
    view: StaffView = request.app.state.staff_view
    return view.render(request, "error.html", {"error": error}, status_code=error.status)
