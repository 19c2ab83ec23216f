"""Direct transfers in the browser (issue 12 §2), as a region runs them: Caddy with
the real deploy/Caddyfile in front of a PDE server on the S3 backend and of the
object store (ministack), the bucket on the site's own origin, so the pages' CSP
stays connect-src 'self'.

Given a person at the kiosk, when they add a document of two parts, the page puts
each part straight into the bucket through Caddy on a presigned URL, never through
/content: a URL that expired is asked for again, a part the server does not find
stored is put again, a part cut mid-way is resumed from where the server stands;
the document lists and downloads decrypted from the bucket.
When a worker opens a share of it, the viewer downloads it from the bucket too,
again past an expired URL, and through /content when the server says direct
transfers are off. No CSP violation all along."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route, expect

from tests.caddy_support import running_caddy
from tests.e2e.kiosk_steps import create_wallet, kiosk_page, open_kiosk
from tests.e2e.share_steps import make_share, worker_downloads, worker_opens
from tests.server import live_server, s3_env
from tests.storage.s3server import S3Server, free_port, fresh_bucket_name, require_ministack

pytestmark = pytest.mark.browser

MIB = 1 << 20
PART_BYTES = 5 * MIB  # S3's smallest multipart part
CONTEXT = {"ignore_https_errors": True, "accept_downloads": True}  # Caddy's local CA
# What the store answers once a presigned URL's time is over.
EXPIRED = (403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>")
LOST = (200, "")  # a success whose bytes never reached the store (a broken proxy)
DROPPED = (0, "")  # the connection cut mid-part
# Every CSP violation, also those the console does not name, is written to the console.
REPORT_CSP = """document.addEventListener('securitypolicyviolation', (event) =>
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"""


@dataclass
class Region:
    origin: str  # Caddy's
    bucket: str


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Region]:
    """ministack, a PDE server on it with direct transfers, and Caddy in front of both."""
    require_ministack()
    base = tmp_path_factory.mktemp("direct")
    s3 = S3Server(base / "s3")
    s3.start()
    bucket = fresh_bucket_name()
    https = free_port()
    # Caddy's site is the address itself: ministack would take the name pde.localhost
    # as a virtual-hosted bucket "pde" (MinIO, without MINIO_DOMAIN, would not).
    domain = "127.0.0.1"
    origin = f"https://{domain}:{https}"
    env = s3_env(s3, bucket) | {
        "PDE_S3_PUBLIC_URL": origin,
        "PDE_PUBLIC_URL": origin,
        "PDE_TRUSTED_PROXIES": "127.0.0.1",  # Caddy: the page's scheme is https
        "PDE_UPLOAD_PART_MAX_BYTES": str(PART_BYTES),
        "PDE_KIOSK_DOWNLOADS": "true",
        "PDE_REGISTRATIONS_PER_CLIENT_PER_HOUR": "1000",
        "PDE_SHARE_OPENS_PER_CLIENT_PER_MINUTE": "1000",
    }
    try:
        with live_server(base / "server", env) as server:
            app = f"127.0.0.1:{server.port}"
            dials = {"app-1:8000": app, "app-2:8000": app, "minio:9000": s3.endpoint}
            caddy = base / "caddy"
            with running_caddy(caddy, dials, https=https, domain=domain, PDE_S3_BUCKET=bucket):
                yield Region(origin, bucket)
    finally:
        s3.stop()


@dataclass
class Traffic:
    """What a page sent, what the store answered, and what the console said of CSP."""

    region: Region
    requests: list[Request] = field(default_factory=list)
    store_answers: list[tuple[str, int]] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.add_init_script(REPORT_CSP)
        page.on("request", lambda request: self.requests.append(request))
        page.on("response", self._answered)
        page.on("console", self._console)

    def _answered(self, response: Response) -> None:
        if self.is_store(response.url):
            self.store_answers.append((response.request.method, response.status))

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "CSP violation" in message.text:
            self.csp.append(message.text)

    def is_store(self, url: str) -> bool:
        return url.startswith(f"{self.region.origin}/{self.region.bucket}/")

    def api(self, method: str, pattern: str) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.method == method and re.search(pattern, r.url) and "/api/" in r.url
        ]

    def to_store(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and self.is_store(r.url)]


def answer_first(traffic: Traffic, page: Page, answers: list[tuple[int, str] | None]) -> None:
    """The page's first requests to the bucket get these answers in turn (None: the
    store's own); later ones all reach the store."""
    left = list(answers)

    def answer(route: Route) -> None:
        fake = left.pop(0) if left else None
        if fake is None:
            route.continue_()
        elif fake == DROPPED:
            route.abort("connectionreset")
        else:
            route.fulfill(status=fake[0], content_type="application/xml", body=fake[1])

    page.route(lambda url: traffic.is_store(url), answer)


def test_a_document_goes_to_the_bucket_and_back_through_caddy_then_to_a_worker(
    browser: Browser, region: Region
) -> None:
    content = os.urandom(6 * MIB)
    title = "Dossier complet"
    with kiosk_page(browser, **CONTEXT) as page:
        traffic = Traffic(region)
        traffic.watch(page)
        open_kiosk(page, region.origin, "fr")
        create_wallet(page)
        answer_first(traffic, page, [EXPIRED, None, LOST, DROPPED])
        page.click("#screen-documents [data-go=add]")
        page.set_input_files(
            "#add-file",
            files=[
                {"name": "dossier.bin", "mimeType": "application/octet-stream", "buffer": content}
            ],
        )
        page.fill("#add-title-input", title)
        page.click("#add-submit")
        expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
        expect(page.locator(".document-title")).to_have_text([title])

        # Two parts put on the bucket through Caddy: the first again on a new URL once
        # its URL expired; the second again once the server found it missing, and
        # once more after the cut, from where the server says the upload stands.
        asked = [json.loads(r.post_data or "{}") for r in traffic.api("POST", r"/upload/parts$")]
        assert [a["offset"] for a in asked] == [0, 0] + [PART_BYTES] * 3, asked
        assert traffic.store_answers == [("PUT", status) for status in (403, 200, 200, 200)]
        acks = [r.response() for r in traffic.api("POST", r"/upload/parts/ack$")]
        assert [a.status if a else None for a in acks] == [200, 409, 200]
        assert acks[1] and acks[1].json()["error"]["code"] == "upload_part_missing"
        assert len(traffic.api("GET", r"/upload$")) == 1  # after the cut: where it stands
        puts = traffic.to_store("PUT")
        for put, part in zip(puts, asked, strict=True):
            headers = put.all_headers()
            digest = base64.urlsafe_b64decode(part["sha256"] + "=")
            assert headers["x-amz-checksum-sha256"] == base64.b64encode(digest).decode()
            assert "authorization" not in headers and "cookie" not in headers
        assert not traffic.api("PUT", r"/documents/[^/]+/content"), "no byte through the server"

        # It opens decrypted: the kiosk downloads it from the bucket.
        page.click(".document")
        with page.expect_download() as waiting:
            page.click("#view-download")
        assert Path(waiting.value.path()).read_bytes() == content
        assert traffic.api("GET", r"/documents/[^/]+/content-url$")
        assert not traffic.api("GET", r"/documents/[^/]+/content$")
        assert traffic.store_answers[-1] == ("GET", 200)
        page.click("#screen-view [data-go=documents]")
        link, _ = make_share(page, titles=[title], recipient="Mme Dupont, CPAS")
        assert traffic.csp == [], traffic.csp

    with kiosk_page(browser, **CONTEXT) as worker:
        seen = Traffic(region)
        seen.watch(worker)
        worker_opens(worker, link)
        answer_first(seen, worker, [EXPIRED])
        assert worker_downloads(worker, title) == content
        assert seen.store_answers == [("GET", 403), ("GET", 200)]
        assert len(seen.api("GET", r"/documents/[^/]+/content-url$")) == 2
        assert not seen.api("GET", r"/documents/[^/]+/content$")

        # A server that turned direct transfers off: the viewer reads through /content.
        off = {"error": {"code": "direct_transfer_off", "message": "off"}}
        worker.route(
            re.compile(r"/content-url$"), lambda route: route.fulfill(status=409, json=off)
        )
        assert worker_downloads(worker, title) == content
        assert len(seen.api("GET", r"/documents/[^/]+/content$")) == 1
        assert seen.csp == [], seen.csp

        # The watch itself: a request the CSP forbids is seen.
        with worker.expect_console_message(lambda message: "CSP violation" in message.text):
            worker.evaluate("fetch('https://198.51.100.7/').catch(() => null)")
        assert seen.csp
