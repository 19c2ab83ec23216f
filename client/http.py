"""The client's connection to a PDE server: JSON calls with the API's stable
error codes, retries while a server that answered is briefly away, resumable
uploads of a ciphertext, and streamed downloads decrypted as they arrive.

A server that never answered is not waited for: a refused connection, an
unknown host, no answer to the connection within `CONNECT_SECONDS` or to the
first request within `FIRST_ANSWER_SECONDS` is `ServerUnreachable` at once,
since retrying cannot help a wrong address."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, Self

import httpx

from client import direct as direct_transfer
from client.io import FileSlice, IteratorReader
from client.object_store import StoreFailure
from crypto import decrypt_stream

# Parts as large as the server takes (its part_max_bytes: 16 MiB unless set), up to
# this: each is read a MiB at a time as it is sent, and every part costs a request,
# a sync to disk and a commit (1 GiB to the local store here: 2.7-3.0 s in 8 MiB
# parts, 2.1-2.2 s in 16 MiB parts).
DEFAULT_PART_BYTES = 64 << 20
CONNECT_SECONDS = 5.0  # a server that takes longer to accept a connection counts as away
FIRST_ANSWER_SECONDS = 10.0  # the first request's answer (later ones may take `timeout`)
RETRYABLE_STATUS = {502, 503, 504}
_DROPPED = (
    httpx.ConnectError,
    httpx.ReadError,
    httpx.RemoteProtocolError,
    httpx.WriteError,
    httpx.ConnectTimeout,
)


class ClientError(Exception):
    """The server answered with an error: `code` is the API's stable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.status, self.code, self.message = status, code, message


def raise_for_error(response: httpx.Response) -> None:
    """ClientError with the API's code for an error answer; nothing otherwise."""
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        raise ClientError(response.status_code, error["code"], error["message"])
    except (ValueError, KeyError, TypeError):
        # Not the API's error shape: a proxy, another web server, or a wrong address.
        answer = f"{response.status_code} {response.reason_phrase}".strip()
        message = f"{response.url.host} answered {answer} without PDE's error: a proxy, or not PDE"
        raise ClientError(response.status_code, "http_error", message) from None


class ServerUnreachable(ClientError):
    """No answer from the server: nothing listens at its address, the host is
    unknown, or the connection dropped and did not come back in time. Status 0:
    no HTTP answer was received."""

    def __init__(self, server: str, reason: str) -> None:
        super().__init__(0, "server_unreachable", f"No PDE server answers at {server}: {reason}")


def _reason(error: httpx.TransportError, answered: bool) -> str:
    """What went wrong with the connection, in a few words (httpx's own text can be
    empty or an errno tuple); `answered`: whether the server ever answered."""
    if isinstance(error, httpx.ConnectTimeout):
        return f"no answer to the connection within {CONNECT_SECONDS:g} s"
    if isinstance(error, httpx.ReadTimeout) and not answered:
        return f"it took the connection but gave no answer within {FIRST_ANSWER_SECONDS:g} s"
    if isinstance(error, httpx.TimeoutException):
        return "it stopped answering in the middle of a request"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "the address must start with http:// or https://"
    if isinstance(error, httpx.ConnectError):
        text = str(error)
        if "refused" in text.lower():
            return "the connection was refused (is the server running, on this port?)"
        return text.split("] ", 1)[-1] or "the connection failed"
    return "the connection was lost"


