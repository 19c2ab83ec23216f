"""The social worker's viewer at /s/<share_id> (journey 6), in Chromium: given
a wallet whose owner shared documents with the Python client, when a worker
opens the link, then the page shows exactly those documents (previews for
images, text and PDF; HTML only as a download), byte-identical downloads,
a plain page for every link that cannot be opened, a language switch that
keeps the documents, one zip of every document made in the page, a plain
"forgot the key" page after a reload or Back, and the secret never leaves the
page."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from client import PdeClient
from client.shares import ShareSummary, create_share, delete_share, list_shares, revoke_share
from pde.settings import Settings
from share_links.models import Share
from tests.e2e.conftest import LiveServer
from tests.e2e.kiosk_steps import EMPTY_STORAGE, browser_storage, png
from wallet.clock import now
from wallet.db import make_engine, migrate, session_factory

pytestmark = pytest.mark.browser

PASSPHRASE = "quatre mots pour ouvrir"
PIN = "4821"
EVERY_FIELD = ("title", "type", "date", "issuer", "file_name")
TEXT = "Attestation de résidence\nRue <b>Haute</b> 12, 1000 Bruxelles\n"
HTML = b"<!doctype html><title>x</title><h1 id='evil'>EVIL</h1><script>parent.hacked=1</script>"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def tiny_pdf() -> bytes:
    """A one-page PDF that says "Bonjour", with a correct cross-reference table."""
    stream = b"BT /F1 24 Tf 40 100 Td (Bonjour) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass
class Wallet:
    """The owner's logged-in client, its documents by short name, and their bytes."""

    client: PdeClient
    ids: dict[str, str]
    content: dict[str, bytes]

    def share(self, *names: str, **options: Any) -> ShareSummary:
        options = {
            "recipient": "CPAS Ixelles, Mme Dubois",
            "purpose": "Demande de RIS",
            "sender": "Amina B.",
        } | options
        return create_share(self.client, [self.ids[name] for name in names], **options)


@dataclass
class Server:
    url: str
    settings: Settings

    def change(self, model: Any, where: Any, **values: Any) -> None:
        """Change stored rows of the running server (to reach states without waiting)."""
        engine = make_engine(self.settings.sqlalchemy_url)
        try:
            with session_factory(engine)() as db:
                db.execute(update(model).where(where).values(**values))
                db.commit()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """This module's own server: its database is edited, and many links are opened
    from 127.0.0.1, more than the per-address limit allows in a minute."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("pde-viewer"), share_opens_per_client_per_minute=10_000
    )
    migrate(settings.sqlalchemy_url)
    live = LiveServer(settings)
    live.start()
    yield Server(live.url, settings)
    live.stop()


def named(data: bytes, name: str) -> io.BytesIO:
    source = io.BytesIO(data)
    source.name = name
    return source


@pytest.fixture(scope="module")
def wallet(server: Server) -> Iterator[Wallet]:
    client = PdeClient(server.url)
    client.register(client.suggest_handle(), PASSPHRASE)
    content = {
        "photo": png(64, 40),
        "text": TEXT.encode(),
        "html": HTML,
        "pdf": tiny_pdf(),
        "private": b"never shared",
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>parent.hacked=1</script></svg>',
        "fake": HTML,  # a web page that calls itself a PNG
    }
    files = {
        "photo": ("carte d'identité.png", "Carte d'identité", "identity"),
        "text": ("attestation.txt", "Attestation CPAS", "cpas"),
        "html": ("page.html", "Page web", "other"),
        "pdf": ("décision.pdf", "Décision du CPAS", "cpas"),
        "private": ("journal.txt", "Journal intime", "story"),
        "svg": ("dessin.svg", "Dessin", "other"),
        "fake": ("photo.png", "Fausse photo", "other"),
    }
    extra = {"photo": {"date": "2024-03-01", "issuer": "Commune d'Ixelles"}}
    ids = {
        name: client.add(
            named(content[name], file_name), title=title, category=category, extra=extra.get(name)
        )
        for name, (file_name, title, category) in files.items()
    }
    yield Wallet(client, ids, content)
    client.close()


@contextmanager
def viewer_page(browser: Browser, **options: Any) -> Iterator[Page]:
    """A fresh browser profile; fails on any script error or CSP refusal."""
    context = browser.new_context(**({"viewport": DESKTOP} | options))
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert problems == [], problems


def requests_of(page: Page) -> list[tuple[str, str]]:
    """(url, body) of every request the page makes from now on."""
    seen: list[tuple[str, str]] = []
    page.on("request", lambda r: seen.append((r.url, r.post_data or "")))
    return seen


def origin(url: str) -> str:
    """scheme://host:port of a URL, or of the page that made a blob: URL."""
    parts = urlsplit(url.removeprefix("blob:"))
    return f"{parts.scheme}://{parts.netloc}"


