"""A shared terminal keeps nothing of the person who used it: "Leave now" ends
the session and wipes the page, inactivity logs out after a visible countdown,
a reload starts logged out, and the browser profile holds no storage, cookie
or cache of the site afterwards."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from client import PdeClient
from tests.e2e.kiosk_steps import (
    EMPTY_STORAGE,
    PASSPHRASE,
    add_document,
    browser_storage,
    create_wallet,
    kiosk_page,
    leave_now,
    open_kiosk,
)

pytestmark = pytest.mark.browser


def api_calls(page: Page) -> list[tuple[str, str, int]]:
    calls: list[tuple[str, str, int]] = []
    page.on(
        "response",
        lambda r: (
            calls.append((r.request.method, r.url, r.status)) if "/api/v1/" in r.url else None
        ),
    )
    return calls


def test_leave_now_ends_the_session_wipes_the_page_and_leaves_no_storage(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        calls = api_calls(page)
        open_kiosk(page, live_server, "fr")
        create_wallet(page)
        add_document(page, "note.txt", "text/plain", b"secret content", title="Attestation CPAS")
        page.click(".document")
        expect(page.locator("#preview pre")).to_have_text("secret content")

        leave_now(page, live_server)
        logout = [c for c in calls if c[0] == "POST" and c[1].endswith("/api/v1/logout")]
        assert [status for *_, status in logout] == [204]
        assert browser_storage(page) == EMPTY_STORAGE
        assert "Attestation CPAS" not in page.content()

        page.go_back()  # the back button brings no wallet back
        page.wait_for_load_state()
        expect(page.locator("#who:visible")).to_have_count(0)
        expect(page.locator(".document")).to_have_count(0)
        assert "Attestation CPAS" not in page.content()


def test_idle_logout_warns_with_a_countdown_and_i_am_still_here_keeps_the_session(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "ar", query="?idle=6")
        create_wallet(page)
        dialog = page.locator("#idle-dialog")
        expect(dialog).to_be_visible(timeout=10_000)
        expect(page.locator("#idle-count")).to_contain_text("سيتم تسجيل خروجك")
        page.click("#still-here")
        expect(dialog).to_be_hidden()
        expect(page.locator("#screen-documents")).to_be_visible()

        expect(dialog).to_be_visible(timeout=10_000)
        page.wait_for_url(f"{live_server}/", timeout=10_000)
        expect(page.locator(".language-list")).to_be_visible()
        assert browser_storage(page) == EMPTY_STORAGE


def test_a_reload_starts_logged_out_and_the_session_is_ended(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        handle, _ = create_wallet(page)
        page.reload()
        expect(page.locator("#screen-welcome")).to_be_visible()
        expect(page.locator("#who")).to_be_hidden()
        assert browser_storage(page) == EMPTY_STORAGE
    with PdeClient(live_server, retry_seconds=5) as owner:
        owner.login(handle, PASSPHRASE)
        deadline = time.monotonic() + 5
        while len(owner.sessions()) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [s["current"] for s in owner.sessions()] == [True], "the kiosk session is open"


def test_the_language_pages_send_no_store_and_no_cookie(browser: Browser, live_server: str) -> None:
    with kiosk_page(browser) as page:
        for lang in ("fr", "nl", "en", "ar", "pl"):
            response = page.goto(f"{live_server}/{lang}/")
            assert response is not None and response.status == 200
            assert response.headers["cache-control"] == "no-store"
            assert "set-cookie" not in response.headers
