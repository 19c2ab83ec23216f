"""Share links' housekeeping, as `create_app` hands it to the core's loop: a
share that ended (expired or revoked) more than 90 days ago goes with its
documents' wrapped keys and its log; one that ended lately, or lives, stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crypto import new_id
from pde.app import housekeeping_tasks
from share_links.maintenance import purge_ended_shares
from share_links.models import Share, ShareEvent
from tests.unit.wallet.test_housekeeping import make_account
from wallet import maintenance

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def add_share(db: Session, account_id: str, *, expires: datetime, revoked: datetime | None) -> str:
    share = Share(
        id=new_id(),
        account_id=account_id,
        access_hash=bytes(32),
        pin=False,
        info_box=b"i",
        owner_record=b"o",
        created_at=min(expires, revoked or expires) - timedelta(days=1),
        expires_at=expires,
        revoked_at=revoked,
        max_opens=None,
        opens=0,
        wrong_accesses=0,
        locked=False,
    )
    db.add(share)
    db.add(ShareEvent(share_id=share.id, event="opened", at=share.created_at))
    return share.id


def test_shares_ended_more_than_90_days_ago_go_with_their_log_and_the_others_stay(runtime):
    with runtime.db() as db:
        account_id = make_account(db).id
        long_expired = add_share(db, account_id, expires=NOW - timedelta(days=91), revoked=None)
        long_revoked = add_share(
            db, account_id, expires=NOW + timedelta(days=5), revoked=NOW - timedelta(days=91)
        )
        lately_expired = add_share(db, account_id, expires=NOW - timedelta(days=89), revoked=None)
        living = add_share(db, account_id, expires=NOW + timedelta(days=1), revoked=None)
        db.commit()
        purge_ended_shares(db, NOW)
        db.commit()
        kept = set(db.scalars(select(Share.id)))
        logged = set(db.scalars(select(ShareEvent.share_id)))
    assert kept == {lately_expired, living}
    assert logged == kept
    assert long_expired not in kept and long_revoked not in kept


def test_the_app_gives_the_share_housekeeping_to_the_cores_loop(runtime):
    assert purge_ended_shares in housekeeping_tasks()
    with runtime.db() as db:
        account_id = make_account(db).id
        add_share(db, account_id, expires=datetime.now(UTC) - timedelta(days=100), revoked=None)
        db.commit()
    maintenance.run_once(runtime, housekeeping_tasks())
    with runtime.db() as db:
        assert db.scalar(select(func.count()).select_from(Share)) == 0
