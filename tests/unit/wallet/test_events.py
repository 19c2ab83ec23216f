"""The wallet core's event seam (wallet/events.py): an event names what happened
and the wallet's centre, never the wallet, except an opening (for the one count
of a wallet per month); every subscriber gets it with the emitter's session."""

from __future__ import annotations

from typing import Any

import pytest

from wallet.events import (
    DOCUMENT_STORED,
    KINDS,
    SHARE_MADE,
    SHARE_OPENED,
    WALLET_OPENED,
    WalletEvent,
    WalletEvents,
)
from wallet.models import Account


def test_an_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown wallet event"):
        WalletEvent("wallet_sold", None)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != WALLET_OPENED])
def test_only_an_opening_may_name_the_wallet(kind: str) -> None:
    with pytest.raises(ValueError, match="only a wallet's opening names the wallet"):
        WalletEvent(kind, "centre", wallet_id="wallet")


def test_every_subscriber_gets_the_event_with_the_emitters_session() -> None:
    events, told = WalletEvents(), []
    session: Any = object()
    events.subscribe(lambda db, event: told.append(("first", db, event)))
    events.subscribe(lambda db, event: told.append(("second", db, event)))
    account = Account(id="W" * 22, centre_id="C" * 22)
    events.wallet(session, DOCUMENT_STORED, account, size=1234)
    events.wallet(session, WALLET_OPENED, account)
    events.wallet(session, SHARE_MADE, Account(id="V" * 22, centre_id=None))
    stored = WalletEvent(DOCUMENT_STORED, "C" * 22, size=1234)
    opened = WalletEvent(WALLET_OPENED, "C" * 22, wallet_id="W" * 22)
    made = WalletEvent(SHARE_MADE, None)
    assert told == [
        ("first", session, stored),
        ("second", session, stored),
        ("first", session, opened),
        ("second", session, opened),
        ("first", session, made),
        ("second", session, made),
    ]


@pytest.mark.parametrize(
    ("kind", "count"), [(SHARE_OPENED, 0), (SHARE_MADE, 2), (WALLET_OPENED, 3)]
)
def test_only_share_openings_are_told_several_at_once(kind: str, count: int) -> None:
    with pytest.raises(ValueError, match="only share openings are told several at once"):
        WalletEvent(kind, None, count=count)
    assert WalletEvent(SHARE_OPENED, None, count=5).count == 5
