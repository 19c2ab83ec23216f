"""Reports of a problem with a link, and the service's suspensions (issue 11 §5):
whoever holds a share or deposit link reports it with a reason and an optional
text (never the link's secret), within limits per address and per link, and the
answer says nothing about whether the link exists. A suspended share is refused
with `share_suspended` and its reason, counting nothing, and ends views already
open; a suspended deposit link refuses its page's key and every upload with
`deposit_suspended`; both owners see the suspension in their lists; lifting it
gives the link back as it was. The suspension is written here as the operator's
page writes it, through wallet.services.link_reports."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from crypto import new_id
from tests.api.deposit_support import (
    DepositOwner,
    declare,
    deposit,
    link_of,
    make_link,
    put_part,
    register_owner,
    seal_deposit,
)
from tests.api.share_support import (
    assert_share_error,
    make_share,
    open_share,
    owner_view,
    shared_content,
    view_token,
)
from tests.api.support import API, RawWallet, assert_error, stored_rows
from tests.conftest import BACKENDS, server_on
from tests.server import LiveServer
from wallet.models import LinkReport
from wallet.services import link_reports

PER_ADDRESS = 4
PER_LINK = 6
SETTINGS = {
    "PDE_REPORTS_PER_CLIENT_PER_HOUR": str(PER_ADDRESS),
    "PDE_REPORTS_PER_LINK_PER_DAY": str(PER_LINK),
    "PDE_TRUSTED_PROXIES": "127.0.0.1",  # each test's reporter gets an address of its own
}


@pytest.fixture(scope="module", params=BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    with server_on(request.param, tmp_path_factory.mktemp(request.param), SETTINGS) as server:
        yield server


def an_address() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


@pytest.fixture
def reporter(pde_server: LiveServer) -> Iterator[httpx.Client]:
    """A worker's or depositor's browser, no account, at an address of its own."""
    headers = {"X-Forwarded-For": an_address()}
    with httpx.Client(base_url=pde_server.url, timeout=60, headers=headers) as http:
        yield http


@pytest.fixture
def owner(pde_server: LiveServer) -> Iterator[DepositOwner]:
    made = register_owner(pde_server.url)
    yield made
    made.close()


def report(http: httpx.Client, kind: str, link_id: str, **body: str) -> httpx.Response:
    path = "s" if kind == "share" else "d"
    return http.post(f"{API}/{path}/{link_id}/report", json={"reason": "harmful"} | body)


def stored_reports(server: LiveServer, link_id: str) -> list[LinkReport]:
    with stored_rows(server) as db:
        query = select(LinkReport).where(LinkReport.link_id == link_id)
        return list(db.scalars(query))


def operator(server: LiveServer, action: str, kind: str, link_id: str, reason: str = "") -> None:
    """What the operator's page does: suspend or lift through the wallet's service."""
    with stored_rows(server) as db:
        if action == "suspend":
            assert link_reports.suspend(db, kind, link_id, reason) is not None
        else:
            assert link_reports.lift(db, kind, link_id) is not None
        db.commit()


# -- reports -----------------------------------------------------------------------------


def test_a_report_of_a_share_is_kept_with_its_reason_and_text_and_nothing_else(
    pde_server: LiveServer, raw_wallet: RawWallet, reporter: httpx.Client
) -> None:
    share = make_share(raw_wallet, [raw_wallet.add(b"letter")])

    answer = report(reporter, "share", share.share_id, reason="fraud", text="  Asks for money\r\n")

    assert answer.status_code == 202, answer.text
    assert answer.json() == {"status": "received"}
    [kept] = stored_reports(pde_server, share.share_id)
    assert (kept.link_kind, kept.reason, kept.text, kept.status) == (
        "share",
        "fraud",
        "Asks for money",
        "open",
    )
    assert kept.closed_at is None


def test_a_report_of_a_deposit_link_is_kept_without_a_text(
    pde_server: LiveServer, owner: DepositOwner, reporter: httpx.Client
) -> None:
    link = make_link(owner)

    assert report(reporter, "deposit", link, reason="mistake").status_code == 202

    [kept] = stored_reports(pde_server, link)
    assert (kept.link_kind, kept.reason, kept.text) == ("deposit", "mistake", "")


@pytest.mark.parametrize("kind", ["share", "deposit"])
def test_a_report_of_an_unknown_or_malformed_id_answers_as_for_a_real_link_and_keeps_nothing(
    pde_server: LiveServer, reporter: httpx.Client, kind: str
) -> None:
    for link_id in (new_id(), "not-an-id", "x" * 40):
        answer = report(reporter, kind, link_id, reason="other", text="hello")
        assert (answer.status_code, answer.json()) == (202, {"status": "received"})
        assert stored_reports(pde_server, link_id) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "spam"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"text": "x" * 501}, "text"),
        ({"text": 5}, "text"),
        ({"text": "escape \x1b[31m"}, "text"),
        ({"secret": "abc"}, "secret"),
    ],
)
def test_a_bad_report_is_refused_with_invalid_request_and_nothing_is_kept(
    pde_server: LiveServer, raw_wallet: RawWallet, reporter: httpx.Client, body: dict, field: str
) -> None:
    share = make_share(raw_wallet, [raw_wallet.add(b"letter")])

    answer = reporter.post(f"{API}/s/{share.share_id}/report", json={"reason": "harmful"} | body)

    error = assert_error(answer, 422, "invalid_request")
    assert field in error["message"]
    assert stored_reports(pde_server, share.share_id) == []


def test_a_report_whose_text_is_not_unicode_is_refused(
    pde_server: LiveServer, owner: DepositOwner, reporter: httpx.Client
) -> None:
    link = make_link(owner)
    body = b'{"reason": "other", "text": "lone \\ud825 surrogate"}'
    headers = {"Content-Type": "application/json"}

    answer = reporter.post(f"{API}/d/{link}/report", content=body, headers=headers)

    assert "text" in assert_error(answer, 422, "invalid_request")["message"]
    assert stored_reports(pde_server, link) == []


def test_a_report_without_a_reason_or_with_control_characters_is_refused(
    pde_server: LiveServer, owner: DepositOwner, reporter: httpx.Client
) -> None:
    link = make_link(owner)

    assert_error(reporter.post(f"{API}/d/{link}/report", json={}), 422, "invalid_request")
    bell = report(reporter, "deposit", link, text="ring \x07")
    assert "control characters" in assert_error(bell, 422, "invalid_request")["message"]
    assert stored_reports(pde_server, link) == []


def test_reports_from_one_address_are_limited_and_counted_for_unknown_links_too(
    pde_server: LiveServer, raw_wallet: RawWallet, reporter: httpx.Client
) -> None:
    share = make_share(raw_wallet, [raw_wallet.add(b"letter")])
    for _ in range(PER_ADDRESS - 1):
        assert report(reporter, "share", new_id()).status_code == 202
    assert report(reporter, "share", share.share_id).status_code == 202

    refused = report(reporter, "share", share.share_id)

    assert_error(refused, 429, "rate_limited")
    assert refused.headers["Retry-After"] == "60"
    assert len(stored_reports(pde_server, share.share_id)) == 1
    with httpx.Client(base_url=pde_server.url, headers={"X-Forwarded-For": an_address()}) as other:
        assert report(other, "share", share.share_id).status_code == 202


def test_reports_of_one_link_are_limited_whatever_the_address(
    pde_server: LiveServer, owner: DepositOwner
) -> None:
    link = make_link(owner)
    for _ in range(PER_LINK):
        with httpx.Client(base_url=pde_server.url, headers={"X-Forwarded-For": an_address()}) as h:
            assert report(h, "deposit", link).status_code == 202
    with httpx.Client(base_url=pde_server.url, headers={"X-Forwarded-For": an_address()}) as h:
        assert_error(report(h, "deposit", link), 429, "rate_limited")
        assert report(h, "deposit", make_link(owner)).status_code == 202  # another link
    assert len(stored_reports(pde_server, link)) == PER_LINK


def test_the_link_limit_counts_an_unknown_id_as_a_real_one(pde_server: LiveServer) -> None:
    unknown = new_id()
    answers = []
    for _ in range(PER_LINK + 1):
        with httpx.Client(base_url=pde_server.url, headers={"X-Forwarded-For": an_address()}) as h:
            answers.append(report(h, "share", unknown).status_code)
    assert answers == [202] * PER_LINK + [429]


# -- a suspended share -------------------------------------------------------------------


def test_a_suspended_share_is_refused_with_its_reason_and_opening_it_counts_nothing(
    pde_server: LiveServer, raw_wallet: RawWallet, http: httpx.Client
) -> None:
    share = make_share(raw_wallet, [raw_wallet.add(b"letter")], pin="4321", max_opens=3)
    before = owner_view(raw_wallet, share.share_id)

    operator(pde_server, "suspend", "share", share.share_id, "fraud")

    status = http.get(f"{API}/s/{share.share_id}")
    assert_share_error(status, 403, "share_suspended", suspension_reason="fraud")
    for pin in ("4321", "0000"):
        refused = open_share(http, share, pin)
        assert_share_error(refused, 403, "share_suspended", suspension_reason="fraud")
    after = owner_view(raw_wallet, share.share_id)
    assert (after["opens"], after["events"], after["state"]) == (0, before["events"], "active")
    assert after["suspension"]["reason"] == "fraud"
    assert after["suspension"]["suspended_at"]


def test_a_suspension_ends_a_view_already_open_and_lifting_it_gives_the_share_back(
    pde_server: LiveServer, raw_wallet: RawWallet, http: httpx.Client
) -> None:
    document = raw_wallet.add(b"letter")
    share = make_share(raw_wallet, [document])
    token = view_token(http, share)

    operator(pde_server, "suspend", "share", share.share_id, "harmful")

    refused = shared_content(http, share.share_id, document.document_id, token)
    assert_share_error(refused, 403, "share_suspended", suspension_reason="harmful")

    operator(pde_server, "lift", "share", share.share_id)

    assert http.get(f"{API}/s/{share.share_id}").status_code == 200
    assert shared_content(http, share.share_id, document.document_id, token).status_code == 200
    assert open_share(http, share).status_code == 200
    view = owner_view(raw_wallet, share.share_id)
    assert view["suspension"] is None and view["opens"] == 2


def test_the_owner_s_list_shows_which_shares_are_suspended(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    document = raw_wallet.add(b"letter")
    suspended, untouched = make_share(raw_wallet, [document]), make_share(raw_wallet, [document])

    operator(pde_server, "suspend", "share", suspended.share_id, "wrong_recipient")

    listing = {s["share_id"]: s for s in raw_wallet.http.get(f"{API}/shares").json()}
    assert listing[suspended.share_id]["suspension"]["reason"] == "wrong_recipient"
    assert listing[untouched.share_id]["suspension"] is None


def test_a_suspension_of_a_share_does_not_touch_a_deposit_link_of_the_same_id(
    pde_server: LiveServer, owner: DepositOwner, http: httpx.Client
) -> None:
    link = make_link(owner)

    operator(pde_server, "suspend", "share", link, "other")

    assert http.get(f"{API}/d/{link}").status_code == 200
    assert link_of(owner, link)["suspension"] is None


# -- a suspended deposit link ------------------------------------------------------------


def test_a_suspended_deposit_link_refuses_its_key_and_every_upload_with_deposit_suspended(
    pde_server: LiveServer, owner: DepositOwner, http: httpx.Client
) -> None:
    link = make_link(owner)
    started = seal_deposit(owner.deposit_public_key, link, b"half sent" * 1000)
    assert declare(http, started).status_code == 201

    operator(pde_server, "suspend", "deposit", link, "harmful")

    suspended = {"code": "deposit_suspended", "suspension_reason": "harmful"}
    answers = [
        http.get(f"{API}/d/{link}"),
        declare(http, seal_deposit(owner.deposit_public_key, link, b"new")),
        http.get(f"{API}/d/{link}/documents/{started.document_id}/upload"),
        put_part(http, link, started.document_id, 0, started.ciphertext),
        http.post(f"{API}/d/{link}/documents/{started.document_id}/complete"),
    ]
    for answer in answers:
        assert answer.status_code == 403, answer.text
        error = answer.json()["error"]
        assert {k: error[k] for k in suspended} == suspended
    assert link_of(owner, link)["suspension"]["reason"] == "harmful"
    assert link_of(owner, link)["files"] == 1  # the refused declaration counted nothing


def test_lifting_a_deposit_link_s_suspension_lets_files_through_again(
    pde_server: LiveServer, owner: DepositOwner, http: httpx.Client
) -> None:
    link = make_link(owner)
    operator(pde_server, "suspend", "deposit", link, "fraud")

    operator(pde_server, "lift", "deposit", link)

    assert http.get(f"{API}/d/{link}").status_code == 200
    deposit(http, seal_deposit(owner.deposit_public_key, link, b"after the lift"))
    assert link_of(owner, link)["suspension"] is None


def test_a_report_of_a_suspended_link_is_still_received(
    pde_server: LiveServer, owner: DepositOwner, reporter: httpx.Client
) -> None:
    link = make_link(owner)
    operator(pde_server, "suspend", "deposit", link, "other")

    assert report(reporter, "deposit", link, reason="other").status_code == 202
    assert len(stored_reports(pde_server, link)) == 1
