"""Which terminal is asking: an ASGI middleware (wired by pde.app) that reads the
cookie `pde_terminal` once per request and puts in the request's state

- `terminal_centre_id`: the id of the terminal's centre, or None for an ordinary
  browser (no cookie, a made-up one, a revoked terminal's);
- `terminal_policy`: the day_centres.terminals.TerminalPolicy, or None.

Pages and routes read them with `getattr(request.state, "terminal_centre_id",
None)`: a wallet registration records the centre it was made at from it, the
kiosk follows the policy. Static files are not looked at (they are the same for
everyone). A cookie that names no terminal any more is deleted in the answer,
and a terminal's cookie is renewed the first time it is seen each day, so that
a terminal in use never reaches the browser's longest cookie life."""

from __future__ import annotations

import anyio
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from day_centres.terminals import COOKIE, COOKIE_MAX_AGE, TerminalPolicy, recognise
from wallet.runtime import Runtime

SKIPPED_PREFIXES = ("/static/",)


def cookie_token(scope: Scope) -> str | None:
    """The terminal cookie's value in the request's headers, if any."""
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            token = cookie_parser(value.decode("latin-1")).get(COOKIE)
            if token:
                return token
    return None


def terminal_cookie(token: str, secure: bool) -> str:
    """The Set-Cookie value of a terminal's credential: script cannot read it, no
    other site can send it, kept for a long time (until revoked)."""
    parts = [f"{COOKIE}={token}", "Path=/", f"Max-Age={COOKIE_MAX_AGE}", "HttpOnly"]
    if secure:
        parts.append("Secure")
    parts.append("SameSite=Strict")
    return "; ".join(parts)


def forgotten_cookie(secure: bool) -> str:
    parts = [f"{COOKIE}=", "Path=/", "Max-Age=0", "HttpOnly"]
    if secure:
        parts.append("Secure")
    parts.append("SameSite=Strict")
    return "; ".join(parts)


class TerminalContext:
    """Sets request.state.terminal_centre_id and terminal_policy for each request."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        self.secure_default = runtime.settings.public_url.startswith("https")

    def _recognise(self, token: str) -> tuple[TerminalPolicy, bool] | None:
        with self.runtime.db() as db:
            return recognise(db, token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["terminal_centre_id"] = None
        state["terminal_policy"] = None
        token = cookie_token(scope)
        if not token:
            await self.app(scope, receive, send)
            return
        found = await anyio.to_thread.run_sync(self._recognise, token)
        secure = self.secure_default or scope.get("scheme") == "https"
        set_cookie = None
        if found is None:
            set_cookie = forgotten_cookie(secure)  # revoked or made up: an ordinary browser
        else:
            policy, seen_today_first = found
            state["terminal_centre_id"] = policy.centre_id
            state["terminal_policy"] = policy
            if seen_today_first:
                set_cookie = terminal_cookie(token, secure)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and set_cookie:
                headers = MutableHeaders(scope=message)
                if COOKIE + "=" not in " ".join(headers.getlist("set-cookie")):
                    headers.append("set-cookie", set_cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
