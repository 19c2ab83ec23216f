"""The E2EE canary's staff part (issue 11 §5): on the canary's wallet, full of
markers, a share of documents with marker titles (recipient and purpose markers
too) and a deposit link with a marker label are reported by a worker and a
service with no account, as the viewer and the depositor's page send it (the
link's id, a reason, a short text; never the secret). Then an operator whose
password holds a marker logs in (password and TOTP), makes a centre, reads the
reports, suspends both links (the worker and the depositor are refused), lifts
and closes, reads and exports the audit log, and logs out. test_e2ee_canary.py
scans what the server holds afterwards for every marker and secret."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import httpx
import pyotp
import pytest

from client import PdeClient
from client import deposits as deposit_client
from client.http import ClientError
from client.shares import ShareViewer, create_share
from crypto import b64u_encode, derive_share_keys, parse_deposit_link, parse_share_link
from day_centres import accounts
from tests.security import forms_of_bytes, forms_of_text
from tests.staff_support import StaffBrowser, database
from wallet.clock import now

MARKERS = (
    "report share recipient",
    "report share purpose",
    "report share pin",
    "report deposit label",
    "staff password",
)
REPORT_TEXT = "Reçu par erreur, je ne connais pas cette personne"
REPORT_ID = re.compile(r'href="/staff/en/reports/([A-Za-z0-9_-]{22})"')


@dataclass(frozen=True)
class ReportedLinks:
    """What the staff part leaves behind, and what must never be stored."""

    share_id: str
    deposit_id: str
    markers: dict[str, str]
    secrets: dict[str, dict[str, bytes]]  # name -> its forms, as test_e2ee_canary scans them
    link_secrets: dict[str, dict[str, bytes]]  # the two links' secrets alone


def _operator(database_url: str, password: str) -> tuple[str, str]:
    """An operator with `password`, enrolled in TOTP; (name, TOTP secret)."""
    with database(database_url) as db:
        account = accounts.create_account(
            db, f"Operator {secrets.token_hex(3)}", password, "operator", None
        )
        secret = accounts.enrolment_secret(account)
        account.totp_enrolled_at = now()
        return account.name, secret


def _log_in(url: str, name: str, password: str, totp: str) -> StaffBrowser:
    browser = StaffBrowser(httpx.Client(base_url=url, timeout=60))
    first = browser.http.post("/staff/en/login", data={"name": name, "password": password})
    assert first.status_code == 303, first.text
    browser.page("/staff/en/code")
    second = browser.post("/staff/en/code", code=pyotp.TOTP(totp).now())
    assert second.status_code == 303, second.text
    browser.page("/staff/en/")
    return browser


def _report(url: str, path: str, reason: str) -> None:
    """What the viewer's or depositor's form sends: the link's id in the path, no secret."""
    answer = httpx.post(f"{url}{path}/report", json={"reason": reason, "text": REPORT_TEXT})
    assert answer.status_code == 202, answer.text


def _handle(browser: StaffBrowser, report_id: str, reason: str) -> None:
    """Suspend the reported link, lift the suspension, close the report."""
    path = f"/staff/en/reports/{report_id}"
    assert browser.page(path).status_code == 200
    assert browser.post(f"{path}/suspend", reason=reason).status_code == 303


def _finish(browser: StaffBrowser, report_id: str) -> None:
    path = f"/staff/en/reports/{report_id}"
    assert browser.post(f"{path}/lift").status_code == 303
    assert browser.post(f"{path}/close").status_code == 303


def report_and_suspend(client: PdeClient, url: str, database_url: str) -> ReportedLinks:
    """Run the staff flows and the reports on `client`'s wallet (logged in, with documents)."""
    markers = {name: "CANARY-" + secrets.token_hex(8) for name in MARKERS}
    documents = [item["document_id"] for item in client.call("GET", "/api/v1/documents")][:2]
    share = create_share(
        client,
        documents,
        recipient=f"CPAS {markers['report share recipient']}",
        purpose=f"RIS {markers['report share purpose']}",
        pin=markers["report share pin"],
        fields=("title", "issuer", "file_name"),
    )
    link = deposit_client.create_deposit_link(client, f"Hôpital {markers['report deposit label']}")
    _, share_id, share_secret = parse_share_link(share.link)
    deposit_id = link.deposit_id
    with ShareViewer(share.link) as viewer:  # the worker opens it, then reports it
        opened = viewer.open(share.pin)
        assert opened.recipient == f"CPAS {markers['report share recipient']}"
    _report(url, f"/api/v1/s/{share_id}", "mistake")
    _report(url, f"/api/v1/d/{deposit_id}", "fraud")

    password = f"violet {markers['staff password']} tram"
    name, totp = _operator(database_url, password)
    browser = _log_in(url, name, password, totp)
    try:
        made = browser.post(
            "/staff/en/centres",
            name=f"Centre {secrets.token_hex(3)}",
            address="Rue Haute 1, 1000 Bruxelles",
            help_phone="+32 2 000 00 00",
            opening_hours="9:00-17:00",
            printing="yes",
            language_1="fr",
            language_2="ar",
            idle_minutes="3",
        )
        assert made.status_code == 303, made.text
        listing = browser.page("/staff/en/reports").text
        report_ids = REPORT_ID.findall(listing)
        assert share_id in listing and deposit_id in listing and len(report_ids) >= 2
        for report_id in report_ids:
            _handle(browser, report_id, "fraud")
        with ShareViewer(share.link) as viewer, pytest.raises(ClientError) as refused:
            viewer.open(share.pin)
        assert refused.value.code == "share_suspended"
        closed = httpx.get(f"{url}/api/v1/d/{deposit_id}")
        assert closed.json()["error"]["code"] == "deposit_suspended"
        assert [s.suspension for s in deposit_client.list_deposit_links(client)] != [None]
        for report_id in report_ids:
            _finish(browser, report_id)
        assert browser.page("/staff/en/audit").status_code == 200
        assert browser.http.get("/staff/en/audit.csv").status_code == 200
        assert browser.post("/staff/en/logout").status_code == 303
    finally:
        browser.http.close()
    keys = derive_share_keys(share_secret, share_id, share.pin)
    deposit_secret = parse_deposit_link(link.link)[2]
    link_secrets = {
        "reported share's secret": forms_of_bytes(share_secret),
        "reported share's secret (base64url)": forms_of_text(b64u_encode(share_secret)),
        "reported deposit link's secret": forms_of_bytes(deposit_secret),
        "reported deposit link's secret (base64url)": forms_of_text(b64u_encode(deposit_secret)),
    }
    found = link_secrets | {
        "reported share's key": forms_of_bytes(keys.share_key),
        "reported share's link": forms_of_text(share.link),
        "reported deposit link": forms_of_text(link.link),
        "staff password": forms_of_text(password),
    }
    return ReportedLinks(share_id, deposit_id, markers, found, link_secrets)
