"""deploy/Caddyfile, the region's front door, checked two ways with this machine's
Caddy (Debian's `caddy`; scripts/install-system-deps.sh installs it): the JSON it
adapts to (routes, headers, limits, upstreams, for production and for a test
name), and the file itself serving HTTPS from Caddy's local CA in front of three
stand-in upstreams (two app replicas and MinIO) that echo what they received.
Only the addresses are moved for the run (ports, storage, the upstreams' dial
addresses); every directive is the file's own."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pde.cli import serve_options
from pde.settings import Settings
from tests.caddy_support import DOMAIN, adapt, running_caddy
from tests.caddy_support import Front as Caddy

HSTS = "max-age=63072000; includeSubDomains"
TWENTY_MB = 20_000_000


def handlers(node: Any) -> Iterator[dict[str, Any]]:
    """Every handler object anywhere in an adapted config."""
    if isinstance(node, dict):
        if "handler" in node:
            yield node
        for value in node.values():
            yield from handlers(value)
    elif isinstance(node, list):
        for item in node:
            yield from handlers(item)


def site_routes(config: dict[str, Any]) -> list[dict[str, Any]]:
    [server] = config["apps"]["http"]["servers"].values()
    [site] = server["routes"]
    [subroute] = site["handle"]
    routes: list[dict[str, Any]] = subroute["routes"]
    return routes


def proxies(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each routed path pattern (`*` for the rest) -> its reverse_proxy handler."""
    found = {}
    for route in site_routes(config):
        paths = [p for match in route.get("match", []) for p in match.get("path", [])]
        for handler in handlers(route):
            if handler["handler"] == "reverse_proxy":
                found[paths[0] if paths else "*"] = handler
    return found


PRODUCTION = {"PDE_DOMAIN": "pde.example.org"}


# -- What it adapts to -------------------------------------------------------------


def test_it_serves_the_domain_with_automatic_tls_and_no_local_ca() -> None:
    config = adapt(**PRODUCTION)
    [server] = config["apps"]["http"]["servers"].values()
    assert server["routes"][0]["match"] == [{"host": ["pde.example.org"]}]
    assert server["listen"] == [":443"]
    assert "tls" not in config["apps"], "a public name takes Caddy's automatic ACME issuers"
    assert server.get("protocols", ["h1", "h2", "h3"]) == ["h1", "h2", "h3"]


def test_a_test_name_takes_caddy_s_local_ca_and_never_the_machine_s_trust_store() -> None:
    config = adapt(PDE_DOMAIN=DOMAIN, PDE_TLS="internal")
    [policy] = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == [DOMAIN]
    assert [issuer["module"] for issuer in policy["issuers"]] == ["internal"]
    assert config["apps"]["pki"]["certificate_authorities"]["local"]["install_trust"] is False


def test_every_answer_carries_hsts_and_requests_stop_at_20_mb() -> None:
    first = site_routes(adapt(**PRODUCTION))[0]
    assert "match" not in first, "the headers and the body limit must apply to every path"
    [hsts, _, body] = first["handle"]
    assert hsts["response"]["set"]["Strict-Transport-Security"] == [HSTS]
    assert body == {"handler": "request_body", "max_size": TWENTY_MB}


def test_the_bucket_s_path_goes_to_minio_and_the_rest_to_both_replicas() -> None:
    routes = proxies(adapt(**PRODUCTION))
    assert set(routes) == {"/pde/*", "*"}
    assert [u["dial"] for u in routes["/pde/*"]["upstreams"]] == ["minio:9000"]
    assert [u["dial"] for u in routes["*"]["upstreams"]] == ["app-1:8000", "app-2:8000"]
    assert routes["*"]["health_checks"]["active"]["uri"] == "/api/v1/health"
    renamed = proxies(adapt(**PRODUCTION, PDE_S3_BUCKET="wallets"))
    assert set(renamed) == {"/wallets/*", "*"}


def test_caddy_drops_an_idle_connection_to_a_replica_before_the_replica_does() -> None:
    """Else a request Caddy sends on a connection the replica is closing fails (502),
    and Caddy does not send a POST again (bench/load.py saw the same race)."""
    idle_seconds = proxies(adapt(**PRODUCTION))["*"]["transport"]["keep_alive"]["idle_timeout"]
    assert idle_seconds / 1e9 < serve_options(Settings())["timeout_keep_alive"]


def test_no_route_rewrites_the_host_or_the_forwarded_headers() -> None:
    """Caddy's defaults do what SigV4 and PDE's limits need: Host through unchanged,
    X-Forwarded-For written by Caddy. A header_up would change that."""
    for proxy in proxies(adapt(**PRODUCTION)).values():
        assert "headers" not in proxy
        assert "rewrite" not in proxy
    [server] = adapt(**PRODUCTION)["apps"]["http"]["servers"].values()
    assert "trusted_proxies" not in server


def test_metrics_are_not_served_through_the_front_door() -> None:
    [metrics] = [
        r for r in site_routes(adapt(**PRODUCTION)) if {"path": ["/metrics"]} in r.get("match", [])
    ]
    [respond] = [h for h in handlers(metrics) if h["handler"] == "static_response"]
    assert respond["status_code"] == 404
    assert not [h for h in handlers(metrics) if h["handler"] == "reverse_proxy"]


