"""Routes of shares (docs/shares.md): the owner creates, lists, revokes and
deletes them with a session; whoever holds the link opens one and fetches its
documents' ciphertext with a short-lived viewer token, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from share_links import service, viewing
from share_links.errors import (
    ShareExpired,
    ShareLimit,
    ShareLinkDamaged,
    ShareLocked,
    ShareNotFound,
    ShareRevoked,
    ShareSuspended,
    ShareUsedUp,
    ShareViewExpired,
    ShareWrongAccess,
)
from share_links.models import Share
from share_links.opening_writer import OpeningRecorder
from share_links.schemas import (
    OpenedDocumentResponse,
    ShareCreateRequest,
    ShareEventResponse,
    ShareOpenRequest,
    ShareOpenResponse,
    ShareResponse,
    ShareStatusResponse,
)
from share_links.settings import ShareSettings
from wallet.api.body_limit import DEFAULT_LIMIT, METADATA_LIMIT, BodyRule
from wallet.api.deposits import suspension_response
from wallet.api.deps import (
    ClientKey,
    CompartmentTag,
    CurrentWallet,
    DbDep,
    RuntimeDep,
    client_key,
)
from wallet.api.direct_transfers import ContentUrlResponse, content_url_response
from wallet.api.documents import CIPHERTEXT_RESPONSES, RangeHeader, ciphertext_response
from wallet.api.errors import error_responses
from wallet.api.report_schemas import LinkReportRequest, LinkReportResponse
from wallet.api.schemas import Id
from wallet.errors import (
    AlreadyExists,
    DirectTransferOff,
    LimitsUnavailable,
    NotAuthenticated,
    NotFound,
    PassphraseChangeRequired,
    RangeNotSatisfiable,
    RateLimited,
    StorageUnavailable,
    WalletError,
)
from wallet.events import SHARE_MADE
from wallet.metrics import SHARE_OPENINGS
from wallet.models import LinkSuspension
from wallet.runtime import Runtime
from wallet.services import direct_uploads, link_reports

owner_router = APIRouter(prefix="/api/v1/shares", tags=["shares"])


def share_body_rules(settings: ShareSettings) -> tuple[BodyRule, ...]:
    """A new share carries one sealed metadata box per document: its body may be
    as large as the documents a share may hold."""
    limit = settings.documents_per_share * METADATA_LIMIT + DEFAULT_LIMIT
    return (BodyRule.at("POST", "/api/v1/shares", limit),)


viewer_api_router = APIRouter(prefix="/api/v1/s", tags=["share viewer"])

AUTH = (NotAuthenticated, PassphraseChangeRequired, NotFound)
STATES = (ShareNotFound, ShareExpired, ShareRevoked, ShareUsedUp, ShareLocked, ShareSuspended)
_view_bearer = HTTPBearer(auto_error=False, description="view token from opening the share")


def share_settings(runtime: RuntimeDep) -> ShareSettings:
    """The share links' settings, part of the app's (pde.settings.Settings)."""
    settings = runtime.settings
    if not isinstance(settings, ShareSettings):
        raise TypeError("PDE's app needs pde.settings.Settings, which holds ShareSettings")
    return settings


SettingsDep = Annotated[ShareSettings, Depends(share_settings)]


def share_response(share: Share, suspension: LinkSuspension | None = None) -> ShareResponse:
    return ShareResponse(
        share_id=share.id,
        pin=share.pin,
        created_at=share.created_at,
        expires_at=share.expires_at,
        max_opens=share.max_opens,
        opens=share.opens,
        state=service.share_state(share),  # type: ignore[arg-type]
        revoked_at=share.revoked_at,
        owner_record=share.owner_record,
        document_ids=[d.document_id for d in share.documents],
        events=[ShareEventResponse(at=e.at, event=e.event) for e in share.events],  # type: ignore[arg-type]
        suspension=suspension_response(suspension),
    )


def _suspension(db: DbDep, share: Share) -> LinkSuspension | None:
    return link_reports.suspension_of(db, link_reports.SHARE, share.id)


@owner_router.post(
    "",
    status_code=201,
    response_model=ShareResponse,
    responses=error_responses(*AUTH, AlreadyExists, ShareLimit, RateLimited),
)
def create_share(
    body: ShareCreateRequest,
    db: DbDep,
    account: CurrentWallet,
    runtime: RuntimeDep,
    settings: SettingsDep,
    compartment: CompartmentTag,
) -> ShareResponse:
    """Store a share the owner's client prepared: wrapped keys, sealed metadata,
    SHA-256 of the link token and of the access token. The link's secret never
    comes here."""
    new = service.NewShare(
        share_id=body.share_id,
        access_hash=body.access_hash,
        link_hash=body.link_hash,
        pin=body.pin,
        expires_in=timedelta(seconds=body.expires_in),
        max_opens=body.max_opens,
        info_box=body.info,
        owner_record=body.owner_record,
        documents=[
            service.SharedDocument(d.document_id, d.wrapped_key, d.metadata) for d in body.documents
        ],
        compartment_tag=compartment,
    )
    share = service.create_share(db, settings, runtime.limiter, account, new)
    runtime.events.wallet(db, SHARE_MADE, account)
    db.commit()
    return share_response(share)


@owner_router.get("", response_model=list[ShareResponse], responses=error_responses(*AUTH))
def list_shares(
    db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> list[ShareResponse]:
    """Every share of the wallet's view asked for, newest first, with its openings and
    the service's suspension of it, if any."""
    shares = service.list_shares(db, account.id, compartment)
    suspended = link_reports.suspensions_of(db, link_reports.SHARE, [s.id for s in shares])
    return [share_response(s, suspended.get(s.id)) for s in shares]