class Connection:
    """HTTP to one PDE server, with no session: what a link holder (share viewer,
    depositor) needs. `WalletSession` adds a logged-in wallet on top."""

    def __init__(
        self,
        server: str,
        *,
        timeout: float = 60.0,
        retry_seconds: float = 120.0,
        client_label: str = "pde client",
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        """`retry_seconds`: how long a request is retried while a server that answered
        before is away or answers 502-504; `on_retry` is told, once per wait, why."""
        self.server = server.rstrip("/")
        self.timeout = timeout
        self.retry_seconds = retry_seconds
        self.on_retry = on_retry
        self._answered = False  # a server that never answered is not waited for
        self._http = httpx.Client(
            base_url=self.server,
            timeout=httpx.Timeout(timeout, connect=CONNECT_SECONDS),
            headers={"PDE-Client": client_label},
        )
        self._store = direct_transfer.open_store(timeout, CONNECT_SECONDS)

    def _headers(self) -> dict[str, str]:
        """Headers every request carries (a session adds its token)."""
        return {}

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried while a server that answered before is down or
        answers 502-504 (nothing acknowledged is lost there), up to `retry_seconds`."""
        deadline = time.monotonic() + self.retry_seconds
        delay, told = 0.2, False
        headers = self._headers() | kwargs.pop("headers", {})
        while True:
            try:
                response: httpx.Response | None = self._http.request(
                    method, path, headers=headers, timeout=self._timeout(), **kwargs
                )
            except _DROPPED as error:
                if not self._answered or time.monotonic() > deadline:
                    raise self._unreachable(error) from None
                response = None
            except httpx.TransportError as error:
                raise self._unreachable(error) from None
            if response is not None:
                self._answered = True
                if response.status_code not in RETRYABLE_STATUS:
                    return response
            if time.monotonic() > deadline:
                assert response is not None
                return response
            if self.on_retry and not told:
                away = f"answers {response.status_code}" if response else "stopped answering"
                self.on_retry(
                    f"The server {away}: trying again for up to {self.retry_seconds:g} s."
                )
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _timeout(self) -> httpx.Timeout:
        """The first request waits `FIRST_ANSWER_SECONDS` for an answer, so that a
        server that takes connections and never answers is told within seconds too."""
        read = self.timeout if self._answered else min(self.timeout, FIRST_ANSWER_SECONDS)
        return httpx.Timeout(self.timeout, connect=CONNECT_SECONDS, read=read)

    def _unreachable(self, error: httpx.TransportError) -> ServerUnreachable:
        return ServerUnreachable(self.server, _reason(error, self._answered))

    @contextmanager
    def _stream(self, path: str, headers: dict[str, str]) -> Iterator[httpx.Response]:
        """A streamed GET whose error answer is ClientError and whose lost connection
        is ServerUnreachable."""
        try:
            with self._http.stream(
                "GET", path, headers=headers, timeout=self._timeout()
            ) as response:
                self._answered = True
                if response.status_code >= 400:
                    response.read()
                    raise_for_error(response)
                yield response
        except httpx.TransportError as error:
            raise self._unreachable(error) from None

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call; the decoded JSON answer, or ClientError."""
        response = self._send(method, path, **kwargs)
        raise_for_error(response)
        try:
            return response.json() if response.content else None
        except ValueError:  # a web server at this address, but not PDE's API
            raise ClientError(
                response.status_code, "not_pde", f"{self.server} does not answer as PDE does."
            ) from None

    def download(self, path: str, out: IO[bytes], token: str | None = None) -> None:
        """Stream the body at `path` into `out` as it is (a ciphertext, an archive),
        with this connection's headers or the bearer `token` given."""
        headers = {"Authorization": f"Bearer {token}"} if token else self._headers()
        with self._stream(path, headers) as response:
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)

    def decrypt_content(
        self,
        document_path: str,
        key: bytes,
        document_id: str,
        out: IO[bytes],
        token: str | None = None,
        *,
        direct: bool = False,
    ) -> None:
        """Stream the ciphertext of the document at `document_path` (its API path) and
        decrypt it into `out` in bounded memory, with this connection's headers or the
        bearer `token` given (a share's viewer token). `direct` (the server said
        transfer: direct): its `content-url` route gives a short-lived presigned GET
        on the object store, fetched bare; else its `content` route serves it.
        On a failed check `out` may hold a verified prefix: callers discard it."""
        headers = {"Authorization": f"Bearer {token}"} if token else self._headers()
        if direct:
            where = self.call("GET", f"{document_path}/content-url", headers=headers)
            direct_transfer.decrypt(self, self._store, where, key, document_id, out)
            return
        with self._stream(f"{document_path}/content", headers) as response:
            reader = IteratorReader(response.iter_bytes(1 << 20))
            decrypt_stream(reader, out, key, document_id)  # type: ignore[arg-type]

    def upload_parts(
        self,
        document_id: str,
        sealed: BinaryIO,
        size: int,
        part_bytes: int = DEFAULT_PART_BYTES,
        progress: Any = None,
        base: str = "/api/v1/documents",
    ) -> None:
        """Send the ciphertext from wherever the server says it stands; resumes after drops.
        `base` is where the upload lives (a deposit link's uploads live elsewhere)."""
        status = self.call("GET", f"{base}/{document_id}/upload")
        if status.get("transfer") == "direct":
            direct_transfer.upload(
                self, self._store, f"{base}/{document_id}/upload", sealed, status, progress
            )
            return
        received, part_bytes = int(status["received"]), min(part_bytes, status["part_max_bytes"])
        while received < size:
            part = FileSlice(sealed, received, min(part_bytes, size - received))
            response = self._send(
                "PUT",
                f"{base}/{document_id}/content",
                params={"offset": received},
                content=part,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Length": str(part.length),
                },
            )
            if response.status_code == 409 and "PDE-Upload-Received" in response.headers:
                received = int(response.headers["PDE-Upload-Received"])
                continue
            raise_for_error(response)
            received = int(response.json()["received"])
            if progress:
                progress(received, size)

    def _store_error(self, failure: StoreFailure) -> ClientError:
        """The ClientError for an object store that refused a request or never answered."""
        if not failure.status:
            return ServerUnreachable(failure.host, failure.detail)
        status, text = failure.status, failure.detail
        return ClientError(status, "store_refused", f"The object store refused: {status} {text}")

    def close(self) -> None:
        """Close the HTTP connection (keys are dropped with the object)."""
        self._http.close()
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
