"""Direct transfers (issue 12 §2): when the server announces `transfer: "direct"`,
the ciphertext goes straight to and from the object store on presigned URLs the
server hands out, and the server only grants and acknowledges parts.

An upload keeps `PARTS_IN_FLIGHT` parts on their way at once, as an S3 SDK does,
so the store is never idle while the server is asked: the URLs of the parts to
put are asked for in one request, and the parts that arrived are acknowledged a
few at a time in another thread. Memory stays bounded: a part is read and
hashed only when a place in flight is free, and dropped once put.

This module stands under `client.http`, which calls it, so it does not import it:
what it needs of the connection to the PDE server is the `Api` protocol below."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, Protocol

from client.io import IteratorReader
from client.object_store import ObjectStore, StoreFailure
from crypto import b64u_encode, decrypt_stream

PARTS_IN_FLIGHT = 4  # parts put at once (each `part_max_bytes`, 16 MiB by default, in memory)
# A part not acknowledged for these: ask where the upload stands, put again from there.
RESUMABLE = {"upload_part_missing", "integrity_mismatch", "upload_offset_mismatch"}
RESUMES_WITHOUT_PROGRESS = 3  # then the error is the caller's


class Api(Protocol):
    """What a direct transfer needs of its connection to the PDE server
    (`client.http.Connection`): its calls, and its error for the object store."""

    def call(self, method: str, path: str, **kwargs: Any) -> Any: ...

    def _store_error(self, failure: StoreFailure) -> Exception:
        """The ClientError for an object store that refused a request or never answered."""
        ...


def error_code(error: Exception) -> str | None:
    """The API's stable code of a ClientError (None for any other error)."""
    code = getattr(error, "code", None)
    return code if isinstance(code, str) else None


def open_store(timeout: float, connect: float) -> ObjectStore:
    """The client for presigned URLs on the object store: one connection kept per
    part in flight."""
    return ObjectStore(PARTS_IN_FLIGHT, timeout, connect)


# --- downloads --------------------------------------------------------------------


@contextmanager
def _ciphertext(api: Api, store: ObjectStore, where: dict[str, Any]) -> Iterator[Iterator[bytes]]:
    """The ciphertext at `where` (the content-url route's answer), as it is read."""
    try:
        with store.get(where["url"]) as chunks:
            yield chunks
    except StoreFailure as failure:
        raise api._store_error(failure) from None


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def fetch(api: Api, store: ObjectStore, where: dict[str, Any], out: Writable) -> int:
    """Write the ciphertext at `where` (the content-url route's answer) into `out` as it
    is, as it arrives; returns its size."""
    written = 0
    with _ciphertext(api, store, where) as chunks:
        for chunk in chunks:
            out.write(chunk)
            written += len(chunk)
    return written


def decrypt(
    api: Api,
    store: ObjectStore,
    where: dict[str, Any],
    key: bytes,
    document_id: str,
    out: IO[bytes],
) -> None:
    """Fetch the ciphertext at `where` (the content-url route's answer: a presigned
    GET and the size) and decrypt it into `out` in bounded memory. On a failed
    check `out` may hold a verified prefix."""
    with _ciphertext(api, store, where) as chunks:
        decrypt_stream(IteratorReader(chunks), out, key, document_id)  # type: ignore[arg-type]


# --- uploads ----------------------------------------------------------------------


def upload(
    api: Api,
    store: ObjectStore,
    upload_path: str,
    sealed: BinaryIO,
    status: dict[str, Any],
    progress: Any = None,
) -> None:
    """Put the parts of `sealed` straight on the object store (on the server's fixed
    grid), `PARTS_IN_FLIGHT` at once, from where `status` (the upload's status) says
    it stands, and have the server acknowledge them. When the server does not find a
    part as declared, ask where the upload stands and go on from there."""
    transfer = _Transfer(api, store, upload_path, sealed, status, progress)
    failures = 0
    while transfer.received < transfer.size:
        before = transfer.received
        try:
            transfer.put_the_rest()
        except Exception as error:
            failures = 1 if transfer.received > before else failures + 1
            if error_code(error) not in RESUMABLE or failures > RESUMES_WITHOUT_PROGRESS:
                raise
            transfer.received = int(api.call("GET", upload_path)["received"])


