"""The baseline of bench/server_throughput.py: a bare ASGI app, no framework, that
streams a PUT body into one file and fsyncs it, and streams that file back on GET.

Run by the bench as `uvicorn bench.bare_file_server:app --loop uvloop --http
httptools` with BARE_FILE set to the file's path: what this machine's disk and
uvicorn give at best, for the server's figures to be divided by.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

READ_BYTES = 1 << 20


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """PUT: the body into BARE_FILE, fsynced before the answer. GET: the file back."""
    if scope["type"] != "http":
        return
    path = os.environ["BARE_FILE"]
    if scope["method"] == "PUT":
        with open(path, "wb") as out:
            more = True
            while more:
                message = await receive()
                out.write(message.get("body", b""))
                more = message.get("more_body", False)
            out.flush()
            os.fsync(out.fileno())
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    if not os.path.exists(path):  # the bench's readiness probe comes before any PUT
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        headers = [(b"content-length", str(size).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        while chunk := source.read(READ_BYTES):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
