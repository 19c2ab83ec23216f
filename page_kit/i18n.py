"""The languages of the interface, and the loading of each page's gettext catalogs.

Every page keeps its own catalogs: the Babel `.po` files under
`<its folder>/locales/<lang>/LC_MESSAGES/<its domain>.po` (the kiosk's
"messages", the viewer's "viewer", the depositor page's "deposit"). They are
read once at startup into in-memory gettext translations: no compile step, and
a missing translation falls back to the English message id. The scripts get
their words from the page itself (`page_strings`, read by static/strings.js)."""

from __future__ import annotations

import gettext
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po


@dataclass(frozen=True)
class Language:
    """A language of the interface, named in its own script."""

    code: str
    name: str
    direction: str  # "ltr" or "rtl"


LANGUAGES: tuple[Language, ...] = (
    Language("fr", "Français", "ltr"),
    Language("nl", "Nederlands", "ltr"),
    Language("en", "English", "ltr"),
    Language("ar", "العربية", "rtl"),
    Language("pl", "Polski", "ltr"),
)
LANGUAGES_BY_CODE = {language.code: language for language in LANGUAGES}


class CatalogTranslations(gettext.NullTranslations):
    """gettext translations held in a dict read from a `.po` catalog."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def catalog_path(code: str, directory: Path, domain: str) -> Path:
    """Where the `.po` catalog of language `code` lives in a page's `directory`
    (its locales folder), for its `domain`."""
    return directory / code / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(code: str, directory: Path, domain: str) -> dict[str, str]:
    """msgid → msgstr of one catalog; untranslated and fuzzy entries are left out."""
    with catalog_path(code, directory, domain).open("rb") as po_file:
        catalog = read_po(po_file, locale=code)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def load_translations(directory: Path, domain: str) -> dict[str, CatalogTranslations]:
    """The translations of a page's catalogs in every language, by language code."""
    return {
        language.code: CatalogTranslations(read_catalog(language.code, directory, domain))
        for language in LANGUAGES
    }


def page_strings(
    languages: Sequence[Language],
    translations: Mapping[str, CatalogTranslations],
    categories: Mapping[str, str],
) -> dict[str, Any]:
    """What static/strings.js reads from the page's `#page-strings` block: the
    `languages` it offers, the messages of each, and the category labels (English
    message ids). A public page carries every language, to switch without a
    reload; the kiosk only its own, since it changes language by changing page."""
    return {
        "languages": [
            {"code": language.code, "name": language.name, "dir": language.direction}
            for language in languages
        ],
        "strings": {
            language.code: dict(translations[language.code].messages) for language in languages
        },
        "categories": dict(categories),
    }
