"""The keyboard's focus ring can be seen (WCAG 2.2, 1.4.11 and 2.4.7): its colour,
the design token --focus, has at least 3:1 contrast against every light surface
a ring is drawn on: the page, cards, top bars, notices, a chosen category, and
the other place's page and bar (the ring stands off its element, so those are
the colours beside it). The old amber, #f2a900, had 1.9:1 on the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ROOT / "page_kit" / "static" / "tokens.css"
STYLESHEETS = [
    TOKENS,
    ROOT / "page_kit" / "static" / "public-page.css",
    ROOT / "kiosk_ui" / "static" / "css" / "kiosk.css",
    ROOT / "kiosk_ui" / "static" / "css" / "shares.css",
]
SURFACE_TOKENS = ["--paper", "--card", "--place-paper", "--place-bar"]
LITERAL_BACKGROUND = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})\b")
MINIMUM = 3.0


def token(name: str) -> str:
    """A colour token's value, from whichever stylesheet sets it."""
    for sheet in STYLESHEETS:
        found = re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{3,6}})\b", sheet.read_text())
        if found:
            return found.group(1)
    raise LookupError(name)


def surfaces() -> dict[str, str]:
    """Every light surface a focus ring is drawn on: the surface tokens, and every
    background written as a colour in the stylesheets."""
    found = {name: token(name) for name in SURFACE_TOKENS}
    for sheet in STYLESHEETS:
        for colour in LITERAL_BACKGROUND.findall(sheet.read_text()):
            found[f"{sheet.name} {colour}"] = colour
    return found


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.2)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_known_answers() -> None:
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#f2a900", "#fbfaf6") == pytest.approx(1.92, abs=0.01)  # the old ring


@pytest.mark.parametrize(("surface", "colour"), sorted(surfaces().items()))
def test_the_focus_ring_stands_out_by_at_least_3_to_1(surface: str, colour: str) -> None:
    focus = token("--focus")
    ratio = contrast(focus, colour)
    assert ratio >= MINIMUM, f"{focus} on {surface}: {ratio:.2f}"
