"""The depositor's page at `/d/<deposit_id>` (DESIGN.md §1, journey 7; docs/deposits.md).

A service holding a deposit link (a CPAS, a hospital, a school) puts files into
a person's wallet from an ordinary browser, with no account. Everything happens
in that browser: the page reads the key fingerprint from the link's fragment
(never sent here) and takes it out of the address bar, checks the wallet's
public key against it, then encrypts each file and seals its key to the wallet
(crypto/FORMAT.md §7). The page can write only: it has no way to list or read.

It follows the share viewer's pattern (share_links/viewer.py): its own
template, static files and catalogs ("deposit.po"), every language's strings in
the page so that switching needs no reload (a reload would lose the
fingerprint). It lives in kiosk_ui, not share_links, because it reuses the
kiosk's upload module (static/js/upload.js) and pictograms and has nothing to
do with shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from crypto.share import is_valid_id
from kiosk_ui.pages import CATEGORY_LABELS
from share_links.viewer import ViewerCatalog, ViewerLanguage, preferred_language

# templates/ (the page), static/ (served at /static/deposit), locales/ (catalogs "deposit.po")
DEPOSIT_DIR = Path(__file__).parent / "deposit"
DEPOSIT_DOMAIN = "deposit"


def deposit_router(
    templates: Jinja2Templates,
    translations: Mapping[str, ViewerCatalog],
    languages: Sequence[ViewerLanguage],
) -> APIRouter:
    """The route of the depositor page, rendered with `templates` (DEPOSIT_DIR /
    "templates") in `languages`, the first being the default."""
    router = APIRouter(include_in_schema=False)
    codes = [language.code for language in languages]
    by_code = {language.code: language for language in languages}
    # Every language's strings travel in the page, for the switch without reload.
    strings = {code: dict(translations[code].messages) for code in codes}
    language_list = [
        {"code": language.code, "name": language.name, "dir": language.direction}
        for language in languages
    ]

    @router.get("/d", response_class=HTMLResponse)
    @router.get("/d/{deposit_id:path}", response_class=HTMLResponse)
    def deposit_page(request: Request, deposit_id: str = "", lang: str | None = None) -> HTMLResponse:
        code = lang if lang in by_code else None
        code = code or preferred_language(
            request.headers.get("accept-language", ""), codes, codes[0]
        )
        valid = is_valid_id(deposit_id)
        context: dict[str, Any] = {
            "language": by_code[code],
            "languages": languages,
            "_": translations[code].gettext,
            "strings": strings,
            "language_list": language_list,
            "deposit_id": deposit_id if valid else "",
            "initial_state": "checking" if valid else "not_found",
            "categories": CATEGORY_LABELS,
        }
        response = templates.TemplateResponse(
            request, "deposit.html", context, status_code=200 if valid else 404
        )
        response.headers["Content-Language"] = code
        response.headers["Vary"] = "Accept-Language"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return router
