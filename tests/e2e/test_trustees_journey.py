"""Recovery by trustees at the kiosk (docs/trustees.md), with clicks and typing:
given an owner with a document who chose 2 of 3 trustees (two trustee wallets,
named by the invitation they show, and one printed share whose QR code reads
back as its text), when someone asks to recover the wallet, then the owner sees
a calm notice at their next login; (a) the owner says "it was me: continue", one
trustee releases their share, and the requester is told 2 shares are needed until
they add the printed one (read from a photo of its QR code), then chooses a new
secret phrase and finds the document; (b) a request the owner cancels gives the
cancelled message even with enough shares. The form opens on 2 of 3 printed
shares and keeps how many must agree within the trustees. The server runs with
no delay (PDE_RECOVERY_DELAY_HOURS=0)."""

from __future__ import annotations

import io
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from client import PdeClient
from client.trustees import trustee_invitation as client_invitation
from tests.e2e.conftest import LiveServer, server_settings
from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    create_wallet,
    kiosk_page,
    leave_now,
    log_in,
    open_account,
    open_kiosk,
    png,
)
from tests.needs import missing
from wallet.db import migrate

pytestmark = pytest.mark.browser

NEW_PASSPHRASE = "une toute nouvelle phrase"
DOCUMENT_TITLE = "Carte d'identité"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's server: recovery requests open at once."""
    settings = server_settings(tmp_path_factory.mktemp("pde-trustees"), recovery_delay_hours=0)
    migrate(settings.sqlalchemy_url)
    server = LiveServer(settings)
    server.start()
    yield server.url
    server.stop()


@dataclass
class Owner:
    handle: str
    printed_share: str
    printed_qr: Path


@dataclass
class Ticket:
    request_id: str
    code: str


def trustee_invitation(browser: Browser, base: str, lang: str) -> tuple[str, str]:
    """A trustee makes a wallet and reads its invitation; returns (handle, invitation)."""
    with kiosk_page(browser) as page:
        open_kiosk(page, base, lang)
        handle, _ = create_wallet(page)
        open_account(page)
        page.click("#account-trustee-help")
        expect(page.locator("#trustee-invitation-qr svg")).to_be_visible()
        invitation = page.locator("#trustee-invitation-text").inner_text()
        assert invitation.startswith(f"pde-trustee:1:{handle}:")
        leave_now(page, base)
        return handle, invitation


def trustee_by_client(base: str) -> tuple[str, str]:
    """A trustee's wallet and invitation made by the Python client; returns (handle, invitation)."""
    with PdeClient(base, retry_seconds=5) as client:
        client.register(f"trustee-{secrets.token_hex(4)}", PASSPHRASE)
        return str(client.handle), client_invitation(client)


def set_up_owner(page: Page, base: str, lang: str, invitations: list[str], qr_path: Path) -> Owner:
    """The owner makes a wallet with a document and chooses 2 of 3 trustees."""
    open_kiosk(page, base, lang)
    handle, _ = create_wallet(page)
    with PdeClient(base) as client:  # the document itself: the add screen is not the subject here
        client.login(handle, PASSPHRASE)
        client.add(io.BytesIO(png()), title=DOCUMENT_TITLE)
    open_account(page)
    page.click("#account-trustees")
    expect(page.locator("#trustees-none")).to_be_visible()
    # The form opens on a choice that can be made, 2 of 3 printed shares, and stays so.
    expect(page.locator("#trustees-printed")).to_have_value("3")
    expect(page.locator("#trustees-threshold")).to_have_value("2")
    expect(page.locator("#trustees-count")).to_contain_text(re.compile(r"2\D+3"))
    page.fill("#trustees-threshold", "3")  # 3 of 3
    page.fill("#trustees-printed", "2")  # fewer trustees: how many must agree follows
    expect(page.locator("#trustees-threshold")).to_have_value("2")
    page.locator("#trustees-invitation").fill("pde-trustee:1:nobody:not-a-key")
    page.click("#trustees-add")
    expect(page.locator("#trustees-error")).to_be_visible()
    for invitation in invitations:
        page.locator("#trustees-invitation").fill(invitation)
        page.locator("#trustees-invitation").press("Enter")
    expect(page.locator("#trustees-added li")).to_have_count(len(invitations))
    page.fill("#trustees-printed", "1")
    page.fill("#trustees-threshold", "2")
    page.click("#trustees-submit")
    expect(page.locator("#screen-trustee-printed")).to_be_visible(timeout=30_000)
    expect(page.locator(".trustee-sheet")).to_have_count(1)
    printed = page.locator(".trustee-share-code").inner_text()
    page.locator(".trustee-sheet .qr svg").screenshot(path=str(qr_path))
    page.click("#trustee-printed-done")
    expect(page.locator("#screen-trustees")).to_be_visible()
    expect(page.locator("#trustees-list li")).to_have_count(3)
    expect(page.locator("#trustees-printed-list, .trustee-sheet")).to_have_count(0)
    leave_now(page, base)
    return Owner(handle, printed, qr_path)


