"""Every request, measured and logged once, by its route template: the metrics of
wallet/metrics.py and one JSON line (wallet/logs.py) with a request id that the
answer also carries in `X-Request-Id`. `GET /metrics` is answered here, to the
addresses of `PDE_METRICS_ALLOW` only; to anyone else it is a path like any
unknown one (404), so the route is never advertised."""

from __future__ import annotations

import ipaddress
import logging
import secrets
import time
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wallet.logs import REQUEST_ID
from wallet.metrics import CIPHERTEXT_BYTES, LATENCY, REQUESTS, exposition

log = logging.getLogger("pde.request")

METRICS_PATH = "/metrics"
# The request's id in its ASGI scope, for whoever answers after this middleware has
# ended: an unexpected error's 500 is sent by Starlette's outermost layer.
REQUEST_ID_KEY = "pde.request_id"
UNMATCHED = "unmatched"  # a path no route knows: never its text, which anyone chooses
CIPHERTEXT = b"application/octet-stream"  # how every ciphertext travels, both ways

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`PDE_METRICS_ALLOW`: comma-separated addresses or networks (empty: none)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def route_template(scope: Scope, root_path: str = "") -> str:
    """The template of the route that answered (`/api/v1/documents/{document_id}`),
    set in the scope by the router; for a mount of static files, which sets none but
    its own `root_path`, `<its prefix>/{path}`."""
    template = getattr(scope.get("route"), "path_format", None)
    if isinstance(template, str):
        return template
    mounted = scope.get("root_path", "")
    if mounted != root_path and mounted.startswith("/"):
        return f"{mounted}/{{path}}"
    return UNMATCHED


def _content_type(message: Message) -> bytes:
    for name, value in message.get("headers", []):
        if name.lower() == b"content-type":
            return bytes(value).split(b";")[0].strip().lower()
    return b""


class RequestObservability:
    """Counts, times and logs each HTTP request, and serves `/metrics` to `allow`."""

    def __init__(self, app: ASGIApp, allow: Sequence[Network] = ()) -> None:
        self.app = app
        self.allow = tuple(allow)

    def _may_scrape(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not self.allow or not client:
            return False
        try:
            address = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(address in network for network in self.allow)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        scope[REQUEST_ID_KEY] = request_id
        root_path = scope.get("root_path", "")
        reset = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        state = {"status": 500, "in": 0, "out": 0}
        uploads = _content_type(scope) == CIPHERTEXT
        downloads = False

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["in"] += len(message.get("body", b""))
            return message

        async def counted_send(message: Message) -> None:
            nonlocal downloads
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                downloads = _content_type(message) == CIPHERTEXT
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            elif message["type"] == "http.response.body":
                state["out"] += len(message.get("body", b""))
            await send(message)

        try:
            scrape = scope["path"] == METRICS_PATH and scope["method"] == "GET"
            if scrape and self._may_scrape(scope):
                scope["route"] = _MetricsRoute
                await _serve_metrics(counted_send)
            else:
                await self.app(scope, counted_receive, counted_send)
        finally:
            elapsed = time.perf_counter() - started
            method, route = scope["method"], route_template(scope, root_path)
            REQUESTS.labels(method, route, str(state["status"])).inc()
            LATENCY.labels(method, route).observe(elapsed)
            if uploads and state["in"]:
                CIPHERTEXT_BYTES.labels("uploaded").inc(state["in"])
            if downloads and state["out"]:
                CIPHERTEXT_BYTES.labels("downloaded").inc(state["out"])
            log.info(
                "request",
                extra={
                    "method": method,
                    "route": route,
                    "status": state["status"],
                    "duration_ms": round(elapsed * 1000, 2),
                    "bytes_in": state["in"],
                    "bytes_out": state["out"],
                },
            )
            REQUEST_ID.reset(reset)


class _MetricsRoute:
    """Stands for the `/metrics` route in the scope, for its own count and log line."""

    path_format = METRICS_PATH


async def _serve_metrics(send: Send) -> None:
    body, content_type = exposition()
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", b"%d" % len(body)),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
