"""Routes of deposit links (docs/deposits.md): the owner creates, lists, revokes
and deletes links and works through the inbox; a depositor holding a link can
only learn the wallet's public key and upload sealed files, never read."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request

from crypto.links import is_valid_id
from wallet.api.deps import ClientKey, CurrentWallet, DbDep, RuntimeDep
from wallet.api.documents import document_response, finish_upload, upload_status
from wallet.api.errors import error_responses
from wallet.api.parts import CIPHERTEXT_PART_BODY, PartOffset, store_part
from wallet.api.report_schemas import LinkReportRequest, LinkReportResponse
from wallet.api.schemas import (
    DepositDeclareRequest,
    DepositInfoResponse,
    DepositLinkCreateRequest,
    DepositLinkResponse,
    DocumentResponse,
    Id,
    InboxAcceptRequest,
    InboxItemResponse,
    SuspensionResponse,
    UploadStatus,
)
from wallet.errors import (
    AlreadyExists,
    DepositClosed,
    DepositLimit,
    DepositNotFound,
    DepositPendingLimit,
    DepositSuspended,
    DocumentTooLarge,
    IntegrityMismatch,
    LimitsUnavailable,
    NotAuthenticated,
    NotFound,
    PassphraseChangeRequired,
    QuotaExceeded,
    RateLimited,
    StorageUnavailable,
    UploadIncomplete,
    UploadNotPending,
    UploadOffsetMismatch,
)
from wallet.events import DEPOSIT_ACCEPTED
from wallet.models import DepositLink, Document, LinkSuspension
from wallet.services import deposits, documents, link_reports
from wallet.services.documents import NewDocument

owner_router = APIRouter(prefix="/api/v1", tags=["deposits"])
depositor_router = APIRouter(prefix="/api/v1/d", tags=["depositor"])
AUTH = (NotAuthenticated, PassphraseChangeRequired, NotFound)
CLOSED = (DepositNotFound, DepositClosed, DepositSuspended)


def suspension_response(suspension: LinkSuspension | None) -> SuspensionResponse | None:
    """A link's suspension as its owner sees it (shares and deposit links alike)."""
    if suspension is None:
        return None
    return SuspensionResponse(
        reason=suspension.reason,  # type: ignore[arg-type]
        suspended_at=suspension.suspended_at,
    )


def link_response(
    link: DepositLink,
    pending: deposits.Pending = deposits.NOTHING_PENDING,
    suspension: LinkSuspension | None = None,
) -> DepositLinkResponse:
    """The link as its owner sees it, with what is still being sent through it (nothing,
    unless given: a new link, or one just revoked, has no file being sent) and the
    service's suspension of it, if any."""
    return DepositLinkResponse(
        deposit_id=link.id,
        label=link.label_box,
        created_at=link.created_at,
        expires_at=link.expires_at,
        max_files=link.max_files,
        files=link.files,
        pending_files=pending.files,
        pending_bytes=pending.bytes,
        state=deposits.deposit_link_state(link),  # type: ignore[arg-type]
        suspension=suspension_response(suspension),
    )


@owner_router.post(
    "/deposit-links",
    status_code=201,
    response_model=DepositLinkResponse,
    responses=error_responses(*AUTH, AlreadyExists, DepositLimit),
)
def create_link(
    body: DepositLinkCreateRequest, db: DbDep, account: CurrentWallet, runtime: RuntimeDep
) -> DepositLinkResponse:
    """Open a write-only door into this wallet."""
    expires_in = timedelta(seconds=body.expires_in)
    new = deposits.NewDepositLink(
        body.deposit_id, expires_in, body.max_files, body.label, body.info
    )
    link = deposits.create_link(db, runtime.settings, account, new)
    db.commit()
    return link_response(link)


