"""Recovery by trustees (docs/trustees.md): the owner gives k-of-n shares of a
trustee key to people or services they trust; someone who lost access asks
for recovery; after a delay the owner could use to cancel it, the trustees
who agree release their shares to the request, and k of them open the wallet
and force a new passphrase. The server holds only sealed shares, a verifier
and the timings: no trustee alone, and no operator, can open anything."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crypto.verifier import check_verifier, dummy_verifier, hash_verifier
from wallet.clock import now
from wallet.errors import (
    AlreadyExists,
    InvalidCredentials,
    InvalidRequest,
    NotFound,
    RecoveryNotReady,
)
from wallet.limits import Counter, Limiter, uncounted_if_refused
from wallet.models import Account, RecoveryRequest, ReleasedShare, TrusteeShare
from wallet.services.accounts import find_account, lookup_key
from wallet.settings import WalletSettings

MAX_TRUSTEES = 16
WAITING, READY, CANCELLED, COMPLETED = "waiting", "ready", "cancelled", "completed"


@dataclass(frozen=True)
class WalletTrustee:
    """A share for a trustee with a wallet: who (handle and the public key they gave
    the owner) and the share sealed to that key."""

    handle: str
    public_key: bytes
    x: int
    sealed_share: bytes


@dataclass(frozen=True)
class TrusteeSetup:
    """What the owner's client sends to set up trustees; nothing in it is secret."""

    set_id: bytes
    threshold: int
    total: int
    trustee_auth: bytes
    wrapped_master_key: bytes
    record: bytes
    wallet_trustees: list[WalletTrustee]


def _token_hash(token: bytes) -> bytes:
    return hashlib.sha256(token).digest()


# The owner's side ----------------------------------------------------------------


def set_up_trustees(db: Session, account: Account, setup: TrusteeSetup) -> None:
    """Replace the wallet's trustees. A trustee wallet is named by its handle and the
    public key it gave the owner: both must match, else it is not found (so handles
    cannot be probed), and it cannot be the owner's own wallet."""
    if not 2 <= setup.threshold <= setup.total <= MAX_TRUSTEES:
        raise InvalidRequest(f"Choose from 2 to {MAX_TRUSTEES} trustees, and how many must agree.")
    xs = [t.x for t in setup.wallet_trustees]
    if len(set(xs)) != len(xs) or not all(1 <= x <= setup.total for x in xs):
        raise InvalidRequest("Each share has its own number, from 1 to the number of trustees.")
    trustee_ids = []
    for trustee in setup.wallet_trustees:
        found = find_account(db, trustee.handle)
        if found is None or not hmac.compare_digest(found.deposit_public_key, trustee.public_key):
            raise NotFound("No wallet has this name and key.")
        if found.id == account.id:
            raise InvalidRequest("You cannot be your own trustee.")
        trustee_ids.append(found.id)
    remove_trustees(db, account)
    account.trustee_threshold, account.trustee_total = setup.threshold, setup.total
    account.trustee_verifier = hash_verifier(setup.trustee_auth)
    account.wrapped_master_key_trustees = setup.wrapped_master_key
    account.trustee_record = setup.record
    for trustee, trustee_id in zip(setup.wallet_trustees, trustee_ids, strict=True):
        db.add(
            TrusteeShare(
                account_id=account.id,
                x=trustee.x,
                trustee_account_id=trustee_id,
                set_id=setup.set_id,
                sealed_share=trustee.sealed_share,
            )
        )
    db.flush()


def remove_trustees(db: Session, account: Account) -> None:
    """No trustees any more: their shares open nothing from now on."""
    db.execute(delete(TrusteeShare).where(TrusteeShare.account_id == account.id))
    account.trustee_threshold = account.trustee_total = None
    account.trustee_verifier = account.wrapped_master_key_trustees = None
    account.trustee_record = None


def wallet_trustees(db: Session, account_id: str) -> list[tuple[TrusteeShare, str]]:
    """The wallet's trustees that have a wallet: (share row, trustee handle)."""
    query = (
        select(TrusteeShare, Account.handle)
        .join(Account, Account.id == TrusteeShare.trustee_account_id)
        .where(TrusteeShare.account_id == account_id)
        .order_by(TrusteeShare.x)
    )
    return [(share, handle) for share, handle in db.execute(query)]


def request_state(request: RecoveryRequest, moment: datetime | None = None) -> str:
    """waiting (the delay runs), ready, cancelled or completed."""
    if request.cancelled_at is not None:
        return CANCELLED
    if request.completed_at is not None:
        return COMPLETED
    return READY if (moment or now()) >= request.opens_at else WAITING


def requests_against(db: Session, account_id: str) -> list[RecoveryRequest]:
    """Recovery requests for this wallet that are not over: shown at every login."""
    query = select(RecoveryRequest).where(
        RecoveryRequest.account_id == account_id,
        RecoveryRequest.cancelled_at.is_(None),
        RecoveryRequest.completed_at.is_(None),
    )
    return list(db.scalars(query.order_by(RecoveryRequest.created_at)))


def cancel_request(db: Session, account_id: str, request_id: str) -> RecoveryRequest:
    """The owner stops a recovery request: its released shares are deleted with it."""
    request = db.get(RecoveryRequest, request_id)
    if request is None or request.account_id != account_id:
        raise NotFound()
    if request.cancelled_at is None and request.completed_at is None:
        request.cancelled_at = now()
        db.execute(delete(ReleasedShare).where(ReleasedShare.request_id == request.id))
    db.flush()
    return request


