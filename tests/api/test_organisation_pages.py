"""The operator's pages of the register of organisations over HTTP, on SQLite and
PostgreSQL, as a browser without JavaScript uses them (issue 16): the operator
adds an organisation, pastes a key that `pde org keygen` printed and sees its
fingerprint before registering it, revokes the key from a day with a reason; the
public list /api/v1/organisations then says the same. A pasted text that is not
a key, an end before the start, an organisation without a name get the form back
with a translated problem and store nothing; every change is in the audit log
under the operator's account, with the actions `pde org` writes. Coordinators
and workers are refused (tests/security/test_staff_access.py holds every role)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from crypto import b64u_encode
from crypto.issued import new_org_key
from day_centres.models import AuditEntry
from day_centres.organisations import Organisation, OrganisationKey
from tests.api.support import API, stored_rows
from tests.server import LiveServer
from tests.staff_support import StaffBrowser, StaffMember, log_in, make_centre, make_staff

FINGERPRINT_SHOWN = re.compile(r'<code class="fingerprint" dir="ltr" lang="en">([\w-]{43})</code>')
ORG_ACTIONS = ("organisation_created", "organisation_key_added", "organisation_key_revoked")


@pytest.fixture
def operator_member(pde_server: LiveServer) -> StaffMember:
    return make_staff(pde_server.settings().sqlalchemy_url, "operator")


@pytest.fixture
def operator(pde_server: LiveServer, operator_member: StaffMember) -> Iterator[StaffBrowser]:
    browser = log_in(pde_server.url, operator_member)
    yield browser
    browser.http.close()


def add_organisation(operator: StaffBrowser, lang: str = "en") -> tuple[str, str]:
    """A new organisation through its form; (its id, its name)."""
    name = f"CPAS test {secrets.token_hex(3)}"
    operator.page(f"/staff/{lang}/organisations/new")
    added = operator.post(
        f"/staff/{lang}/organisations", name=name, kind="cpas", address="Rue X 1, 1050 Ixelles"
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/staff/{lang}/organisations?done=organisation_created"
    return organisation_id(operator, name), name


def organisation_id(operator: StaffBrowser, name: str) -> str:
    listed = operator.page("/staff/en/organisations").text
    section = listed[listed.index(f">{name}</h2>") :]
    match = re.search(r"/organisations/([\w-]{22})/keys/new", section)
    assert match, section
    return match.group(1)


def stored_keys(server: LiveServer, organisation: str) -> list[OrganisationKey]:
    with stored_rows(server) as db:
        query = select(OrganisationKey).where(OrganisationKey.organisation_id == organisation)
        keys = list(db.scalars(query))
        db.expunge_all()
        return keys


def audit_of(server: LiveServer, target_id: str) -> list[tuple[str, str | None, str]]:
    with stored_rows(server) as db:
        query = select(AuditEntry).where(AuditEntry.target_id == target_id).order_by(AuditEntry.id)
        return [(e.action, e.actor_id, e.target_name) for e in db.scalars(query)]


def test_the_operator_adds_an_organisation_and_finds_it_in_the_public_list(
    pde_server: LiveServer, operator: StaffBrowser, operator_member: StaffMember
) -> None:
    organisation, name = add_organisation(operator)
    listed = operator.page("/staff/en/organisations?done=organisation_created")
    assert "The organisation was registered." in listed.text
    assert "No key yet: the organisation cannot sign." in listed.text
    public = httpx.get(f"{pde_server.url}{API}/organisations").json()
    entry = next(o for o in public["organisations"] if o["id"] == organisation)
    assert (entry["name"], entry["kind"], entry["address"]) == (
        name,
        "cpas",
        "Rue X 1, 1050 Ixelles",
    )
    assert audit_of(pde_server, organisation) == [
        ("organisation_created", operator_member.id, name)
    ]


def test_adding_a_key_shows_its_fingerprint_before_anything_is_stored(
    pde_server: LiveServer, operator: StaffBrowser, operator_member: StaffMember
) -> None:
    organisation, name = add_organisation(operator)
    key = new_org_key()
    operator.page(f"/staff/fr/organisations/{organisation}/keys/new")
    checked = operator.post(
        f"/staff/fr/organisations/{organisation}/keys",
        public_key=f"  {b64u_encode(key.public_key)}\n",
        valid_from="2026-01-01",
        valid_until="2027-12-31",
    )
    assert checked.status_code == 200, checked.text
    assert "Comparez l&#39;empreinte" in checked.text
    assert FINGERPRINT_SHOWN.findall(checked.text) == [key.kid]
    assert "1 janv. 2026" in checked.text and "31 déc. 2027" in checked.text
    assert stored_keys(pde_server, organisation) == []  # only shown, not registered

    registered = operator.post(
        f"/staff/fr/organisations/{organisation}/keys",
        public_key=b64u_encode(key.public_key),
        valid_from="2026-01-01",
        valid_until="2027-12-31",
        confirmed="yes",
    )
    assert registered.status_code == 303, registered.text
    assert registered.headers["location"] == "/staff/fr/organisations?done=organisation_key_added"
    [stored] = stored_keys(pde_server, organisation)
    assert (stored.kid, stored.public_key) == (key.kid, key.public_key)
    assert (str(stored.valid_from), str(stored.valid_until)) == ("2026-01-01", "2027-12-31")
    listed = operator.page("/staff/fr/organisations?done=organisation_key_added").text
    assert "La clé est enregistrée." in listed
    assert key.kid in FINGERPRINT_SHOWN.findall(listed)  # in full
    assert audit_of(pde_server, organisation) == [
        ("organisation_created", operator_member.id, name),
        ("organisation_key_added", operator_member.id, f"{name} {key.kid[:8]}"),
    ]


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        (
            {"public_key": "not a key at all"},
            "This is not a public key: copy the 43 characters after &#39;public key:&#39;.",
        ),
        (
            {"public_key": b64u_encode(b"\x01" * 31)},
            "This is not a public key: copy the 43 characters after &#39;public key:&#39;.",
        ),
        (
            {"valid_from": "2026-05-01", "valid_until": "2026-04-30"},
            "The end of validity is before its start.",
        ),
        ({"valid_from": "1 May"}, "Write the day as year-month-day, for example 2026-03-31."),
    ],
)
def test_a_bad_key_or_day_gets_the_form_back_with_its_problem_and_nothing_is_stored(
    pde_server: LiveServer, operator: StaffBrowser, form: dict[str, str], problem: str
) -> None:
    organisation, _ = add_organisation(operator)
    sent = {"public_key": b64u_encode(new_org_key().public_key), "confirmed": "yes", **form}
    operator.page(f"/staff/en/organisations/{organisation}/keys/new")
    refused = operator.post(f"/staff/en/organisations/{organisation}/keys", **sent)
    assert refused.status_code == 422, refused.text
    assert 'class="problem" role="alert"' in refused.text
    assert problem in refused.text
    assert stored_keys(pde_server, organisation) == []
    assert [a for a, _, _ in audit_of(pde_server, organisation)] == ["organisation_created"]


def test_a_key_registered_once_is_refused_the_second_time(
    pde_server: LiveServer, operator: StaffBrowser
) -> None:
    organisation, _ = add_organisation(operator)
    public_key = b64u_encode(new_org_key().public_key)
    operator.page(f"/staff/en/organisations/{organisation}/keys/new")
    path = f"/staff/en/organisations/{organisation}/keys"
    assert operator.post(path, public_key=public_key, confirmed="yes").status_code == 303
    again = operator.post(path, public_key=public_key, confirmed="yes")
    assert again.status_code == 422
    assert "This key is already registered." in again.text
    assert len(stored_keys(pde_server, organisation)) == 1


def test_an_organisation_form_without_a_name_or_kind_is_refused_in_the_page_language(
    pde_server: LiveServer, operator: StaffBrowser
) -> None:
    operator.page("/staff/nl/organisations/new")
    with stored_rows(pde_server) as db:
        before = db.scalar(select(func.count()).select_from(Organisation))
    no_kind = operator.post("/staff/nl/organisations", name="OCMW Elsene", kind="bank")
    assert no_kind.status_code == 422
    assert "Kies het soort organisatie." in no_kind.text
    assert 'value="OCMW Elsene"' in no_kind.text  # what was typed is kept
    no_name = operator.post("/staff/nl/organisations", name=" ", kind="cpas")
    assert no_name.status_code == 422
    with stored_rows(pde_server) as db:
        assert db.scalar(select(func.count()).select_from(Organisation)) == before


def test_the_operator_revokes_a_key_from_a_day_with_a_reason(
    pde_server: LiveServer, operator: StaffBrowser, operator_member: StaffMember
) -> None:
    organisation, name = add_organisation(operator)
    key = new_org_key()
    operator.page(f"/staff/en/organisations/{organisation}/keys/new")
    added = operator.post(
        f"/staff/en/organisations/{organisation}/keys",
        public_key=b64u_encode(key.public_key),
        valid_from="2026-01-01",
        confirmed="yes",
    )
    assert added.status_code == 303

    revoke = f"/staff/en/organisations/keys/{key.kid}/revoke"
    form = operator.page(revoke)
    assert form.status_code == 200 and key.kid in form.text
    no_reason = operator.post(revoke, day="2026-03-01", reason="")
    assert no_reason.status_code == 422 and "Please fill in this field." in no_reason.text
    assert stored_keys(pde_server, organisation)[0].revoked_from is None

    revoked = operator.post(revoke, day="2026-03-01", reason="Key file lost")
    assert revoked.status_code == 303, revoked.text
    assert revoked.headers["location"] == "/staff/en/organisations?done=organisation_key_revoked"
    [stored] = stored_keys(pde_server, organisation)
    assert (str(stored.revoked_from), stored.revocation_reason) == ("2026-03-01", "Key file lost")
    listed = operator.page("/staff/en/organisations?done=organisation_key_revoked").text
    assert "The key was revoked." in listed
    assert "From Mar 1, 2026: Key file lost" in listed
    public = httpx.get(f"{pde_server.url}{API}/organisations").json()
    [entry] = [o for o in public["organisations"] if o["id"] == organisation]
    assert entry["keys"][0]["revoked_from"] == "2026-03-01"

    later = operator.post(revoke, day="2026-04-01", reason="Again")  # only earlier is allowed
    assert later.status_code == 422
    assert "This key is already revoked from that day or earlier." in later.text
    assert [a for a, _, _ in audit_of(pde_server, organisation)] == list(ORG_ACTIONS)
    assert audit_of(pde_server, organisation)[-1] == (
        "organisation_key_revoked",
        operator_member.id,
        f"{name} {key.kid[:8]}",
    )


def test_a_made_up_organisation_or_key_is_not_found(operator: StaffBrowser) -> None:
    assert (
        operator.page("/staff/en/organisations/AAAAAAAAAAAAAAAAAAAAAA/keys/new").status_code == 404
    )
    assert operator.page(f"/staff/en/organisations/keys/{'A' * 43}/revoke").status_code == 404


def test_a_form_from_another_site_is_refused(
    pde_server: LiveServer, operator: StaffBrowser
) -> None:
    operator.page("/staff/en/organisations/new")
    forged = operator.http.post(
        "/staff/en/organisations",
        data={"csrf": operator.csrf, "name": "Forged", "kind": "other"},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert forged.status_code == 403
    assert "This form has expired." in forged.text
    no_token = operator.http.post(
        "/staff/en/organisations", data={"name": "Forged", "kind": "other"}
    )
    assert no_token.status_code == 403
    with stored_rows(pde_server) as db:
        assert db.scalar(select(Organisation).where(Organisation.name == "Forged")) is None


def test_a_coordinator_does_not_see_the_menu_entry_or_the_page(pde_server: LiveServer) -> None:
    db_url = pde_server.settings().sqlalchemy_url
    coordinator = log_in(pde_server.url, make_staff(db_url, "coordinator", make_centre(db_url)))
    try:
        home = coordinator.page("/staff/en/")
        assert "/organisations" not in home.text
        assert coordinator.page("/staff/en/organisations").status_code == 403
    finally:
        coordinator.http.close()


def test_the_operator_menu_leads_to_the_organisations(operator: StaffBrowser) -> None:
    home = operator.page("/staff/en/")
    assert 'href="/staff/en/organisations"' in home.text
