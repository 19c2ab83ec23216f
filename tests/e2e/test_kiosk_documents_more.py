"""More of a rights-holder's journeys with documents at the kiosk, in French
and Arabic: several photos of a paper become one PDF document (thumbnails
moved and removed with the keyboard) whose pages turn in the preview and all
go to the printer; a PDF is drawn by PDF.js under the app's strict CSP; the
download button exists only where the deployment allows downloads
(PDE_KIOSK_DOWNLOADS) and gives back the very bytes uploaded; and the whole
wallet leaves as a decrypted zip made in the page, after a warning, with a
documents.json manifest. The Python client checks what the server holds."""

from __future__ import annotations

import base64
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from client import PdeClient
from tests.e2e.axe_audit import blocking_violations, describe
from tests.e2e.conftest import LiveServer, server_settings
from tests.e2e.kiosk_steps import (
    PASSPHRASE,
    add_document,
    create_wallet,
    from_more,
    kiosk_page,
    open_kiosk,
)
from wallet.db import migrate

pytestmark = pytest.mark.browser

RED, GREEN, BLUE, YELLOW = (204, 34, 34), (34, 153, 68), (34, 68, 204), (230, 200, 20)
PAGE_OF = {"fr": "Page {number} sur {total}", "ar": "الصفحة {number} من {total}"}
LANGUAGES = ["fr", "ar"]


@pytest.fixture(scope="module")
def downloads_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server, for a deployment used from people's own phones: kiosk_downloads=True."""
    settings = server_settings(tmp_path_factory.mktemp("pde-downloads"), kiosk_downloads=True)
    migrate(settings.sqlalchemy_url)
    server = LiveServer(settings)
    server.start()
    yield server.url
    server.stop()


def solid_png(colour: tuple[int, int, int], width: int = 60, height: int = 40) -> bytes:
    """A PNG of one colour, made without an imaging library."""
    row = b"\x00" + bytes(colour) * width

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(row * height)),
            chunk(b"IEND", b""),
        ]
    )


def letter_pdf(text: str = "Attestation CPAS") -> bytes:
    """A one-page A4 PDF with a blue band and a line of Helvetica (not embedded)."""
    content = f"0.1 0.3 0.8 rg 50 700 495 80 re f BT /F1 24 Tf 0 0 0 rg 60 600 Td ({text}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def browser_jpeg(page: Page, colour: tuple[int, int, int]) -> bytes:
    """A JPEG photo as a camera gives one, encoded by the browser (no imaging library here)."""
    encoded = page.evaluate(
        """async ([r, g, b]) => {
          const canvas = document.createElement('canvas');
          canvas.width = 64; canvas.height = 48;
          const context = canvas.getContext('2d');
          context.fillStyle = `rgb(${r} ${g} ${b})`;
          context.fillRect(0, 0, 64, 48);
          const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.95));
          const bytes = new Uint8Array(await blob.arrayBuffer());
          return btoa(String.fromCharCode(...bytes));
        }""",
        list(colour),
    )
    return base64.b64decode(encoded)


CANVAS_PIXELS = """() => {
  const canvas = document.querySelector('#preview canvas');
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked += 1;
  }
  const middle = (Math.floor(height / 2) * width + Math.floor(width / 2)) * 4;
  return { width, height, inked, centre: [data[middle], data[middle + 1], data[middle + 2]] };
}"""


def canvas_pixels(page: Page) -> dict[str, object]:
    return dict(page.evaluate(CANVAS_PIXELS))


def close_to(seen: object, colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(seen, colour, strict=True))  # type: ignore[call-overload]


def choose_photo(page: Page, selector: str, name: str, mime: str, data: bytes) -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": mime, "buffer": data}])


def press(page: Page, selector: str) -> None:
    """Reach a button with the keyboard and press Enter."""
    page.focus(selector)
    page.keyboard.press("Enter")


def thumbnail_colours(page: Page) -> list[list[int]]:
    """The colour in the middle of each page thumbnail, in page order."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('#add-pages li > img')].map((img) => {
              const canvas = document.createElement('canvas');
              canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
              const context = canvas.getContext('2d');
              context.drawImage(img, 0, 0);
              const [x, y] = [img.naturalWidth >> 1, img.naturalHeight >> 1];
              const d = context.getImageData(x, y, 1, 1).data;
              return [d[0], d[1], d[2]];
            })"""
        )
    )


