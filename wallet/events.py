"""What happens to wallets, told to whoever listens: the core's seam for the
packages above it (the day centres' anonymous indicators). The core emits;
it never knows who subscribes: pde/app.py wires the subscribers.

An event names what happened and the centre the wallet was created at (or None),
never a handle and never content. Only a wallet's opening carries the wallet's
id, for the one subscriber that counts a wallet once a month (see
docs/threat-model.md). Subscribers run in the emitter's database transaction:
what they write is committed with the change, or rolled back with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wallet.models import Account

WALLET_CREATED = "wallet_created"
WALLET_OPENED = "wallet_opened"  # a login: passphrase, recovery sheet or trustees
DOCUMENT_STORED = "document_stored"  # an upload by the owner completed (size: its bytes)
SHARE_MADE = "share_made"
SHARE_OPENED = "share_opened"  # a worker opened a share with its link (and PIN)
DEPOSIT_ACCEPTED = "deposit_accepted"  # the owner took a deposited file into the wallet
RECOVERY_COMPLETED = "recovery_completed"  # a login by recovery sheet or by trustees
KINDS = (
    WALLET_CREATED,
    WALLET_OPENED,
    DOCUMENT_STORED,
    SHARE_MADE,
    SHARE_OPENED,
    DEPOSIT_ACCEPTED,
    RECOVERY_COMPLETED,
)


@dataclass(frozen=True)
class WalletEvent:
    """One thing that happened to a wallet, with no trail about the person."""

    kind: str
    centre_id: str | None
    size: int = 0  # bytes, for DOCUMENT_STORED
    wallet_id: str | None = None  # for WALLET_OPENED only
    count: int = 1  # how many times it happened at once (a crowd's share openings)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown wallet event {self.kind!r}")
        if self.count < 1 or (self.count > 1 and self.kind != SHARE_OPENED):
            raise ValueError("only share openings are told several at once")
        if self.wallet_id is not None and self.kind != WALLET_OPENED:
            raise ValueError("only a wallet's opening names the wallet")


Subscriber = Callable[[Session, WalletEvent], None]


class WalletEvents:
    """The subscribers of wallet events, held by the Runtime."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def emit(self, db: Session, event: WalletEvent) -> None:
        """Tell every subscriber, in `db`'s transaction (the caller commits)."""
        for subscriber in self._subscribers:
            subscriber(db, event)

    def wallet(self, db: Session, kind: str, account: Account, *, size: int = 0) -> None:
        """Emit `kind` for `account` (its centre; its id only for an opening)."""
        wallet_id = account.id if kind == WALLET_OPENED else None
        self.emit(db, WalletEvent(kind, account.centre_id, size=size, wallet_id=wallet_id))
