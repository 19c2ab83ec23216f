"""The client's connection to a PDE server: JSON calls with the API's stable
error codes, retries while the server is briefly away, resumable uploads of a
ciphertext, and streamed downloads decrypted as they arrive."""

from __future__ import annotations

import time
from typing import IO, Any, BinaryIO, Self

import httpx

from client.io import IteratorReader
from crypto import decrypt_stream

DEFAULT_PART_BYTES = 8 << 20
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
        raise ClientError(response.status_code, "http_error", response.text[:200]) from None


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
    ) -> None:
        self.server = server.rstrip("/")
        self.retry_seconds = retry_seconds
        self._http = httpx.Client(
            base_url=self.server, timeout=timeout, headers={"PDE-Client": client_label}
        )

    def _headers(self) -> dict[str, str]:
        """Headers every request carries (a session adds its token)."""
        return {}

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried while the server is down or answers 503 (nothing
        acknowledged is lost there), up to `retry_seconds`."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.2
        headers = self._headers() | kwargs.pop("headers", {})
        while True:
            try:
                response = self._http.request(method, path, headers=headers, **kwargs)
                if response.status_code not in RETRYABLE_STATUS:
                    break
            except _DROPPED:
                if time.monotonic() > deadline:
                    raise
                response = None
            if time.monotonic() > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        assert response is not None
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call; the decoded JSON answer, or ClientError."""
        response = self._send(method, path, **kwargs)
        raise_for_error(response)
        return response.json() if response.content else None

    def download(self, path: str, out: IO[bytes], token: str | None = None) -> None:
        """Stream the body at `path` into `out` as it is (a ciphertext, an archive),
        with this connection's headers or the bearer `token` given."""
        headers = {"Authorization": f"Bearer {token}"} if token else self._headers()
        with self._http.stream("GET", path, headers=headers) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_error(response)
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)

    def decrypt_content(
        self, path: str, key: bytes, document_id: str, out: IO[bytes], token: str | None = None
    ) -> None:
        """Stream a ciphertext from `path` and decrypt it into `out` in bounded memory,
        with this connection's headers or the bearer `token` given (a share's viewer token).
        On a failed check `out` may hold a verified prefix: callers discard it."""
        headers = {"Authorization": f"Bearer {token}"} if token else self._headers()
        with self._http.stream("GET", path, headers=headers) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_error(response)
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
        received, part_bytes = int(status["received"]), min(part_bytes, status["part_max_bytes"])
        while received < size:
            sealed.seek(received)
            part = sealed.read(min(part_bytes, size - received))
            response = self._send(
                "PUT",
                f"{base}/{document_id}/content",
                params={"offset": received},
                content=part,
                headers={"Content-Type": "application/octet-stream"},
            )
            if response.status_code == 409 and "PDE-Upload-Received" in response.headers:
                received = int(response.headers["PDE-Upload-Received"])
                continue
            raise_for_error(response)
            received = int(response.json()["received"])
            if progress:
                progress(received, size)

    def close(self) -> None:
        """Close the HTTP connection (keys are dropped with the object)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