def fetch_document(base: str, handle: str, title: str) -> tuple[dict[str, object], bytes]:
    """Metadata and plaintext of a document, read back by the Python client."""
    with PdeClient(base, retry_seconds=5) as owner:
        owner.login(handle, PASSPHRASE)
        [document] = [d for d in owner.list() if d.metadata["title"] == title]
        out = io.BytesIO()
        owner.get(document.document_id, out)
        return document.metadata, out.getvalue()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_three_photos_become_one_pdf_whose_pages_turn_and_all_go_to_the_printer(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        handle, _ = create_wallet(page)
        blue_jpeg = browser_jpeg(page, BLUE)
        page.click("#screen-documents [data-go=add]")
        # Four photos from the files, one at a time: four thumbnails.
        choose_photo(page, "#add-file", "page1.png", "image/png", solid_png(RED))
        choose_photo(page, "#add-file", "page2.png", "image/png", solid_png(GREEN))
        choose_photo(page, "#add-file", "page3.jpg", "image/jpeg", blue_jpeg)
        choose_photo(page, "#add-file", "page4.png", "image/png", solid_png(YELLOW))
        expect(page.locator("#add-pages li")).to_have_count(4)
        expect(page.locator("#add-chosen")).to_contain_text("4")
        violations = blocking_violations(page)
        assert not violations, describe(violations)

        # With the keyboard: remove the fourth page, then move the third one earlier.
        press(page, '#add-pages li[data-page="4"] [data-action=remove]')
        expect(page.locator("#add-pages li")).to_have_count(3)
        expect(page.locator('#add-pages li[data-page="3"] [data-action=remove]')).to_be_focused()
        press(page, '#add-pages li[data-page="3"] [data-action=earlier]')
        expect(page.locator('#add-pages li[data-page="2"] [data-action=earlier]')).to_be_focused()
        colours = thumbnail_colours(page)
        assert [close_to(c, k) for c, k in zip(colours, (RED, BLUE, GREEN), strict=True)] == [
            True
        ] * 3, colours
        expect(page.locator('#add-pages li[data-page="1"] [data-action=earlier]')).to_be_disabled()
        expect(page.locator('#add-pages li[data-page="3"] [data-action=later]')).to_be_disabled()

        page.check('input[name=category][value="cpas"]')
        page.fill("#add-title-input", "Décision CPAS")
        page.click("#add-submit")
        expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
        expect(page.locator(".document-title")).to_have_text(["Décision CPAS"])

        page.click(".document")
        expect(page.locator("#pdf-page")).to_have_text(PAGE_OF[lang].format(number=1, total=3))
        expect(page.locator("#view-download")).to_be_hidden()  # a kiosk previews and prints
        expect(page.locator("#pdf-previous")).to_be_disabled()
        assert close_to(canvas_pixels(page)["centre"], RED)
        violations = blocking_violations(page)
        assert not violations, describe(violations)
        for number, colour in ((2, BLUE), (3, GREEN)):
            page.click("#pdf-next")
            expect(page.locator("#pdf-page")).to_have_text(
                PAGE_OF[lang].format(number=number, total=3)
            )
            expect(page.locator("#pdf-previous")).to_be_enabled()
            assert close_to(canvas_pixels(page)["centre"], colour), (number, canvas_pixels(page))
        expect(page.locator("#pdf-next")).to_be_disabled()
        press(page, "#pdf-previous")
        expect(page.locator("#pdf-page")).to_have_text(PAGE_OF[lang].format(number=2, total=3))

        # Print: every page is ready for the printer before the print dialog opens.
        page.evaluate(
            "() => { window.print = () => { window.printedPages ="
            " document.querySelectorAll('#preview .print-pages img').length; }; }"
        )
        page.click("#view-print")
        page.wait_for_function("() => window.printedPages !== undefined")
        assert page.evaluate("() => window.printedPages") == 3

    metadata, content = fetch_document(live_server, handle, "Décision CPAS")
    assert metadata["media_type"] == "application/pdf"
    assert metadata["pages"] == 3
    assert metadata["type"] == "cpas"
    assert str(metadata["file_name"]).endswith(".pdf")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert content.count(b"/Type /Page ") == 3
    assert blue_jpeg in content  # a camera's JPEG goes into the PDF as it is


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pdf_is_drawn_by_pdfjs_loaded_only_then_under_the_strict_csp(
    browser: Browser, live_server: str, lang: str
) -> None:
    with kiosk_page(browser) as page:
        console: list[str] = []
        page.on("console", lambda message: console.append(describe_console(message)))
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        open_kiosk(page, live_server, lang, query="?idle=3600")
        create_wallet(page)
        add_document(page, "attestation.pdf", "application/pdf", letter_pdf(), title="Attestation")
        assert not [url for url in requested if "/vendor/pdfjs/" in url]
        page.click(".document")
        expect(page.locator("#preview canvas")).to_have_count(1)
        page.wait_for_function(
            "() => document.querySelector('#preview canvas').getAttribute('aria-label')"
        )
        pixels = canvas_pixels(page)
        assert int(pixels["width"]) > 300 and int(pixels["inked"]) > 1000, pixels  # type: ignore[call-overload]
        expect(page.locator("#pdf-nav")).to_be_hidden()  # one page: nothing to turn
        assert any(url.endswith("/vendor/pdfjs/pdf.min.mjs") for url in requested)
        assert any(url.endswith("/vendor/pdfjs/pdf.worker.min.mjs") for url in requested)
    refused = [line for line in console if "Content Security Policy" in line]
    assert refused == [], refused


def describe_console(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_download_is_offered_where_the_deployment_allows_it_and_gives_the_same_bytes(
    browser: Browser, downloads_server: str, lang: str
) -> None:
    scan = letter_pdf("Carte medicale")
    photo = solid_png(GREEN, 30, 20)
    with kiosk_page(browser, accept_downloads=True) as page:
        open_kiosk(page, downloads_server, lang, query="?idle=3600")
        create_wallet(page)
        add_document(page, "carte-amu.pdf", "application/pdf", scan, title="Carte AMU")
        add_document(page, "photo.png", "image/png", photo, title="Photo")
        for title, name, data in (
            ("Carte AMU", "carte-amu.pdf", scan),
            ("Photo", "photo.png", photo),
        ):
            page.click(f".document:has-text('{title}')")
            expect(page.locator("#view-download")).to_be_visible()
            with page.expect_download() as waiting:
                page.click("#view-download")
            download = waiting.value
            assert download.suggested_filename == name
            assert Path(download.path()).read_bytes() == data
            page.click("#screen-view [data-go=documents]")
        # Where people use their own phones, the export needs no shared-computer warning.
        from_more(page, "#screen-documents [data-go=account]")
        expect(page.locator("#export-panel")).to_be_visible()
        expect(page.locator("#export-shared-warning")).to_be_hidden()


def hold_requests(page: Page, pattern: str) -> list[Route]:
    """Hold every request to `pattern` until the test lets them go (a slow terminal)."""
    held: list[Route] = []
    page.route(pattern, lambda route: held.append(route))
    return held


def wait_for_held(page: Page, held: list[Route], count: int) -> None:
    for _ in range(400):
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{len(held)} requests held, expected {count}")


def test_a_download_asked_for_while_the_preview_still_opens_gives_the_file(
    browser: Browser, downloads_server: str
) -> None:
    scan = letter_pdf("Attestation lente")
    with kiosk_page(browser, accept_downloads=True) as page:
        open_kiosk(page, downloads_server, "fr", query="?idle=3600")
        create_wallet(page)
        add_document(page, "attestation.pdf", "application/pdf", scan, title="Attestation")
        held = hold_requests(page, "**/api/v1/documents/*/content")
        page.click(".document:has-text('Attestation')")
        wait_for_held(page, held, 1)  # the preview waits for the content
        with page.expect_download() as waiting:
            page.click("#view-download")
            wait_for_held(page, held, 2)  # the download waits too, behind the busy button
            for route in held:
                route.continue_()
            page.unroute("**/api/v1/documents/*/content")
        assert Path(waiting.value.path()).read_bytes() == scan
        expect(page.locator("#preview canvas")).to_have_count(1)
        expect(page.locator("#view-status")).to_have_text("")


def test_leaving_a_pdf_while_it_opens_shows_the_next_document_without_an_error(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        create_wallet(page)
        add_document(page, "lettre.pdf", "application/pdf", letter_pdf(), title="Lettre")
        add_document(page, "photo.png", "image/png", solid_png(BLUE), title="Photo")
        held = hold_requests(page, "**/vendor/pdfjs/pdf.min.mjs")
        page.click(".document:has-text('Lettre')")
        wait_for_held(page, held, 1)  # PDF.js is still on its way
        page.click("#screen-view [data-go=documents]")
        page.click(".document:has-text('Photo')")
        expect(page.locator("#preview img")).to_have_count(1)
        with page.expect_request_finished(lambda request: "pdf.worker" in request.url):
            held[0].continue_()
            page.unroute("**/vendor/pdfjs/pdf.min.mjs")
        page.wait_for_timeout(1000)  # the letter finishes opening, and is let go
        expect(page.locator("#view-status")).to_have_text("")
        expect(page.locator("#preview img")).to_have_count(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_export_every_document_as_a_decrypted_zip_after_a_warning(
    browser: Browser, live_server: str, lang: str
) -> None:
    uploads = [
        ("carte.png", "image/png", solid_png(RED), "Carte d'identité", "identity"),
        ("lettre.pdf", "application/pdf", letter_pdf(), "Lettre", "cpas"),
        ("lettre2.pdf", "application/pdf", letter_pdf("Rappel"), "Lettre", "cpas"),
        ("notes.txt", "text/plain", "قصتي\n".encode(), "../../etc/passwd: <x>?", "story"),
    ]
    with kiosk_page(browser, accept_downloads=True) as page:
        open_kiosk(page, live_server, lang, query="?idle=3600")
        handle, _ = create_wallet(page)
        for count, (name, mime, data, title, category) in enumerate(uploads, start=1):
            page.click("#screen-documents [data-go=add]")
            choose_photo(page, "#add-file", name, mime, data)
            page.check(f'input[name=category][value="{category}"]')
            page.fill("#add-title-input", title)
            page.click("#add-submit")
            expect(page.locator(".document")).to_have_count(count, timeout=60_000)
        from_more(page, "#screen-documents [data-go=account]")
        expect(page.locator("#export-shared-warning")).to_be_visible()  # a public terminal
        expect(page.locator("#export-submit")).to_be_disabled()
        page.check("#export-confirm")
        expect(page.locator("#export-submit")).to_be_enabled()
        violations = blocking_violations(page)
        assert not violations, describe(violations)
        with page.expect_download() as waiting:
            page.click("#export-submit")
        download = waiting.value
        expect(page.locator("#export-progress-bar")).to_have_attribute("value", "100")
        expect(page.locator("#export-submit")).to_be_disabled()  # confirmed again next time
        assert download.suggested_filename.startswith("PDE-")
        assert download.suggested_filename.endswith(".zip")
        archive = zipfile.ZipFile(download.path())

    assert archive.testzip() is None
    names = archive.namelist()
    assert names[-1] == "documents.json"
    manifest = json.loads(archive.read("documents.json"))["documents"]
    assert sorted(entry["title"] for entry in manifest) == sorted(u[3] for u in uploads)
    by_file = {entry["file"]: entry for entry in manifest}
    assert sorted(by_file) == sorted(names[:-1])
    for name in names:
        parts = name.split("/")
        assert ".." not in parts and not name.startswith("/") and "\\" not in name
        assert len(parts) <= 2
    assert len({name.lower() for name in names}) == len(names)  # no two alike
    for file_name, _, data, title, category in uploads:
        [entry] = [e for e in manifest if e["file_name"] == file_name]
        assert entry["title"] == title and entry["type"] == category
        assert archive.read(entry["file"]) == data, entry["file"]
    with PdeClient(live_server, retry_seconds=5) as owner:
        owner.login(handle, PASSPHRASE)
        assert sorted(d.document_id for d in owner.list()) == sorted(
            e["document_id"] for e in manifest
        )


def test_the_zip_writer_writes_zip64_records_that_python_reads(
    browser: Browser, live_server: str
) -> None:
    with kiosk_page(browser) as page:
        page.goto(f"{live_server}/api/v1/health")
        encoded = page.evaluate(
            """async () => {
              const { ZipWriter } = await import('/static/kit/zip.js');
              const zip = new ZipWriter({ zip64: true });
              const moment = new Date(2024, 2, 1, 10, 20, 30);
              await zip.add('Santé/résultat.txt', new Blob(['bonjour']), moment);
              await zip.add('vide.bin', new Blob([]));
              const bytes = new Uint8Array(await zip.finish().arrayBuffer());
              return btoa(String.fromCharCode(...bytes));
            }"""
        )
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded)))
    assert archive.testzip() is None
    assert archive.read("Santé/résultat.txt") == b"bonjour"
    assert archive.getinfo("Santé/résultat.txt").date_time == (2024, 3, 1, 10, 20, 30)
    assert archive.read("vide.bin") == b""
    assert all(info.extract_version >= 45 for info in archive.infolist())
