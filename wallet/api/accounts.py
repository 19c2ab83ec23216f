"""Routes for wallets: registration, login, the account, passphrase,
sessions, export and erasure."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from crypto.verifier import check_verifier
from wallet.api.deps import (
    ClientKey,
    CompartmentTag,
    CurrentSession,
    CurrentWallet,
    DbDep,
    RuntimeDep,
    client_key,
)
from wallet.api.errors import error_responses
from wallet.api.schemas import (
    AccountResponse,
    EraseRequest,
    LoginRequest,
    LoginResponse,
    LoginStartRequest,
    LoginStartResponse,
    PassphraseChangeRequest,
    RecoveryLoginRequest,
    RegisterRequest,
    SessionResponse,
    SuggestedHandle,
)
from wallet.errors import (
    HandleTaken,
    InvalidCredentials,
    LimitsUnavailable,
    NotAuthenticated,
    NotFound,
    PassphraseChangeRequired,
    RateLimited,
    StorageUnavailable,
)
from wallet.events import RECOVERY_COMPLETED, WALLET_CREATED, WALLET_OPENED
from wallet.limits import Counter
from wallet.models import Account, AuthSession
from wallet.runtime import Runtime
from wallet.services import accounts, documents, erasure, sessions

router = APIRouter(prefix="/api/v1", tags=["accounts"])
AUTH_ERRORS = (NotAuthenticated,)


def account_response(
    db: Session, runtime: Runtime, account: Account, compartment: bytes | None = None
) -> AccountResponse:
    """The wallet as one view sees it: the usage shown is that view's own."""
    return AccountResponse(
        account_id=account.id,
        handle=account.handle,
        account_salt=account.account_salt,
        wrapped_master_key=account.wrapped_master_key,
        wrapped_master_key_recovery=account.wrapped_master_key_recovery,
        deposit_public_key=account.deposit_public_key,
        wrapped_deposit_private_key=account.wrapped_deposit_private_key,
        must_change_passphrase=account.must_change_passphrase,
        wrapped_master_key_trustees=account.wrapped_master_key_trustees,
        used_bytes=documents.compartment_usage(db, account.id, compartment),
        quota_bytes=runtime.settings.wallet_quota_bytes,
        document_max_bytes=runtime.settings.document_max_bytes,
        created_at=account.created_at,
        transfer="direct" if runtime.settings.direct_transfers else "server",
    )


def _client_label(request: Request) -> str:
    return request.headers.get("PDE-Client", "")[:40]


def open_session_response(
    db: DbDep, runtime: Runtime, request: Request, account: Account, *, recovery: bool
) -> LoginResponse:
    token, current = sessions.create_session(
        db, runtime.settings, account, recovery=recovery, client=_client_label(request)
    )
    runtime.events.wallet(db, WALLET_OPENED, account)
    if recovery:  # by the recovery sheet or by trustees: the person is back in
        runtime.events.wallet(db, RECOVERY_COMPLETED, account)
    db.commit()
    return LoginResponse(
        session_token=token,
        session_id=current.id,
        expires_at=current.expires_at,
        account=account_response(db, runtime, account),
    )


@router.get("/handles/suggestion", response_model=SuggestedHandle)
def suggest_handle() -> SuggestedHandle:
    """A pronounceable pseudonym the person may take or change."""
    return SuggestedHandle(handle=accounts.suggest_handle())


@router.post(
    "/accounts",
    status_code=201,
    response_model=LoginResponse,
    responses=error_responses(HandleTaken, RateLimited),
)
def register(
    body: RegisterRequest, db: DbDep, runtime: RuntimeDep, client: ClientKey, request: Request
) -> LoginResponse:
    """Create a wallet from client-made keys and log in. No e-mail, no phone, no name."""
    limit = Counter("register", client, runtime.settings.registrations_per_client_per_hour, 3600)
    runtime.limiter.acquire(limit, fail_closed=False)  # a refused one too: no free probing
    # The centre of the enrolled terminal it is made at (set by the terminals' middleware).
    centre_id = getattr(request.state, "terminal_centre_id", None)
    account = accounts.register(db, accounts.NewAccount(**body.model_dump()), centre_id)
    runtime.events.wallet(db, WALLET_CREATED, account)
    return open_session_response(db, runtime, request, account, recovery=False)


@router.post("/login/start", response_model=LoginStartResponse)
def login_start(body: LoginStartRequest, db: DbDep, runtime: RuntimeDep) -> LoginStartResponse:
    """The salt to derive the login keys with; the same shape for handles that do not exist."""
    return LoginStartResponse(account_salt=accounts.login_salt(db, runtime.settings, body.handle))


def _login(
    db: DbDep, runtime: Runtime, request: Request, handle: str, secret: bytes, *, recovery: bool
) -> LoginResponse:
    account = accounts.verify_login(
        db,
        runtime.settings,
        runtime.limiter,
        handle=handle,
        secret=secret,
        client_key=client_key(request),
        recovery=recovery,
    )
    if recovery:
        account.must_change_passphrase = True
    return open_session_response(db, runtime, request, account, recovery=recovery)


