"""One word for one thing (docs/glossary.md): wherever an English message of the
kiosk or of the share viewer names a thing of the glossary, its translation in
every language names it with the glossary's word, and no catalog uses a word the
glossary turned down. A person who reads "feuille de secours" on one screen must
not find "feuille de récupération" on the next and wonder whether these are two
papers; the worker who opens a share reads the owner's words for the same things."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk_ui.pages import KIOSK_DOMAIN, KIOSK_LOCALES
from page_kit.i18n import read_catalog
from share_links.viewer import VIEWER_DOMAIN

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
# Each page's catalogs: (folder, gettext domain).
PAGES = {
    "kiosk": (KIOSK_LOCALES, KIOSK_DOMAIN),
    "viewer": (ROOT / "share_links" / "viewer" / "locales", VIEWER_DOMAIN),
    "privacy notice": (ROOT / "kiosk_ui" / "privacy" / "locales", "privacy"),
    "printed guide": (ROOT / "day_centres" / "pages" / "locales", "guide"),
}
TRANSLATED = ["fr", "nl", "ar", "pl"]
CHECKED = "## What the test checks"
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # short vowels, shadda, sukun, tatweel
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class Term:
    """A row of the glossary's checked table."""

    thing: str
    english: re.Pattern[str]
    forms: dict[str, list[str]]  # language -> accepted forms
    never: dict[str, list[str]]  # language -> turned-down forms


def normal(text: str) -> str:
    """Text as compared: NFKC, no case, Arabic without its marks and with one alef."""
    text = ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return re.sub("[\u0622\u0623\u0625]", "\u0627", text)  # alef with madda or hamza: alef


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row; `\\|` is a pipe inside a cell."""
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]


def forms(cell: str) -> list[str]:
    return [form.strip() for form in cell.split(" / ") if form.strip()]


def turned_down(cell: str) -> dict[str, list[str]]:
    """`fr: a / b; nl: c` -> {"fr": ["a", "b"], "nl": ["c"]}."""
    never: dict[str, list[str]] = {}
    for part in filter(None, (piece.strip() for piece in cell.split(";"))):
        language, _, words = part.partition(":")
        never[language.strip()] = forms(words)
    return never


def glossary() -> list[Term]:
    """The checked table of docs/glossary.md."""
    text = GLOSSARY.read_text(encoding="utf-8").split(CHECKED, 1)[1]
    rows = [line for line in text.splitlines() if line.startswith("|")][2:]  # header, rule
    terms = []
    for row in rows:
        thing, english, *by_language, never = cells(row)
        terms.append(
            Term(
                thing=thing,
                english=re.compile(english.strip("`")),
                forms=dict(zip(TRANSLATED, map(forms, by_language), strict=True)),
                never=turned_down(never),
            )
        )
    return terms


TERMS = glossary()


def catalog(page: str, code: str) -> dict[str, str]:
    return read_catalog(code, *PAGES[page])


def holds(text: str, form: str) -> bool:
    """Whether `text` holds `form`: anywhere for Arabic (articles and pronouns join the
    word), as a whole word in Latin letters."""
    text, form = normal(text), normal(form)
    if ARABIC_LETTER.search(form):
        return form in text
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None


def holds_stem(text: str, form: str) -> bool:
    """Whether `text` holds `form` at the start of a word (Polish and Dutch endings vary)."""
    text, form = normal(text), normal(form)
    if ARABIC_LETTER.search(form):
        return form in text
    return re.search(rf"(?<!\w){re.escape(form)}", text) is not None


def test_the_glossary_names_every_thing_the_kiosk_is_asked_to_name_alike() -> None:
    things = {term.thing for term in TERMS}
    assert {
        "wallet", "secret phrase", "recovery sheet", "the other place", "share", "link",
        "PIN", "trustee", "deposit link", "inbox", "document", "wallet card",
    } <= things  # fmt: skip
    for term in TERMS:
        assert all(term.forms[language] for language in TRANSLATED), term.thing


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("code", TRANSLATED)
def test_each_thing_has_the_glossary_s_name_in_every_translation(page: str, code: str) -> None:
    english, translated = catalog(page, "en"), catalog(page, code)
    wrong = [
        f"{term.thing}: {message!r} -> {translated[message]!r}"
        for term in TERMS
        for message in english
        if term.english.search(message)
        and not any(holds_stem(translated[message], form) for form in term.forms[code])
    ]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("code", ["en", *TRANSLATED])
def test_no_catalog_uses_a_word_the_glossary_turned_down(page: str, code: str) -> None:
    wrong = [
        f"{term.thing}: {form!r} in {text!r}"
        for term in TERMS
        for form in term.never.get(code, [])
        for text in catalog(page, code).values()
        if holds(text, form)
    ]
    assert wrong == [], "\n".join(wrong)
