"""Deposit links: a write-only door into a wallet. A service holding the link
uploads files whose keys are sealed to the wallet's X25519 public key
(FORMAT.md §7); it can never list or read anything, its own uploads included.
The owner finds the files in an inbox and accepts them (the client re-wraps
each key under the master key) or rejects them (deleted).

The link is the capability: its 128-bit id. Its fragment carries a secret that
opens the link's info box (stored here, read only by the link's holder): the
owner's label and the wallet's public key, so a depositor's client can check
the key it is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from crypto.share import is_valid_id
from wallet.clock import now
from wallet.errors import (
    AlreadyExists,
    DepositClosed,
    DepositLimit,
    DepositNotFound,
    DepositPendingLimit,
    DepositSuspended,
    InvalidRequest,
    NotFound,
)
from wallet.limits import Counter, Limiter, uncounted_if_refused
from wallet.links import ACTIVE, USED_UP, check_lifetime, find_owned, link_state, revoke
from wallet.models import Account, DepositLink, Document
from wallet.services import link_reports
from wallet.services.documents import (
    DEPOSITED,
    READY,
    UPLOADING,
    NewDocument,
    create_document,
    delete_document,
    find_document,
    find_pending_upload,
)
from wallet.services.uploads import discard_upload
from wallet.settings import WalletSettings


@dataclass(frozen=True)
class NewDepositLink:
    """What the owner's client sends: the id, how long, how many files, the label sealed
    for the owner, and the info box sealed for the link's holder."""

    deposit_id: str
    expires_in: timedelta
    max_files: int
    label_box: bytes
    info_box: bytes


@dataclass(frozen=True)
class Pending:
    """A link's files started and not sent yet: how many, and the quota space they hold."""

    files: int = 0
    bytes: int = 0


NOTHING_PENDING = Pending()


@dataclass(frozen=True)
class EndedLinks:
    """What housekeeping removed of ended deposit links, and the blobs to delete once
    that is committed."""

    links: int
    files: int
    leftovers: list[str]


def deposit_link_state(link: DepositLink, moment: datetime | None = None) -> str:
    """active, or why the link takes no more files."""
    return link_state(link, moment, used_up=link.files >= link.max_files)


# The owner's side ---------------------------------------------------------------


def create_link(
    db: Session, settings: WalletSettings, account: Account, new: NewDepositLink
) -> DepositLink:
    """Store a deposit link of `account`, after every limit is checked."""
    check_lifetime(new.expires_in, settings.deposit_max_days, "deposit link")
    if not 1 <= new.max_files <= settings.deposit_files_per_link:
        raise InvalidRequest(f"A deposit link takes 1 to {settings.deposit_files_per_link} files.")
    kept = db.scalar(
        select(func.count()).select_from(DepositLink).where(DepositLink.account_id == account.id)
    )
    if (kept or 0) >= settings.deposit_links_per_wallet:
        raise DepositLimit()
    if db.get(DepositLink, new.deposit_id) is not None:
        raise AlreadyExists()
    moment = now()
    link = DepositLink(
        id=new.deposit_id,
        account_id=account.id,
        label_box=new.label_box,
        info_box=new.info_box,
        created_at=moment,
        expires_at=moment + new.expires_in,
        max_files=new.max_files,
        files=0,
    )
    db.add(link)
    db.flush()
    return link


def list_links(db: Session, account_id: str) -> list[DepositLink]:
    """Every deposit link of the wallet, newest first."""
    query = select(DepositLink).where(DepositLink.account_id == account_id)
    return list(db.scalars(query.order_by(DepositLink.created_at.desc(), DepositLink.id)))


def pending_by_link(db: Session, account_id: str) -> dict[str, Pending]:
    """The files being sent through each of the wallet's links and the space they
    hold, in one query for every link; a link with none is not in the answer."""
    query = (
        select(Document.deposit_id, func.count(), func.sum(Document.size))
        .where(
            Document.account_id == account_id,
            Document.state == UPLOADING,
            Document.deposit_id.is_not(None),
        )
        .group_by(Document.deposit_id)
    )
    # int(): PostgreSQL sums a BIGINT as NUMERIC.
    return {str(link): Pending(files, int(held)) for link, files, held in db.execute(query)}


def find_link(db: Session, account_id: str, deposit_id: str) -> DepositLink:
    """One of the wallet's deposit links; NotFound for any other id."""
    return find_owned(db, DepositLink, deposit_id, account_id)


def revoke_link(db: Session, account: Account, deposit_id: str) -> tuple[DepositLink, list[str]]:
    """Close the link now; files already deposited stay in the inbox, files still
    being sent are dropped and their space given back. Idempotent. Returns the link
    and the blob keys to delete once this is committed."""
    link = find_link(db, account.id, deposit_id)
    revoke(link)
    leftovers = _drop_unfinished(db, account, link.id)
    db.flush()
    return link, leftovers


def delete_link(db: Session, account: Account, deposit_id: str) -> list[str]:
    """Forget the link (it closes at once); files already deposited stay in the inbox,
    files still being sent are dropped. Returns the blob keys to delete after commit."""
    link = find_link(db, account.id, deposit_id)
    leftovers = _drop_unfinished(db, account, link.id)
    db.delete(link)
    db.flush()
    return leftovers


