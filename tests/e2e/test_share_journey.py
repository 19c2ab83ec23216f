"""Sharing, from both sides, in French and in Arabic: given an owner
at the kiosk with three documents, when they share two of them behind a PIN,
then the QR code on screen reads as the exact link, no request of the owner's
browser carries the link's secret, and a social worker in another browser
opens the link with the PIN and downloads exactly those two documents, byte
for byte, without the details the owner left out. The owner sees the opening
in "My shares" and revokes the share: the worker's next attempt gets the
revoked page. The printed sheet carries the PIN only when the owner ticks
it. Five wrong PINs lock a second share, which the owner sees and deletes; a
copied link is wiped from the clipboard when the owner is done."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from client.shares import ShareViewer
from tests.e2e.kiosk_steps import add_document, create_wallet, kiosk_page, open_kiosk, png
from tests.e2e.share_steps import (
    make_share,
    open_my_shares,
    qr_text,
    refresh_my_shares,
    revoke,
    share_id_of,
    share_item,
    worker_downloads,
    worker_follows,
    worker_opens,
    worker_titles,
    worker_types_a_wrong_pin,
)

pytestmark = pytest.mark.browser

CARD = png(48, 30)
LETTER = "Décision du CPAS : aide accordée, 1 254,30 €.\n".encode()
HEALTH = b"%PDF-1.4\n% not shared\n"
PIN = "482193"


class SentRequests:
    """Every request the owner's page sends: its URL and its body."""

    def __init__(self, page: Page) -> None:
        self.sent: list[tuple[str, bytes]] = []
        page.on("request", self.record)

    def record(self, request: Request) -> None:
        self.sent.append((request.url, request.post_data_buffer or b""))

    def carrying(self, secret: str) -> list[str]:
        needle = secret.encode()
        return [url for url, body in self.sent if secret in url or needle in body]