def open_link(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("body[data-ready]")).to_have_count(1)


def enter_pin(page: Page, pin: str) -> None:
    page.locator("#pin-input").fill(pin)
    page.locator("#pin-input").press("Enter")


def card(page: Page, title: str) -> Any:
    return page.locator(".document-card", has=page.locator(".document-title", has_text=title))


def download(page: Page, title: str) -> tuple[str, bytes]:
    with page.expect_download() as event:
        card(page, title).locator(".document-download").click()
    value = event.value
    return value.suggested_filename, Path(value.path()).read_bytes()


def expect_problem(page: Page, state: str, title: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-state", state)
    expect(page.locator("#problem-title")).to_contain_text(title)
    expect(page.locator(".document-card")).to_have_count(0)


def test_a_pin_share_in_french_shows_exactly_the_shared_documents(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    share = wallet.share("photo", "text", "html", pin=PIN, fields=EVERY_FIELD)
    secret = share.link.split("#", 1)[1]
    with viewer_page(browser, locale="fr-BE") as page:
        sent = requests_of(page)
        open_link(page, share.link)
        assert page.url == f"{server.url}/s/{share.share_id}"  # no fragment left
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("#pin-title")).to_have_text("Tapez le code PIN")
        expect(page.locator("#pin-input")).to_be_focused()

        enter_pin(page, "1111")
        expect(page.locator("#pin-error")).to_have_text("Code PIN faux. Essais restants : 4.")
        enter_pin(page, PIN)
        expect(page.locator("#share-title")).to_be_visible()
        expect(page.locator("#share-from")).to_have_text("Amina B.")  # whose documents
        expect(page.locator("#share-recipient")).to_have_text("CPAS Ixelles, Mme Dubois")
        expect(page.locator("#share-purpose")).to_have_text("Demande de RIS")
        expect(page.locator("#fact-opens")).to_be_hidden()  # no limit: nothing to count
        expect(page.locator("#share-until")).to_contain_text("2")  # a localised date
        titles = page.locator(".document-title")
        expect(titles).to_have_text(["Carte d'identité", "Attestation CPAS", "Page web"])
        assert "Journal intime" not in page.content()

        photo = card(page, "Carte d'identité")
        expect(photo.locator(".document-details")).to_have_text(
            "Identité et séjour · 1 mars 2024 · Commune d'Ixelles"
        )
        expect(photo.locator(".document-icon")).to_have_attribute(
            "src", "/static/icons/category-identity.svg"
        )
        photo.locator(".document-show").click()
        image = photo.locator(".preview img")
        expect(image).to_have_attribute("src", re.compile(r"^blob:"))
        page.wait_for_function("() => document.querySelector('.preview img')?.naturalWidth === 64")

        text = card(page, "Attestation CPAS")
        text.locator(".document-show").click()
        expect(text.locator(".preview pre")).to_have_text(TEXT)
        expect(text.locator(".preview b")).to_have_count(0)  # text, never markup

        html = card(page, "Page web")
        expect(html.locator(".document-show")).to_be_hidden()
        expect(html.locator(".document-status")).to_contain_text("Téléchargez-le")
        assert page.locator("iframe, frame, object, embed").count() == 0
        assert page.evaluate("window.hacked") is None

        downloads = {
            name: download(page, title)
            for name, title in (
                ("photo", "Carte d'identité"),
                ("text", "Attestation CPAS"),
                ("html", "Page web"),
            )
        }
        assert {name: data for name, (_, data) in downloads.items()} == {
            name: wallet.content[name] for name in downloads
        }
        assert downloads["photo"][0] == "carte d'identité.png"
        assert downloads["html"][0] == "page.html"
        assert page.locator("iframe, frame").count() == 0

        expect(page.locator("#footer-text")).to_have_text(
            "Déchiffré dans ce navigateur : le serveur ne peut pas lire ces documents. Les "
            "fichiers téléchargés restent sur cet appareil : effacez-les quand vous n'en avez "
            "plus besoin."
        )
        assert browser_storage(page) == EMPTY_STORAGE
        assert page.evaluate("location.hash") == ""
    for url, body in sent:
        assert secret not in url and secret not in body, url
        assert PIN not in body, url
        assert url.startswith((server.url, f"blob:{server.url}/")), url


def test_arabic_is_right_to_left_and_a_language_switch_keeps_the_documents(
    browser: Browser, wallet: Wallet
) -> None:
    share = wallet.share("text", "pdf", fields=("type",), sender="")
    with viewer_page(browser, locale="ar") as page:
        open_link(page, share.link)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("#fact-from")).to_be_hidden()  # the owner chose not to say
        expect(page.locator("#share-title")).to_have_text("وثائق مُشارَكة معك")
        # Only the type travelled: no title, so the documents are numbered.
        expect(page.locator(".document-title")).to_have_text(["وثيقة 1", "وثيقة 2"])
        first = page.locator(".document-card").nth(0)
        first.locator(".document-show").click()
        expect(first.locator(".preview pre")).to_have_text(TEXT)
        expect(first.locator(".document-file")).not_to_contain_text("attestation")

        second = page.locator(".document-card").nth(1)
        second.locator(".document-show").click()
        expect(second.locator(".preview canvas")).to_have_count(1)  # PDF.js, on a canvas
        expect(second.locator(".preview canvas")).to_have_attribute(
            "aria-label", "وثيقة 2، الصفحة 1"
        )

        page.select_option("#language-select", "fr")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        expect(page.locator("#share-title")).to_have_text("Documents partagés avec vous")
        expect(page.locator(".document-title")).to_have_text(["Document 1", "Document 2"])
        expect(first.locator(".document-details")).to_have_text("Courriers du CPAS")
        expect(first.locator(".document-show")).to_have_text("Masquer")
        expect(first.locator(".preview pre")).to_have_text(TEXT)  # still on screen
        expect(page.locator("#language-select")).to_have_value("fr")
        assert page.title() == "Documents partagés (PDE)"

        page.select_option("#language-select", "nl")
        expect(page.locator("#documents-title")).to_have_text("Gedeelde documenten: 2")
        _, data = download(page, "Document 2")
        assert data == wallet.content["pdf"]


