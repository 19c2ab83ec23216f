"""The operator's pages of reported links over HTTP, on SQLite and PostgreSQL,
as a browser without JavaScript uses them (issue 11 §5): a worker reports a
share, the operator finds the report in the list (kind, id, reason, text, when,
state), suspends the share with a reason (the share is refused, its owner sees
the reason), lifts the suspension (the share opens again) and closes the report.
Every action is in the audit log with the link's id, and only these entries hold
a link id. A coordinator or a worker is refused; a made-up report is not found;
a suspension without a reason gets the form back with its problem; doing a
thing twice changes nothing and logs nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from day_centres.models import AuditEntry
from tests.api.share_support import make_share, open_share, owner_view
from tests.api.support import API, RawWallet, stored_rows
from tests.server import LiveServer
from tests.staff_support import StaffBrowser, log_in, make_centre, make_staff
from wallet.models import LinkReport

LINK_ACTIONS = {"link_suspended", "suspension_lifted", "report_closed"}


@pytest.fixture
def operator(pde_server: LiveServer) -> Iterator[StaffBrowser]:
    browser = log_in(pde_server.url, make_staff(pde_server.settings().sqlalchemy_url, "operator"))
    yield browser
    browser.http.close()


def reported_share(
    server: LiveServer, wallet: RawWallet, text: str = "Asks me for money"
) -> tuple[str, str]:
    """A share of `wallet`, reported by a worker; (share id, report id)."""
    share = make_share(wallet, [wallet.add(b"letter")])
    with httpx.Client(base_url=server.url, timeout=60) as worker:
        answer = worker.post(
            f"{API}/s/{share.share_id}/report", json={"reason": "fraud", "text": text}
        )
        assert answer.status_code == 202, answer.text
    with stored_rows(server) as db:
        report = db.scalars(select(LinkReport).where(LinkReport.link_id == share.share_id)).one()
        return share.share_id, report.id


def audit_of(server: LiveServer, link_id: str) -> list[tuple[str, str | None, str]]:
    with stored_rows(server) as db:
        query = select(AuditEntry).where(AuditEntry.target_id == link_id).order_by(AuditEntry.id)
        return [(e.action, e.centre_id, e.target_name) for e in db.scalars(query)]


def test_the_operator_lists_a_report_with_its_link_reason_text_and_state(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet, "Des <b>menaces</b>")

    page = operator.page("/staff/en/reports")

    assert page.status_code == 200
    assert share_id in page.text and f"/staff/en/reports/{report_id}" in page.text
    assert "Looks like fraud or phishing" in page.text and "Share link" in page.text
    assert "Des &lt;b&gt;menaces&lt;/b&gt;" in page.text  # the reporter's text, escaped
    assert "To handle" in page.text
    french = operator.page(f"/staff/fr/reports/{report_id}")
    assert "Ressemble à une fraude ou un hameçonnage" in french.text
    assert "Le lien n&#39;est pas suspendu." in french.text


def test_suspending_lifting_and_closing_go_through_and_into_the_audit_log(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet)
    path = f"/staff/en/reports/{report_id}"
    operator.page(path)

    suspended = operator.post(f"{path}/suspend", reason="fraud")

    assert (suspended.status_code, suspended.headers["location"]) == (
        303,
        f"{path}?done=link_suspended",
    )
    page = operator.page(f"{path}?done=link_suspended")
    assert "Suspended by the service" in page.text and "Fraud or phishing" in page.text
    with httpx.Client(base_url=pde_server.url, timeout=60) as worker:
        assert worker.get(f"{API}/s/{share_id}").json()["error"]["code"] == "share_suspended"
    assert owner_view(raw_wallet, share_id)["suspension"]["reason"] == "fraud"
    reports_page = operator.page("/staff/en/reports")
    assert "Link suspended" in reports_page.text

    assert operator.post(f"{path}/lift").headers["location"] == f"{path}?done=suspension_lifted"
    with httpx.Client(base_url=pde_server.url, timeout=60) as worker:
        assert worker.get(f"{API}/s/{share_id}").status_code == 200
    assert owner_view(raw_wallet, share_id)["suspension"] is None

    assert operator.post(f"{path}/close").headers["location"] == f"{path}?done=report_closed"
    assert "Closed" in operator.page(path).text
    assert "No report here." in operator.page("/staff/en/reports?status=open").text or (
        report_id not in operator.page("/staff/en/reports?status=open").text
    )
    assert report_id in operator.page("/staff/en/reports?status=closed").text

    assert audit_of(pde_server, share_id) == [
        ("link_suspended", None, "share"),
        ("suspension_lifted", None, "share"),
        ("report_closed", None, "share"),
    ]
    log = operator.page("/staff/en/audit").text
    assert "Suspended a reported link" in log and share_id in log


def test_doing_a_thing_twice_changes_nothing_and_logs_it_once(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet)
    path = f"/staff/en/reports/{report_id}"
    operator.page(path)
    for action, form in (("suspend", {"reason": "harmful"}), ("lift", {}), ("close", {})):
        assert operator.post(f"{path}/{action}", **form).status_code == 303
        again = operator.post(f"{path}/{action}", **form)
        assert again.headers["location"] == f"{path}?done=nothing_changed"
    assert "Nothing changed" in operator.page(f"{path}?done=nothing_changed").text
    assert [action for action, _, _ in audit_of(pde_server, share_id)] == [
        "link_suspended",
        "suspension_lifted",
        "report_closed",
    ]


def test_a_suspension_without_a_listed_reason_gets_the_form_back_and_changes_nothing(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet)
    path = f"/staff/en/reports/{report_id}"
    operator.page(path)

    for reason in ("", "because"):
        answer = operator.post(f"{path}/suspend", reason=reason)
        assert answer.status_code == 422
        assert "Choose the reason people will read." in answer.text
    with httpx.Client(base_url=pde_server.url, timeout=60) as worker:
        assert worker.get(f"{API}/s/{share_id}").status_code == 200
    assert audit_of(pde_server, share_id) == []


def test_a_form_without_its_token_is_refused_and_a_made_up_report_is_not_found(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet)
    operator.page("/staff/en/reports")

    forged = operator.http.post(f"/staff/en/reports/{report_id}/suspend", data={"reason": "fraud"})
    assert forged.status_code == 403
    assert operator.page("/staff/en/reports/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert operator.page("/staff/en/reports/not-an-id").status_code == 404
    assert audit_of(pde_server, share_id) == []


def test_coordinators_and_workers_cannot_reach_the_reports(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    _, report_id = reported_share(pde_server, raw_wallet)
    url = pde_server.settings().sqlalchemy_url
    centre = make_centre(url)
    for role in ("coordinator", "worker"):
        browser = log_in(pde_server.url, make_staff(url, role, centre))
        try:
            assert browser.page("/staff/en/reports").status_code == 403
            assert browser.page(f"/staff/en/reports/{report_id}").status_code == 403
            assert (
                browser.post(f"/staff/en/reports/{report_id}/suspend", reason="fraud").status_code
                == 403
            )
            assert "/staff/en/reports" not in browser.page("/staff/en/").text
        finally:
            browser.http.close()


def test_only_the_actions_on_a_reported_link_hold_a_link_id_in_the_audit_log(
    pde_server: LiveServer, raw_wallet: RawWallet, operator: StaffBrowser
) -> None:
    share_id, report_id = reported_share(pde_server, raw_wallet)
    operator.page(f"/staff/en/reports/{report_id}")
    operator.post(f"/staff/en/reports/{report_id}/suspend", reason="other")

    exported = operator.http.get("/staff/en/audit.csv")

    rows = list(csv.DictReader(io.StringIO(exported.text)))
    [suspension] = [row for row in rows if row["target_id"] == share_id]
    assert (suspension["action"], suspension["target"], suspension["centre_id"]) == (
        "link_suspended",
        "share",
        "",
    )
    with stored_rows(pde_server) as db:
        link_ids = set(db.scalars(select(LinkReport.link_id)))
        for entry in db.scalars(select(AuditEntry)):
            if entry.target_id in link_ids:
                assert entry.action in LINK_ACTIONS, entry.action
    page = open_share(
        httpx.Client(base_url=pde_server.url, timeout=60),
        make_share(raw_wallet, [raw_wallet.add(b"x")]),
    )
    assert page.status_code == 200  # another share of the same wallet is untouched
