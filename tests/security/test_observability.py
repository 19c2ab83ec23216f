"""What an operator reads (the log, `/metrics`) after a full run against `pde serve`:
register, upload, download, share, open (right and wrong PIN, a damaged link),
deposit. Every log line is one JSON object with the expected keys, and neither the
log nor the metrics hold the handle, an id, a token, a secret, a marker or a client
address; every metric label takes a value from a fixed set or a route template."""

from __future__ import annotations

import io
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from prometheus_client.parser import text_string_to_metric_families
from starlette.routing import Mount

from client import PdeClient
from client import deposits as deposit_client
from client.http import ClientError
from client.shares import ShareViewer, create_share
from crypto import b64u_encode, parse_share_link
from pde.app import create_app
from pde.settings import Settings
from tests.server import ServeProcess, serve_process
from tests.wallet_pool import WalletPool
from wallet.api.errors import HTTP_CODES
from wallet.api.observability import UNMATCHED
from wallet.db import migrate
from wallet.errors import WalletError
from wallet.metrics import SHARE_OUTCOMES

PASSPHRASE = "observability run passphrase"
LOG_KEYS = {"time", "level", "logger", "message"}
REQUEST_KEYS = LOG_KEYS | {
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "bytes_in",
    "bytes_out",
}
# uvicorn's start-up line names the address it listens on (not a client's).
LISTENING = "Uvicorn running on "


@dataclass
class Run:
    server: ServeProcess
    forbidden: dict[str, str]
    request_id: str


def _every_code() -> set[str]:
    codes = {"internal_error", "http_error", *HTTP_CODES.values()}
    pending = list(WalletError.__subclasses__())
    while pending:
        error = pending.pop()
        codes.add(error.code)
        pending += error.__subclasses__()
    return codes


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, wallet_pool: WalletPool) -> Iterator[Run]:
    folder = tmp_path_factory.mktemp("observability")
    with serve_process(folder / "server") as server:
        owner = PdeClient(server.url, retry_seconds=5)
        handle = f"observed-{secrets.token_hex(4)}"
        registration = wallet_pool.register(owner, handle, PASSPHRASE)
        marker = "MARKER-" + secrets.token_hex(8)
        letter = io.BytesIO(f"{marker} letter".encode() * 50)
        letter.name = f"{marker}.txt"
        document_id = owner.add(letter, title=marker)
        owner.get(document_id, io.BytesIO())
        share = create_share(owner, [document_id], recipient=marker, purpose=marker, pin="2468")
        viewer = ShareViewer(share.link, retry_seconds=5)
        with pytest.raises(ClientError):
            viewer.open(pin="1357")
        opened = viewer.open(pin="2468")
        viewer.download(opened, opened.documents[0], io.BytesIO())
        _, share_id, secret = parse_share_link(share.link)
        damaged = share.link.replace(b64u_encode(secret), b64u_encode(bytes(len(secret))))
        with pytest.raises(ClientError):
            ShareViewer(damaged, retry_seconds=5).open(pin="2468")
        link = deposit_client.create_deposit_link(owner, marker)
        deposited = folder / f"{marker}-deposit.pdf"
        deposited.write_bytes(b"%PDF " + marker.encode() * 40)
        [deposit_document] = deposit_client.deposit(link.link, [deposited], retry_seconds=5)
        answer = httpx.get(f"{server.url}/api/v1/documents/{document_id}", timeout=10)
        deadline = time.monotonic() + 10
        while answer.headers["x-request-id"] not in server.log_text():
            # A request is logged once its answer is sent: on a busy machine, a moment later.
            assert time.monotonic() < deadline, "the last request was never logged"
            time.sleep(0.05)
        forbidden = {
            "handle": handle,
            "account id": registration.account_id,
            "recovery code": registration.recovery_code,
            "document id": document_id,
            "deposited document id": deposit_document,
            "share id": share_id,
            "share secret": b64u_encode(secret),
            "deposit id": link.deposit_id,
            "deposit link": link.link.rpartition("#")[2],
            "session token": owner._token,
            "view token": opened.view_token,
            "marker": marker,
            "passphrase": PASSPHRASE,
            "client address": "127.0.0.1",
        }
        yield Run(server, forbidden, answer.headers["x-request-id"])
        owner.logout()


def test_every_log_line_is_json_with_its_keys(run: Run) -> None:
    lines = [line for line in run.server.log_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert all(record.keys() >= LOG_KEYS for record in records)
    requests = [record for record in records if record["logger"] == "pde.request"]
    assert requests and all(record.keys() >= REQUEST_KEYS for record in requests)
    routes = {record["route"] for record in requests}
    assert {"/api/v1/documents/{document_id}", "/api/v1/s/{share_id}/open"} <= routes
    [asked] = [record for record in requests if record["request_id"] == run.request_id]
    assert (asked["status"], asked["method"]) == (401, "GET")
    assert any("Application startup complete" in record["message"] for record in records)


def test_the_log_names_no_handle_id_token_secret_or_address(run: Run) -> None:
    lines = [
        line
        for line in run.server.log_text().splitlines()
        if not json.loads(line)["message"].startswith(LISTENING)
    ]
    text = "\n".join(lines)
    assert [name for name, value in run.forbidden.items() if value in text] == []


def _route_templates(tmp_path: Path) -> set[str]:
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    app.state.runtime.engine.dispose()
    templates = set()
    for context in iter_route_contexts(app.routes):
        mount = isinstance(context.original_route, Mount)
        templates.add(f"{context.path}/{{path}}" if mount else str(context.path))
    return templates


def test_metrics_count_the_run_with_labels_from_fixed_sets(run: Run, tmp_path: Path) -> None:
    answer = httpx.get(f"{run.server.url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert [name for name, value in run.forbidden.items() if value in answer.text] == []
    allowed = {
        "method": {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
        "route": _route_templates(tmp_path) | {"/metrics", UNMATCHED},
        "direction": {"uploaded", "downloaded"},
        "code": _every_code(),
        "outcome": {*SHARE_OUTCOMES, "completed", "integrity_mismatch"},
    }
    values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            if not sample.name.startswith("pde_"):
                continue
            for label, value in sample.labels.items():
                if label == "status":
                    assert value.isdigit() and len(value) == 3, value
                elif label != "le":
                    assert value in allowed[label], (sample.name, label, value)
            values[sample.name, tuple(sorted(sample.labels.items()))] = sample.value

    def total(name: str, **labels: str) -> float:
        return sum(
            value
            for (sample, found), value in values.items()
            if sample == name and set(labels.items()) <= set(found)
        )

    assert total("pde_share_openings_total", outcome="opened") == 1
    assert total("pde_share_openings_total", outcome="wrong") == 1
    assert total("pde_share_openings_total", outcome="link_damaged") == 1
    assert total("pde_uploads_total", outcome="completed") == 2  # the letter, the deposit
    assert total("pde_ciphertext_bytes_total", direction="uploaded") > 2000
    assert total("pde_ciphertext_bytes_total", direction="downloaded") > 2000
    route = "/api/v1/documents/{document_id}"
    assert total("pde_http_requests_total", route=route, status="401") == 1
    assert total("pde_http_request_duration_seconds_count", route=route) >= 1
