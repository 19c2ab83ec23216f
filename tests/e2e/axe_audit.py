"""axe-core on the kiosk, for the accessibility modules (test_kiosk_accessibility_*.py):
a person reaches each screen by clicking, as in tests/e2e/kiosk_steps.py, and axe-core
must find no "serious" or "critical" violation of WCAG rules on it (contrast, names,
landmarks, duplicate ids, language and direction)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """Rule ids, impacts and the offending nodes, one per line, for a failure message."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
    return "\n".join(lines)


class AxeAudit:
    """Runs axe on each screen reached and keeps what it found, to report every screen at once."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page = page
        self.lang = lang
        self.found: dict[str, list[dict[str, Any]]] = {}

    def check(self, screen: str) -> None:
        violations = blocking_violations(self.page)
        if violations:
            self.found[screen] = violations

    def report(self) -> str:
        return "\n".join(
            f"{self.lang} / {screen}:\n{describe(violations)}"
            for screen, violations in self.found.items()
        )
