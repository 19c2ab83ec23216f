"""The object store, reached on the presigned URLs the PDE server hands out (direct
transfers), over urllib3: the HTTP client the minio SDK stands on. A presigned GET
of 256 MiB from the test store came at 305-351 MiB/s through httpx (whose HTTP/1.1
is pure Python: 0.22-0.31 s of the client's CPU) and at 411-437 MiB/s through
urllib3 (0.04 s), as fast as minio's own get; where the store and the client share
two cores, the client's CPU is the store's loss.

A presigned URL carries its own authority: no header of ours is sent. Nothing is
retried here: a part that failed is put again from where the server says the
upload stands (client/direct.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError

READ_BYTES = 1 << 20  # what a download asks the connection for at a time


class StoreFailure(Exception):
    """The store refused (`status`, and the start of its answer in `detail`), or
    could not be reached (`status` 0, and why in `detail`)."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{status} {detail}")
        self.host, self.status, self.detail = urlsplit(url).hostname or url, status, detail


def _why(error: HTTPError) -> str:
    """What went wrong with the connection, in a few words."""
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
        return "no answer to the connection in time"
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return "it stopped answering in the middle of a request"
    if isinstance(error, urllib3.exceptions.NewConnectionError):
        return "the connection was refused or failed"
    return "the connection was lost"


class ObjectStore:
    """Presigned requests to the object store, `connections` at once at most kept."""

    def __init__(self, connections: int, timeout: float, connect: float) -> None:
        self._pool = urllib3.PoolManager(
            maxsize=connections,
            retries=False,
            timeout=urllib3.Timeout(connect=connect, read=timeout),
        )

    def put(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        """Send `body` on a presigned URL with exactly the headers given."""
        try:
            response = self._pool.request(method, url, body=body, headers=headers)
        except HTTPError as error:
            raise StoreFailure(url, 0, _why(error)) from None
        if response.status >= 400:
            raise StoreFailure(url, response.status, response.data[:200].decode(errors="replace"))

    @contextmanager
    def get(self, url: str) -> Iterator[Iterator[bytes]]:
        """The body at a presigned URL, as chunks read as they come (at most a MiB each)."""
        try:
            response = self._pool.request("GET", url, preload_content=False)
        except HTTPError as error:
            raise StoreFailure(url, 0, _why(error)) from None
        try:
            if response.status >= 400:
                detail = response.read(200).decode(errors="replace")
                raise StoreFailure(url, response.status, detail)
            yield self._chunks(response, url)
        finally:
            # A body read to its end gave its connection back first (_chunks); one left
            # unread (a failed check) closes it: not worth draining.
            response.close()

    @staticmethod
    def _chunks(response: urllib3.BaseHTTPResponse, url: str) -> Iterator[bytes]:
        try:
            yield from response.stream(READ_BYTES, decode_content=False)
        except HTTPError as error:
            raise StoreFailure(url, 0, _why(error)) from None
        response.release_conn()  # kept for the next request

    def close(self) -> None:
        self._pool.clear()