def purge_ended_links(db: Session, at: datetime, forgotten_before: datetime) -> EndedLinks:
    """Housekeeping: files still being sent through a link that has expired are
    dropped and their space given back (nobody can finish them any more; a revoked
    link's went when it was revoked), and links that ended before `forgotten_before`
    are deleted (files already deposited stay in the inbox)."""
    ended = or_(DepositLink.expires_at <= at, DepositLink.revoked_at.is_not(None))
    waiting = db.scalars(
        select(Document)
        .join(DepositLink, Document.deposit_id == DepositLink.id)
        .where(Document.state == UPLOADING, ended)
    ).all()
    leftovers: list[str] = []
    for document in waiting:
        leftovers += discard_upload(db, document.account, document.id)
    long_ago = or_(
        DepositLink.expires_at <= forgotten_before, DepositLink.revoked_at <= forgotten_before
    )
    forgotten = db.scalars(select(DepositLink.id).where(long_ago)).all()
    db.execute(delete(DepositLink).where(DepositLink.id.in_(forgotten)))
    db.flush()
    return EndedLinks(len(forgotten), len(waiting), leftovers)


def _unfinished(db: Session, deposit_id: str) -> list[Document]:
    """The files started through a link and not completed: each holds its size."""
    query = select(Document).where(Document.deposit_id == deposit_id, Document.state == UPLOADING)
    return list(db.scalars(query))


def _drop_unfinished(db: Session, account: Account, deposit_id: str) -> list[str]:
    leftovers: list[str] = []
    for document in _unfinished(db, deposit_id):
        leftovers += discard_upload(db, account, document.id)
    return leftovers


def inbox(db: Session, account_id: str) -> list[Document]:
    """The wallet's deposited files waiting to be accepted or rejected, oldest first."""
    query = select(Document).where(Document.account_id == account_id, Document.state == DEPOSITED)
    return list(db.scalars(query.order_by(Document.created_at, Document.id)))


def accept(
    db: Session, account_id: str, document_id: str, wrapped_key: bytes, metadata_box: bytes
) -> Document:
    """Make a deposited file an ordinary document: its key now wrapped under the
    master key and its metadata sealed as the wallet's own (the client did both)."""
    document = find_document(db, account_id, document_id, state=DEPOSITED)
    document.wrapped_key = wrapped_key
    document.metadata_box = metadata_box
    document.deposit_id = None
    document.state = READY
    document.updated_at = now()
    db.flush()
    return document


def reject(db: Session, account: Account, document_id: str) -> list[str]:
    """Delete a deposited file; returns the blob keys to delete once committed."""
    find_document(db, account.id, document_id, state=DEPOSITED)
    return delete_document(db, account, document_id)


# The depositor's side -----------------------------------------------------------


def open_link(db: Session, deposit_id: str, *, new_file: bool = True) -> DepositLink:
    """The deposit link, if it still takes a new file (or, with `new_file=False`, the
    rest of a file already declared: a used-up count does not stop that)."""
    link = db.get(DepositLink, deposit_id) if is_valid_id(deposit_id) else None
    if link is None:
        raise DepositNotFound()
    state = deposit_link_state(link)
    if state != ACTIVE and (new_file or state != USED_UP):
        raise DepositClosed()
    suspension = link_reports.suspension_of(db, link_reports.DEPOSIT, link.id)
    if suspension is not None:  # after a report: nothing goes through until it is lifted
        raise DepositSuspended(suspension_reason=suspension.reason)
    return link


def declare_deposit(
    db: Session,
    settings: WalletSettings,
    limiter: Limiter,
    client: str,
    deposit_id: str,
    new: NewDocument,
) -> Document:
    """Declare one deposited file: counts against the link (one UPDATE decides, so
    racing depositors cannot pass its count) and the wallet's quota."""
    limit = settings.deposits_per_client_per_hour
    attempt = limiter.acquire(Counter("deposit", client, limit, 3600), fail_closed=False)
    with uncounted_if_refused(limiter, attempt):  # a closed link takes no file to count
        link = open_link(db, deposit_id)
        counted = db.execute(
            update(DepositLink)
            .where(DepositLink.id == link.id, DepositLink.files < DepositLink.max_files)
            .values(files=DepositLink.files + 1)
            .execution_options(synchronize_session=False)
        )
        if counted.rowcount != 1:  # type: ignore[attr-defined]
            raise DepositClosed()
    account = db.get(Account, link.account_id)
    assert account is not None  # the link goes with its wallet
    document = create_document(db, settings, account, new)
    # A link holder cannot fill the owner's quota with files never sent: refused here,
    # the caller's transaction (and the link's count with it) is rolled back.
    if sum(d.size for d in _unfinished(db, link.id)) > settings.deposit_pending_bytes_per_link:
        raise DepositPendingLimit(limit=settings.deposit_pending_bytes_per_link)
    return document


def deposit_upload(db: Session, deposit_id: str, document_id: str) -> tuple[Account, Document]:
    """The wallet and the unfinished upload a depositor may still write to: only its
    own, only while the link is open."""
    link = open_link(db, deposit_id, new_file=False)
    if not is_valid_id(document_id):
        raise NotFound()
    # The link is checked before the state: another link's finished file, or one of
    # the owner's documents, must look exactly like an id that does not exist.
    document = find_document(db, link.account_id, document_id, state=None)
    if document.deposit_id != link.id:
        raise NotFound()
    return document.account, find_pending_upload(db, link.account_id, document_id)
