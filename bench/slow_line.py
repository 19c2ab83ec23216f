"""Figure: a first visit on a slow line (issue 12 §2); goal <= 2 s to settle at 150 ms
of latency and 1.6 Mbit/s, for the kiosk's /fr/ and the worker's share viewer.

Two `pde serve` processes share one data folder: one with the modulepreload hints
(the default), one without (`PDE_MODULE_PRELOAD=false`, the baseline, in the same
run). Each is reached two ways: straight over HTTP/1.1, as before, and through
Caddy with HTTP/2 and its local CA, as docker-compose.yml serves it (Debian's
`caddy`; the site block is deploy/Caddyfile's reverse proxy, without its other
directives). Headless Chromium emulates the line through CDP
(`Network.emulateNetworkConditions`: latency added to every answer, throughput
capped both ways) in a fresh profile each time (an empty cache: a first visit).

"Settled" is, measured in the page from the start of the navigation, the end of
the last answer once the page is ready (the kiosk: `body[data-ready]`; the
viewer: the shared document on screen) and the network idle. Median of `repeat`
visits per case, after one rendering of each page on each server (the first
compiles the templates); the ratio is with the hints over without them. The
same visit without any emulated line gives the floor this machine sets by
itself (parsing and running the modules, the server's own time): on a shared,
loaded machine it is a large part of every figure.

Run: `.venv/bin/python bench/slow_line.py [--repeat 3] [--latency 150] [--mbits 1.6]`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from client import PdeClient  # noqa: E402
from client.shares import create_share  # noqa: E402
from tests.browser import launch_chromium  # noqa: E402
from tests.e2e.kiosk_steps import KIOSK_VIEWPORT, PASSPHRASE  # noqa: E402
from tests.server import ServeProcess, serve_process  # noqa: E402
from tests.storage.s3server import free_port  # noqa: E402

GOAL_S = 2.0
HOST = "pde.localhost"  # Chromium sends *.localhost to this machine itself

SETTLED = """
() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const ends = performance.getEntriesByType('resource').map((entry) => entry.responseEnd);
  return {
    settled: Math.max(navigation.loadEventEnd, ...ends) / 1000,
    requests: ends.length + 1,
    protocol: navigation.nextHopProtocol,
  };
}
"""


def prepare_share(url: str) -> str:
    """A wallet with one document shared without a PIN; the link's path and fragment."""
    with PdeClient(url) as owner:
        owner.register(owner.suggest_handle(), PASSPHRASE)
        content = io.BytesIO(b"Attestation de residence, page 1.")
        content.name = "attestation.txt"
        document_id = owner.add(content, title="Attestation", category="identity")
        share = create_share(owner, [document_id], recipient="CPAS", purpose="bench")
        owner.logout()
    parts = urlsplit(share.link)
    return f"{parts.path}#{parts.fragment}"


@contextlib.contextmanager
def caddy_in_front(upstreams: dict[str, int], folder: Path) -> Iterator[dict[str, str]]:
    """Caddy serving https://pde.localhost:<port> for each upstream, with HTTP/2 and
    its local CA; yields name -> origin."""
    caddy = shutil.which("caddy")
    if caddy is None:
        raise SystemExit("Caddy is not installed: apt-get install -y caddy")
    ports = {name: free_port() for name in upstreams}
    sites = "\n".join(
        f"https://{HOST}:{ports[name]} {{\n\ttls internal\n\treverse_proxy 127.0.0.1:{port}\n}}"
        for name, port in upstreams.items()
    )
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "Caddyfile"
    config.write_text(
        "{\n\tskip_install_trust\n\tadmin off\n"
        f"\thttp_port {free_port()}\n\tstorage file_system {folder / 'data'}\n}}\n{sites}\n"
    )
    log = (folder / "caddy.log").open("wb")
    process = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder)},
    )
    origins = {name: f"https://{HOST}:{port}" for name, port in ports.items()}
    try:
        for origin in origins.values():
            wait_until_served(f"{origin}/api/v1/health", process)
        yield origins
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def wait_until_served(url: str, process: subprocess.Popen[bytes]) -> None:
    """Until `url` answers 200 through Caddy (curl: the name must reach this machine)."""
    parts = urlsplit(url)
    resolve = f"{parts.hostname}:{parts.port}:127.0.0.1"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("Caddy stopped: see its log")
        probe = ["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--resolve", resolve, url]
        if subprocess.run(probe, capture_output=True, text=True).stdout == "200":
            return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def warm_up(servers: list[str], paths: list[str]) -> None:
    """Render every page once on each server: the first rendering compiles the
    templates and loads the catalogs (about a second), which no visit measures."""
    for server in servers:
        for path in paths:
            subprocess.run(["curl", "-s", "-o", "/dev/null", server + path], check=True)