def test_drawings_and_files_that_lie_about_their_type_are_only_downloaded(
    browser: Browser, wallet: Wallet
) -> None:
    share = wallet.share("svg", "fake", fields=EVERY_FIELD)
    with viewer_page(browser, locale="en") as page:
        open_link(page, share.link)
        expect(card(page, "Dessin").locator(".document-show")).to_be_hidden()
        fake = card(page, "Fausse photo")
        fake.locator(".document-show").click()
        expect(fake.locator(".document-status")).to_have_text(
            "This file cannot be shown here. Download it to open it."
        )
        expect(fake.locator(".document-show")).to_be_hidden()
        expect(page.locator(".preview img, iframe, frame, object, embed")).to_have_count(0)
        assert download(page, "Dessin")[1] == wallet.content["svg"]
        assert download(page, "Fausse photo")[1] == wallet.content["fake"]
        assert page.evaluate("window.hacked") is None


SAFE_NAMES = r"""async () => {
  const { safeFileName } = await import('/static/viewer/files.js');
  return [
    safeFileName('../../etc/passwd', 'text/plain', 'x'),
    safeFileName('facture\u202Efdp.exe', 'application/pdf', 'x'),
    safeFileName('.bashrc', 'text/plain', 'x'),
    safeFileName('', 'image/png', 'Carte: recto/verso'),
    safeFileName('con\u0000trol\nname.txt', 'text/plain', 'x'),
    safeFileName('a'.repeat(300) + '.pdf', 'application/pdf', 'x').length,
  ];
}"""


def test_downloaded_file_names_are_made_safe(browser: Browser, server: Server) -> None:
    with viewer_page(browser) as page:
        page.goto(f"{server.url}/s/")
        assert page.evaluate(SAFE_NAMES) == [
            "etc_passwd",
            "facture_fdp.exe",
            "bashrc",
            "Carte_ recto_verso.png",
            "con_trol_name.txt",
            120,
        ]


