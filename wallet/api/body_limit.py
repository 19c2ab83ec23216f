"""Request bodies of the API are refused over a size before anything parses them
(a 30 MB body to /login/start would otherwise be parsed whole). Most routes
take a few hundred bytes of JSON; the few that carry sealed metadata boxes (up
to 64 KiB each) name their own, larger limit; ciphertext parts are limited by
their upload route (PDE_UPLOAD_PART_MAX_BYTES) and pass through untouched."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wallet.api.errors import error_response

KIB = 1 << 10
DEFAULT_LIMIT = 64 * KIB
METADATA_LIMIT = 256 * KIB  # one metadata box (≤ 64 KiB + 29 bytes) in base64url, and the rest
ID = r"[A-Za-z0-9_-]+"


@dataclass(frozen=True)
class BodyRule:
    """Requests of `method` whose path matches `pattern` take bodies up to `limit`
    bytes (None: no limit here, the route keeps its own)."""

    method: str
    pattern: re.Pattern[str]
    limit: int | None

    @classmethod
    def at(cls, method: str, path: str, limit: int | None) -> BodyRule:
        """A rule for `path`, where `{…}` stands for one id."""
        parts = re.split(r"(\{[a-z_]+\})", path)
        regex = "".join(ID if part.startswith("{") else re.escape(part) for part in parts)
        return cls(method, re.compile(f"^{regex}$"), limit)


# The core's routes that carry more than a little JSON, or a ciphertext part.
WALLET_BODY_RULES = (
    BodyRule.at("PUT", "/api/v1/documents/{document_id}/content", None),
    BodyRule.at("PUT", "/api/v1/d/{deposit_id}/documents/{document_id}/content", None),
    BodyRule.at("POST", "/api/v1/documents", METADATA_LIMIT),
    BodyRule.at("PATCH", "/api/v1/documents/{document_id}", METADATA_LIMIT),
    BodyRule.at("POST", "/api/v1/documents/{document_id}/move", METADATA_LIMIT),
    BodyRule.at("POST", "/api/v1/inbox/{document_id}/accept", METADATA_LIMIT),
    BodyRule.at("POST", "/api/v1/d/{deposit_id}/documents", METADATA_LIMIT),
    BodyRule.at("POST", "/api/v1/deposit-links", METADATA_LIMIT),  # its sealed label
    BodyRule.at("PUT", "/api/v1/trustees", METADATA_LIMIT),  # the owner's sealed record
)


class BodyLimit:
    """Answers 413 `request_too_large` to an API request whose body is over its
    limit, before the application reads a byte of it: at once when the declared
    Content-Length is over, else once the bytes received pass it."""

    def __init__(
        self, app: ASGIApp, rules: Sequence[BodyRule] = (), default: int = DEFAULT_LIMIT
    ) -> None:
        self.app, self.rules, self.default = app, tuple(rules), default

    def limit_for(self, method: str, path: str) -> int | None:
        """The body limit of a request (None: the route keeps its own)."""
        for rule in self.rules:
            if rule.method == method and rule.pattern.match(path):
                return rule.limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(limit, scope, receive, send)
            return
        # No length, or a small one: take the body (at most `limit` bytes), then replay it.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > limit:
                await self._refuse(limit, scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(messages, receive), send)

    async def _refuse(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"This request is too large: at most {limit // KIB} KiB."
        await error_response(413, "request_too_large", message)(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives `messages` again, then whatever comes next."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