# The trustee's side ----------------------------------------------------------------


def requests_for_trustee(
    db: Session, trustee_id: str
) -> list[tuple[RecoveryRequest, TrusteeShare, str, bool]]:
    """Open requests for wallets this trustee holds a share of: (request, the
    trustee's sealed share, owner handle, already released)."""
    query = (
        select(RecoveryRequest, TrusteeShare, Account.handle)
        .join(TrusteeShare, TrusteeShare.account_id == RecoveryRequest.account_id)
        .join(Account, Account.id == RecoveryRequest.account_id)
        .where(
            TrusteeShare.trustee_account_id == trustee_id,
            RecoveryRequest.cancelled_at.is_(None),
            RecoveryRequest.completed_at.is_(None),
        )
        .order_by(RecoveryRequest.created_at)
    )
    rows = []
    for request, share, handle in db.execute(query):
        released = db.get(ReleasedShare, (request.id, share.x)) is not None
        rows.append((request, share, handle, released))
    return rows


def release_share(db: Session, trustee_id: str, request_id: str, sealed: bytes) -> None:
    """A trustee agrees: their share, re-sealed to the request's key, waits for it."""
    for request, share, _, released in requests_for_trustee(db, trustee_id):
        if request.id == request_id:
            if released:
                raise AlreadyExists("You already released your share to this request.")
            db.add(
                ReleasedShare(
                    request_id=request.id, x=share.x, sealed_share=sealed, released_at=now()
                )
            )
            db.flush()
            return
    raise NotFound()


# The requester's side (no session) ---------------------------------------------------


def open_request(
    db: Session,
    settings: WalletSettings,
    limiter: Limiter,
    client: str,
    *,
    request_id: str,
    handle: str,
    public_key: bytes,
    token: bytes,
) -> RecoveryRequest:
    """Ask to recover the wallet `handle`. Stored the same way whether or not that
    wallet exists or has trustees, so the answer reveals neither. A wallet takes one
    open request at a time, and a few a month: others are kept inert, like requests
    for a handle that does not exist, and nobody is told about them."""
    limit = settings.recovery_requests_per_client_per_hour
    limiter.acquire(Counter("recovery-request", client, limit, 3600), fail_closed=False)
    if db.get(RecoveryRequest, request_id) is not None:
        raise AlreadyExists()
    lookup_key(handle)  # a malformed handle is refused like anywhere else
    account = find_account(db, handle)
    moment = now()
    if account is not None and not _takes_a_request(db, settings, account.id, moment):
        account = None  # kept inert, as for an unknown handle: the answer is the same
    request = RecoveryRequest(
        id=request_id,
        account_id=account.id if account is not None else None,
        request_public_key=public_key,
        token_hash=_token_hash(token),
        created_at=moment,
        opens_at=moment + timedelta(hours=settings.recovery_delay_hours),
    )
    db.add(request)
    db.flush()
    return request


def _takes_a_request(
    db: Session, settings: WalletSettings, account_id: str, moment: datetime
) -> bool:
    """Whether a new request may reach this wallet: none open (one is enough to warn
    the owner and the trustees), and fewer than the month's allowance made."""
    if requests_against(db, account_id):
        return False
    month = select(func.count()).where(
        RecoveryRequest.account_id == account_id,
        RecoveryRequest.created_at > moment - timedelta(days=30),
    )
    return (db.scalar(month) or 0) < settings.recovery_requests_per_wallet_per_month


def own_request(db: Session, request_id: str, token: bytes) -> RecoveryRequest:
    """The request whose token this is; NotFound otherwise (also for a wrong token)."""
    request = db.get(RecoveryRequest, request_id)
    if request is None or not hmac.compare_digest(request.token_hash, _token_hash(token)):
        raise NotFound()
    return request


def released_shares(db: Session, request: RecoveryRequest) -> list[ReleasedShare]:
    """The shares released to a request, only once its delay is over and if it stands."""
    if request_state(request) != READY:
        return []
    query = select(ReleasedShare).where(ReleasedShare.request_id == request.id)
    return list(db.scalars(query.order_by(ReleasedShare.x)))


def verify_trustee_login(
    db: Session,
    settings: WalletSettings,
    limiter: Limiter,
    client: str,
    *,
    handle: str,
    request_id: str,
    token: bytes,
    trustee_auth: bytes,
) -> Account:
    """Open the wallet with k trustees' shares: only through one's own request whose
    delay is over and that the owner did not cancel. Forces a new passphrase."""
    window = settings.login_window_minutes * 60
    counter = Counter("login-client", client, settings.login_attempts_per_client, window)
    attempt = limiter.acquire(counter)
    with uncounted_if_refused(limiter, attempt):  # only a wrong key counts
        request = own_request(db, request_id, token)
        state = request_state(request)
        if state != READY:
            raise RecoveryNotReady(state=state)
    account = find_account(db, handle)
    stored = dummy_verifier()
    if account is not None and account.id == request.account_id and account.trustee_verifier:
        stored = account.trustee_verifier
    if not check_verifier(stored, trustee_auth) or account is None:
        raise InvalidCredentials()
    limiter.cancel(attempt)
    request.completed_at = now()
    account.must_change_passphrase = True
    return account
