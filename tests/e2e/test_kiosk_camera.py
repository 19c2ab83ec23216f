"""The terminal's camera (issue 11, section 3): given a kiosk with cameras (Chromium's
fake ones: two, each drawing a moving test picture), a person takes photos on the
camera screen, takes a page again, and the pages become one PDF that the Python
client decrypts, holding the very JPEGs taken. The camera stops (its track's
readyState is "ended") on "Use these photos", "Cancel", "Leave now" and the idle
logout. Without a camera, or when the page may not use one, the file chooser takes
its place with a message that says so. A card's two sides make one page; the
camera chosen among several is kept for the session. In French and Arabic, at
1024x768 and 360 px, by keyboard, with no axe-core violation at all.

One browser for the module, launched with the fake cameras from the session's
Playwright driver."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, expect

from client import PdeClient
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.e2e.axe_audit import AXE, describe
from tests.e2e.kiosk_steps import PASSPHRASE, kiosk_page, leave_now, log_in, open_kiosk, png
from tests.e2e.test_kiosk_first_screen import in_first_screen
from tests.e2e.test_kiosk_screens import shoot

pytestmark = pytest.mark.browser

FAKE_CAMERAS = [
    "--use-fake-device-for-media-stream=device-count=2",
    "--use-fake-ui-for-media-stream",
]

# Every stream the page opens, so that a test can read its tracks' readyState, also
# as the page goes (said on the console at beforeunload, which comes before the page's
# own pagehide handler; console messages of pagehide itself do not arrive); and
# the Blob behind each object URL, to read a thumbnail's bytes (the CSP forbids
# fetching blob: URLs).
WATCH_TRACKS = """(() => {
  const blobs = new Map();
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (blob) => {
    const url = createObjectURL(blob);
    blobs.set(url, blob);
    return url;
  };
  window.blobOf = (url) => blobs.get(url);
  const tracks = [];
  window.cameraTracks = tracks;
  const devices = navigator.mediaDevices;
  if (!devices) return;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await open(constraints);
    tracks.push(...stream.getTracks());
    return stream;
  };
  window.addEventListener('beforeunload', () => {
    const states = tracks.map((track) => track.readyState).join(',');
    console.log(`camera tracks as the page goes: ${states}`);
  });
})();"""
NO_MEDIA_DEVICES = (
    "Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined });"
)

STEP = {
    "fr": "Tenez la page {number} devant la caméra.",
    "ar": "أمسك الصفحة {number} أمام الكاميرا.",
}
REFUSED = {
    "fr": "La caméra ne peut pas être utilisée : l\u2019autorisation a été refusée.",
    "ar": "لا يمكن استخدام الكاميرا: تم رفض الإذن.",
}
NO_CAMERA = {"fr": "Aucune caméra n\u2019a été trouvée.", "ar": "لم يتم العثور على كاميرا."}
JPEG_SIZE = re.compile(
    rb"/Width (\d+) /Height (\d+) /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode"
)


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """This module's one Chromium, with two fake cameras that need no prompt."""
    require_chromium()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *FAKE_CAMERAS]
    )
    yield chromium
    chromium.close()


@pytest.fixture
def handle(live_server: str) -> str:
    """A new wallet, made by the Python client."""
    with PdeClient(live_server, retry_seconds=5) as owner:
        name = owner.suggest_handle()
        owner.register(name, PASSPHRASE)
    return name


def open_camera(page: Page, base: str, lang: str, handle: str, idle: int = 3600) -> None:
    """Log in, open "Add a document", press "Take a photo", and wait for the live picture."""
    page.add_init_script(WATCH_TRACKS)
    open_kiosk(page, base, lang, query=f"?idle={idle}")
    log_in(page, handle)
    page.click("#screen-documents [data-go=add]")
    page.click("#add-camera")
    expect(page.locator("#screen-camera")).to_be_visible()
    expect(page.locator("#camera-live")).to_be_visible()
    page.wait_for_function(
        "() => document.getElementById('camera-video').videoWidth > 0"
        " && document.getElementById('camera-video').currentTime > 0"
    )


def track_states(page: Page) -> list[str]:
    return list(page.evaluate("() => window.cameraTracks.map((track) => track.readyState)"))


def take(page: Page, count: int) -> None:
    """Press "Take the photo" until `count` pages are listed."""
    before = page.locator("#camera-pages li").count()
    for number in range(before + 1, before + count + 1):
        page.click("#camera-shoot")
        expect(page.locator("#camera-pages li")).to_have_count(number)