def ask_trustees(page: Page, base: str, lang: str, handle: str) -> Ticket:
    """Someone asks to recover `handle`, and writes the request down."""
    open_kiosk(page, base, lang)
    page.click("#screen-welcome [data-go=login]")
    page.click("#screen-login [data-go=recover]")
    page.click("#recover-ask-trustees")
    expect(page.locator("#screen-recovery-request-ask")).to_be_visible()
    page.locator("#request-ask-handle").press_sequentially(handle)
    page.click("#request-ask-submit")
    expect(page.locator("#screen-recovery-request-ticket")).to_be_visible()
    expect(page.locator("#request-ticket-qr svg")).to_be_visible()
    ticket = Ticket(
        page.locator("#request-ticket-id").inner_text(),
        page.locator("#request-ticket-code").inner_text(),
    )
    expect(page.locator("#request-ticket-done")).to_be_disabled()
    page.check("#request-ticket-kept")
    page.click("#request-ticket-done")
    page.wait_for_url(f"{base}/")
    return ticket


def release_share(page: Page, base: str, lang: str, handle: str, owner: str) -> None:
    """A trustee logs in and releases their share to the owner's request."""
    open_kiosk(page, base, lang)
    log_in(page, handle)
    open_account(page)
    page.click("#account-trustee-help")
    request = page.locator("#trustee-requests li", has_text=owner)
    expect(request).to_have_count(1)
    release = request.locator(".trustee-release")
    expect(release).to_be_disabled()
    request.locator("input[type=checkbox]").check()
    release.click()
    expect(page.locator("#trustee-requests li .trustee-release")).to_have_count(0)
    leave_now(page, base)


def come_back(page: Page, base: str, lang: str, handle: str, ticket: Ticket, shares: str) -> None:
    """The requester comes back with the request paper and the printed shares."""
    open_kiosk(page, base, lang)
    page.click("#screen-welcome [data-go=login]")
    page.click("#screen-login [data-go=recover]")
    page.click("#recover-have-request")
    expect(page.locator("#screen-recovery-request-open")).to_be_visible()
    page.locator("#request-open-handle").press_sequentially(handle)
    page.locator("#request-open-id").fill(ticket.request_id)
    page.locator("#request-open-code").fill(ticket.code)
    page.locator("#request-open-shares").fill(shares)
    page.click("#request-open-submit")


def owner_logs_in(page: Page, base: str, lang: str, handle: str, passphrase: str) -> None:
    open_kiosk(page, base, lang)
    page.click("#screen-welcome [data-go=login]")
    page.locator("#login-handle").press_sequentially(handle)
    page.locator("#login-passphrase").press_sequentially(passphrase)
    page.click("#login-submit")
    expect(page.locator("#screen-recovery-request-warning")).to_be_visible()
    expect(page.locator("#recovery-warning-list li")).to_have_count(1)


