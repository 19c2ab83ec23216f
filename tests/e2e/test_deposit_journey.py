"""Deposit links, from both sides, in French and in Arabic: given an
owner at the kiosk, when they make a deposit link for two files, then the QR
code on screen reads as the exact link, and a service in another browser
profile opens it and sends two files (one of 5 MiB) without ever being able to
see or list anything: no answer it gets carries a wallet's content or
metadata, the wallet's routes refuse it, and its page offers nothing to read.
The owner finds both in the inbox, accepts one (now a document, byte for byte
the file sent) and rejects the other (gone). The used-up link, and a revoked
one, get the closed page; a link whose fingerprint was changed gets the "cannot
be trusted" page and sends nothing. `pde deposit` into a kiosk link lands in
the inbox too. Files a service started and has not sent yet show in the inbox,
one sentence per link with the space they hold, until they arrive or the owner
revokes the link."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from client import PdeClient
from crypto import b64u_decode
from pde.cli import main as pde_main
from tests.api.deposit_support import SealedDeposit, complete, declare, put_part, seal_deposit
from tests.e2e.kiosk_steps import PASSPHRASE, create_wallet, from_more, kiosk_page, open_kiosk, png

pytestmark = pytest.mark.browser

REPORT = os.urandom(5 * 1024 * 1024)  # 5 MiB: five segments and more than one part
CERTIFICATE = png(40, 24)
PHONE = {"width": 390, "height": 760}
# What no answer to the service may carry: the wallet's keys, boxes and listings.
WALLET_FIELDS = {
    "metadata",
    "wrapped_key",
    "sealed_key",
    "label",
    "wrapped_master_key",
    "documents",
}


# The owner, at the kiosk ---------------------------------------------------------


def make_deposit_link(page: Page, label: str, max_files: int, expiry: str = "") -> str:
    """From the documents screen: "Deposit links", name it, how long, how many files."""
    from_more(page, "#documents-deposits")
    expect(page.locator("#screen-deposit-links")).to_be_visible()
    page.locator("#deposit-label").press_sequentially(label)
    if expiry:
        page.check(f'input[name=deposit-expiry][value="{expiry}"]')
    page.fill("#deposit-max-files", str(max_files))
    page.click("#deposit-submit")
    expect(page.locator("#screen-deposit-ready")).to_be_visible(timeout=30_000)
    expect(page.locator("#deposit-qr svg")).to_have_count(1)
    return page.locator("#deposit-link").inner_text().strip()


def back_to_documents(page: Page) -> None:
    """From the link screen or the list, back to the documents (the inbox entry is counted)."""
    if page.locator("#screen-deposit-ready").is_visible():
        page.click("#deposit-done")
    page.click("#screen-deposit-links [data-go=documents]")
    expect(page.locator("#screen-documents")).to_be_visible()


def deposit_link_item(page: Page, deposit_id: str) -> Locator:
    return page.locator(f'#deposit-list > li[data-deposit-id="{deposit_id}"]')


def qr_text(page: Page, folder: Path) -> str:
    """Photograph the QR code on screen and read it with zbarimg, as a phone would."""
    picture = folder / "deposit-qr.png"
    page.locator("#deposit-qr svg").screenshot(path=str(picture))
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", str(picture)], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def open_inbox(page: Page, waiting: int) -> None:
    """From the documents screen: the inbox entry says how many wait; open it."""
    expect(page.locator("#documents-inbox-count")).to_have_text(str(waiting))
    page.click("#documents-inbox")
    expect(page.locator("#screen-inbox")).to_be_visible()
    expect(page.locator("#inbox-loading")).to_be_hidden()


def inbox_item(page: Page, title: str) -> Locator:
    return page.locator("#inbox-list > li", has_text=title)


def open_inbox_from_links(page: Page) -> None:
    """From the deposit links screen (the way in when nothing waits yet): "Inbox"."""
    page.click("#screen-deposit-links [data-go=inbox]")
    expect(page.locator("#screen-inbox")).to_be_visible()
    expect(page.locator("#inbox-loading")).to_be_hidden()


# The service, with the link --------------------------------------------------------


class ServiceTraffic:
    """Every request the service's page sends and every answer it gets."""

    def __init__(self, page: Page) -> None:
        self.requests: list[tuple[str, str]] = []
        self.answers: list[tuple[str, int, str, bytes]] = []
        page.on("request", lambda request: self.requests.append((request.method, request.url)))
        page.on("response", self.record)

    def record(self, response: Response) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted answer has no body
            body = b""
        kind = response.headers.get("content-type", "")
        self.answers.append((response.url, response.status, kind, body))

    def api_answers(self) -> list[tuple[str, object]]:
        return [
            (url, json.loads(body))
            for url, _, kind, body in self.answers
            if "/api/" in url and kind.startswith("application/json") and body
        ]


