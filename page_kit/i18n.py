"""The kiosk's languages and their gettext catalogs.

Catalogs are the Babel `.po` files under `locales/<lang>/LC_MESSAGES/`, read
once at startup into in-memory gettext translations: no compile step, and a
missing translation falls back to the English message id."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


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


def catalog_path(code: str, directory: Path = LOCALES_DIR, domain: str = DOMAIN) -> Path:
    """Where the `.po` catalog of language `code` lives (`domain`: the kiosk's
    "messages", or another page's own catalogs, such as the share viewer's)."""
    return directory / code / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(code: str, directory: Path = LOCALES_DIR, domain: str = DOMAIN) -> dict[str, str]:
    """msgid → msgstr of one catalog; untranslated and fuzzy entries are left out."""
    with catalog_path(code, directory, domain).open("rb") as po_file:
        catalog = read_po(po_file, locale=code)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def load_translations(
    directory: Path = LOCALES_DIR, domain: str = DOMAIN
) -> dict[str, CatalogTranslations]:
    """The translations of every language, by language code."""
    return {
        language.code: CatalogTranslations(read_catalog(language.code, directory, domain))
        for language in LANGUAGES
    }
