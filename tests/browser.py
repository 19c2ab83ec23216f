"""Chromium for the browser tests: the system's own (Debian's chromium package),
since Playwright cannot download its browser on these machines. One Playwright
driver serves the whole test session (root conftest's `playwright` fixture):
a second sync driver in the same process would fail inside the first one's
event loop, so every module, browser tests or not, takes `browser` from there."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Playwright

from tests.needs import missing

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip when Chromium is missing, except under CI, where that is a failure."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    missing(message)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Chromium from the system (Debian's chromium package): Playwright
    cannot download its own browser on these machines."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
