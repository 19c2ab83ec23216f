"""Adding a large document at the kiosk: the file is encrypted in the page,
sent in parts, the progress bar follows the parts the server acknowledged up
to 100 %, and a connection dropped mid-upload resumes where the server stands.
The Python client then reads back exactly the bytes that were chosen."""

from __future__ import annotations

import io
import os
import re

import pytest
from playwright.sync_api import Browser, Route, expect

from client import PdeClient
from tests.e2e.kiosk_steps import PASSPHRASE, create_wallet, kiosk_page, open_kiosk

pytestmark = pytest.mark.browser

MIB = 1 << 20
RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  const bar = document.getElementById('add-progress-bar');
  const box = document.getElementById('add-progress');
  new MutationObserver(() => {
    if (box.dataset.phase === 'send') window.progressSeen.push(Number(bar.value));
  })
    .observe(bar, { attributes: true, attributeFilter: ['value'] });
}"""


def test_a_large_upload_shows_progress_to_100_and_resumes_after_a_dropped_connection(
    browser: Browser, live_server: str
) -> None:
    content = os.urandom(9 * MIB + 12345)
    with kiosk_page(browser) as page:
        open_kiosk(page, live_server, "fr")
        handle, _ = create_wallet(page)
        offsets: list[int] = []
        dropped: list[int] = []

        def drop_the_second_part_once(route: Route) -> None:
            offset = int(re.search(r"offset=(\d+)", route.request.url).group(1))  # type: ignore[union-attr]
            offsets.append(offset)
            if offset > 0 and not dropped:
                dropped.append(offset)
                route.abort("connectionreset")
            else:
                route.continue_()

        parts = re.compile(r"/api/v1/documents/[^/]+/content\?offset=")
        page.route(parts, drop_the_second_part_once)
        page.click("#screen-documents [data-go=add]")
        page.set_input_files(
            "#add-file",
            files=[
                {"name": "dossier.bin", "mimeType": "application/octet-stream", "buffer": content}
            ],
        )
        expect(page.locator("#add-chosen")).to_contain_text("dossier.bin")
        page.check('input[name=category][value="social"]')
        page.fill("#add-title-input", "Rapport social")
        page.evaluate(RECORD_PROGRESS)
        page.click("#add-submit")
        expect(page.locator("#add-progress-label")).to_have_text(
            "Connexion perdue. Nouvel essai…", timeout=30_000
        )
        expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
        expect(page.locator(".document-title")).to_have_text(["Rapport social"])

        seen = page.evaluate("() => window.progressSeen")
        assert seen[-1] == 100 and seen == sorted(seen) and len(set(seen)) >= 3, seen
        assert dropped and offsets.count(dropped[0]) == 2, offsets  # the dropped part, sent again
        assert len(set(offsets)) == 3  # 9 MiB of ciphertext in parts of 4 MiB

    with PdeClient(live_server, retry_seconds=5) as owner:
        owner.login(handle, PASSPHRASE)
        [document] = owner.list()
        assert document.metadata["title"] == "Rapport social"
        assert document.metadata["type"] == "social"
        out = io.BytesIO()
        owner.get(document.document_id, out)
        assert out.getvalue() == content