def visit(
    browser: Browser, url: str, ready: str, latency_ms: float, bytes_per_s: float
) -> dict | None:
    """One first visit of `url` on the emulated line, in a fresh profile; None when
    the page is not ready within 30 s. Under Chromium's emulation on this loaded
    machine, some visits stall with every answer pending, with or without the
    hints alike (10 visits each over HTTP/2: 2 and 3 stalled; seen over HTTP/1.1
    too), never without emulation (12 of 12 ready): such a visit is counted, not
    timed."""
    try:
        return visit_once(browser, url, ready, latency_ms, bytes_per_s)
    except AssertionError:
        return None


def visit_once(
    browser: Browser, url: str, ready: str, latency_ms: float, bytes_per_s: float
) -> dict:
    context = browser.new_context(viewport=KIOSK_VIEWPORT, ignore_https_errors=True)
    try:
        page: Page = context.new_page()
        if bytes_per_s > 0:  # else no emulation: the floor the machine itself sets
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": latency_ms,
                    "downloadThroughput": bytes_per_s,
                    "uploadThroughput": bytes_per_s,
                },
            )
        page.goto(url, wait_until="commit", timeout=120_000)
        expect(page.locator(ready).first).to_be_attached(timeout=30_000)
        page.wait_for_load_state("networkidle", timeout=120_000)
        return dict(page.evaluate(SETTLED))
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=150.0, help="milliseconds")
    parser.add_argument("--mbits", type=float, default=1.6, help="Mbit/s, both ways")
    args = parser.parse_args()
    bytes_per_s = args.mbits * 1_000_000 / 8
    with tempfile.TemporaryDirectory(prefix="pde-bench-") as base:
        data = Path(base) / "server"
        with contextlib.ExitStack() as stack:
            hinted = stack.enter_context(serve_process(data))
            plain: ServeProcess = stack.enter_context(
                serve_process(data, {"PDE_MODULE_PRELOAD": "false"})
            )
            link = prepare_share(hinted.url)
            origins = stack.enter_context(
                caddy_in_front({"hints": hinted.port, "none": plain.port}, Path(base) / "caddy")
            )
            cases = {
                ("HTTP/1.1", "none"): plain.url,
                ("HTTP/1.1", "hints"): hinted.url,
                ("HTTP/2", "none"): origins["none"],
                ("HTTP/2", "hints"): origins["hints"],
            }
            pages = {"kiosk /fr/": ("/fr/", "body[data-ready]"), "viewer": (link, ".document-card")}
            warm_up([plain.url, hinted.url], [path.split("#")[0] for path, _ in pages.values()])
            results: dict[tuple[str, str, str], list[dict | None]] = {}
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    for _ in range(args.repeat):  # rounds alternate, so load hits every case
                        for (protocol, hints), origin in cases.items():
                            for name, (path, ready) in pages.items():
                                figure = visit(
                                    browser, origin + path, ready, args.latency, bytes_per_s
                                )
                                results.setdefault((name, protocol, hints), []).append(figure)
                        for name, (path, ready) in pages.items():
                            figure = visit(browser, origins["hints"] + path, ready, 0, -1)
                            results.setdefault((name, "floor", "hints"), []).append(figure)
                    version = browser.version
                finally:
                    browser.close()
    print(
        f"First visit on a slow line in headless Chromium {version}: {args.latency:.0f} ms, "
        f"{args.mbits} Mbit/s, median of {args.repeat}, goal <= {GOAL_S:.0f} s"
    )
    for name in pages:
        for protocol in ("HTTP/1.1", "HTTP/2"):
            medians = {}
            for hints in ("none", "hints"):
                medians[hints], line = summary(results[(name, protocol, hints)])
                label = "with modulepreload" if hints == "hints" else "without hints   "
                print(f"  {name:<11} {protocol:<8} {label}: {line}")
            ratio = medians["hints"] / medians["none"]
            print(f"  {'':<11} {protocol:<8} with / without: {ratio:.2f}")
        _, line = summary(results[(name, "floor", "hints")])
        print(f"  {name:<11} HTTP/2, hints, no line emulated (the machine alone): {line}")


def summary(visits: list[dict | None]) -> tuple[float, str]:
    """The median time to settle of the visits that got ready, and a line saying it."""
    timed = [v for v in visits if v is not None]
    if not timed:
        return float("nan"), f"every visit stalled ({len(visits)})"
    median = statistics.median(v["settled"] for v in timed)
    stalled = f", {len(visits) - len(timed)} stalled" if len(timed) < len(visits) else ""
    return median, (
        f"{median:.2f} s ({timed[0]['requests']} requests, {timed[0]['protocol']}{stalled})"
        f"  ratio to goal {median / GOAL_S:.2f}"
    )


if __name__ == "__main__":
    main()
