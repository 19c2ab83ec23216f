"""What PDE counts for its operators, in Prometheus's terms (prometheus-client).

Every label takes its values from a fixed set (a method, a route template, a
status code, an error code, an outcome), never from a request: no handle, id,
address or user agent can reach a label. With several worker processes
(`pde serve --workers N`) the values live in files under
`PROMETHEUS_MULTIPROC_DIR`, and `exposition()` adds up every process's."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "pde_http_requests", "HTTP requests answered, by route template.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "pde_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CIPHERTEXT_BYTES = Counter(
    "pde_ciphertext_bytes",
    "Ciphertext received (uploaded) and sent (downloaded) as application/octet-stream.",
    ["direction"],
)
SERVER_ERRORS = Counter(
    "pde_server_errors",
    "Answers of status 500 and above, by error code (storage_unavailable, "
    "database_unavailable, limits_unavailable, internal_error, …).",
    ["code"],
)
UPLOADS = Counter(
    "pde_uploads", "Uploads finished: completed, or discarded on a SHA-256 mismatch.", ["outcome"]
)
SHARE_OPENINGS = Counter(
    "pde_share_openings",
    "Attempts to open a share link, by outcome.",
    ["outcome"],
)
SHARE_OUTCOMES = ("opened", "wrong", "locked", "link_damaged", "ended", "refused")


def exposition() -> tuple[bytes, str]:
    """The text format of every metric, and its content type; with several
    processes, every process's values added up."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