def zbar(path: Path) -> str:
    found = subprocess.run(
        ["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


@pytest.fixture(scope="module")
def owner(
    browser: Browser, live_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Owner, list[str]]]:
    """An owner (French) with 2 of 3 trustees: two wallets (returned) and one printed share.
    One trustee reads its invitation on the kiosk, the other's is made by the Python
    client, and the owner's kiosk takes both."""
    trustees = [trustee_invitation(browser, live_server, "fr"), trustee_by_client(live_server)]
    qr = tmp_path_factory.mktemp("qr") / "printed-share.png"
    with kiosk_page(browser) as page:
        made = set_up_owner(page, live_server, "fr", [inv for _, inv in trustees], qr)
    yield made, [handle for handle, _ in trustees]


def test_the_printed_share_qr_code_reads_back_as_its_text(owner: tuple[Owner, list[str]]) -> None:
    if shutil.which("zbarimg") is None:
        missing("zbarimg is missing (apt-get install -y zbar-tools)")
    made, _ = owner
    assert zbar(made.printed_qr) == made.printed_share


def test_a_request_the_owner_confirms_opens_with_one_trustee_and_the_printed_share(
    browser: Browser, live_server: str, owner: tuple[Owner, list[str]]
) -> None:
    made, trustees = owner
    with ExitStack() as stack:
        requester = stack.enter_context(kiosk_page(browser))
        other = stack.enter_context(kiosk_page(browser))
        ticket = ask_trustees(requester, live_server, "fr", made.handle)

        owner_logs_in(other, live_server, "fr", made.handle, PASSPHRASE)
        expect(other.locator("#screen-recovery-request-warning .lead")).to_contain_text(
            "Quelqu'un a demandé à récupérer ce portefeuille"
        )
        expect(other.locator("#recovery-warning-list li")).to_contain_text(
            "Le temps d'attente se termine le"
        )
        other.click(".recovery-warning-mine")
        expect(other.locator("#screen-documents")).to_be_visible()
        leave_now(other, live_server)

        release_share(other, live_server, "fr", trustees[0], made.handle)

        come_back(requester, live_server, "fr", made.handle, ticket, "")
        expect(requester.locator("#request-open-error")).to_have_text(
            "2 parts sont nécessaires, vous en avez 1."
        )
        # The printed share, read from a photo of its QR code.
        requester.set_input_files("#request-open-photo", str(made.printed_qr))
        expect(requester.locator("#request-open-shares")).to_have_value(made.printed_share)
        requester.click("#request-open-submit")
        expect(requester.locator("#screen-new-passphrase")).to_be_visible(timeout=30_000)
        requester.locator("#new-passphrase-input").press_sequentially(NEW_PASSPHRASE)
        requester.locator("#new-passphrase-again").fill(NEW_PASSPHRASE)
        requester.click("#new-passphrase-submit")
        expect(requester.locator("#screen-documents")).to_be_visible()
        expect(requester.locator(".document-title", has_text=DOCUMENT_TITLE)).to_have_count(1)
        leave_now(requester, live_server)

        # The request is used up: the same paper opens nothing any more.
        come_back(requester, live_server, "fr", made.handle, ticket, made.printed_share)
        expect(requester.locator("#request-open-error")).to_have_text(
            "Cette demande a déjà été utilisée. Faites-en une nouvelle."
        )
        requester.click("#screen-recovery-request-open [data-go=recover]")
        leave_now(requester, live_server)
        open_kiosk(requester, live_server, "fr")
        log_in(requester, made.handle, NEW_PASSPHRASE)


def test_a_request_the_owner_stops_in_arabic_gives_the_cancelled_message(
    browser: Browser, live_server: str, owner: tuple[Owner, list[str]]
) -> None:
    made, trustees = owner
    with ExitStack() as stack:
        requester = stack.enter_context(kiosk_page(browser))
        other = stack.enter_context(kiosk_page(browser))
        ticket = ask_trustees(requester, live_server, "ar", made.handle)
        release_share(other, live_server, "ar", trustees[1], made.handle)

        owner_logs_in(other, live_server, "ar", made.handle, NEW_PASSPHRASE)
        other.click(".recovery-warning-stop")
        expect(other.locator("#screen-documents")).to_be_visible()
        expect(other.locator("#notice")).to_have_text(
            "تم إلغاء الطلب. لا يمكن لأحد استخدامه. وثائقك في أمان."
        )
        leave_now(other, live_server)

        come_back(requester, live_server, "ar", made.handle, ticket, made.printed_share)
        expect(requester.locator("#request-open-error")).to_have_text(
            "أوقف صاحب المحفظة هذا الطلب. لا يمكن استخدامه."
        )
        expect(requester.locator("#screen-recovery-request-open")).to_be_visible()
