"""What a server process keeps of a share it opened (share_links/share_cache.py)
never outlives what changed in the database: two apps on one database, each
with its own cache, as two replicas would be. The owner acts through `owner`'s
server; `kept` has opened the share before (its cache is warm) and must refuse
at once; `unkept` keeps nothing, so its answers are what a first reading gives."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from share_links.opening_writer import OpeningRecorder
from share_links.share_cache import ShareCache
from tests.api import share_support
from tests.api.share_support import (
    PreparedShare,
    assert_share_error,
    expire,
    make_share,
    open_share,
    owner_view,
)
from tests.api.support import API, RawWallet, register_raw, stored_rows
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from wallet.services import link_reports


class Replica:
    """Another app on the same database and blob store, with its own cache."""

    def __init__(self, first: LiveServer, cache: ShareCache | None = None) -> None:
        self.server = LiveServer(data_dir=first.data_dir, env=first.env)
        self.server.start()
        self.http = httpx.Client(base_url=self.server.url, timeout=60)
        if cache is not None:
            self.recorder().shares = cache

    def recorder(self) -> OpeningRecorder:
        served = self.server._app  # the app served in this process (tests/server.py)
        assert served is not None
        recorder: OpeningRecorder = served._app.state.share_openings
        return recorder

    def keeps(self, share_id: str) -> bool:
        return self.recorder().shares.get(share_id) is not None

    def close(self) -> None:
        self.http.close()
        self.server.stop()


@pytest.fixture(scope="module", params=BACKENDS)
def owner_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with server_on(request.param, tmp_path_factory.mktemp(request.param)) as server:
        yield server


@pytest.fixture(scope="module")
def kept(owner_server: LiveServer) -> Iterator[Replica]:
    replica = Replica(owner_server)
    yield replica
    replica.close()


@pytest.fixture(scope="module")
def unkept(owner_server: LiveServer) -> Iterator[Replica]:
    replica = Replica(owner_server, ShareCache(shares=0))
    yield replica
    replica.close()


@pytest.fixture
def owner(owner_server: LiveServer) -> Iterator[RawWallet]:
    wallet = register_raw(owner_server.url)
    yield wallet
    wallet.close()


def warm(replica: Replica, share: PreparedShare) -> None:
    """Open the share once on `replica`, which then keeps it."""
    assert open_share(replica.http, share).status_code == 200
    assert replica.keeps(share.share_id)


def suspend(server: LiveServer, share_id: str) -> None:
    """What the operator's page does (wallet.services.link_reports)."""
    with stored_rows(server) as db:
        assert link_reports.suspend(db, link_reports.SHARE, share_id, "fraud") is not None
        db.commit()


