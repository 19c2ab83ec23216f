"""Routes of recovery by trustees (docs/trustees.md): the owner sets up trustees
and sees and cancels recovery requests; a trustee releases their share to a
request; the requester, with no session, asks, waits, collects the released
shares and logs in with k of them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from wallet.api.accounts import open_session_response
from wallet.api.deps import ClientKey, CurrentWallet, DbDep, RuntimeDep
from wallet.api.errors import error_responses
from wallet.api.schemas import (
    Id,
    LoginResponse,
    RecoveryRequestCreate,
    RecoveryRequestProof,
    RecoveryRequestResponse,
    RecoveryStatusResponse,
    ReleasedShareResponse,
    ReleaseRequest,
    TrusteeLoginRequest,
    TrusteeRequestResponse,
    TrusteeSetupRequest,
    TrusteesResponse,
    WalletTrusteeResponse,
)
from wallet.errors import (
    AlreadyExists,
    InvalidCredentials,
    LimitsUnavailable,
    NotAuthenticated,
    NotFound,
    PassphraseChangeRequired,
    RateLimited,
    RecoveryNotReady,
)
from wallet.models import Account, RecoveryRequest
from wallet.services import recovery

router = APIRouter(prefix="/api/v1", tags=["recovery by trustees"])
AUTH = (NotAuthenticated, PassphraseChangeRequired, NotFound)


def trustees_response(db: DbDep, account: Account) -> TrusteesResponse:
    return TrusteesResponse(
        threshold=account.trustee_threshold,
        total=account.trustee_total,
        record=account.trustee_record,
        wallet_trustees=[
            WalletTrusteeResponse(x=share.x, handle=handle)
            for share, handle in recovery.wallet_trustees(db, account.id)
        ],
    )


def request_response(request: RecoveryRequest) -> RecoveryRequestResponse:
    return RecoveryRequestResponse(
        request_id=request.id,
        created_at=request.created_at,
        opens_at=request.opens_at,
        state=recovery.request_state(request),  # type: ignore[arg-type]
    )


@router.put("/trustees", response_model=TrusteesResponse, responses=error_responses(*AUTH))
def set_up_trustees(
    body: TrusteeSetupRequest, db: DbDep, account: CurrentWallet
) -> TrusteesResponse:
    """Replace the wallet's trustees: k of n shares of a trustee key will open it."""
    setup = recovery.TrusteeSetup(
        set_id=body.set_id,
        threshold=body.threshold,
        total=body.total,
        trustee_auth=body.trustee_auth,
        wrapped_master_key=body.wrapped_master_key,
        record=body.record,
        wallet_trustees=[
            recovery.WalletTrustee(t.handle, t.public_key, t.x, t.sealed_share)
            for t in body.wallet_trustees
        ],
    )
    recovery.set_up_trustees(db, account, setup)
    db.commit()
    return trustees_response(db, account)


@router.get("/trustees", response_model=TrusteesResponse, responses=error_responses(*AUTH))
def get_trustees(db: DbDep, account: CurrentWallet) -> TrusteesResponse:
    """The wallet's trustees (k, n, the owner's sealed notes, trustee wallets)."""
    return trustees_response(db, account)


@router.delete("/trustees", status_code=204, responses=error_responses(*AUTH))
def remove_trustees(db: DbDep, account: CurrentWallet) -> None:
    """No trustees any more."""
    recovery.remove_trustees(db, account)
    db.commit()


@router.get(
    "/recovery-requests",
    response_model=list[RecoveryRequestResponse],
    responses=error_responses(*AUTH),
)
def requests_against_me(db: DbDep, account: CurrentWallet) -> list[RecoveryRequestResponse]:
    """Recovery requests for this wallet that are not over: warn the owner."""
    return [request_response(r) for r in recovery.requests_against(db, account.id)]


@router.post(
    "/recovery-requests/{request_id}/cancel",
    response_model=RecoveryRequestResponse,
    responses=error_responses(*AUTH),
)
def cancel_request(request_id: Id, db: DbDep, account: CurrentWallet) -> RecoveryRequestResponse:
    """Stop a recovery request; what trustees released to it is deleted."""
    request = recovery.cancel_request(db, account.id, request_id)
    db.commit()
    return request_response(request)


@router.get(
    "/trustee/requests",
    response_model=list[TrusteeRequestResponse],
    responses=error_responses(*AUTH),
)
def requests_for_me(db: DbDep, account: CurrentWallet) -> list[TrusteeRequestResponse]:
    """Open recovery requests for wallets this wallet is a trustee of."""
    return [
        TrusteeRequestResponse(
            **request_response(request).model_dump(),
            owner_handle=handle,
            owner_account_id=share.account_id,
            public_key=request.request_public_key,
            x=share.x,
            set_id=share.set_id,
            sealed_share=share.sealed_share,
            released=released,
        )
        for request, share, handle, released in recovery.requests_for_trustee(db, account.id)
    ]


@router.post(
    "/trustee/requests/{request_id}/release",
    status_code=204,
    responses=error_responses(*AUTH, AlreadyExists),
)
def release_share(request_id: Id, body: ReleaseRequest, db: DbDep, account: CurrentWallet) -> None:
    """Agree to a recovery: this trustee's share, re-sealed to the request's key."""
    recovery.release_share(db, account.id, request_id, body.sealed_share)
    db.commit()


# The requester: no session ---------------------------------------------------------


@router.post(
    "/recovery-requests",
    status_code=201,
    response_model=RecoveryRequestResponse,
    responses=error_responses(AlreadyExists, RateLimited),
)
def open_request(
    body: RecoveryRequestCreate, db: DbDep, runtime: RuntimeDep, client: ClientKey
) -> RecoveryRequestResponse:
    """Ask to recover a wallet through its trustees; the same answer for any handle."""
    request = recovery.open_request(
        db,
        runtime.settings,
        runtime.limiter,
        client,
        request_id=body.request_id,
        handle=body.handle,
        public_key=body.public_key,
        token=body.token,
    )
    db.commit()
    return request_response(request)


@router.post(
    "/recovery-requests/{request_id}/status",
    response_model=RecoveryStatusResponse,
    responses=error_responses(NotFound),
)
def request_status(request_id: Id, body: RecoveryRequestProof, db: DbDep) -> RecoveryStatusResponse:
    """One's own request (proved by its token): its state, and once the delay is over,
    the shares the trustees released to it."""
    request = recovery.own_request(db, request_id, body.token)
    released = [
        ReleasedShareResponse(x=r.x, sealed_share=r.sealed_share)
        for r in recovery.released_shares(db, request)
    ]
    return RecoveryStatusResponse(**request_response(request).model_dump(), released=released)


@router.post(
    "/login/trustees",
    response_model=LoginResponse,
    responses=error_responses(
        InvalidCredentials, RecoveryNotReady, NotFound, RateLimited, LimitsUnavailable
    ),
)
def login_with_trustees(
    body: TrusteeLoginRequest,
    db: DbDep,
    runtime: RuntimeDep,
    client: ClientKey,
    request: Request,
) -> LoginResponse:
    """Open the wallet with k trustees' shares, through one's own request whose delay
    is over; the wallet then requires a new passphrase."""
    account = recovery.verify_trustee_login(
        db,
        runtime.settings,
        runtime.limiter,
        client,
        handle=body.handle,
        request_id=body.request_id,
        token=body.token,
        trustee_auth=body.trustee_auth,
    )
    return open_session_response(db, runtime, request, account, recovery=True)