def clipboard_emptied(page: Page, seconds: float = 3.0) -> bool:
    """Whether the page's clipboard becomes empty within `seconds`."""
    deadline = time.monotonic() + seconds
    while page.evaluate("navigator.clipboard.readText()") != "":
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def add_three_documents(page: Page) -> None:
    add_document(
        page,
        "carte.png",
        "image/png",
        CARD,
        title="Carte d'identité",
        category="identity",
        date="2024-03-01",
        issuer="Commune d'Ixelles",
    )
    add_document(page, "decision.txt", "text/plain", LETTER, title="Décision CPAS", category="cpas")
    add_document(
        page, "dmg.pdf", "application/pdf", HEALTH, title="Dossier médical", category="health"
    )


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_share_two_documents_with_a_pin_open_them_elsewhere_then_revoke(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as owner, kiosk_page(browser) as worker:
        sent = SentRequests(owner)
        open_kiosk(owner, live_server, lang, query="?idle=3600")
        handle, _ = create_wallet(owner)
        add_three_documents(owner)

        owner.click("#documents-share")  # the name the worker sees: the wallet's, unless changed
        expect(owner.locator("#share-sender")).to_have_value(handle)
        owner.click("#screen-share [data-go=documents]")
        link, shown_pin = make_share(
            owner,
            titles=["Carte d'identité", "Décision CPAS"],
            recipient="CPAS Ixelles, Mme X",
            purpose="Demande de RIS",
            pin=PIN,
            extra_fields={"Carte d'identité": ["date"]},  # the issuer stays home
        )
        assert link.startswith(f"{live_server}/s/"), link
        assert shown_pin == PIN
        assert qr_text(owner, tmp_path) == link
        # On paper: the QR code, not the buttons; the PIN only when the owner ticks it.
        owner.emulate_media(media="print")
        expect(owner.locator("#share-qr svg")).to_be_visible()
        expect(owner.locator("#share-copy")).to_be_hidden()
        expect(owner.locator("#share-pin-big")).to_be_hidden()
        owner.emulate_media(media="screen")
        owner.check("#share-print-pin")
        owner.emulate_media(media="print")
        expect(owner.locator("#share-pin-big")).to_have_text(PIN)
        owner.emulate_media(media="screen")
        secret = link.split("#", 1)[1]
        assert len(secret) == 22
        share_id = share_id_of(link)

        # The social worker, in another browser profile, with the link and the PIN.
        worker_opens(worker, link, PIN)
        expect(worker.locator("#share-from")).to_have_text(handle)  # whose documents
        assert sorted(worker_titles(worker)) == ["Carte d'identité", "Décision CPAS"]
        assert worker_downloads(worker, "Carte d'identité") == CARD
        assert worker_downloads(worker, "Décision CPAS") == LETTER
        assert "Ixelles" not in worker.locator("#document-list").inner_text()
        assert "Dossier médical" not in worker.locator("main").inner_text()

        # What the share holds, decrypted by an independent client: only the chosen fields.
        with ShareViewer(link) as viewer:
            opened = viewer.open(PIN)
        fields = {shared.metadata.get("title"): set(shared.metadata) for shared in opened.documents}
        assert fields == {
            "Carte d'identité": {"title", "type", "date", "media_type", "size"},
            "Décision CPAS": {"title", "type", "media_type", "size"},
        }
        assert (opened.recipient, opened.purpose) == ("CPAS Ixelles, Mme X", "Demande de RIS")
        assert opened.sender == handle

        # The owner sees both openings, shows the link again, and revokes.
        open_my_shares(owner)
        item = share_item(owner, share_id)
        expect(item).to_have_attribute("data-state", "active")
        expect(item.locator("h2")).to_have_text("CPAS Ixelles, Mme X")
        expect(item.locator(".share-purpose")).to_have_text("Demande de RIS")
        titles = item.locator(".share-titles li").all_inner_texts()
        assert sorted(titles) == ["Carte d'identité", "Décision CPAS"]
        expect(item.locator('[data-event="opened"]')).to_have_count(2)
        item.locator(".share-reveal").click()
        expect(owner.locator("#share-link")).to_have_text(link)
        expect(owner.locator("#share-pin-big")).to_have_text(PIN)
        assert qr_text(owner, tmp_path, "again.png") == link
        open_my_shares(owner)
        revoke(owner, share_id)
        expect(share_item(owner, share_id).locator(".share-delete")).to_have_count(1)

        worker_follows(worker, link)
        expect(worker.locator("body")).to_have_attribute("data-state", "revoked")

        assert sent.carrying(secret) == []


def test_five_wrong_pins_lock_a_share_and_the_owner_sees_it_and_deletes_it(
    browser: Browser, live_server: str
) -> None:
    clipboard = {"permissions": ["clipboard-read", "clipboard-write"]}
    with kiosk_page(browser, **clipboard) as owner, kiosk_page(browser) as worker:
        open_kiosk(owner, live_server, "fr", query="?idle=3600")
        create_wallet(owner)
        add_document(owner, "lettre.txt", "text/plain", LETTER, title="Lettre", category="cpas")
        owner.click("#document-list .share-one")  # share this one: it comes ticked
        expect(owner.locator("#share-documents input[name=share-document]")).to_be_checked()
        owner.click("#screen-share [data-go=documents]")
        link, made_pin = make_share(
            owner,
            titles=["Lettre"],
            recipient="Maison médicale",
            pin="make",
            days=2,
            opens=3,
            sender="",  # the owner chose not to say whose documents these are
        )
        assert made_pin.isdigit() and len(made_pin) == 6
        share_id = share_id_of(link)
        owner.click("#share-copy")
        assert owner.evaluate("navigator.clipboard.readText()") == link
        owner.click("#share-done")  # the copied link does not stay on a shared computer
        expect(owner.locator("#screen-shares")).to_be_visible()
        assert clipboard_emptied(owner)

        worker_follows(worker, link)
        expect(worker.locator("#screen-pin")).to_be_visible()
        for step in range(1, 6):
            worker_types_a_wrong_pin(worker, f"{(int(made_pin) + step) % 10**6:06d}")
        worker_follows(worker, link)
        expect(worker.locator("body")).to_have_attribute("data-state", "locked")

        refresh_my_shares(owner)
        item = share_item(owner, share_id)
        expect(item).to_have_attribute("data-state", "locked")
        expect(item.locator('[data-event="wrong_access"]')).not_to_have_count(0)
        expect(item.locator('[data-event="opened"]')).to_have_count(0)
        expect(item.locator(".share-revoke")).to_have_count(0)
        item.locator(".share-delete").click()
        expect(item).to_have_count(0)
        refresh_my_shares(owner)
        expect(owner.locator("#share-list > li")).to_have_count(0)
        expect(owner.locator("#shares-empty")).to_be_visible()
