"""Figure: the browser module's streaming encryption and decryption (crypto/web/stream.js)
in headless Chromium, in MB/s (10^6 bytes of plaintext per second); goal >= 100 MB/s.

The real application is started with uvicorn on a free 127.0.0.1 port (a secure
context, so WebCrypto exists), the page imports /static/crypto/pde-crypto.js,
makes `mib` MiB with crypto.getRandomValues in 64 KiB pieces into a Blob, then
times `encryptBlob` and `decryptBlob` over it: best of `repeat` runs, as the
machine is shared. Also the ratio to raw WebCrypto AES-GCM over the same number
of 1 MiB in-memory buffers, in the same page, which varies less with the load.

Run: `.venv/bin/python bench/crypto_browser.py [--mib 100]`.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pde.settings import Settings  # noqa: E402
from tests.e2e.conftest import launch_chromium  # noqa: E402
from wallet.db import migrate  # noqa: E402

GOAL_MB_S = 100

MEASURE = """
async ({ mib, repeat }) => {
  const pde = await import('/static/crypto/pde-crypto.js');
  const piece = 65536;
  const parts = [];
  for (let made = 0; made < mib * 1048576; made += piece) {
    parts.push(new Blob([crypto.getRandomValues(new Uint8Array(piece))]));
  }
  const plaintext = new Blob(parts);
  const key = pde.newKey(), documentId = pde.newId();
  const best = async (fn) => {
    let fastest = Infinity, result;
    for (let i = 0; i < repeat; i += 1) {
      const start = performance.now();
      result = await fn();
      fastest = Math.min(fastest, performance.now() - start);
    }
    return { seconds: fastest / 1000, result };
  };
  const warmUp = await pde.encryptBlob(plaintext.slice(0, 8 * 1048576), key, documentId);
  await pde.decryptBlob(warmUp, key, documentId); // JIT and WebCrypto's threads
  const enc = await best(() => pde.encryptBlob(plaintext, key, documentId));
  const dec = await best(() => pde.decryptBlob(enc.result, key, documentId));
  if (dec.result.size !== plaintext.size) throw new Error('decrypted size differs');
  if (enc.result.size !== pde.ciphertextSize(plaintext.size)) throw new Error('stream size');
  // Baseline: the cipher alone, 1 MiB in memory per call, no reading, framing or Blob.
  const aes = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  const segment = pde.randomBytes(1048576), iv = new Uint8Array(12);
  const raw = await best(async () => {
    for (let i = 0; i < mib; i += 1) {
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, segment);
    }
  });
  const bytes = plaintext.size;
  return { bytes, encrypt_s: enc.seconds, decrypt_s: dec.seconds, raw_s: raw.seconds };
}
"""


@contextmanager
def running_server() -> Iterator[str]:
    """`pde.app:create_app()` under uvicorn in a child process, on a socket bound
    here, with a freshly migrated database in a temporary folder."""
    data_dir = tempfile.TemporaryDirectory(prefix="pde-bench-")
    migrate(Settings(data_dir=Path(data_dir.name)).sqlalchemy_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    command = [sys.executable, "-m", "uvicorn", "pde.app:create_app", "--factory"]
    command += ["--fd", str(sock.fileno()), "--log-level", "warning"]
    env = os.environ | {"PDE_DATA_DIR": data_dir.name}
    server = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=[sock.fileno()])
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the PDE server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        sock.close()
        data_dir.cleanup()


def browser_throughput(mib: int = 100, repeat: int = 3) -> dict[str, Any]:
    """Encrypt then decrypt `mib` MiB with the browser module's streaming functions in
    headless Chromium; MB/s (10^6 bytes of plaintext per second) for each direction."""
    with running_server() as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            page.goto(f"{url}/api/v1/health")
            timing = page.evaluate(MEASURE, {"mib": mib, "repeat": repeat})
            version = browser.version
        finally:
            browser.close()
    megabytes = timing["bytes"] / 1e6
    return {
        "encrypt_mb_s": megabytes / timing["encrypt_s"],
        "decrypt_mb_s": megabytes / timing["decrypt_s"],
        # The machine is shared: the ratio to the cipher alone, in the same page, is steadier.
        "encrypt_ratio_to_raw_aes_gcm": round(timing["raw_s"] / timing["encrypt_s"], 2),
        "decrypt_ratio_to_raw_aes_gcm": round(timing["raw_s"] / timing["decrypt_s"], 2),
        "chromium": version,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mib", type=int, default=100)
    args = parser.parse_args()
    figures = browser_throughput(args.mib)
    print(f"Browser module in headless Chromium {figures['chromium']}, {args.mib} MiB")
    for direction in ("encrypt", "decrypt"):
        mb_s = figures[f"{direction}_mb_s"]
        raw = figures[f"{direction}_ratio_to_raw_aes_gcm"]
        print(
            f"  {direction}: {mb_s:4.0f} MB/s  ratio to goal ({GOAL_MB_S} MB/s) "
            f"{mb_s / GOAL_MB_S:.2f}, ratio to raw WebCrypto AES-GCM {raw:.2f}"
        )


if __name__ == "__main__":
    main()
