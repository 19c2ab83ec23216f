"""A shared terminal keeps nothing of the person who used it: "Leave now" ends
the session and wipes the page, inactivity logs out after a visible countdown
that hides the wallet behind it, a reload starts logged out, and the browser
profile holds no storage, cookie or cache of the site afterwards: logging out
clears what the site kept (Clear-Site-Data), except an enrolled terminal's
cookie. The secret phrase fields never invite the browser to save them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from client import PdeClient
from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.conftest import server_settings, start_live_server
from tests.e2e.kiosk_steps import (
    EMPTY_STORAGE,
    KIOSK_VIEWPORT,
    PASSPHRASE,
    add_document,
    browser_storage,
    create_wallet,
    from_more,
    kiosk_page,
    leave_now,
    log_in,
    open_kiosk,
)
from tests.staff_support import make_centre, make_staff
from tests.terminal_support import make_terminal

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
        page.clock.install()  # the page's timers, in real time but for the jumps below
        open_kiosk(page, live_server, "ar", query="?idle=6")
        create_wallet(page)
        dialog = page.locator("#idle-dialog")
        page.clock.fast_forward("00:04")  # 4 idle seconds of 6: the last 3 warn
        expect(dialog).to_be_visible(timeout=10_000)
        expect(page.locator("#idle-count")).to_contain_text("سيتم تسجيل خروجك")
        page.click("#still-here")
        expect(dialog).to_be_hidden()
        expect(page.locator("#screen-documents")).to_be_visible()

        page.clock.fast_forward("00:04")
        expect(dialog).to_be_visible(timeout=10_000)
        page.clock.fast_forward("00:03")
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


# What a page of the site could have kept in the browser: Clear-Site-Data must clear it all.
KEEP_SOMETHING = """async () => {
  localStorage.setItem('left', 'behind');
  sessionStorage.setItem('left', 'behind');
  await (await caches.open('left')).put('/left', new Response('behind'));
  await new Promise((done) => { indexedDB.open('left').onsuccess = done; });
}"""
@pytest.fixture(scope="module")
def terminal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server with one enrolled terminal: (its URL, the terminal's cookie token). The
    credential of an enrolled terminal (docs/design.md §5) names the machine, and stays;
    a made-up one is deleted by the server at the next request."""
    data_dir = tmp_path_factory.mktemp("hygiene-terminal")
    server = start_live_server(data_dir)
    db_url = server_settings(data_dir).sqlalchemy_url
    worker = make_staff(db_url, "worker", make_centre(db_url))
    _, token = make_terminal(db_url, worker)
    yield server.url, token
    server.stop()


def test_logging_out_clears_the_sites_storage_and_cache_but_not_the_terminals_cookie(
    browser: Browser, terminal_server: tuple[str, str]
) -> None:
    live_server, token = terminal_server
    cookie = {"name": "pde_terminal", "value": token, "httpOnly": True, "sameSite": "Strict"}
    with kiosk_page(browser) as page:
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.context.add_cookies([cookie | {"url": live_server}])
        open_kiosk(page, live_server, "fr")
        create_wallet(page)
        page.evaluate(KEEP_SOMETHING)
        kept = browser_storage(page)
        assert (kept["local"], kept["session"], kept["caches"], kept["indexedDB"]) == (1, 1, 1, 1)

        leave_now(page, live_server)
        left = browser_storage(page)
        assert [cookie["name"] for cookie in left.pop("cookies")] == ["pde_terminal"]
        assert left == {key: value for key, value in EMPTY_STORAGE.items() if key != "cookies"}
        refused = [line for line in console if "Clear-Site-Data" in line]
        assert all(line.startswith("info: ") for line in refused), refused


def test_the_idle_warning_hides_the_wallet_until_i_am_still_here(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        page.clock.install()  # the countdown comes when the test moves the clock
        open_kiosk(page, live_server, "fr")
        create_wallet(page)
        add_document(page, "note.txt", "text/plain", b"secret content", title="Attestation CPAS")
        title = page.locator(".document-title", has_text="Attestation CPAS")
        dialog = page.locator("#idle-dialog")

        page.clock.fast_forward("02:40")  # 20 of the 180 seconds left: the countdown shows
        expect(dialog).to_be_visible()
        for behind in (title, page.locator("#search"), page.locator("#who")):
            expect(behind).to_be_hidden()
        page.click("#still-here")
        expect(dialog).to_be_hidden()
        expect(title).to_be_visible()
        expect(page.locator("#who")).to_be_visible()

        title.click()  # an open document is hidden too
        preview = page.locator("#preview pre")
        expect(preview).to_have_text("secret content")
        page.clock.fast_forward("02:40")
        expect(dialog).to_be_visible()
        expect(preview).to_be_hidden()
        page.keyboard.press("Escape")  # Escape also means "I'm still here"
        expect(dialog).to_be_hidden()
        expect(preview).to_be_visible()


# What Chromium's password manager writes on chrome://password-manager-internals
# when it would ask to save a password it saw submitted.
SAVE_PROMPT = "Show password prompt"
WATCHING = "IsPasswordManagementEnabledForCurrentPage: true"


def test_the_secret_phrase_fields_do_not_invite_the_password_manager(
    playwright: Playwright, live_server: str, tmp_path: Path
) -> None:
    # A profile of its own: the password manager keeps no log for Playwright's contexts.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        viewport=KIOSK_VIEWPORT,
    )
    try:
        internals = context.new_page()
        internals.goto("chrome://password-manager-internals")
        page = context.new_page()
        open_kiosk(page, live_server, "fr")
        secret_fields = page.locator("input[type=password]")
        assert secret_fields.count() >= 10
        for field in secret_fields.all():
            assert field.get_attribute("autocomplete") == "one-time-code", field.get_attribute("id")
        handle, _ = create_wallet(page)
        leave_now(page, live_server)
        open_kiosk(page, live_server, "fr")
        log_in(page, handle)
        from_more(page, "#screen-documents [data-go=account]")
        page.click("#account-compartment")  # the second secret least of all
        page.locator("#compartment-secret").press_sequentially("une autre place pour mes papiers")
        assert page.locator("#compartment-secret").get_attribute("autocomplete") == "one-time-code"
        page.click("#compartment-submit")
        expect(page.locator("#compartment-bar")).to_be_visible(timeout=30_000)
        leave_now(page, live_server)
        log = internals.locator("body").inner_text()
        assert WATCHING in log, "the password manager did not watch the kiosk"
        assert log.count(SAVE_PROMPT) == 0, "the browser offered to save a secret phrase"
    finally:
        context.close()
