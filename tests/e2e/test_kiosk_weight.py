"""Weight of the first visit: given a fresh browser profile, when a person
opens the language picker and chooses French, then every request goes to the
PDE server itself (no CDN, no font or analytics host) and all the responses'
bodies together weigh at most 150 KB: a person on a phone's prepaid data pays
for every byte (static files go out compressed; rarely used screens load their
modules when first opened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.e2e.kiosk_steps import kiosk_page

pytestmark = pytest.mark.browser

BUDGET_BYTES = 150_000


@dataclass
class Transfers:
    """Every request a page makes, and the body bytes of those that finished."""

    requested: list[str] = field(default_factory=list)
    finished: list[Request] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("requestfinished", lambda request: self.finished.append(request))
        page.on("requestfailed", lambda request: self.failed.append(request.url))

    def body_bytes(self) -> dict[str, int]:
        """Response body size (as sent, before decoding) of each finished request, by URL."""
        sizes: dict[str, int] = {}
        for request in self.finished:
            sizes[request.url] = sizes.get(request.url, 0) + request.sizes()["responseBodySize"]
        return sizes


def first_visit(page: Page, base: str) -> Transfers:
    """Open the language picker, wait for its self-test, choose French, wait for the app."""
    transfers = Transfers()
    transfers.watch(page)
    page.goto(f"{base}/")
    expect(page.locator("[data-state=ok]")).to_have_count(1)
    page.click('a[hreflang="fr"]')
    expect(page.locator("body[data-ready]")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    return transfers


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(scope="module")
def visit(browser: Browser, live_server: str) -> tuple[Transfers, dict[str, int]]:
    """The first visit's requests, and its body bytes by URL (asked while the page is open)."""
    with kiosk_page(browser) as page:
        transfers = first_visit(page, live_server)
        return transfers, transfers.body_bytes()


def test_the_first_visit_asks_no_other_host(
    visit: tuple[Transfers, dict[str, int]], live_server: str
) -> None:
    transfers, _ = visit
    elsewhere = [url for url in transfers.requested if origin(url) != live_server]
    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    assert transfers.failed == [], f"failed requests: {transfers.failed}"


def test_the_first_visit_weighs_at_most_150_kb(
    visit: tuple[Transfers, dict[str, int]], live_server: str
) -> None:
    transfers, sizes = visit
    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:8]
    print(
        f"\nfirst visit (/ then /fr/): {len(transfers.requested)} requests, "
        f"{total / 1000:.1f} KB of response bodies (budget {BUDGET_BYTES / 1000:.0f} KB)"
    )
    for url, size in heaviest:
        print(f"  {size / 1000:6.1f} KB  {url.removeprefix(live_server)}")
    assert total <= BUDGET_BYTES, f"{total} bytes > {BUDGET_BYTES}: heaviest {heaviest}"


# The pictograms of the language picker, the welcome screen, the header and the
# idle dialog (which must look right the moment it opens): every other screen's
# load when that screen is first shown (loading="lazy"), not on a first visit.
FIRST_VISIT_PICTOGRAMS = 16


def test_the_first_visit_fetches_only_the_pictograms_it_shows(
    visit: tuple[Transfers, dict[str, int]],
) -> None:
    transfers, _ = visit
    pictograms = sorted({url for url in transfers.requested if "/static/icons/" in url})
    assert len(pictograms) <= FIRST_VISIT_PICTOGRAMS, pictograms