def picture_bytes(page: Page, selector: str) -> list[bytes]:
    """The bytes of each thumbnail's picture (the photo itself, from its object URL)."""
    listed = page.evaluate(
        """async (selector) => Promise.all([...document.querySelectorAll(selector)].map(
             async (img) => [...new Uint8Array(await window.blobOf(img.src).arrayBuffer())]))""",
        selector,
    )
    return [bytes(picture) for picture in listed]


def saved_document(base: str, handle: str, title: str) -> tuple[dict[str, object], bytes]:
    """Metadata and plaintext of a document, decrypted by the Python client."""
    with PdeClient(base, retry_seconds=5) as owner:
        owner.login(handle, PASSPHRASE)
        [document] = [d for d in owner.list() if d.metadata["title"] == title]
        out = io.BytesIO()
        owner.get(document.document_id, out)
        return document.metadata, out.getvalue()


def no_violations(page: Page) -> None:
    """axe-core finds nothing at all, whatever its impact."""
    violations = AXE.run(page).response["violations"]
    assert not violations, describe(violations)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_two_photos_and_one_taken_again_are_saved_as_one_pdf_of_those_pictures(
    browser: Browser, live_server: str, handle: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        open_camera(page, live_server, lang, handle)
        expect(page.locator("#camera-step")).to_have_text(STEP[lang].format(number=1))
        no_violations(page)
        for control in ("#camera-shoot", "#camera-done", "#camera-cancel", "#camera-choice"):
            assert in_first_screen(page.locator(control)), control  # at 1024x768, no scrolling
        take(page, 2)
        expect(page.locator("#camera-step")).to_have_text(STEP[lang].format(number=3))
        first, second = picture_bytes(page, "#camera-pages li > img")
        assert first.startswith(b"\xff\xd8") and second.startswith(b"\xff\xd8")  # JPEGs
        no_violations(page)
        shoot(page, folder, f"{lang}-40-camera", full_page=False)

        # Page 1 again, by keyboard: its "Take again", then Enter on the large button.
        page.focus('#camera-pages li[data-page="1"] [data-action=retake]')
        page.keyboard.press("Enter")
        expect(page.locator("#camera-shoot")).to_be_focused()
        retaking = page.locator('#camera-pages li[data-page="1"]')
        expect(retaking).to_have_class(re.compile("page-retaking"))
        page.keyboard.press("Enter")
        expect(page.locator("#camera-pages li.page-retaking")).to_have_count(0)
        expect(page.locator("#camera-pages li")).to_have_count(2)
        again, kept = picture_bytes(page, "#camera-pages li > img")
        assert again != first and kept == second

        assert track_states(page) == ["live"]
        width, height = page.evaluate(
            "() => [window.cameraTracks[0].getSettings().width,"
            " window.cameraTracks[0].getSettings().height]"
        )
        page.click("#camera-done")
        expect(page.locator("#screen-add")).to_be_visible()
        assert track_states(page) == ["ended"]
        expect(page.locator("#add-pages li")).to_have_count(2)
        assert picture_bytes(page, "#add-pages li > img") == [again, second]

        page.check('input[name=category][value="identity"]')
        page.fill("#add-title-input", "Attestation")
        page.click("#add-submit")
        expect(page.locator("#screen-documents")).to_be_visible(timeout=60_000)
        expect(page.locator(".document-title")).to_have_text(["Attestation"])

    metadata, content = saved_document(live_server, handle, "Attestation")
    assert metadata["media_type"] == "application/pdf" and metadata["pages"] == 2
    assert content.startswith(b"%PDF-1.4") and content.count(b"/Type /Page ") == 2
    assert [(int(w), int(h)) for w, h in JPEG_SIZE.findall(content)] == [(width, height)] * 2
    # The JPEGs taken go into the PDF as they are; the page taken again replaced page 1.
    assert content.index(again) < content.index(second) and first not in content


def test_cancel_stops_the_camera_and_finds_the_form_as_it_was(
    browser: Browser, live_server: str, handle: str
) -> None:
    with kiosk_page(browser) as page:
        page.add_init_script(WATCH_TRACKS)
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        log_in(page, handle)
        page.click("#screen-documents [data-go=add]")
        page.check('input[name=category][value="health"]')
        page.fill("#add-title-input", "Carte médicale")
        page.click("#add-camera")
        expect(page.locator("#camera-live")).to_be_visible()
        take(page, 1)
        assert track_states(page) == ["live"]
        page.click("#camera-cancel")
        expect(page.locator("#screen-add")).to_be_visible()
        assert track_states(page) == ["ended"]
        expect(page.locator("#add-title-input")).to_have_value("Carte médicale")
        expect(page.locator('input[name=category][value="health"]')).to_be_checked()
        expect(page.locator("#add-pages li")).to_have_count(0)  # the photo taken is dropped

        # Back to the camera: a new stream, no photo left from before.
        page.click("#add-camera")
        expect(page.locator("#camera-live")).to_be_visible()
        expect(page.locator("#camera-pages li")).to_have_count(0)
        assert track_states(page) == ["ended", "live"]


def states_as_the_page_goes(page: Page) -> list[str]:
    """Collects what the watch says on the console as the page goes."""
    said: list[str] = []
    page.on(
        "console",
        lambda message: (
            said.append(message.text) if message.text.startswith("camera tracks") else None
        ),
    )
    return said


def test_leave_now_stops_the_camera_before_the_page_goes(
    browser: Browser, live_server: str, handle: str
) -> None:
    with kiosk_page(browser) as page:
        said = states_as_the_page_goes(page)
        open_camera(page, live_server, "fr", handle)
        take(page, 1)
        assert track_states(page) == ["live"]
        leave_now(page, live_server)
        assert said[-1:] == ["camera tracks as the page goes: ended"], said


def test_the_idle_logout_stops_the_camera(browser: Browser, live_server: str, handle: str) -> None:
    with kiosk_page(browser) as page:
        said = states_as_the_page_goes(page)
        page.clock.install()  # the page's timers, in real time but for the jump below
        open_camera(page, live_server, "ar", handle, idle=8)
        assert track_states(page) == ["live"]
        page.clock.fast_forward("00:05")  # 5 idle seconds of 8: the last 4 warn
        expect(page.locator("#idle-dialog")).to_be_visible(timeout=15_000)
        page.clock.fast_forward("00:04")
        page.wait_for_url(f"{live_server}/", timeout=15_000)
        assert said[-1:] == ["camera tracks as the page goes: ended"], said


def refuse_the_camera(page: Page, base: str, lang: str) -> None:
    """Serve the kiosk's page with a policy that forbids the camera: the browser itself
    then refuses getUserMedia (NotAllowedError), as when a person says no."""

    def forbid(route: Route) -> None:
        response = route.fetch()
        headers = response.headers | {"permissions-policy": "camera=()"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{base}/{lang}/*", forbid)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_refused_camera_gives_the_file_chooser_with_a_message_that_says_so(
    browser: Browser, live_server: str, handle: str, lang: str, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("PDE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    with kiosk_page(browser) as page:
        page.on("filechooser", lambda chooser: None)  # keeps the interception of choosers on
        refuse_the_camera(page, live_server, lang)
        page.add_init_script(WATCH_TRACKS)
        open_kiosk(page, live_server, lang, query="?idle=3600")
        log_in(page, handle)
        page.click("#screen-documents [data-go=add]")
        page.click("#add-camera")
        expect(page.locator("#camera-fallback-message")).to_contain_text(REFUSED[lang])
        expect(page.locator("#camera-live")).to_be_hidden()
        expect(page.locator("#camera-starting")).to_be_hidden()
        assert track_states(page) == []
        no_violations(page)
        shoot(page, folder, f"{lang}-41-camera-refused", full_page=False)

        # The chooser, by keyboard: two photos, and they are the document's pages.
        page.locator("#camera-file").focus()
        with page.expect_file_chooser() as opened:
            page.keyboard.press("Enter")
        opened.value.set_files(
            files=[
                {"name": "bail-1.png", "mimeType": "image/png", "buffer": png()},
                {"name": "bail-2.png", "mimeType": "image/png", "buffer": png(6, 8)},
            ]
        )
        expect(page.locator("#screen-add")).to_be_visible()
        expect(page.locator("#add-pages li")).to_have_count(2)
        expect(page.locator("#add-title-input")).to_have_value("bail-1")


def test_without_a_camera_the_file_chooser_says_none_was_found(
    browser: Browser, live_server: str, handle: str
) -> None:
    with kiosk_page(browser) as page:
        page.add_init_script(NO_MEDIA_DEVICES)
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        log_in(page, handle)
        page.click("#screen-documents [data-go=add]")
        page.click("#add-camera")
        expect(page.locator("#camera-fallback-message")).to_contain_text(NO_CAMERA["fr"])
        expect(page.locator("#camera-file")).to_be_attached()
        page.click("#camera-back")
        expect(page.locator("#screen-add")).to_be_visible()


def test_a_cards_two_sides_make_one_page_and_the_chosen_camera_is_kept_for_the_session_only(
    browser: Browser, live_server: str, handle: str
) -> None:
    with kiosk_page(browser) as page:
        open_camera(page, live_server, "fr", handle)
        choice = page.locator("#camera-choice")
        expect(choice.locator("option")).to_have_count(2)  # two cameras: a choice
        second = choice.locator("option").nth(1).get_attribute("value")
        choice.select_option(second)
        page.wait_for_function(
            """(id) => window.cameraTracks.length === 2
                 && window.cameraTracks[1].readyState === 'live'
                 && window.cameraTracks[1].getSettings().deviceId === id""",
            arg=second,
        )
        assert track_states(page) == ["ended", "live"]  # the first camera stopped

        page.check('input[name=camera-kind][value="card"]')
        expect(page.locator("#camera-step")).to_have_text(
            "Tenez le recto de la carte devant la caméra."
        )
        page.click("#camera-shoot")
        expect(page.locator("#camera-said")).to_have_text("Recto pris.")
        expect(page.locator("#camera-step")).to_contain_text("verso")
        expect(page.locator("#camera-pages li")).to_have_count(0)
        page.click("#camera-shoot")
        expect(page.locator("#camera-pages li")).to_have_count(1)
        width, height = page.evaluate(
            "() => { const img = document.querySelector('#camera-pages li > img');"
            " return [img.naturalWidth, img.naturalHeight]; }"
        )
        assert height > 2 * width * 0.7, (width, height)  # two 4:3 sides, one above the other

        page.click("#camera-done")
        expect(page.locator("#add-pages li")).to_have_count(1)
        # Back on the camera screen: the camera chosen is the one that opens.
        page.click("#add-camera")
        expect(page.locator("#camera-live")).to_be_visible()
        page.wait_for_function("() => window.cameraTracks.length === 3")
        assert page.evaluate("() => window.cameraTracks[2].getSettings().deviceId") == second
        expect(choice).to_have_value(second)
        expect(page.locator('input[name=camera-kind][value="pages"]')).to_be_checked()

        # The choice lasts the session only: after "Leave now", the next person (here the
        # same wallet) gets the browser's own choice, the first camera, again.
        first = choice.locator("option").nth(0).get_attribute("value")
        leave_now(page, live_server)
        page.click('a[hreflang="fr"]')
        expect(page.locator("body[data-ready]")).to_have_count(1)
        log_in(page, handle)
        page.click("#screen-documents [data-go=add]")
        page.click("#add-camera")
        expect(page.locator("#camera-live")).to_be_visible()
        page.wait_for_function("() => window.cameraTracks.length === 1")
        assert page.evaluate("() => window.cameraTracks[0].getSettings().deviceId") == first
        expect(choice).to_have_value(first)


# The camera exists but does not start (in use by another program) until told otherwise.
BUSY_CAMERA = """(() => {
  window.cameraBusy = true;
  const devices = navigator.mediaDevices;
  const open = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => (window.cameraBusy
    ? Promise.reject(new DOMException('Could not start video source', 'NotReadableError'))
    : open(constraints));
})();"""


def test_a_camera_that_does_not_answer_says_so_and_try_again_opens_it(
    browser: Browser, live_server: str, handle: str
) -> None:
    with kiosk_page(browser) as page:
        page.add_init_script(WATCH_TRACKS)
        page.add_init_script(BUSY_CAMERA)  # runs after the watch: wraps the watched call
        open_kiosk(page, live_server, "fr", query="?idle=3600")
        log_in(page, handle)
        page.click("#screen-documents [data-go=add]")
        page.click("#add-camera")
        expect(page.locator("#camera-fallback-message")).to_contain_text("La caméra ne répond pas.")
        page.evaluate("() => { window.cameraBusy = false; }")  # the other program let go
        page.click("#camera-retry")
        expect(page.locator("#camera-live")).to_be_visible()
        expect(page.locator("#camera-fallback")).to_be_hidden()
        take(page, 1)
        assert track_states(page) == ["live"]
