"""The social worker's page at `/s/<share_id>` (DESIGN.md §1, journey 6).

The server renders one static page per language; everything that involves the
share happens in the worker's browser: it reads the secret from the link's
fragment (never sent here), removes it from the address bar, opens the share
through the API of docs/shares.md and decrypts the documents in page memory.

The page carries the viewer's strings in every language, so the worker can
switch language without a reload: a reload would lose the secret, which is no
longer in the address bar. Languages and catalogs are handed in by the caller
(kiosk_ui composes the app): this package does not import the interface.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from crypto.share import is_valid_id
from wallet.categories import CATEGORIES

# templates/ (the page), static/ (served at /static/viewer), locales/ (catalogs "viewer.po")
VIEWER_DIR = Path(__file__).parent / "viewer"
VIEWER_DOMAIN = "viewer"
# The skeleton every PublicPage's template extends ("public-page.html").
PUBLIC_PAGE_TEMPLATES = VIEWER_DIR / "templates"

LANGUAGE_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*$")

# The category labels the viewer shows beside each pictogram: the same English
# message ids as the kiosk's (tests/unit/test_i18n.py checks they agree).
CATEGORY_LABELS: dict[str, str] = {
    "identity": "Identity and residence",
    "social": "Social reports and rights",
    "steps": "Steps and requests",
    "cpas": "CPAS letters",
    "health": "Health",
    "work": "Work, training and diplomas",
    "children": "Children",
    "leisure": "Leisure and clubs",
    "story": "My story",
    "other": "Other",
}
assert set(CATEGORY_LABELS) == set(CATEGORIES)


class ViewerLanguage(Protocol):
    """A language of the page, named in its own script."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def direction(self) -> str: ...


class ViewerCatalog(Protocol):
    """One language's translations of the viewer's messages."""

    messages: dict[str, str]

    def gettext(self, message: str) -> str: ...


def preferred_language(accept_language: str, supported: Sequence[str], default: str) -> str:
    """The first of `supported` in an `Accept-Language` header, by quality, else `default`."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:20]):
        tag, _, params = item.partition(";")
        match = LANGUAGE_TAG.match(tag)
        if not match:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, match.group(1).lower()))
    for _, _, code in sorted(ranked):
        if code in supported:
            return code
    return default


class PublicPage:
    """A page for people without an account, opened from a link: one template in
    `languages` (the first being the default) that carries every language's
    strings, so that it switches language without a reload (a reload would lose
    the link's fragment, already taken out of the address bar). The template
    extends "public-page.html": `templates` must search PUBLIC_PAGE_TEMPLATES."""

    def __init__(
        self,
        templates: Jinja2Templates,
        template: str,
        translations: Mapping[str, ViewerCatalog],
        languages: Sequence[ViewerLanguage],
        categories: Mapping[str, str],
    ) -> None:
        self._templates = templates
        self._template = template
        self._translations = translations
        self._languages = languages
        self._codes = [language.code for language in languages]
        self._by_code = {language.code: language for language in languages}
        self._embedded = {
            "strings": {code: dict(translations[code].messages) for code in self._codes},
            "language_list": [
                {"code": language.code, "name": language.name, "dir": language.direction}
                for language in languages
            ],
            "categories": categories,
        }

    def render(
        self, request: Request, lang: str | None, context: Mapping[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        """The page in `lang` when offered, else in the browser's preferred language."""
        code = lang if lang in self._by_code else None
        code = code or preferred_language(
            request.headers.get("accept-language", ""), self._codes, self._codes[0]
        )
        full_context: dict[str, Any] = {
            "language": self._by_code[code],
            "languages": self._languages,
            "_": self._translations[code].gettext,
            **self._embedded,
            **context,
        }
        response = self._templates.TemplateResponse(
            request, self._template, full_context, status_code=status_code
        )
        response.headers["Content-Language"] = code
        response.headers["Vary"] = "Accept-Language"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response


def link_page_router(
    path: str, page: PublicPage, opening_state: str, invalid_state: str
) -> APIRouter:
    """The routes `path` and `path/<link id>` of `page`: the page starts in
    `opening_state`, or in `invalid_state` with a 404 when the id is malformed.
    The template gets the id as `link_id`."""
    router = APIRouter(include_in_schema=False)

    @router.get(path, response_class=HTMLResponse)
    @router.get(path + "/{link_id:path}", response_class=HTMLResponse)
    def link_page(request: Request, link_id: str = "", lang: str | None = None) -> HTMLResponse:
        valid = is_valid_id(link_id)
        context = {
            "link_id": link_id if valid else "",
            "initial_state": opening_state if valid else invalid_state,
        }
        return page.render(request, lang, context, status_code=200 if valid else 404)

    return router


def viewer_router(
    templates: Jinja2Templates,
    translations: Mapping[str, ViewerCatalog],
    languages: Sequence[ViewerLanguage],
) -> APIRouter:
    """The route of the viewer page, rendered with `templates` (the viewer's own
    folder, VIEWER_DIR / "templates") in `languages`, the first being the default."""
    page = PublicPage(templates, "viewer.html", translations, languages, CATEGORY_LABELS)
    return link_page_router("/s", page, opening_state="opening", invalid_state="invalid")