@owner_router.get("/{share_id}", response_model=ShareResponse, responses=error_responses(*AUTH))
def get_share(
    share_id: Id, db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> ShareResponse:
    """One share of the wallet, with its openings."""
    share = service.find_share(db, account.id, share_id, compartment)
    return share_response(share, _suspension(db, share))


@owner_router.post(
    "/{share_id}/revoke", response_model=ShareResponse, responses=error_responses(*AUTH)
)
def revoke_share(
    share_id: Id, db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> ShareResponse:
    """End the share now, for viewers already open too."""
    share = service.revoke_share(db, account.id, share_id, compartment)
    db.commit()
    return share_response(share, _suspension(db, share))


@owner_router.delete("/{share_id}", status_code=204, responses=error_responses(*AUTH))
def delete_share(
    share_id: Id, db: DbDep, account: CurrentWallet, compartment: CompartmentTag
) -> None:
    """Forget the share and its log; the link stops working at once."""
    service.delete_share(db, account.id, share_id, compartment)
    db.commit()


# Whoever holds the link -------------------------------------------------------
# Paths take any text as the id: a malformed link is simply a share that does not
# exist (share_not_found), the same answer as a well-formed unknown one.


@viewer_api_router.get(
    "/{share_id}", response_model=ShareStatusResponse, responses=error_responses(*STATES)
)
def share_status(share_id: str, db: DbDep) -> ShareStatusResponse:
    """Whether the share can be opened, and whether to ask for its PIN."""
    share = viewing.openable_share(db, share_id)
    return ShareStatusResponse(share_id=share.id, pin=share.pin)


@viewer_api_router.post(
    "/{share_id}/open",
    response_model=ShareOpenResponse,
    responses=error_responses(
        *STATES, ShareLinkDamaged, ShareWrongAccess, RateLimited, LimitsUnavailable
    ),
)
async def open_share(share_id: str, body: ShareOpenRequest, request: Request) -> Response:
    """Show the link token (the link) and the access token (the link and the PIN);
    counts one opening, or one wrong PIN. A wrong link token is never counted."""
    # No dependency of its own: each would take a trip through the thread pool, and
    # the opening takes one (issue 12 holds its p95 to 3 times the health check's).
    runtime: Runtime = request.app.state.runtime
    recorder: OpeningRecorder = request.app.state.share_openings
    tokens = (body.link_token, body.access_token)
    try:
        outcome = await viewing.open_share(
            runtime.db,
            share_settings(runtime),
            runtime.limiter,
            client_key(request),
            share_id,
            tokens,
            recorder,
        )
    except WalletError as refused:
        SHARE_OPENINGS.labels(opening_outcome(refused)).inc()
        raise
    SHARE_OPENINGS.labels(opening_outcome(outcome)).inc()
    if not isinstance(outcome, viewing.OpenedShare):
        raise outcome
    return json_answer(opened_response(runtime, outcome))


def json_answer(answer: BaseModel) -> Response:
    """`answer` as JSON, serialized once: a route that returns a model has FastAPI
    dump it, validate it again against `response_model`, then serialize it."""
    return Response(answer.model_dump_json(), media_type="application/json")


def opened_response(runtime: Runtime, outcome: viewing.OpenedShare) -> ShareOpenResponse:
    """What the viewer gets from an opening."""
    return ShareOpenResponse(
        view_token=outcome.view_token,
        view_expires_at=outcome.view_expires_at,
        expires_at=outcome.expires_at,
        opens=outcome.opens,
        max_opens=outcome.max_opens,
        info=outcome.info_box,
        documents=[
            OpenedDocumentResponse(
                document_id=d.document_id,
                wrapped_key=d.wrapped_key,
                metadata=d.metadata_box,
                size=d.size,
            )
            for d in outcome.documents
        ],
        transfer="direct" if runtime.settings.direct_transfers else "server",
    )


@viewer_api_router.post(
    "/{share_id}/report",
    status_code=202,
    response_model=LinkReportResponse,
    responses=error_responses(RateLimited, LimitsUnavailable),
)
def report_share(
    share_id: str,
    body: LinkReportRequest,
    db: DbDep,
    runtime: RuntimeDep,
    client: ClientKey,
) -> LinkReportResponse:
    """Report a problem with this link to the service: a reason and an optional text,
    never the link's secret. The answer is the same whether or not the share exists
    (and in whatever state): a report tells nothing about a link id."""
    exists = viewing.share_exists(db, share_id)
    new = link_reports.NewReport(link_reports.SHARE, share_id, body.reason, body.text)
    link_reports.file_report(db, runtime.settings, runtime.limiter, client, new, exists)
    db.commit()
    return LinkReportResponse(status="received")


def opening_outcome(outcome: viewing.OpenedShare | WalletError) -> str:
    """An opening's outcome as the metrics name it (wallet.metrics.SHARE_OUTCOMES)."""
    if isinstance(outcome, viewing.OpenedShare):
        return "opened"
    if isinstance(outcome, ShareWrongAccess):
        return "wrong"
    if isinstance(outcome, ShareLocked):
        return "locked"
    if isinstance(outcome, ShareLinkDamaged):
        return "link_damaged"
    if isinstance(outcome, STATES):
        return "ended"  # not found, expired, revoked or used up
    return "refused"  # rate limited, or limits unavailable


def viewed_share(
    share_id: str,
    db: DbDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_view_bearer)],
) -> Share:
    """The share behind the viewer's token, checked again on every request."""
    token = credentials.credentials if credentials else None
    return viewing.authorize_view(db, settings, share_id, token)


