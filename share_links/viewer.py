"""The social worker's page at `/s/<share_id>` (docs/design.md, journey 6).

A page_kit.public_page.PublicPage: everything that involves the share happens
in the worker's browser, which reads the secret from the link's fragment (never
sent here), removes it from the address bar, opens the share through the API of
docs/shares.md and decrypts the documents in page memory. This module names
the page's own parts: its template, scripts (served at /static/viewer) and
catalogs (domain "viewer"); pde.app composes them with the kit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import APIRouter
from fastapi.templating import Jinja2Templates

from page_kit.categories import CATEGORY_LABELS
from page_kit.i18n import CatalogTranslations, Language
from page_kit.public_page import PublicPage, link_page_router

# templates/ (the page), static/ (served at /static/viewer), locales/ (catalogs "viewer.po")
VIEWER_DIR = Path(__file__).parent / "viewer"
VIEWER_DOMAIN = "viewer"


def viewer_router(
    templates: Jinja2Templates,
    translations: Mapping[str, CatalogTranslations],
    languages: Sequence[Language],
) -> APIRouter:
    """The route of the viewer page, rendered with `templates` (its own folder,
    VIEWER_DIR / "templates", then the kit's) in `languages`, the first being the default."""
    page = PublicPage(templates, "viewer.html", translations, languages, CATEGORY_LABELS)
    return link_page_router("/s", page, opening_state="opening", invalid_state="invalid")
