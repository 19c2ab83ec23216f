"""The labels of the document categories (docs/design.md §1), one table for every page.

They are English message ids: each page's catalogs translate them, and
tests/unit/test_i18n.py checks that every page translates them alike."""

from __future__ import annotations

from wallet.categories import CATEGORIES

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