@router.post(
    "/login",
    response_model=LoginResponse,
    responses=error_responses(InvalidCredentials, RateLimited, LimitsUnavailable),
)
def login(body: LoginRequest, db: DbDep, runtime: RuntimeDep, request: Request) -> LoginResponse:
    """Log in with the auth key derived from the passphrase (and wallet card)."""
    return _login(db, runtime, request, body.handle, body.auth_key, recovery=False)


@router.post(
    "/login/recovery",
    response_model=LoginResponse,
    responses=error_responses(InvalidCredentials, RateLimited, LimitsUnavailable),
)
def login_with_recovery(
    body: RecoveryLoginRequest, db: DbDep, runtime: RuntimeDep, request: Request
) -> LoginResponse:
    """Log in with the recovery sheet; the wallet then requires a new passphrase."""
    return _login(db, runtime, request, body.handle, body.recovery_auth, recovery=True)


@router.get("/account", response_model=AccountResponse, responses=error_responses(*AUTH_ERRORS))
def get_account(
    session: CurrentSession, db: DbDep, runtime: RuntimeDep, compartment: CompartmentTag
) -> AccountResponse:
    """The caller's wallet: wrapped keys, usage (of the view asked for) and limits."""
    return account_response(db, runtime, session.account, compartment)


@router.put(
    "/account/passphrase",
    status_code=204,
    responses=error_responses(*AUTH_ERRORS, InvalidCredentials),
)
def change_passphrase(body: PassphraseChangeRequest, db: DbDep, session: CurrentSession) -> None:
    """Re-key the login. Needs the current auth key, except right after a recovery login.
    `account_salt` must be the account's own (it never changes): another one is refused
    with 422 invalid_request. Every other session of the wallet is ended."""
    account = session.account
    if not account.must_change_passphrase and (
        body.current_auth_key is None or not check_verifier(account.verifier, body.current_auth_key)
    ):
        raise InvalidCredentials("The current passphrase is not right.")
    accounts.change_passphrase(
        account,
        accounts.NewPassphrase(body.account_salt, body.auth_key, body.wrapped_master_key),
    )
    session.recovery = False
    sessions.end_other_sessions(db, account.id, session.id)
    db.commit()


@router.post("/logout", status_code=204, responses=error_responses(*AUTH_ERRORS))
def logout(db: DbDep, session: CurrentSession, response: Response) -> None:
    """End the current session, and ask the browser to forget what this site kept
    (docs/design.md §5): cache and storage, not cookies, since an enrolled terminal's
    cookie names the machine and must stay. The browser obeys only when the request
    could carry credentials (the kiosk logs out with `credentials: 'same-origin'`)."""
    sessions.end_session(db, session.account_id, session.id)
    db.commit()
    response.headers["Clear-Site-Data"] = '"cache", "storage"'


@router.get(
    "/sessions", response_model=list[SessionResponse], responses=error_responses(*AUTH_ERRORS)
)
def list_sessions(db: DbDep, session: CurrentSession) -> list[SessionResponse]:
    """The wallet's open sessions, so the owner can end any they do not recognise."""
    return [_session_response(s, session) for s in sessions.list_sessions(db, session.account_id)]


def _session_response(item: AuthSession, current: AuthSession) -> SessionResponse:
    return SessionResponse(
        session_id=item.id,
        client=item.client,
        current=item.id == current.id,
        recovery=item.recovery,
        created_at=item.created_at,
        last_seen_at=item.last_seen_at,
        expires_at=item.expires_at,
    )


@router.delete(
    "/sessions/{session_id}", status_code=204, responses=error_responses(*AUTH_ERRORS, NotFound)
)
def end_session(session_id: str, db: DbDep, session: CurrentSession) -> None:
    """End one of the wallet's sessions."""
    sessions.end_session(db, session.account_id, session_id)
    db.commit()


@router.get(
    "/account/export",
    responses={
        200: {"content": {"application/zip": {}}},
        **error_responses(*AUTH_ERRORS, PassphraseChangeRequired, StorageUnavailable),
    },
)
def export(db: DbDep, account: CurrentWallet, runtime: RuntimeDep) -> StreamingResponse:
    """Every wrapped key, sealed metadata and ciphertext of the wallet, as one zip."""
    manifest = erasure.export_manifest(db, account)
    return StreamingResponse(
        erasure.export_archive(manifest, runtime.blobs),
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="pde-export.zip"'},
    )


@router.delete(
    "/account",
    status_code=204,
    responses=error_responses(*AUTH_ERRORS, InvalidCredentials, StorageUnavailable),
)
def erase(body: EraseRequest, db: DbDep, session: CurrentSession, runtime: RuntimeDep) -> None:
    """Erase the wallet and everything in it, for good. The handle must be typed again."""
    account = session.account
    if accounts.normalize_handle(body.confirm_handle)[1] != account.handle_key:
        raise InvalidCredentials("Type your wallet name exactly to confirm.")
    erasure.erase_account(db, runtime.blobs, account)
    db.commit()