def test_a_kept_share_revoked_elsewhere_is_refused_at_once_and_counts_nothing(
    owner_server: LiveServer, owner: RawWallet, kept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")], pin="1357")
    warm(kept, share)

    assert owner.http.post(f"{API}/shares/{share.share_id}/revoke").status_code == 200

    for pin in ("1357", "0000"):
        assert_share_error(open_share(kept.http, share, pin), 410, "share_revoked")
    assert owner_view(owner, share.share_id)["opens"] == 1


def test_a_kept_share_deleted_elsewhere_is_not_found_at_once_and_forgotten(
    owner: RawWallet, kept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")])
    warm(kept, share)

    assert owner.http.delete(f"{API}/shares/{share.share_id}").status_code == 204

    assert_share_error(open_share(kept.http, share), 404, "share_not_found")
    assert not kept.keeps(share.share_id)


def test_a_kept_share_suspended_elsewhere_is_refused_at_once_and_counts_nothing(
    owner_server: LiveServer, owner: RawWallet, kept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")], pin="2468")
    warm(kept, share)
    before = owner_view(owner, share.share_id)

    suspend(owner_server, share.share_id)

    for pin in ("2468", "0000"):
        refused = open_share(kept.http, share, pin)
        assert_share_error(refused, 403, "share_suspended", suspension_reason="fraud")
    after = owner_view(owner, share.share_id)
    assert (after["opens"], after["events"]) == (1, before["events"])


def test_a_kept_share_expired_since_is_refused_at_once(
    owner_server: LiveServer, owner: RawWallet, kept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")])
    warm(kept, share)

    expire(owner_server, share.share_id)

    assert_share_error(open_share(kept.http, share), 410, "share_expired")


def test_a_kept_share_used_up_on_another_server_is_refused_at_once(
    owner: RawWallet, kept: Replica, unkept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")], max_opens=2)
    warm(kept, share)

    assert open_share(unkept.http, share).status_code == 200  # the last opening, elsewhere

    assert_share_error(open_share(kept.http, share), 410, "share_used_up")
    assert owner_view(owner, share.share_id)["opens"] == 2


def test_a_kept_share_locked_by_wrong_pins_on_another_server_is_refused_at_once(
    owner: RawWallet, kept: Replica, unkept: Replica
) -> None:
    share = make_share(owner, [owner.add(b"letter")], pin="9753")
    warm(kept, share)

    answers = [open_share(unkept.http, share, pin=f"{n}{n}{n}{n}").status_code for n in range(5)]
    assert answers == [403, 403, 403, 403, 423]

    assert_share_error(open_share(kept.http, share), 423, "share_locked")


def test_a_document_deleted_after_the_share_was_kept_is_never_served(
    owner: RawWallet, kept: Replica
) -> None:
    staying, leaving = owner.add(b"staying " * 50), owner.add(b"leaving " * 50)
    share = make_share(owner, [leaving, staying])
    warm(kept, share)

    assert owner.http.delete(f"{API}/documents/{leaving.document_id}").status_code == 204

    for _ in range(2):  # read again once, then kept as it is now
        opened = open_share(kept.http, share).json()
        assert [d["document_id"] for d in opened["documents"]] == [staying.document_id]
    kept_now = kept.recorder().shares.get(share.share_id)
    assert kept_now is not None and len(kept_now.documents) == 1


def test_a_share_made_again_under_a_deleted_share_s_id_opens_with_its_own_documents(
    owner: RawWallet, kept: Replica
) -> None:
    first = make_share(owner, [owner.add(b"first")])
    warm(kept, first)
    assert owner.http.delete(f"{API}/shares/{first.share_id}").status_code == 204
    again = make_share(owner, [owner.add(b"second"), owner.add(b"third")], share_id=first.share_id)

    assert_share_error(open_share(kept.http, first), 403, "share_link_damaged")  # the old link
    opened = open_share(kept.http, again)
    assert opened.status_code == 200, opened.text
    documents = [d["document_id"] for d in opened.json()["documents"]]
    assert documents == [d.document_id for d in again.documents]


def test_a_share_made_again_with_the_same_link_opens_with_its_own_documents(
    owner: RawWallet, kept: Replica, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_share(owner, [owner.add(b"first")])
    warm(kept, first)
    assert owner.http.delete(f"{API}/shares/{first.share_id}").status_code == 204
    same_link = SimpleNamespace(token_bytes=lambda _: first.secret)  # a client that reuses it
    monkeypatch.setattr(share_support, "secrets", same_link)
    again = make_share(owner, [owner.add(b"second"), owner.add(b"third")], share_id=first.share_id)
    assert again.open_body() == first.open_body()

    opened = open_share(kept.http, again)
    assert opened.status_code == 200, opened.text
    documents = [d["document_id"] for d in opened.json()["documents"]]
    assert documents == [d.document_id for d in again.documents]


def comparable(response: httpx.Response) -> tuple[int, Any]:
    """An answer without what differs at each opening (the view token, its time, the count)."""
    body = response.json()
    for moving in ("view_token", "view_expires_at", "opens"):
        body.pop(moving, None)
    return response.status_code, body


def test_a_kept_share_answers_as_a_share_read_from_the_database(
    owner: RawWallet, kept: Replica, unkept: Replica
) -> None:
    documents = [owner.add(bytes([n]) * 300 * (n + 1)) for n in range(3)]
    share = make_share(owner, documents, pin="4826", max_opens=20)
    warm(kept, share)
    damaged = {"link_token": "A" * 43, "access_token": share.open_body()["access_token"]}
    url = f"{API}/s/{share.share_id}/open"

    opened = open_share(kept.http, share), open_share(unkept.http, share)
    assert comparable(opened[0]) == comparable(opened[1])
    assert [o.json()["opens"] for o in opened] == [2, 3]
    assert comparable(opened[0])[1]["documents"][2]["size"] > 900
    damaged_answers = kept.http.post(url, json=damaged), unkept.http.post(url, json=damaged)
    assert comparable(damaged_answers[0]) == comparable(damaged_answers[1])
    assert damaged_answers[0].json()["error"]["code"] == "share_link_damaged"
    wrong = open_share(kept.http, share, pin="0000"), open_share(unkept.http, share, pin="0000")
    assert [w.json()["error"]["attempts_left"] for w in wrong] == [4, 3]  # each counted once
    assert owner.http.post(f"{API}/shares/{share.share_id}/revoke").status_code == 200
    revoked = open_share(kept.http, share), open_share(unkept.http, share)
    assert comparable(revoked[0]) == comparable(revoked[1])
    assert revoked[0].json()["error"]["code"] == "share_revoked"
    assert kept.keeps(share.share_id) and not unkept.keeps(share.share_id)
