"""Direct transfers (issue 12 §2): when the server announces `transfer: "direct"`,
the ciphertext goes straight to and from the object store on presigned URLs the
server hands out, and the server only grants and acknowledges each part.

This module stands under `client.http`, which calls it, so it does not import it:
what it needs of the connection to the PDE server is the `Api` protocol below."""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from typing import IO, Any, BinaryIO, Protocol

import httpx

from client.io import IteratorReader
from crypto import b64u_encode, decrypt_stream

# A direct part not acknowledged for these: ask where the upload stands, put it again.
RESUMABLE_ACK = {"upload_part_missing", "integrity_mismatch", "upload_offset_mismatch"}


class Api(Protocol):
    """What a direct transfer needs of its connection to the PDE server
    (`client.http.Connection`): its calls, and its error for the object store."""

    def call(self, method: str, path: str, **kwargs: Any) -> Any: ...

    def _stream(
        self, path: str, headers: dict[str, str], http: httpx.Client | None = None
    ) -> AbstractContextManager[httpx.Response]: ...

    def _store_error(self, url: str, failure: httpx.Response | httpx.TransportError) -> Exception:
        """The ClientError for an object store that refused a request or never answered."""
        ...


def error_code(error: Exception) -> str | None:
    """The API's stable code of a ClientError (None for any other error)."""
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else None


def open_store(timeout: float, connect: float) -> httpx.Client:
    """The HTTP client for presigned URLs on the object store: they carry their own
    authority, so it sends no header of ours."""
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=connect))


def decrypt(
    api: Api,
    store: httpx.Client,
    where: dict[str, Any],
    key: bytes,
    document_id: str,
    out: IO[bytes],
) -> None:
    """Fetch the ciphertext at `where` (the content-url route's answer: a presigned
    GET and the size) and decrypt it into `out` in bounded memory. On a failed
    check `out` may hold a verified prefix."""
    with api._stream(where["url"], {}, store) as response:
        reader = IteratorReader(response.iter_bytes(1 << 20))
        decrypt_stream(reader, out, key, document_id)  # type: ignore[arg-type]


def upload(
    api: Api,
    store: httpx.Client,
    upload_path: str,
    sealed: BinaryIO,
    status: dict[str, Any],
    progress: Any = None,
) -> None:
    """Put each part straight on the object store (parts on the server's fixed grid),
    then have the server acknowledge it; resumes where the server says it stands."""
    size, part_bytes = int(status["size"]), int(status["part_max_bytes"])
    received, tries = int(status["received"]), 0
    while received < size:
        sealed.seek(received)
        part = sealed.read(min(part_bytes, size - received))
        digest = b64u_encode(hashlib.sha256(part).digest())
        body = {"offset": received, "length": len(part), "sha256": digest}
        try:
            put = api.call("POST", f"{upload_path}/parts", json=body)
            put_on_store(api, store, put, part)
            answer = api.call("POST", f"{upload_path}/parts/ack", json={"offset": received})
        except Exception as error:
            tries += 1
            if error_code(error) not in RESUMABLE_ACK or tries > 3:
                raise
            answer = api.call("GET", upload_path)  # put it again from where it stands
        else:
            tries = 0
        received = int(answer["received"])
        if progress:
            progress(received, size)


def put_on_store(api: Api, store: httpx.Client, put: dict[str, Any], part: bytes) -> None:
    """PUT one part on its presigned URL, with exactly the headers given."""
    try:
        response = store.request(put["method"], put["url"], content=part, headers=put["headers"])
    except httpx.TransportError as error:
        raise api._store_error(put["url"], error) from None
    if response.status_code >= 400:
        raise api._store_error(put["url"], response)
