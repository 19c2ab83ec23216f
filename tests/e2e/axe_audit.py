"""axe-core on the kiosk, for the accessibility modules (test_kiosk_accessibility_*.py):
a person reaches each screen by clicking, as in tests/e2e/kiosk_steps.py, and axe-core
must find no "serious" or "critical" violation of WCAG rules on it (contrast, names,
landmarks, duplicate ids, language and direction)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

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


# The sizes every staff page and public page without script must fit.
PAGE_SCREENS = {"terminal": {"width": 1024, "height": 768}, "phone": {"width": 360, "height": 740}}


class ScriptlessPageAudit:
    """axe-core on each page reached that runs no script (the staff pages, the
    terminal's enrolment), every violation of any impact kept, at both screen sizes,
    with any sideways scrolling."""

    def __init__(self, page: Page, lang: str) -> None:
        self.page, self.lang = page, lang
        self.found: list[str] = []

    def check(self, name: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        assert self.page.locator("script").count() == 0, name
        for screen, size in PAGE_SCREENS.items():
            self.page.set_viewport_size(size)
            violations = AXE.run(self.page).response["violations"]
            if violations:
                self.found.append(f"{self.lang} / {name} / {screen}:\n{describe(violations)}")
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                self.found.append(f"{self.lang} / {name} / {screen}: {overflow}px sideways")
        self.page.set_viewport_size(PAGE_SCREENS["terminal"])