# Why a viewer's document is not served: the share's state, or no such document in it.
VIEW_REFUSALS = (
    ShareNotFound,
    ShareExpired,
    ShareRevoked,
    ShareSuspended,
    ShareViewExpired,
    NotFound,
)


@viewer_api_router.get(
    "/{share_id}/documents/{document_id}/content",
    response_class=StreamingResponse,
    responses={
        **CIPHERTEXT_RESPONSES,
        **error_responses(
            *VIEW_REFUSALS,
            RangeNotSatisfiable,
            StorageUnavailable,
        ),
    },
)
def shared_content(
    document_id: str,
    db: DbDep,
    runtime: RuntimeDep,
    share: Annotated[Share, Depends(viewed_share)],
    range_header: RangeHeader = None,
) -> StreamingResponse:
    """A shared document's ciphertext; the viewer decrypts it with the key from the link."""
    document = viewing.shared_document(db, share, document_id)
    return ciphertext_response(runtime, document, range_header)


@viewer_api_router.get(
    "/{share_id}/documents/{document_id}/content-url",
    response_model=ContentUrlResponse,
    responses=error_responses(
        *VIEW_REFUSALS,
        DirectTransferOff,
        StorageUnavailable,
    ),
)
def shared_content_url(
    document_id: str,
    db: DbDep,
    runtime: RuntimeDep,
    share: Annotated[Share, Depends(viewed_share)],
) -> ContentUrlResponse:
    """A short-lived presigned GET of a shared document's ciphertext (direct transfers)."""
    transfers = direct_uploads.transfers_for(runtime.settings, runtime.blobs)
    document = viewing.shared_document(db, share, document_id)
    return content_url_response(direct_uploads.content_url(transfers, runtime.settings, document))