@owner_router.get(
    "/deposit-links", response_model=list[DepositLinkResponse], responses=error_responses(*AUTH)
)
def list_links(db: DbDep, account: CurrentWallet) -> list[DepositLinkResponse]:
    """Every deposit link of the wallet, newest first, each with the files still being
    sent through it and the space they hold."""
    pending = deposits.pending_by_link(db, account.id)
    links = deposits.list_links(db, account.id)
    suspended = link_reports.suspensions_of(db, link_reports.DEPOSIT, [x.id for x in links])
    return [
        link_response(link, pending.get(link.id, deposits.NOTHING_PENDING), suspended.get(link.id))
        for link in links
    ]


@owner_router.post(
    "/deposit-links/{deposit_id}/revoke",
    response_model=DepositLinkResponse,
    responses=error_responses(*AUTH),
)
def revoke_link(
    deposit_id: Id, db: DbDep, account: CurrentWallet, runtime: RuntimeDep
) -> DepositLinkResponse:
    """Close the link now; what was deposited stays in the inbox, what was still
    being sent is dropped and its space given back."""
    link, leftovers = deposits.revoke_link(db, account, deposit_id)
    db.commit()
    documents.delete_blobs(runtime.blobs, leftovers)
    return link_response(link, suspension=link_reports.suspension_of(db, "deposit", link.id))


@owner_router.delete(
    "/deposit-links/{deposit_id}", status_code=204, responses=error_responses(*AUTH)
)
def delete_link(deposit_id: Id, db: DbDep, account: CurrentWallet, runtime: RuntimeDep) -> None:
    """Forget the link; what was deposited stays in the inbox, what was still being
    sent is dropped."""
    leftovers = deposits.delete_link(db, account, deposit_id)
    db.commit()
    documents.delete_blobs(runtime.blobs, leftovers)


def inbox_item(document: Document) -> InboxItemResponse:
    return InboxItemResponse(
        document_id=document.id,
        deposit_id=document.deposit_id or "",
        sealed_key=document.wrapped_key,
        metadata=document.metadata_box,
        size=document.size,
        created_at=document.created_at,
    )


@owner_router.get(
    "/inbox", response_model=list[InboxItemResponse], responses=error_responses(*AUTH)
)
def list_inbox(db: DbDep, account: CurrentWallet) -> list[InboxItemResponse]:
    """Deposited files waiting to be accepted or rejected."""
    return [inbox_item(d) for d in deposits.inbox(db, account.id)]


@owner_router.post(
    "/inbox/{document_id}/accept",
    response_model=DocumentResponse,
    responses=error_responses(*AUTH),
)
def accept(
    document_id: Id,
    body: InboxAcceptRequest,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
) -> DocumentResponse:
    """Move a deposited file into the wallet: its key re-wrapped under the master
    key and its metadata re-sealed, both by the client."""
    document = deposits.accept(db, account.id, document_id, body.wrapped_key, body.metadata)
    runtime.events.wallet(db, DEPOSIT_ACCEPTED, account)
    db.commit()
    return document_response(document)


@owner_router.delete(
    "/inbox/{document_id}", status_code=204, responses=error_responses(*AUTH, StorageUnavailable)
)
def reject(document_id: Id, db: DbDep, account: CurrentWallet, runtime: RuntimeDep) -> None:
    """Delete a deposited file for good."""
    leftovers = deposits.reject(db, account, document_id)
    db.commit()
    documents.delete_blobs(runtime.blobs, leftovers)


# Whoever holds a deposit link ------------------------------------------------------


@depositor_router.get(
    "/{deposit_id}", response_model=DepositInfoResponse, responses=error_responses(*CLOSED)
)
def deposit_info(deposit_id: str, db: DbDep, runtime: RuntimeDep) -> DepositInfoResponse:
    """The wallet's public key to seal files to, and what the link still accepts."""
    link = deposits.open_link(db, deposit_id)
    return DepositInfoResponse(
        deposit_id=link.id,
        public_key=link.account.deposit_public_key,
        info=link.info_box,
        expires_at=link.expires_at,
        files_left=link.max_files - link.files,
        document_max_bytes=runtime.settings.document_max_bytes,
        part_max_bytes=runtime.settings.upload_part_max_bytes,
    )


