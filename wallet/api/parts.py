"""Receiving one part of an upload through the server (the owner's and a
depositor's): on a store that takes parts in place (the local folder), streamed from
the request into its place in the upload file, each chunk written as it arrives;
on another store (S3 without direct transfers), spooled first. Either way a part is
acknowledged only once stored durably and recorded."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from typing import Annotated, BinaryIO

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool

from wallet.api.deps import DbDep, RuntimeDep
from wallet.errors import IntegrityMismatch, InvalidRequest, UploadOffsetMismatch
from wallet.models import Account, Document
from wallet.services import documents, uploads
from wallet.services.documents import EVERY_COMPARTMENT
from wallet.storage.base import PartsInPlace, PartWriter, UploadBusy

SPOOL_IN_MEMORY = 1 << 20

# A part of a ciphertext is sent as it is, not as JSON or a form: say so in the schema.
CIPHERTEXT_PART_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
PartOffset = Annotated[int, Query(ge=0, le=1 << 50)]  # where a part starts in the ciphertext


async def _receive_body(request: Request, spool: BinaryIO, limit: int) -> int:
    """Copy the request body into `spool`, refusing more than `limit` bytes; returns its length."""
    length = 0
    async for chunk in request.stream():
        length += len(chunk)
        if length > limit:
            raise InvalidRequest(f"A part has at most {limit} bytes.")
        spool.write(chunk)
    spool.seek(0)
    return length


class _PartInPlace:
    """A part streamed from the request straight into a PartsInPlace store: each
    chunk is written and hashed as it arrives, on the event loop, while it is still
    in the processor's cache (as bench/bare_file_server.py does). Handing 4 MiB
    batches to a thread instead had the kernel's copy and the hash read every byte
    back from memory on another core: 2-3 times the server's CPU per GiB (perf)."""

    def __init__(self, writer: PartWriter, digest: hashlib._Hash | None, check_start: bool) -> None:
        self.writer, self.digest = writer, digest
        self.head = b"" if check_start else None  # the upload's first bytes: a PDE stream's?
        self.length = 0

    async def receive(self, request: Request, room: Callable[[int], None], limit: int) -> int:
        """Write the whole body; `room(length)` raises once it is more than `limit` bytes."""
        async for chunk in request.stream():
            self.length += len(chunk)
            if self.length > limit:
                room(self.length)
            if self.head is not None:
                self._check_start(chunk)
            self.writer.write((chunk,))
            if self.digest is not None:
                self.digest.update(chunk)
        if self.head is not None and self.length:  # a body shorter than a stream's head
            raise IntegrityMismatch("This is not an encrypted PDE file.")
        return self.length

    def _check_start(self, chunk: bytes) -> None:
        assert self.head is not None
        self.head += chunk[: uploads.STREAM_HEAD_BYTES - len(self.head)]
        if len(self.head) < uploads.STREAM_HEAD_BYTES:
            return  # the first few bytes, however the body was cut
        if not uploads.starts_like_a_stream(self.head):
            raise IntegrityMismatch("This is not an encrypted PDE file.")
        self.head = None


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def store_part(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    account: Account,
    document_id: str,
    offset: int,
    compartment: bytes | None = EVERY_COMPARTMENT,
) -> Document:
    """Receive one part of an upload in `compartment` (a depositor's: any), store it
    and commit before acknowledging it."""
    if isinstance(runtime.blobs, PartsInPlace):
        return await _stream_part(
            request, db, runtime, runtime.blobs, account, document_id, offset, compartment
        )
    # Spooled: memory up to 1 MiB, then a temporary file, so a part never fills memory.
    with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as spool:
        limit = runtime.settings.upload_part_max_bytes
        length = await _receive_body(request, spool, limit)  # type: ignore[arg-type]
        document = await run_in_threadpool(
            uploads.put_part,
            db,
            runtime.blobs,
            runtime.settings,
            runtime.hashes,
            account,
            document_id,
            offset,
            spool,  # type: ignore[arg-type]
            length,
            compartment,
        )
        await run_in_threadpool(db.commit)
    return document


async def _stream_part(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    blobs: PartsInPlace,
    account: Account,
    document_id: str,
    offset: int,
    compartment: bytes | None,
) -> Document:
    """The part straight from the request into its place in the upload (no spool),
    synced to disk, then recorded and committed: never acknowledged before its bytes
    are on disk. The store holds the upload meanwhile, so a second request for it is
    refused."""
    settings = runtime.settings
    declared = _declared_length(request)

    def begin() -> tuple[Document, PartWriter]:
        # Checked before the store creates anything, then again once it holds the upload.
        document = uploads.accept_part(
            db, settings, account, document_id, offset, declared, compartment
        )
        try:
            writer = blobs.begin_part(documents.upload_key(account.id, document.id), offset)
        except UploadBusy:  # the same part twice at once: the other one goes on
            raise UploadOffsetMismatch(received=document.received) from None
        try:
            uploads.confirm_offset(db, document, offset)
        except BaseException:
            writer.close()
            raise
        return document, writer

    document, writer = await run_in_threadpool(begin)
    part = _PartInPlace(writer, runtime.hashes.resume(document.id, offset), offset == 0)

    def refuse(length: int) -> None:
        uploads.check_part_length(settings, document, offset, length)

    def finish() -> Document:
        uploads.check_part_length(settings, document, offset, part.length)
        length = writer.finish()
        recorded = uploads.record_part(db, runtime.hashes, document, offset, length, part.digest)
        db.commit()
        return recorded

    try:
        await part.receive(request, refuse, uploads.part_room(settings, document, offset))
        document = await run_in_threadpool(finish)
    except BaseException:
        await run_in_threadpool(writer.abort)
        raise
    writer.close()  # recorded: the next part may come
    return document
