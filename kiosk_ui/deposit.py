"""The depositor's page at `/d/<deposit_id>` (docs/design.md, journey 7; docs/deposits.md).

A service holding a deposit link (a CPAS, a hospital, a school) puts files into
a person's wallet from an ordinary browser, with no account. Everything happens
in that browser: the page reads the link's secret from its fragment (never
sent here) and takes it out of the address bar, opens the link's info box with
it (the owner's label for the link, which it shows, and the wallet's public
key, which must be the one the server gives), then encrypts each file and seals
its key to the wallet (crypto/FORMAT.md §7). The page can write only: it has no
way to list or read.

It is a page_kit.public_page.PublicPage like the share viewer: its own
template, static files and catalogs ("deposit.po"), every language's strings in
the page so that switching needs no reload (a reload would lose the
secret). It lives in kiosk_ui, not share_links, because it reuses the
kiosk's upload module (static/js/upload.js) and pictograms and has nothing to
do with shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import APIRouter
from fastapi.templating import Jinja2Templates

from page_kit.categories import CATEGORY_LABELS
from page_kit.i18n import CatalogTranslations, Language
from page_kit.public_page import PublicPage, link_page_router

# templates/ (the page), static/ (served at /static/deposit), locales/ (catalogs "deposit.po")
DEPOSIT_DIR = Path(__file__).parent / "deposit"
DEPOSIT_DOMAIN = "deposit"


def deposit_router(
    templates: Jinja2Templates,
    translations: Mapping[str, CatalogTranslations],
    languages: Sequence[Language],
) -> APIRouter:
    """The route of the depositor page, rendered with `templates` (DEPOSIT_DIR /
    "templates", then the kit's) in `languages`, the first being the default."""
    page = PublicPage(templates, "deposit.html", translations, languages, CATEGORY_LABELS)
    return link_page_router("/d", page, opening_state="checking", invalid_state="not_found")