class _Transfer:
    """One direct upload under way: where it stands, and how to put its parts."""

    def __init__(
        self,
        api: Api,
        store: ObjectStore,
        upload_path: str,
        sealed: BinaryIO,
        status: dict[str, Any],
        progress: Any,
    ) -> None:
        self.api, self.store, self.path, self.sealed = api, store, upload_path, sealed
        self.size, self.part_bytes = int(status["size"]), int(status["part_max_bytes"])
        self.received = int(status["received"])
        self.progress = progress

    def put_the_rest(self) -> None:
        """Keep up to `PARTS_IN_FLIGHT` parts on their way from `received` to the end,
        and the server acknowledging those that arrived meanwhile, in one request at a
        time (those that arrive during one go in the next). On a failure, the parts
        already on their way finish (the executors wait) and the error is raised:
        those put but not acknowledged are found by the server on resume."""
        following, in_flight = self.received, dict[Future[None], int]()
        arrived: list[int] = []
        acknowledging: Future[int] | None = None
        with (
            ThreadPoolExecutor(PARTS_IN_FLIGHT, thread_name_prefix="pde-part") as pool,
            ThreadPoolExecutor(1, thread_name_prefix="pde-ack") as acknowledger,
        ):
            try:
                while self.received < self.size:
                    if not in_flight and acknowledging is None and not arrived:
                        following = self.received  # at the start, or the server saw a gap
                    following = max(following, self.received)  # it found parts put before
                    free = PARTS_IN_FLIGHT - len(in_flight)
                    asking = range(following, self.size, self.part_bytes)[:free]
                    for put, part in self._ask(asking):
                        in_flight[pool.submit(self._put, put, part)] = put["offset"]
                    following = asking[-1] + self.part_bytes if asking else following
                    waiting: list[Future[Any]] = [*in_flight, *filter(None, [acknowledging])]
                    done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                    arrived += self._arrived(done, in_flight)
                    if acknowledging in done:
                        self._advance(acknowledging.result())
                        acknowledging = None
                    # Those the server counts already: it counts every part it finds put, in
                    # order, so one may be counted before the ack that names it is sent.
                    arrived = [offset for offset in arrived if offset >= self.received]
                    # A few at a time (each acknowledgement lists the parts on the store),
                    # and the last ones at once.
                    enough = len(arrived) >= PARTS_IN_FLIGHT or (arrived and not in_flight)
                    if acknowledging is None and enough:
                        acknowledging = acknowledger.submit(self._acknowledge, sorted(arrived))
                        arrived = []
            finally:
                for future in in_flight:
                    future.cancel()

    def _ask(self, offsets: range) -> list[tuple[dict[str, Any], bytes]]:
        """Read and hash the parts at `offsets`; their URLs, asked for in one request."""
        if not offsets:
            return []
        parts = {offset: self._read(offset) for offset in offsets}
        asked = [
            {"offset": offset, "length": len(part), "sha256": _digest(part)}
            for offset, part in parts.items()
        ]
        answer = self.api.call("POST", f"{self.path}/parts", json={"parts": asked})
        return [(put, parts[put["offset"]]) for put in answer["parts"]]

    def _put(self, put: dict[str, Any], part: bytes) -> None:
        put_on_store(self.api, self.store, put, part)

    def _read(self, offset: int) -> bytes:
        self.sealed.seek(offset)
        return self.sealed.read(min(self.part_bytes, self.size - offset))

    @staticmethod
    def _arrived(done: set[Future[None]], in_flight: dict[Future[None], int]) -> list[int]:
        """The offsets of the parts put among `done`, out of flight; a failed put raises."""
        puts = [future for future in done if future in in_flight]
        for future in puts:
            future.result()
        return [in_flight.pop(future) for future in puts]

    def _acknowledge(self, offsets: list[int]) -> int:
        """Have the server acknowledge the parts at `offsets`; its `received` then."""
        answer = self.api.call("POST", f"{self.path}/parts/ack", json={"offsets": offsets})
        return int(answer["received"])

    def _advance(self, received: int) -> None:
        self.received = max(self.received, received)
        if self.progress:
            self.progress(self.received, self.size)


def _digest(part: bytes) -> str:
    return b64u_encode(hashlib.sha256(part).digest())


def put_on_store(api: Api, store: ObjectStore, put: dict[str, Any], part: bytes) -> None:
    """PUT one part on its presigned URL, with exactly the headers given."""
    try:
        store.put(put["method"], put["url"], part, put["headers"])
    except StoreFailure as failure:
        raise api._store_error(failure) from None
