"""Shares through the API (docs/shares.md), on both backends: the owner creates,
lists, revokes and deletes them; every refusal has its stable code and stores
nothing; a worker opens a share with the token derived from the link and the
PIN, and reads only its documents' ciphertext with a short-lived view token;
five wrong tokens lock a share; the open limit holds under concurrent opens;
revocation, expiry and deletion end every way in at once; the owner's log
says what happened and when, and nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest

from crypto import (
    b64u_decode,
    decrypt_share_info,
    decrypt_share_metadata,
    new_id,
    unwrap_document_key_from_share,
)
from tests.api.share_support import (
    WEEK,
    PreparedShare,
    assert_share_error,
    expire,
    make_share,
    nothing_stored,
    open_share,
    owner_view,
    post_share,
    prepare_share,
    set_expiry,
    shared_content,
    shares_of,
    stored_share_rows,
    view_token,
)
from tests.api.support import API, RawWallet, assert_error
from tests.server import LiveServer
from wallet.clock import now

HOUR, DAY = 3600, 86400


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def events(wallet: RawWallet, share_id: str) -> list[str]:
    return [e["event"] for e in owner_view(wallet, share_id)["events"]]


def assert_refused_everywhere(
    http: httpx.Client, prepared: PreparedShare, token: str, status: int, code: str
) -> None:
    """Status, opening and content with an existing view token all answer `code`."""
    share_id, document_id = prepared.share_id, prepared.documents[0].document_id
    assert_share_error(http.get(f"{API}/s/{share_id}"), status, code)
    assert_share_error(open_share(http, prepared), status, code)
    assert_share_error(shared_content(http, share_id, document_id, token), status, code)


# The owner's side ---------------------------------------------------------------


def test_a_created_share_is_listed_found_and_described_without_its_secrets(
    raw_wallet: RawWallet,
) -> None:
    first, second = raw_wallet.add(b"first " * 100), raw_wallet.add(b"second " * 100)
    before = now()
    older = make_share(raw_wallet, [first], expires_in=2 * HOUR)
    prepared = prepare_share(raw_wallet, [second, first], pin="1234", max_opens=3)

    response = post_share(raw_wallet, prepared)

    assert response.status_code == 201, response.text
    share = response.json()
    assert set(share) == {
        "share_id", "pin", "created_at", "expires_at", "max_opens", "opens", "state",
        "revoked_at", "owner_record", "document_ids", "events", "suspension",
    }  # fmt: skip
    assert share["suspension"] is None
    assert share["share_id"] == prepared.share_id
    assert share["pin"] is True and share["max_opens"] == 3 and share["opens"] == 0
    assert share["state"] == "active" and share["revoked_at"] is None and share["events"] == []
    assert share["document_ids"] == [second.document_id, first.document_id]  # the owner's order
    assert share["owner_record"] == prepared.body["owner_record"]
    created, expires = at(share["created_at"]), at(share["expires_at"])
    assert before - timedelta(seconds=5) <= created <= now() + timedelta(seconds=5)
    assert expires - created == timedelta(seconds=WEEK)
    assert owner_view(raw_wallet, prepared.share_id) == share
    listed = raw_wallet.http.get(f"{API}/shares").json()
    assert [s["share_id"] for s in listed] == [prepared.share_id, older.share_id]  # newest first
    assert listed[0] == share


def test_a_share_of_no_one_else_is_found_by_another_wallet(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    owner, stranger = new_raw_wallet(), new_raw_wallet()
    prepared = make_share(owner, [owner.add(b"mine")])
    base = f"{API}/shares/{prepared.share_id}"

    for response in [
        stranger.http.get(base),
        stranger.http.post(f"{base}/revoke"),
        stranger.http.delete(base),
    ]:
        assert_error(response, 404, "not_found")
    assert stranger.http.get(f"{API}/shares").json() == []
    assert owner_view(owner, prepared.share_id)["state"] == "active"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expires_in": HOUR - 1}, "expires_in"),
        ({"expires_in": 30 * DAY + 1}, "expires_in"),
        ({"expires_in": 365 * DAY}, "expires_in"),
        ({"max_opens": 0}, "max_opens"),
        ({"max_opens": 1001}, "max_opens"),
        ({"max_opens": -1}, "max_opens"),
        ({"documents": []}, "documents"),
        ({"share_id": "short"}, "share_id"),
        ({"access_hash": "AAAA"}, "access_hash"),
        ({"info": "AAAA"}, "info"),
        ({"pin": "maybe"}, "pin"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_an_invalid_share_is_refused_with_invalid_request_and_nothing_is_stored(
    pde_server: LiveServer, raw_wallet: RawWallet, changes: dict[str, object], field: str
) -> None:
    prepared = prepare_share(raw_wallet, [raw_wallet.add(b"doc")])

    response = post_share(raw_wallet, prepared, **changes)

    assert_error(response, 422, "invalid_request")
    assert nothing_stored(pde_server, prepared.share_id)
    assert raw_wallet.http.get(f"{API}/shares").json() == []


@pytest.mark.parametrize("expires_in", [HOUR, 30 * DAY])
def test_a_share_may_last_from_one_hour_to_thirty_days(
    raw_wallet: RawWallet, expires_in: int
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], expires_in=expires_in)
    share = owner_view(raw_wallet, prepared.share_id)
    assert at(share["expires_at"]) - at(share["created_at"]) == timedelta(seconds=expires_in)


@pytest.mark.parametrize("max_opens", [1, 1000, None])
def test_a_share_may_open_from_once_to_a_thousand_times_or_without_limit(
    raw_wallet: RawWallet, max_opens: int | None
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], max_opens=max_opens)
    assert owner_view(raw_wallet, prepared.share_id)["max_opens"] == max_opens


def test_the_same_document_twice_is_refused_with_invalid_request(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(b"doc")
    prepared = prepare_share(
        raw_wallet, [sealed], document_ids=[sealed.document_id, sealed.document_id]
    )
    assert_error(post_share(raw_wallet, prepared), 422, "invalid_request")
    assert nothing_stored(pde_server, prepared.share_id)


def test_a_document_of_another_wallet_an_unfinished_upload_or_an_unknown_id_is_not_found(
    pde_server: LiveServer, new_raw_wallet: Callable[[], RawWallet]
) -> None:
    owner, stranger = new_raw_wallet(), new_raw_wallet()
    mine = owner.add(b"mine")
    theirs = stranger.add(b"theirs")
    pending = owner.seal(b"still uploading " * 100)
    assert owner.declare(pending).status_code == 201

    for other in (theirs.document_id, pending.document_id, new_id()):
        prepared = prepare_share(owner, [mine], document_ids=[mine.document_id, other])
        assert_error(post_share(owner, prepared), 404, "not_found")
        assert nothing_stored(pde_server, prepared.share_id)
    assert owner.http.get(f"{API}/shares").json() == []
    assert shares_of(pde_server, stranger.account_id) == 0


def test_a_share_id_already_taken_is_refused_with_already_exists(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    owner, other = new_raw_wallet(), new_raw_wallet()
    first = make_share(owner, [owner.add(b"first")])
    again = prepare_share(owner, [owner.add(b"second")], share_id=first.share_id)
    theirs = prepare_share(other, [other.add(b"theirs")], share_id=first.share_id)

    assert_error(post_share(owner, again), 409, "already_exists")
    assert_error(post_share(other, theirs), 409, "already_exists")

    share = owner_view(owner, first.share_id)
    assert share["document_ids"] == [first.documents[0].document_id]
    assert share["owner_record"] == first.body["owner_record"]
    assert other.http.get(f"{API}/shares").json() == []


def test_owner_routes_need_a_session(http: httpx.Client, raw_wallet: RawWallet) -> None:
    prepared = prepare_share(raw_wallet, [raw_wallet.add(b"doc")])
    base = f"{API}/shares"
    for response in [
        http.post(base, json=prepared.body),
        http.get(base),
        http.get(f"{base}/{prepared.share_id}"),
        http.post(f"{base}/{prepared.share_id}/revoke"),
        http.delete(f"{base}/{prepared.share_id}"),
    ]:
        assert_error(response, 401, "not_authenticated")
    assert raw_wallet.http.get(base).json() == []


# Opening ------------------------------------------------------------------------


def test_the_right_token_opens_the_share_and_its_boxes_open_with_the_link(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    first, second = raw_wallet.add(b"first " * 100), raw_wallet.add(b"second " * 300)
    prepared = make_share(raw_wallet, [first, second], pin="0042", max_opens=5)

    status = http.get(f"{API}/s/{prepared.share_id}")
    assert status.status_code == 200 and status.json() == {
        "share_id": prepared.share_id,
        "pin": True,
    }
    response = open_share(http, prepared)

    assert response.status_code == 200, response.text
    opened = response.json()
    assert set(opened) == {
        "view_token", "view_expires_at", "expires_at", "opens", "max_opens", "info", "documents",
        "transfer",
    }  # fmt: skip
    assert opened["opens"] == 1 and opened["max_opens"] == 5
    assert opened["transfer"] == "server"  # no PDE_S3_PUBLIC_URL: test_direct_transfers.py
    share = owner_view(raw_wallet, prepared.share_id)
    assert opened["expires_at"] == share["expires_at"]
    assert at(opened["view_expires_at"]) <= now() + timedelta(minutes=61)
    key = prepared.keys().share_key
    assert decrypt_share_info(key, b64u_decode(opened["info"]), prepared.share_id) == {
        "recipient": "CPAS",
        "purpose": "RIS",
    }
    assert [d["document_id"] for d in opened["documents"]] == [
        first.document_id,
        second.document_id,
    ]
    for item, sealed in zip(opened["documents"], [first, second], strict=True):
        assert set(item) == {"document_id", "wrapped_key", "metadata", "size"}
        assert item["size"] == sealed.size
        wrapped = b64u_decode(item["wrapped_key"])
        assert (
            unwrap_document_key_from_share(key, wrapped, prepared.share_id, sealed.document_id)
            == sealed.document_key
        )
        metadata = b64u_decode(item["metadata"])
        assert decrypt_share_metadata(key, metadata, prepared.share_id, sealed.document_id)[
            "title"
        ] == ("shared")
        content = shared_content(http, prepared.share_id, sealed.document_id, opened["view_token"])
        assert content.status_code == 200 and content.content == sealed.ciphertext
        assert content.headers["content-type"] == "application/octet-stream"
        assert content.headers["content-disposition"].startswith("attachment")
    assert owner_view(raw_wallet, prepared.share_id)["opens"] == 1


def test_a_view_token_lasts_an_hour_but_never_past_the_share(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")])
    opened = open_share(http, prepared).json()
    view_expiry = at(opened["view_expires_at"])
    assert now() + timedelta(minutes=58) < view_expiry <= now() + timedelta(minutes=60)

    soon = now() + timedelta(minutes=10)
    set_expiry(pde_server, prepared.share_id, soon)
    opened = open_share(http, prepared).json()
    assert abs(at(opened["view_expires_at"]) - soon) < timedelta(seconds=1)


def test_a_wrong_token_is_refused_with_the_attempts_left_and_logged(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], pin="1234")

    assert_share_error(
        open_share(http, prepared, pin="9999"), 403, "share_wrong_access", attempts_left=4
    )
    assert_share_error(
        open_share(http, prepared, pin=""), 403, "share_wrong_access", attempts_left=3
    )
    response = open_share(http, prepared)
    assert response.status_code == 200, response.text

    share = owner_view(raw_wallet, prepared.share_id)
    assert share["opens"] == 1 and share["state"] == "active"
    assert [e["event"] for e in share["events"]] == ["wrong_access", "wrong_access", "opened"]


def test_five_wrong_tokens_lock_the_share_for_good_even_for_the_right_one(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(b"doc")
    prepared = make_share(raw_wallet, [sealed], pin="1234")
    token = view_token(http, prepared)  # a worker who opened it before

    for left in (4, 3, 2, 1):
        response = open_share(http, prepared, pin=f"{left}{left}{left}{left}")
        assert_share_error(response, 403, "share_wrong_access", attempts_left=left)
    assert_share_error(open_share(http, prepared, pin="0000"), 423, "share_locked")

    assert_share_error(open_share(http, prepared), 423, "share_locked")
    assert_share_error(open_share(http, prepared, pin="5555"), 423, "share_locked")
    assert_share_error(http.get(f"{API}/s/{prepared.share_id}"), 423, "share_locked")
    share = owner_view(raw_wallet, prepared.share_id)
    assert share["state"] == "locked" and share["opens"] == 1
    assert [e["event"] for e in share["events"]] == ["opened"] + ["wrong_access"] * 5 + ["locked"]
    # A viewer already open keeps reading: locking stops new openings.
    content = shared_content(http, prepared.share_id, sealed.document_id, token)
    assert content.status_code == 200 and content.content == sealed.ciphertext


def test_a_share_opened_as_often_as_allowed_is_used_up_but_open_viewers_still_read(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(b"once " * 100)
    prepared = make_share(raw_wallet, [sealed], max_opens=1)

    first = open_share(http, prepared)
    assert first.status_code == 200 and first.json()["opens"] == 1

    assert_share_error(open_share(http, prepared), 410, "share_used_up")
    assert_share_error(open_share(http, prepared, pin="x"), 410, "share_used_up")
    assert_share_error(http.get(f"{API}/s/{prepared.share_id}"), 410, "share_used_up")
    content = shared_content(
        http, prepared.share_id, sealed.document_id, first.json()["view_token"]
    )
    assert content.status_code == 200 and content.content == sealed.ciphertext
    share = owner_view(raw_wallet, prepared.share_id)
    assert share["state"] == "used_up" and share["opens"] == 1
    assert [e["event"] for e in share["events"]] == ["opened"]


def test_concurrent_openings_of_a_single_use_share_let_exactly_one_through(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"race")], max_opens=1)
    barrier = threading.Barrier(8)
    answers: list[httpx.Response] = []

    def race() -> None:
        with httpx.Client(base_url=pde_server.url, timeout=60) as client:
            barrier.wait()
            answers.append(open_share(client, prepared))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in answers)
    assert statuses == [200] + [410] * 7, [r.text for r in answers]
    for response in answers:
        if response.status_code == 410:
            assert_share_error(response, 410, "share_used_up")
    share = owner_view(raw_wallet, prepared.share_id)
    assert share["opens"] == 1 and [e["event"] for e in share["events"]] == ["opened"]
    assert stored_share_rows(pde_server, prepared.share_id).get("share_views", 1) == 1


def test_ranges_of_shared_content_are_served_exactly(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(bytes(range(256)) * 40)
    prepared = make_share(raw_wallet, [sealed])
    token = view_token(http, prepared)
    share_id, document_id = prepared.share_id, sealed.document_id

    partial = shared_content(http, share_id, document_id, token, {"Range": "bytes=100-299"})
    assert partial.status_code == 206
    assert partial.content == sealed.ciphertext[100:300]
    assert partial.headers["content-range"] == f"bytes 100-299/{sealed.size}"
    tail = shared_content(http, share_id, document_id, token, {"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == sealed.ciphertext[-50:]
    beyond = shared_content(http, share_id, document_id, token, {"Range": f"bytes={sealed.size}-"})
    assert_error(beyond, 416, "range_not_satisfiable")


# What a view token reaches -------------------------------------------------------


def test_a_view_token_reads_only_the_documents_of_its_own_share(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    a_doc, b_doc, private = (raw_wallet.add(f"{n}".encode() * 500) for n in ("a", "b", "p"))
    share_a = make_share(raw_wallet, [a_doc])
    share_b = make_share(raw_wallet, [b_doc])
    token_a, token_b = view_token(http, share_a), view_token(http, share_b)
    a_id = share_a.share_id

    assert shared_content(http, a_id, a_doc.document_id, token_a).content == a_doc.ciphertext
    # Share B's document, or a document of the same wallet never shared, through share A.
    assert_error(shared_content(http, a_id, b_doc.document_id, token_a), 404, "not_found")
    assert_error(shared_content(http, a_id, private.document_id, token_a), 404, "not_found")
    assert_error(shared_content(http, a_id, new_id(), token_a), 404, "not_found")
    # A's token on B's path, B's token on A's path, no token, a made-up one, the session.
    refused = [
        shared_content(http, share_b.share_id, b_doc.document_id, token_a),
        shared_content(http, a_id, a_doc.document_id, token_b),
        shared_content(http, a_id, a_doc.document_id, None),
        shared_content(http, a_id, a_doc.document_id, "made-up-token"),
        shared_content(http, a_id, a_doc.document_id, token_a[:-1]),
        shared_content(http, a_id, a_doc.document_id, token_a + "A"),
        shared_content(http, a_id, a_doc.document_id, "9" + token_a),
        shared_content(http, a_id, a_doc.document_id, raw_wallet.token),
        shared_content(http, a_id, a_doc.document_id, share_a.access_token()),
    ]
    for response in refused:
        assert_share_error(response, 401, "share_view_expired")
    # The owner's own document route does not take a view token either.
    response = http.get(
        f"{API}/documents/{a_doc.document_id}/content",
        headers={"Authorization": f"Bearer {token_a}"},
    )
    assert_error(response, 401, "not_authenticated")


def test_a_view_token_past_its_time_is_refused_even_while_the_share_lasts(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    """A view token never outlives the share's expiry at the time it was given: the
    share is made to end in a second, opened, then given a day more. (The only wait
    of these tests, under two seconds: a view token may be signed, not stored.)"""
    sealed = raw_wallet.add(b"doc")
    prepared = make_share(raw_wallet, [sealed])
    set_expiry(pde_server, prepared.share_id, now() + timedelta(seconds=1.5))
    opened = open_share(http, prepared).json()
    view_ends = at(opened["view_expires_at"])
    assert view_ends <= now() + timedelta(seconds=1.5)
    set_expiry(pde_server, prepared.share_id, now() + timedelta(days=1))

    time.sleep(max(0.0, (view_ends - now()).total_seconds()) + 0.2)

    response = shared_content(http, prepared.share_id, sealed.document_id, opened["view_token"])
    assert_share_error(response, 401, "share_view_expired")
    fresh = view_token(http, prepared)
    assert shared_content(http, prepared.share_id, sealed.document_id, fresh).status_code == 200


# Ending a share -------------------------------------------------------------------


def test_a_revoked_share_refuses_status_opening_and_content_at_once(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")])
    token = view_token(http, prepared)

    response = raw_wallet.http.post(f"{API}/shares/{prepared.share_id}/revoke")

    assert response.status_code == 200, response.text
    share = response.json()
    assert share["state"] == "revoked" and share["revoked_at"] is not None
    assert_refused_everywhere(http, prepared, token, 410, "share_revoked")
    assert stored_share_rows(pde_server, prepared.share_id).get("share_views", 0) == 0
    again = raw_wallet.http.post(f"{API}/shares/{prepared.share_id}/revoke")
    assert again.status_code == 200
    assert again.json()["revoked_at"] == share["revoked_at"]  # idempotent
    assert events(raw_wallet, prepared.share_id) == ["opened", "revoked"]


def test_revocation_wins_over_expiry_lock_and_use(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], max_opens=1)
    token = view_token(http, prepared)
    expire(pde_server, prepared.share_id)
    raw_wallet.http.post(f"{API}/shares/{prepared.share_id}/revoke")
    assert owner_view(raw_wallet, prepared.share_id)["state"] == "revoked"
    assert_refused_everywhere(http, prepared, token, 410, "share_revoked")


def test_an_expired_share_refuses_status_opening_and_content(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], pin="12")
    token = view_token(http, prepared)

    expire(pde_server, prepared.share_id)

    assert_refused_everywhere(http, prepared, token, 410, "share_expired")
    assert_share_error(open_share(http, prepared, pin="99"), 410, "share_expired")
    share = owner_view(raw_wallet, prepared.share_id)
    assert share["state"] == "expired"
    assert [e["event"] for e in share["events"]] == ["opened"]  # no wrong try was counted
    set_expiry(pde_server, prepared.share_id, now() + timedelta(hours=1))
    assert open_share(http, prepared).status_code == 200  # the expiry alone decided


def test_a_deleted_share_is_not_found_anywhere_and_leaves_no_row(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    sealed = raw_wallet.add(b"doc")
    prepared = make_share(raw_wallet, [sealed], pin="1")
    token = view_token(http, prepared)
    open_share(http, prepared, pin="2")
    base = f"{API}/shares/{prepared.share_id}"

    assert raw_wallet.http.delete(base).status_code == 204

    assert_refused_everywhere(http, prepared, token, 404, "share_not_found")
    assert_error(raw_wallet.http.get(base), 404, "not_found")
    assert_error(raw_wallet.http.post(f"{base}/revoke"), 404, "not_found")
    assert_error(raw_wallet.http.delete(base), 404, "not_found")
    assert raw_wallet.http.get(f"{API}/shares").json() == []
    assert nothing_stored(pde_server, prepared.share_id)
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext  # the document stays


def test_a_deleted_document_leaves_every_share_it_was_in(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    kept, deleted = raw_wallet.add(b"kept " * 100), raw_wallet.add(b"deleted " * 100)
    prepared = make_share(raw_wallet, [deleted, kept])
    other = make_share(raw_wallet, [deleted])
    token = view_token(http, prepared)

    assert raw_wallet.http.delete(f"{API}/documents/{deleted.document_id}").status_code == 204

    opened = open_share(http, prepared).json()
    assert [d["document_id"] for d in opened["documents"]] == [kept.document_id]
    assert owner_view(raw_wallet, prepared.share_id)["document_ids"] == [kept.document_id]
    assert owner_view(raw_wallet, other.share_id)["document_ids"] == []
    assert open_share(http, other).json()["documents"] == []
    gone = shared_content(http, prepared.share_id, deleted.document_id, token)
    assert_error(gone, 404, "not_found")
    assert shared_content(http, prepared.share_id, kept.document_id, token).status_code == 200
    assert stored_share_rows(pde_server, other.share_id)["share_documents"] == 0


def test_erasing_the_wallet_erases_its_shares(
    pde_server: LiveServer, http: httpx.Client, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")])
    token = view_token(http, prepared)

    response = raw_wallet.http.request(
        "DELETE", f"{API}/account", json={"confirm_handle": raw_wallet.handle}
    )

    assert response.status_code == 204, response.text
    assert_refused_everywhere(http, prepared, token, 404, "share_not_found")
    assert shares_of(pde_server, raw_wallet.account_id) == 0
    assert nothing_stored(pde_server, prepared.share_id)


# Malformed links and the log ------------------------------------------------------------

MALFORMED_IDS = [
    "not-an-id",
    "A" * 21,
    "A" * 23,
    "A" * 400,
    "%00",
    "AAAAAAAAAAAAAAAAAAAA%00A",
    "%E2%82%AC" * 8,
    "%FF%FE",
    "'%20OR%201=1--",
]


@pytest.mark.parametrize("share_id", MALFORMED_IDS)
def test_a_malformed_share_id_is_a_share_that_does_not_exist(
    http: httpx.Client, share_id: str
) -> None:
    token = "A" * 43
    base = f"{API}/s/{share_id}"
    for response in [
        http.get(base),
        http.post(f"{base}/open", json={"link_token": token, "access_token": token}),
        http.get(f"{base}/documents/{new_id()}/content", headers={"Authorization": "Bearer x"}),
    ]:
        assert_share_error(response, 404, "share_not_found")


@pytest.mark.parametrize("document_id", ["not-an-id", "%00", "A" * 400, "%E2%82%AC"])
def test_a_malformed_document_id_in_a_share_is_not_found(
    http: httpx.Client, raw_wallet: RawWallet, document_id: str
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")])
    token = view_token(http, prepared)
    response = http.get(
        f"{API}/s/{prepared.share_id}/documents/{document_id}/content",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_error(response, 404, "not_found")


def test_the_log_says_what_happened_and_when_and_nothing_else(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    start = now() - timedelta(seconds=5)
    prepared = make_share(raw_wallet, [raw_wallet.add(b"doc")], pin="77")
    view_token(http, prepared)
    open_share(http, prepared, pin="78")
    view_token(http, prepared)
    raw_wallet.http.post(f"{API}/shares/{prepared.share_id}/revoke")

    share = owner_view(raw_wallet, prepared.share_id)

    assert [e["event"] for e in share["events"]] == ["opened", "wrong_access", "opened", "revoked"]
    times = [at(e["at"]) for e in share["events"]]
    assert all(set(e) == {"at", "event"} for e in share["events"])
    assert times == sorted(times) and start <= times[0] and times[-1] <= now()
    assert at(share["revoked_at"]) == times[-1]
    assert share["opens"] == 2