@depositor_router.post(
    "/{deposit_id}/documents",
    status_code=201,
    response_model=UploadStatus,
    responses=error_responses(
        *CLOSED, AlreadyExists, DocumentTooLarge, QuotaExceeded, DepositPendingLimit, RateLimited
    ),
)
def declare(
    deposit_id: str,
    body: DepositDeclareRequest,
    db: DbDep,
    runtime: RuntimeDep,
    client: ClientKey,
) -> UploadStatus:
    """Declare one sealed file (sealed key, sealed metadata, size, SHA-256); counts
    against the link's files and the wallet's quota before any byte is sent."""
    new = NewDocument(
        body.document_id, body.sealed_key, body.metadata, body.size, body.sha256, deposit_id
    )
    document = deposits.declare_deposit(
        db, runtime.settings, runtime.limiter, client, deposit_id, new
    )
    db.commit()
    return upload_status(runtime, document)


@depositor_router.get(
    "/{deposit_id}/documents/{document_id}/upload",
    response_model=UploadStatus,
    responses=error_responses(*CLOSED, NotFound, UploadNotPending),
)
def get_upload(deposit_id: str, document_id: str, db: DbDep, runtime: RuntimeDep) -> UploadStatus:
    """How many bytes of this link's unfinished file are acknowledged: where to resume."""
    _, document = deposits.deposit_upload(db, deposit_id, document_id)
    return upload_status(runtime, document)


@depositor_router.put(
    "/{deposit_id}/documents/{document_id}/content",
    response_model=UploadStatus,
    openapi_extra=CIPHERTEXT_PART_BODY,
    responses=error_responses(
        *CLOSED,
        NotFound,
        UploadOffsetMismatch,
        UploadNotPending,
        IntegrityMismatch,
        StorageUnavailable,
    ),
)
async def put_part(
    deposit_id: str,
    document_id: str,
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    offset: PartOffset,
) -> UploadStatus:
    """Send the part at `offset` of a file this link declared; resumable as the owner's."""
    account, _ = deposits.deposit_upload(db, deposit_id, document_id)
    document = await store_part(request, db, runtime, account, document_id, offset)
    return upload_status(runtime, document)


@depositor_router.post(
    "/{deposit_id}/documents/{document_id}/complete",
    response_model=UploadStatus,
    responses=error_responses(
        *CLOSED,
        NotFound,
        UploadIncomplete,
        UploadNotPending,
        IntegrityMismatch,
        StorageUnavailable,
    ),
)
def complete(deposit_id: str, document_id: str, db: DbDep, runtime: RuntimeDep) -> UploadStatus:
    """Check the whole file against its SHA-256 and put it in the owner's inbox."""
    account, _ = deposits.deposit_upload(db, deposit_id, document_id)
    return upload_status(runtime, finish_upload(db, runtime, account, document_id))


@depositor_router.post(
    "/{deposit_id}/report",
    status_code=202,
    response_model=LinkReportResponse,
    responses=error_responses(RateLimited, LimitsUnavailable),
)
def report(
    deposit_id: str,
    body: LinkReportRequest,
    db: DbDep,
    runtime: RuntimeDep,
    client: ClientKey,
) -> LinkReportResponse:
    """Report a problem with this deposit link to the service: a reason and an optional
    text, never the link's secret. The answer is the same whether or not the link
    exists (and in whatever state): a report tells nothing about a link id."""
    exists = is_valid_id(deposit_id) and db.get(DepositLink, deposit_id) is not None
    new = link_reports.NewReport(link_reports.DEPOSIT, deposit_id, body.reason, body.text)
    link_reports.file_report(db, runtime.settings, runtime.limiter, client, new, exists)
    db.commit()
    return LinkReportResponse(status="received")