def test_no_access_log_is_kept() -> None:
    config = adapt(**PRODUCTION)
    [server] = config["apps"]["http"]["servers"].values()
    assert "logs" not in server
    assert "logging" not in config


# -- Serving ---------------------------------------------------------------------


@dataclass
class Received:
    upstream: str
    method: str
    path: str
    headers: dict[str, str]
    body_bytes: int


class Upstream:
    """A plain HTTP server that records every request and answers who it is."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.received: list[Received] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.path != "/api/v1/health":
                    upstream.received.append(
                        Received(name, self.command, self.path, dict(self.headers), len(body))
                    )
                if len(body) < length:  # the proxy cut the body: nothing to answer
                    return
                reply = json.dumps({"upstream": name}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_PUT = do_POST = answer

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Front(Caddy):
    """Caddy in front of stand-in upstreams that record what reached them."""

    upstreams: dict[str, Upstream] = field(default_factory=dict)

    def everything_received(self) -> list[Received]:
        return [r for upstream in self.upstreams.values() for r in upstream.received]


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    tmp_path = tmp_path_factory.mktemp("caddy")
    upstreams = {dial: Upstream(dial) for dial in ("app-1:8000", "app-2:8000", "minio:9000")}
    dials = {dial: upstream.address for dial, upstream in upstreams.items()}
    try:
        with running_caddy(tmp_path, dials) as started:
            yield Front(started.port, started.root_certificate, upstreams=upstreams)
    finally:
        for upstream in upstreams.values():
            upstream.close()


def test_it_answers_over_http2_with_hsts_and_no_server_banner(front: Front) -> None:
    status, headers, body = front.request("/fr/")
    assert status.startswith("HTTP/2 200")
    assert headers["strict-transport-security"] == HSTS
    assert "server" not in headers
    assert json.loads(body)["upstream"] in {"app-1:8000", "app-2:8000"}


def test_a_client_s_forwarded_for_is_replaced_not_appended_to(front: Front) -> None:
    front.upstreams["app-1:8000"].received.clear()
    front.upstreams["app-2:8000"].received.clear()
    front.request("/api/v1/accounts", "-H", "X-Forwarded-For: 198.51.100.7")
    [seen] = front.everything_received()
    assert seen.headers["X-Forwarded-For"] == "127.0.0.1"
    assert seen.headers["X-Forwarded-Proto"] == "https"


def test_requests_are_spread_over_both_replicas(front: Front) -> None:
    for upstream in front.upstreams.values():
        upstream.received.clear()
    answered = {json.loads(front.request(f"/fr/?n={n}")[2])["upstream"] for n in range(12)}
    assert answered == {"app-1:8000", "app-2:8000"}


def test_the_bucket_s_path_reaches_minio_unchanged_with_the_browser_s_host(front: Front) -> None:
    for upstream in front.upstreams.values():
        upstream.received.clear()
    signed = "/pde/accounts/a/uploads/b?X-Amz-Signature=abc&partNumber=1"
    _, _, body = front.request(signed, "-X", "PUT", "--data-binary", "ciphertext")
    assert json.loads(body)["upstream"] == "minio:9000"
    [seen] = front.everything_received()
    assert (seen.upstream, seen.method, seen.path) == ("minio:9000", "PUT", signed)
    assert seen.headers["Host"] == f"{DOMAIN}:{front.port}"
    assert seen.body_bytes == len("ciphertext")


def test_a_body_over_20_mb_never_reaches_an_upstream_whole(front: Front, tmp_path: Path) -> None:
    """Caddy 2.7 and later answer 413 (the compose file's image); Debian's 2.6 cuts the
    body at the limit and answers 502 (caddyserver/caddy#5652). Either way no upstream
    gets more than 20 MB, and a part of PDE_UPLOAD_PART_MAX_BYTES passes whole."""
    for upstream in front.upstreams.values():
        upstream.received.clear()
    large = tmp_path / "large.bin"
    large.write_bytes(bytes(TWENTY_MB + 1))
    for path in ("/api/v1/documents/x/parts/0", "/pde/accounts/a/uploads/b"):
        status, _, _ = front.request(path, "-X", "PUT", "--data-binary", f"@{large}")
        assert re.match(r"HTTP/2 (413|502)", status), (path, status)
    assert all(r.body_bytes <= TWENTY_MB for r in front.everything_received())
    for upstream in front.upstreams.values():
        upstream.received.clear()
    part = tmp_path / "part.bin"
    part.write_bytes(bytes(16 * 1024 * 1024))
    status, _, _ = front.request("/api/v1/uploads", "-X", "PUT", "--data-binary", f"@{part}")
    assert status.startswith("HTTP/2 200")
    assert [r.body_bytes for r in front.everything_received()] == [16 * 1024 * 1024]


def test_metrics_get_404_from_caddy_itself(front: Front) -> None:
    for upstream in front.upstreams.values():
        upstream.received.clear()
    status, _, _ = front.request("/metrics")
    assert status.startswith("HTTP/2 404")
    assert front.everything_received() == []