@pytest.mark.parametrize(
    "path",
    [
        "/s/{id}",  # no fragment
        "/s/{id}#not-a-secret",
        "/s/{id}#AAAAAAAAAAAAAAAAAAAAAA",  # 16 bytes, but not this link's
        "/s/not-an-id#AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_wrong_or_incomplete_link_gets_the_invalid_link_page(
    browser: Browser, server: Server, wallet: Wallet, path: str
) -> None:
    share = wallet.share("text")
    with viewer_page(browser, locale="fr-BE") as page:
        page.goto(server.url + path.format(id=share.share_id))
        expect_problem(page, "invalid", "Ce lien n'est pas valable")
        assert "#" not in page.url


def test_a_damaged_link_with_the_right_pin_says_the_link_is_wrong_and_spends_no_attempt(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    """The PIN is right, the secret after # is not this link's: the worker is told to
    get the whole link again, not that the PIN is wrong, and the owner's log is empty."""
    share = wallet.share("text", pin="4821")
    with viewer_page(browser, locale="fr-BE") as page:
        open_link(page, f"{server.url}/s/{share.share_id}#{'A' * 22}")
        enter_pin(page, "4821")
        expect_problem(page, "invalid", "Ce lien n'est pas valable")
    (mine,) = [s for s in list_shares(wallet.client) if s.share_id == share.share_id]
    assert mine.state == "active" and [e["event"] for e in mine.events] == []


def test_each_share_that_cannot_be_opened_gets_its_own_page(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    expired = wallet.share("text")
    server.change(Share, Share.id == expired.share_id, expires_at=now() - timedelta(seconds=1))
    revoked = wallet.share("text")
    revoke_share(wallet.client, revoked.share_id)
    deleted = wallet.share("text")
    delete_share(wallet.client, deleted.share_id)
    once = wallet.share("text", max_opens=1)
    locked = wallet.share("text", pin=PIN)

    with viewer_page(browser, locale="en-GB") as page:
        open_link(page, expired.link)
        expect_problem(page, "expired", "This link has expired")
        open_link(page, revoked.link)
        expect_problem(page, "revoked", "This link was withdrawn")
        open_link(page, deleted.link)
        expect_problem(page, "not_found", "No documents at this link")

        open_link(page, once.link)
        expect(page.locator("#share-opens")).to_have_text("1 of 1")
        expect(page.locator("#share-notice")).to_have_text(
            "You see only what the person chose to share. "
            "The link cannot be opened again: save what you need now."
        )
        open_link(page, once.link)
        expect_problem(page, "used_up", "This link was already used")

        open_link(page, locked.link)
        for left in (4, 3, 2, 1):
            enter_pin(page, "0000")
            expect(page.locator("#pin-error")).to_have_text(f"Wrong PIN. Attempts left: {left}.")
        enter_pin(page, "0000")
        expect_problem(page, "locked", "This link is locked")
        open_link(page, locked.link)
        expect_problem(page, "locked", "This link is locked")
        expect(page.locator("#problem-retry")).to_be_hidden()


def test_revoking_while_the_viewer_is_open_stops_the_next_download(
    browser: Browser, wallet: Wallet
) -> None:
    share = wallet.share("photo", "text")
    with viewer_page(browser, locale="fr") as page:
        open_link(page, share.link)
        card(page, "Attestation CPAS").locator(".document-show").click()
        expect(page.locator(".preview pre")).to_have_text(TEXT)
        revoke_share(wallet.client, share.share_id)
        card(page, "Carte d'identité").locator(".document-download").click()
        expect_problem(page, "revoked", "Ce lien a été retiré")
        assert TEXT.splitlines()[0] not in page.content()


def test_when_the_view_time_is_over_the_worker_opens_the_link_again(
    browser: Browser, wallet: Wallet
) -> None:
    share = wallet.share("text")
    with viewer_page(browser, locale="en") as page:
        open_link(page, share.link)
        expect(page.locator(".document-card")).to_have_count(1)
        # The server's answer once the view token is too old (docs/shares.md).
        too_old = {"error": {"code": "share_view_expired", "message": "Open the link again."}}
        page.route("**/content", lambda route: route.fulfill(status=401, json=too_old))
        page.locator(".document-show").click()
        expect_problem(page, "view_expired", "Open the link again")
        page.unroute("**/content")
        page.click("#problem-retry")
        expect(page.locator(".document-card")).to_have_count(1)
        (mine,) = [s for s in list_shares(wallet.client) if s.share_id == share.share_id]
        assert [e["event"] for e in mine.events] == ["opened", "opened"]
        page.locator(".document-show").click()
        expect(page.locator(".preview pre")).to_have_text(TEXT)


def test_a_reload_or_back_says_the_page_forgot_the_key_and_the_link_opens_again(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    """The key left the address bar on purpose (docs/shares.md, "Reload and Back"):
    after a reload, or Back from another page, the worker is told so, not that the
    link is damaged, and the same link opens again."""
    share = wallet.share("text")
    forgot = "Pour votre sécurité, cette page a oublié la clé"
    with viewer_page(browser, locale="fr") as page:
        open_link(page, share.link)
        expect(page.locator(".document-card")).to_have_count(1)
        expect(page.locator("#download-all")).to_be_hidden()  # one document: its own button

        page.reload()
        expect_problem(page, "forgotten", forgot)
        expect(page.locator("#problem-text")).to_contain_text("Ouvrez le lien à nouveau")
        expect(page.locator("#problem-retry")).to_be_hidden()

        open_link(page, share.link)
        expect(page.locator(".document-card")).to_have_count(1)
        page.goto(f"{server.url}/api/v1/health")
        page.go_back()
        expect_problem(page, "forgotten", forgot)
        assert "#" not in page.url

        open_link(page, share.link)
        expect(page.locator(".document-card")).to_have_count(1)
        # The address typed anew without its key is still an incomplete link.
        page.goto(f"{server.url}/s/{share.share_id}")
        expect_problem(page, "invalid", "Ce lien n'est pas valable")
        assert browser_storage(page) == EMPTY_STORAGE


def test_download_all_makes_one_zip_in_the_page_and_the_footer_says_files_stay(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    share = wallet.share("photo", "text", "pdf", fields=EVERY_FIELD)
    with viewer_page(browser, locale="en") as page:
        sent = requests_of(page)
        open_link(page, share.link)
        expect(page.locator("#footer-text")).to_contain_text("Nothing is kept")
        with page.expect_download() as event:
            page.click("#download-all")
        saved = event.value
        assert saved.suggested_filename == "PDE-documents.zip"
        archive = zipfile.ZipFile(saved.path())
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == {
            "carte d'identité.png": wallet.content["photo"],
            "attestation.txt": wallet.content["text"],
            "décision.pdf": wallet.content["pdf"],
        }
        expect(page.locator("#download-all-status")).to_have_text(
            "Downloaded: 3 documents in one zip file."
        )
        expect(page.locator("#footer-text")).not_to_contain_text("Nothing is kept")
        expect(page.locator("#footer-text")).to_contain_text(
            "Files you downloaded stay on this device"
        )
        page.select_option("#language-select", "ar")
        expect(page.locator("#footer-text")).to_contain_text("تبقى على هذا الجهاز")
    # The zip is made in the page: the server only gave each ciphertext, once.
    assert [url for url, body in sent if body] == [f"{server.url}/api/v1/s/{share.share_id}/open"]
    contents = [url for url, _ in sent if url.endswith("/content")]
    assert len(contents) == 3 and len(set(contents)) == 3


def test_the_network_going_down_gives_a_retry_message(browser: Browser, wallet: Wallet) -> None:
    share = wallet.share("text")
    with viewer_page(browser, locale="en") as page:
        page.route("**/api/v1/s/**", lambda route: route.abort("internetdisconnected"))
        open_link(page, share.link)
        expect_problem(page, "network", "No connection")
        page.unroute("**/api/v1/s/**")
        page.click("#problem-retry")
        expect(page.locator(".document-card")).to_have_count(1)

        page.route("**/content", lambda route: route.abort("internetdisconnected"))
        page.locator(".document-show").click()
        expect(page.locator(".document-status")).to_have_text(
            "The connection was lost. Check it and try again."
        )
        expect(page.locator(".document-card")).to_have_count(1)


def test_print_puts_only_the_chosen_document_on_paper(browser: Browser, wallet: Wallet) -> None:
    share = wallet.share("photo", "text")
    with viewer_page(browser, locale="en") as page:
        page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
        open_link(page, share.link)
        card(page, "Attestation CPAS").locator(".document-print").click()
        page.wait_for_function("() => window.printed === 1")
        page.emulate_media(media="print")
        expect(page.locator(".preview pre")).to_be_visible()
        expect(card(page, "Carte d'identité")).to_be_hidden()
        expect(page.locator("#share-title")).to_be_hidden()
        expect(page.locator(".topbar")).to_be_hidden()
        expect(card(page, "Attestation CPAS").locator(".actions")).to_be_hidden()


def test_the_page_has_strict_headers_and_loads_nothing_from_elsewhere(
    browser: Browser, server: Server, wallet: Wallet
) -> None:
    share = wallet.share("photo", "text")
    with viewer_page(browser) as page:
        origins: set[str] = set()
        page.on("request", lambda r: origins.add(origin(r.url)))
        response = page.goto(share.link)
        assert response is not None and response.status == 200
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
        meta = page.locator('meta[name="referrer"]')
        expect(meta).to_have_attribute("content", "no-referrer")
        card(page, "Carte d'identité").locator(".document-show").click()
        expect(page.locator(".preview img")).to_have_count(1)
        assert origins == {server.url}, origins


def test_a_phone_and_a_keyboard_are_enough(browser: Browser, wallet: Wallet) -> None:
    share = wallet.share("photo", "text", pin=PIN)
    with viewer_page(browser, viewport=PHONE, locale="fr") as page:
        open_link(page, share.link)
        expect(page.locator("#pin-input")).to_be_focused()
        page.keyboard.type(PIN)
        page.keyboard.press("Enter")
        expect(page.locator(".document-card")).to_have_count(2)
        show = card(page, "Attestation CPAS").locator(".document-show")
        for _ in range(30):
            page.keyboard.press("Tab")
            if show.evaluate("button => button === document.activeElement"):
                break
        page.keyboard.press("Enter")
        expect(page.locator(".preview pre")).to_have_text(TEXT)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The language choice is one control: the top bar keeps to one row.
        brand, languages = (page.locator(sel).bounding_box() for sel in (".brand", ".languages"))
        assert brand and languages and languages["y"] < brand["y"] + brand["height"]
        page.locator("#language-select").focus()
        page.keyboard.press("ArrowDown")  # Français → Nederlands, from the keyboard
        expect(page.locator("#share-title")).to_have_text("Documenten die met u gedeeld zijn")


def shoot(page: Page, folder: Path, name: str) -> None:
    """Photograph the whole page on the phone; nothing may overflow sideways."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} overflows by {overflow} px"
    page.screenshot(path=str(folder / f"{name}-360.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_viewer_on_a_phone_is_photographed(
    browser: Browser, wallet: Wallet, lang: str, tmp_path: Path
) -> None:
    """The worker's screens at 360 px (PDE_SCREENSHOTS=docs/screenshots keeps them):
    the PIN, the documents with who shared them and one "until", the zip made,
    and the page after a reload."""
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    share = wallet.share("photo", "text", "pdf", pin=PIN, fields=EVERY_FIELD, max_opens=3)
    with viewer_page(browser, viewport=PHONE, locale=lang) as page:
        open_link(page, share.link)
        expect(page.locator("#pin-input")).to_be_focused()
        shoot(page, folder, f"{lang}-40-viewer-pin")
        enter_pin(page, PIN)
        expect(page.locator(".document-card")).to_have_count(3)
        card(page, "Carte d'identité").locator(".document-show").click()
        page.wait_for_function("() => document.querySelector('.preview img')?.naturalWidth === 64")
        shoot(page, folder, f"{lang}-41-viewer-documents")
        with page.expect_download():
            page.click("#download-all")
        expect(page.locator("#download-all-status")).not_to_contain_text("…")
        page.locator("#download-all").scroll_into_view_if_needed()
        shoot(page, folder, f"{lang}-42-viewer-downloaded")
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-state", "forgotten")
        shoot(page, folder, f"{lang}-43-viewer-forgot-the-key")


AXE = Axe()


def serious(page: Page) -> list[str]:
    violations = AXE.run(page).response["violations"]
    return [
        f"{v['id']}: {[node['target'] for node in v['nodes']]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_no_serious_or_critical_accessibility_violation(
    browser: Browser, wallet: Wallet, locale: str
) -> None:
    share = wallet.share("photo", "text", "html", pin=PIN, fields=EVERY_FIELD)
    found: dict[str, list[str]] = {}
    with viewer_page(browser, locale=locale) as page:
        open_link(page, share.link)
        enter_pin(page, "0000")
        expect(page.locator("#pin-error")).not_to_be_empty()
        found["pin"] = serious(page)
        enter_pin(page, PIN)
        card(page, "Carte d'identité").locator(".document-show").click()
        card(page, "Attestation CPAS").locator(".document-show").click()
        expect(page.locator(".preview pre")).to_have_count(1)
        expect(page.locator(".preview img")).to_have_count(1)
        found["documents"] = serious(page)
        revoke_share(wallet.client, share.share_id)
        card(page, "Page web").locator(".document-download").click()
        expect(page.locator("body")).to_have_attribute("data-state", "revoked")
        found["revoked"] = serious(page)
    assert not any(found.values()), found
