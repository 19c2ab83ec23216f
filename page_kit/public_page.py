"""A page for people without an account, opened from a link: the share
viewer at `/s/<id>` and the depositor page at `/d/<id>` (later others).

The server renders one static page per language; everything that involves the
link happens in the browser, which reads the link's secret from its fragment
(never sent here) and takes it out of the address bar. The page therefore
carries its words in every language, so that it can switch language without a
reload: a reload would lose the secret, already gone from the address bar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from crypto.share import is_valid_id
from page_kit.i18n import CatalogTranslations, Language, page_strings

LANGUAGE_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*$")


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
    """One template in `languages` (the first being the default) that carries
    every language's strings, so that it switches language without a reload.
    The template extends the kit's "public-page.html": `templates` must search
    page_kit.KIT_TEMPLATES after the page's own folder. A page without script
    (`scripted=False`) changes language by changing page and carries no strings."""

    def __init__(
        self,
        templates: Jinja2Templates,
        template: str,
        translations: Mapping[str, CatalogTranslations],
        languages: Sequence[Language],
        categories: Mapping[str, str],
        *,
        scripted: bool = True,
    ) -> None:
        self._templates = templates
        self._template = template
        self._translations = translations
        self._languages = languages
        self._codes = [language.code for language in languages]
        self._by_code = {language.code: language for language in languages}
        self._strings = page_strings(languages, translations, categories) if scripted else None

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
            **({"page_strings": self._strings} if self._strings else {}),
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