def deposit_id_of(link: str) -> str:
    return link.split("/d/", 1)[1].split("#", 1)[0]


@contextmanager
def service_page(browser: Browser, lang: str) -> Iterator[Page]:
    """A service's own browser profile, on a phone, speaking `lang`; fails on any script error."""
    context = browser.new_context(
        viewport=PHONE, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors


def service_opens(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("body[data-ready]")).to_have_count(1)
    expect(page.locator("body")).not_to_have_attribute("data-state", "checking")


def service_sends(page: Page, files: list[dict[str, object]]) -> None:
    expect(page.locator("#screen-choose")).to_be_visible()
    page.set_input_files("#deposit-files", files=files)  # type: ignore[arg-type]
    expect(page.locator("#chosen-list > li")).to_have_count(len(files))
    page.click("#deposit-send")
    expect(page.locator("#screen-sent")).to_be_visible(timeout=120_000)


def service_starts(http: httpx.Client, link: str, contents: list[bytes]) -> list[SealedDeposit]:
    """A service's client seals files to the link's wallet and declares them, sending
    nothing yet: each holds its size of the owner's space from now on."""
    deposit_id = deposit_id_of(link)
    info = http.get(f"/api/v1/d/{deposit_id}")
    assert info.status_code == 200, info.text
    public_key = b64u_decode(info.json()["public_key"])
    started = [seal_deposit(public_key, deposit_id, content) for content in contents]
    for sealed in started:
        answer = declare(http, sealed)
        assert answer.status_code == 201, answer.text
    return started


def service_finishes(http: httpx.Client, sealed: SealedDeposit) -> None:
    """Send a declared file in one part and complete it: it lands in the inbox."""
    sent = put_part(http, sealed.deposit_id, sealed.document_id, 0, sealed.ciphertext)
    assert sent.status_code == 200, sent.text
    assert complete(http, sealed.deposit_id, sealed.document_id).status_code == 200


# The journeys ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_service_deposits_two_files_the_owner_accepts_one_and_rejects_the_other(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    with kiosk_page(browser) as owner, service_page(browser, lang) as service:
        open_kiosk(owner, live_server, lang, query="?idle=3600")
        handle, _ = create_wallet(owner)
        expect(owner.locator("#documents-inbox")).to_be_hidden()  # nothing waits yet

        link = make_deposit_link(owner, "CPAS Ixelles, logement", max_files=2)
        deposit_id = deposit_id_of(link)
        secret = link.split("#", 1)[1]
        assert link.startswith(f"{live_server}/d/"), link
        assert qr_text(owner, tmp_path) == link
        # On paper: the QR code and the link, not the buttons.
        owner.emulate_media(media="print")
        expect(owner.locator("#deposit-qr svg")).to_be_visible()
        expect(owner.locator("#deposit-copy")).to_be_hidden()
        owner.emulate_media(media="screen")

        # The service, in its own browser, with nothing but the link.
        traffic = ServiceTraffic(service)
        service_opens(service, link)
        expect(service.locator("html")).to_have_attribute("lang", lang)
        assert "#" not in service.url  # the secret left the address bar
        # The owner's label, opened from the link's info box: the service checks it.
        expect(service.locator("#recipient")).to_be_visible()
        expect(service.locator("#recipient-label")).to_have_text("CPAS Ixelles, logement")
        # It can write, not read: nothing on its page lists or opens anything (but the
        # privacy notice, a public page).
        assert (
            service.locator(
                "#inbox-list, #document-list, [data-go],"
                " a[href]:not(.skip-link):not([href^='/privacy/'])"
            ).count()
            == 0
        )
        service_sends(
            service,
            [
                {"name": "rapport-social.pdf", "mimeType": "application/pdf", "buffer": REPORT},
                {"name": "attestation.png", "mimeType": "image/png", "buffer": CERTIFICATE},
            ],
        )
        expect(service.locator("#sent-heading")).to_contain_text("2")
        assert service.locator("#chosen-list > li").count() == 0
        for method, url in traffic.requests:
            assert secret not in url
            if "/api/" in url:
                assert f"/api/v1/d/{deposit_id}" in url, (method, url)
        for url, answer in traffic.api_answers():
            assert isinstance(answer, dict), url
            assert WALLET_FIELDS.isdisjoint(answer), (url, answer)
        assert not [a for a in traffic.answers if a[2].startswith("application/octet-stream")]
        for path in ("/api/v1/inbox", "/api/v1/documents", "/api/v1/deposit-links"):
            assert service.request.get(f"{live_server}{path}").status == 401, path
        assert service.evaluate("localStorage.length + sessionStorage.length") == 0

        # Used up: the same link now gets the closed page.
        service_opens(service, link)
        expect(service.locator("body")).to_have_attribute("data-state", "closed")

        # The owner: the list says 2 of 2, the inbox holds both with their names.
        back_to_documents(owner)
        from_more(owner, "#documents-deposits")
        item = deposit_link_item(owner, deposit_id)
        expect(item).to_have_attribute("data-state", "used_up")
        expect(item.locator("h3")).to_have_text("CPAS Ixelles, logement")
        back_to_documents(owner)
        open_inbox(owner, 2)
        expect(owner.locator("#inbox-list > li")).to_have_count(2)
        report = inbox_item(owner, "rapport-social")
        expect(report).to_contain_text("rapport-social.pdf")
        expect(report).to_contain_text("CPAS Ixelles, logement")
        expect(inbox_item(owner, "attestation")).to_contain_text("attestation.png")

        report.locator(".inbox-accept").click()
        expect(report).to_have_count(0)
        certificate = inbox_item(owner, "attestation")
        certificate.locator(".inbox-reject").click()
        certificate.locator(".inbox-reject-yes").click()
        expect(owner.locator("#inbox-list > li")).to_have_count(0)
        expect(owner.locator("#inbox-empty")).to_be_visible()

        owner.click("#screen-inbox [data-go=documents]")
        expect(owner.locator(".document-title", has_text="rapport-social")).to_have_count(1)
        expect(owner.locator(".document-title", has_text="attestation")).to_have_count(0)
        expect(owner.locator("#documents-inbox")).to_be_hidden()

        with PdeClient(live_server, retry_seconds=5) as client:
            client.login(handle, PASSPHRASE)
            documents = client.list()
            assert [d.metadata["title"] for d in documents] == ["rapport-social"]
            assert documents[0].metadata["file_name"] == "rapport-social.pdf"
            out = tmp_path / "report.pdf"
            with out.open("wb") as sink:
                client.get(documents[0].document_id, sink)
            assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(REPORT).digest()

        # A second link, revoked by the owner: closed too.
        revoked = make_deposit_link(owner, "École 12", max_files=3, expiry="3600")
        owner.click("#deposit-done")
        item = deposit_link_item(owner, deposit_id_of(revoked))
        item.locator(".deposit-revoke").click()
        item.locator(".deposit-revoke-yes").click()
        expect(deposit_link_item(owner, deposit_id_of(revoked))).to_have_attribute(
            "data-state", "revoked"
        )
        service_opens(service, revoked)
        expect(service.locator("body")).to_have_attribute("data-state", "closed")


def fragment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_changed_secret_gets_the_untrusted_page_and_nothing_is_sent(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as owner, service_page(browser, "fr") as service:
        open_kiosk(owner, live_server, "fr", query="?idle=3600")
        create_wallet(owner)
        link = make_deposit_link(owner, "Hôpital", max_files=1)
        base = link.split("#")[0]
        traffic = ServiceTraffic(service)
        # Another secret: the link's info box does not open with it.
        another = fragment(bytes([2]) + os.urandom(16))
        service_opens(service, f"{base}#{another}")
        expect(service.locator("body")).to_have_attribute("data-state", "mismatch")
        expect(service.locator("#problem-heading")).to_have_text(
            "Ce lien n'est pas digne de confiance"
        )
        assert [url for method, url in traffic.requests if method != "GET"] == []
        # A link of the earlier kind (a key fingerprint): said to be old, not damaged.
        service_opens(service, f"{base}#{fragment(os.urandom(16))}")
        expect(service.locator("body")).to_have_attribute("data-state", "outdated")
        expect(service.locator("#problem-heading")).to_have_text("Ce lien est d'un ancien type")
        # Without its fragment, the link is incomplete: nothing asked of the wallet either.
        service_opens(service, base)
        expect(service.locator("body")).to_have_attribute("data-state", "invalid")
        assert [url for method, url in traffic.requests if method != "GET"] == []


def test_a_reload_says_the_page_forgot_the_key_and_the_link_opens_again(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as owner, service_page(browser, "fr") as service:
        open_kiosk(owner, live_server, "fr", query="?idle=3600")
        create_wallet(owner)
        link = make_deposit_link(owner, "Mission locale", max_files=1)
        service_opens(service, link)
        expect(service.locator("#recipient-label")).to_have_text("Mission locale")
        service.reload()
        expect(service.locator("body")).to_have_attribute("data-state", "forgotten")
        expect(service.locator("#problem-heading")).to_have_text(
            "Pour votre sécurité, cette page a oublié la clé"
        )
        service_opens(service, link)
        expect(service.locator("#screen-choose")).to_be_visible()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_deposit_page_on_a_phone_is_photographed(
    browser: Browser, live_server: str, lang: str, tmp_path: Path
) -> None:
    """PDE_SCREENSHOTS=docs/screenshots keeps the service's page at 360 px: who the
    link was made for, and the page of a link of the earlier kind."""
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as owner, service_page(browser, lang) as service:
        open_kiosk(owner, live_server, lang, query="?idle=3600")
        create_wallet(owner)
        link = make_deposit_link(owner, "CPAS Ixelles, logement", max_files=3)
        service.set_viewport_size({"width": 360, "height": 740})
        service_opens(service, link)
        expect(service.locator("#recipient-label")).to_have_text("CPAS Ixelles, logement")
        service.set_input_files(
            "#deposit-files",
            files=[{"name": "rapport-social.pdf", "mimeType": "application/pdf", "buffer": REPORT}],
        )
        expect(service.locator("#chosen-list > li")).to_have_count(1)
        overflow = service.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        service.screenshot(path=str(folder / f"{lang}-44-deposit-page-360.png"), full_page=True)
        service_opens(service, f"{link.split('#')[0]}#{fragment(os.urandom(16))}")
        expect(service.locator("body")).to_have_attribute("data-state", "outdated")
        service.screenshot(path=str(folder / f"{lang}-45-deposit-old-link-360.png"), full_page=True)


def test_pde_deposit_into_a_kiosk_link_lands_in_the_inbox(
    browser: Browser, live_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "courrier.txt"
    letter.write_bytes(b"Votre dossier est complet.\n")
    with kiosk_page(browser) as owner:
        open_kiosk(owner, live_server, "fr", query="?idle=3600")
        create_wallet(owner)
        link = make_deposit_link(owner, "Maison d'accueil", max_files=1)
        assert pde_main(["deposit", link, str(letter)]) == 0
        document_id = capsys.readouterr().out.strip()
        assert len(document_id) == 22
        back_to_documents(owner)
        open_inbox(owner, 1)
        item = owner.locator(f'#inbox-list > li[data-document-id="{document_id}"]')
        expect(item).to_contain_text("courrier.txt")
        expect(item).to_contain_text("Maison d'accueil")


def test_files_still_being_sent_show_in_the_inbox_with_the_space_they_hold(
    browser: Browser, live_server: str
) -> None:
    letter = b"Votre dossier est complet.\n"
    with kiosk_page(browser) as owner, httpx.Client(base_url=live_server, timeout=60) as http:
        open_kiosk(owner, live_server, "fr", query="?idle=3600")
        create_wallet(owner)
        link = make_deposit_link(owner, "Mission locale", max_files=3)
        report, note = service_starts(http, link, [REPORT, letter])
        assert 5.2e6 < report.size + note.size < 5.25e6
        owner.click("#deposit-done")
        open_inbox_from_links(owner)

        # Nothing has arrived, and the owner is told what is on its way.
        expect(owner.locator("#inbox-empty")).to_be_visible()
        sending = owner.locator("#inbox-pending > li")
        expect(sending).to_have_count(1)
        expect(sending).to_contain_text(
            "2 fichiers sont en cours d'envoi par le lien « \u2068Mission locale\u2069 »."
        )
        expect(sending).to_contain_text(re.compile(r"ils occupent 5,2\sMo de votre espace\."))
        expect(sending).to_contain_text(
            "Si l'envoi s'arrête, vous récupérez cet espace dans l'heure."
        )

        # One arrives: it waits in the inbox, the other is still on its way.
        service_finishes(http, note)
        owner.click("#screen-inbox [data-go=documents]")
        open_inbox(owner, 1)
        expect(owner.locator("#inbox-list > li")).to_have_count(1)
        expect(sending).to_contain_text("1 fichier est en cours d'envoi par le lien")
        expect(sending).to_contain_text(re.compile(r"il occupe 5,2\sMo de votre espace\."))

        # Revoked: what was still being sent is dropped, its space given back.
        owner.click("#screen-inbox [data-go=deposit-links]")
        item = deposit_link_item(owner, deposit_id_of(link))
        item.locator(".deposit-revoke").click()
        item.locator(".deposit-revoke-yes").click()
        expect(item).to_have_attribute("data-state", "revoked")
        open_inbox_from_links(owner)
        expect(owner.locator("#inbox-list > li")).to_have_count(1)
        expect(owner.locator("#inbox-pending")).to_be_hidden()
