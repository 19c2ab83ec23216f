"""A copied link does not stay on a shared computer: given an
owner who copied a share link (its secret included) or a deposit link at the
kiosk, when they leave the link screen any way the kiosk offers ("Leave now", the
idle logout, "Done", meeting mode), then the clipboard is empty, and the page
said, as soon as the link was copied, that it is on the computer's clipboard
until then. Where the browser lets no script write the clipboard, the link is
selected to be copied by hand, with a warning that this computer cannot erase it.

A page that is going (a reload, a closed tab) can no longer write the clipboard
(Chromium finishes no writeText after pagehide, and execCommand('copy') needs a
click of the last seconds): kiosk browsers run in kiosk mode, where neither is at
hand (docs/deployment.md, "Kiosk terminals").

The clipboard is read through Playwright's clipboard permissions; the idle
logout is reached by moving the page's clock, not by waiting."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.kiosk_steps import add_document, create_wallet, kiosk_page, leave_now, open_kiosk
from tests.e2e.share_steps import make_share
from tests.e2e.test_deposit_journey import make_deposit_link

pytestmark = pytest.mark.browser

CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}
# Past the kiosk's idle timeout (180 s by default) in one jump of the page's clock.
PAST_THE_IDLE_TIMEOUT = "05:00"
# A browser that lets no script write the clipboard (a locked-down profile, an old browser).
REFUSING_CLIPBOARD = (
    "navigator.clipboard.writeText = () => Promise.reject(new DOMException('', 'NotAllowedError'));"
)


def clipboard(page: Page) -> str:
    return str(page.evaluate("navigator.clipboard.readText()"))


def clipboard_emptied(page: Page, seconds: float = 5.0) -> bool:
    """Whether the clipboard, read from the page now on show, becomes empty within `seconds`."""
    deadline = time.monotonic() + seconds
    while clipboard(page) != "":
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def copy_a_link(page: Page, live_server: str, kind: str) -> str:
    """Log in afresh, make a share link (`kind` "share") or a deposit link ("deposit"),
    press "Copy the link", and see the warning; returns the link."""
    page.clock.install()  # the idle logout comes when the test moves the clock
    open_kiosk(page, live_server, "fr")
    create_wallet(page)
    if kind == "share":
        add_document(page, "lettre.txt", "text/plain", b"Decision du CPAS", title="Lettre")
        link, _ = make_share(page, titles=["Lettre"], recipient="CPAS Ixelles")
    else:
        link = make_deposit_link(page, "CPAS Ixelles, logement", max_files=1)
    warning = page.locator(f"#{kind}-copied")
    expect(warning).to_be_hidden()
    page.click(f"#{kind}-copy")
    expect(warning).to_be_visible()
    expect(page.locator(f"#{kind}-copy-by-hand")).to_be_hidden()
    assert clipboard(page) == link
    return link


def leave_by(page: Page, live_server: str, way: str) -> None:
    if way == "leave now":
        leave_now(page, live_server)
    elif way == "idle logout":
        page.clock.fast_forward(PAST_THE_IDLE_TIMEOUT)
        page.wait_for_url(f"{live_server}/")
        expect(page.locator(".language-list")).to_be_visible()
    else:
        raise AssertionError(way)


@pytest.mark.parametrize(
    ("kind", "way"),
    [
        ("share", "leave now"),
        ("share", "idle logout"),
        ("deposit", "leave now"),
        ("deposit", "idle logout"),
    ],
)
def test_a_copied_link_is_erased_from_the_clipboard_on_every_way_out(
    browser: Browser, live_server: str, kind: str, way: str
) -> None:
    with kiosk_page(browser, **CLIPBOARD) as page:
        copy_a_link(page, live_server, kind)
        leave_by(page, live_server, way)
        assert clipboard_emptied(page), f"the {kind} link stayed on the clipboard after {way}"


def test_the_link_screens_own_ways_out_erase_the_clipboard_and_the_warning(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser, **CLIPBOARD) as page:
        copy_a_link(page, live_server, "share")
        page.click("#share-done")
        expect(page.locator("#screen-shares")).to_be_visible()
        assert clipboard_emptied(page)

        page.click("#share-list .share-reveal")  # "Show the link again", copy it again
        expect(page.locator("#screen-share-ready")).to_be_visible()
        expect(page.locator("#share-copied")).to_be_hidden()
        page.click("#share-copy")
        expect(page.locator("#share-copied")).to_be_visible()
        assert clipboard(page).startswith(f"{live_server}/s/")
        page.click("#share-meeting")  # meeting mode with these documents
        expect(page.locator("#screen-meeting")).to_be_visible(timeout=15_000)
        assert clipboard_emptied(page)


def test_without_a_clipboard_the_link_is_selected_with_a_warning_that_it_stays(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        page.add_init_script(REFUSING_CLIPBOARD)
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        create_wallet(page)
        link = make_deposit_link(page, "CPAS Ixelles, logement", max_files=1)
        page.click("#deposit-copy")
        expect(page.locator("#deposit-copy-by-hand")).to_be_visible()
        expect(page.locator("#deposit-copied")).to_be_hidden()
        assert page.evaluate("String(window.getSelection())").strip() == link
        page.click("#deposit-done")
        expect(page.locator("#deposit-copy-by-hand")).to_be_hidden()
