"""The operator's pages of the register of organisations that sign what they
deposit (issue 16, docs/issued-documents.md, crypto/FORMAT.md §7.3): the list of
organisations with every key they ever had, adding an organisation, adding one of
its public keys, revoking a key from a day. The same as `pde org add | add-key |
revoke-key` (pde/org_commands.py), through the same service
(day_centres.organisations) and the same audit log actions.

Adding a key takes two steps: the pasted public key is checked and its
fingerprint shown, for the operator to compare with the one the organisation
read out; only the second step ("Register this key") stores it. Only public keys
ever reach these pages: an organisation keeps its private key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from crypto.issued import org_key_id
from day_centres import audit, organisations
from day_centres.errors import FormInvalid, StaffError, StaffNotFound
from day_centres.organisations import Organisation, OrganisationKey
from day_centres.pages.deps import (
    CsrfField,
    CurrentStaff,
    FormText,
    LanguageDep,
    Staff,
    check_form,
    require_role,
    staff_pages_router,
)
from day_centres.pages.view import StaffView, page_language, redirect
from wallet.clock import now

router = staff_pages_router()
# Messages the list shows after an action (`?done=`, view.DONE_MESSAGES).
DONE = {"organisation_created", "organisation_key_added", "organisation_key_revoked"}
DAY_FIELD_MAX = 10  # yyyy-mm-dd


def _render(
    request: Request, staff: Staff, template: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    done = request.query_params.get("done", "")
    view: StaffView = request.app.state.staff_view
    base = {
        "staff": staff,
        "csrf": staff.csrf,
        "done": done if done in DONE else "",
        "kinds": organisations.KINDS,
        "day": _day_formatter(page_language(request).code),
    }
    return view.render(request, template, base | context, status_code=status)


def _day_formatter(code: str) -> Callable[[date | None], str]:
    """A day as the page's language writes it ("" for none)."""

    def day(value: date | None) -> str:
        return format_date(value, "medium", locale=code) if value is not None else ""

    return day


def _today() -> date:
    return now().date()


def _day(text: str, field: str, *, required: bool) -> date | None:
    """A day as a date field sends it (yyyy-mm-dd); None for an empty optional one."""
    text = text.strip()
    if not text and not required:
        return None
    try:
        if len(text) == DAY_FIELD_MAX:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise FormInvalid("Write the day as year-month-day, for example 2026-03-31.", field=field)


def _organisation(staff: Staff, organisation_id: str) -> Organisation:
    require_role(staff, "operator")
    organisation = staff.db.get(Organisation, organisation_id)
    if organisation is None:
        raise StaffNotFound()
    return organisation


def _key(staff: Staff, kid: str) -> OrganisationKey:
    require_role(staff, "operator")
    try:
        return organisations.get_key(staff.db, kid)
    except StaffNotFound:
        raise StaffNotFound() from None


def _key_target(organisation: Organisation, key: OrganisationKey) -> audit.Target:
    """The audit log's target, as `pde org` writes it: the organisation and the
    start of the key's fingerprint."""
    return audit.Target(None, organisation.id, f"{organisation.name} {key.kid[:8]}")


# -- the register ---------------------------------------------------------------------


@router.get("/organisations", response_class=HTMLResponse)
def organisation_list(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    """Every organisation and every key it ever had (as /api/v1/organisations publishes)."""
    require_role(staff, "operator")
    listed = organisations.list_organisations(staff.db)
    return _render(request, staff, "organisations.html", {"organisations": listed})


def _organisation_form(
    request: Request,
    staff: Staff,
    values: dict[str, str] | None = None,
    error: FormInvalid | None = None,
) -> HTMLResponse:
    context = {"values": values or {"name": "", "kind": "", "address": ""}, "error": error}
    return _render(request, staff, "organisation-form.html", context, 422 if error else 200)


@router.get("/organisations/new", response_class=HTMLResponse)
def new_organisation_page(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    require_role(staff, "operator")
    return _organisation_form(request, staff)


@router.post("/organisations", response_class=HTMLResponse)
def create_organisation(
    request: Request,
    lang: LanguageDep,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    name: FormText = "",
    kind: FormText = "",
    address: FormText = "",
) -> Response:
    """Register an organisation (name, kind, address)."""
    check_form(request, staff, csrf)
    require_role(staff, "operator")
    values = {"name": name[:120], "kind": kind, "address": address[:300]}
    try:
        organisation = organisations.create_organisation(staff.db, name, kind, address)
    except FormInvalid as error:
        staff.db.rollback()
        return _organisation_form(request, staff, values, error)
    audit.record(
        staff.db,
        staff.account,
        "organisation_created",
        audit.Target(None, organisation.id, organisation.name),
    )
    staff.db.commit()
    return redirect(request, "organisations?done=organisation_created")


# -- keys -----------------------------------------------------------------------------


def _key_form(
    request: Request,
    staff: Staff,
    organisation: Organisation,
    values: dict[str, str] | None = None,
    error: StaffError | None = None,
    kid: str = "",
    checked: tuple[date, date | None] | None = None,
) -> HTMLResponse:
    """The key's form, or (`kid` set) the checked key's fingerprint and validity days
    with the button that registers it."""
    shown = values or {"public_key": "", "valid_from": _today().isoformat(), "valid_until": ""}
    context = {"organisation": organisation, "values": shown, "error": error, "kid": kid}
    if checked is not None:
        context |= {"checked_from": checked[0], "checked_until": checked[1]}
    return _render(request, staff, "organisation-key.html", context, 422 if error else 200)


@router.get("/organisations/{organisation_id}/keys/new", response_class=HTMLResponse)
def new_key_page(
    request: Request, lang: LanguageDep, organisation_id: str, staff: CurrentStaff
) -> HTMLResponse:
    return _key_form(request, staff, _organisation(staff, organisation_id))


@router.post("/organisations/{organisation_id}/keys", response_class=HTMLResponse)
def add_key(
    request: Request,
    lang: LanguageDep,
    organisation_id: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    public_key: FormText = "",
    valid_from: FormText = "",
    valid_until: FormText = "",
    confirmed: FormText = "",
) -> Response:
    """First the key is checked and its fingerprint shown (nothing stored); then, with
    `confirmed`, the same key is registered."""
    check_form(request, staff, csrf)
    organisation = _organisation(staff, organisation_id)
    values = {
        "public_key": public_key.strip()[:100],
        "valid_from": valid_from[:DAY_FIELD_MAX],
        "valid_until": valid_until[:DAY_FIELD_MAX],
    }
    try:
        key_bytes = organisations.parse_public_key(public_key)
        start = _day(valid_from, "valid_from", required=False) or _today()
        end = _day(valid_until, "valid_until", required=False)
        key = organisations.add_key(staff.db, organisation, key_bytes, start, end)
    except FormInvalid as error:
        staff.db.rollback()
        return _key_form(request, staff, organisation, values, error)
    if confirmed != "yes":  # the check only: the operator compares the fingerprint first
        staff.db.rollback()
        values["valid_from"] = start.isoformat()
        kid = org_key_id(key_bytes)
        return _key_form(request, staff, organisation, values, kid=kid, checked=(start, end))
    audit.record(staff.db, staff.account, "organisation_key_added", _key_target(organisation, key))
    staff.db.commit()
    return redirect(request, "organisations?done=organisation_key_added")


def _revoke_form(
    request: Request,
    staff: Staff,
    key: OrganisationKey,
    values: dict[str, str] | None = None,
    error: FormInvalid | None = None,
) -> HTMLResponse:
    shown = values or {"day": _today().isoformat(), "reason": ""}
    context = {"key": key, "values": shown, "error": error}
    return _render(request, staff, "organisation-key-revoke.html", context, 422 if error else 200)


@router.get("/organisations/keys/{kid}/revoke", response_class=HTMLResponse)
def revoke_key_page(
    request: Request, lang: LanguageDep, kid: str, staff: CurrentStaff
) -> HTMLResponse:
    return _revoke_form(request, staff, _key(staff, kid))


@router.post("/organisations/keys/{kid}/revoke", response_class=HTMLResponse)
def revoke_key(
    request: Request,
    lang: LanguageDep,
    kid: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    day: FormText = "",
    reason: FormText = "",
) -> Response:
    """Revoke a key from a day: what it signed for an issue day on or after it no
    longer verifies; what it signed before still does."""
    check_form(request, staff, csrf)
    key = _key(staff, kid)
    values = {"day": day[:DAY_FIELD_MAX], "reason": reason[:200]}
    try:
        revoked_from = _day(day, "day", required=True)
        assert revoked_from is not None
        organisations.revoke_key(staff.db, key, revoked_from, reason)
    except FormInvalid as error:
        staff.db.rollback()
        return _revoke_form(request, staff, key, values, error)
    audit.record(
        staff.db, staff.account, "organisation_key_revoked", _key_target(key.organisation, key)
    )
    staff.db.commit()
    return redirect(request, "organisations?done=organisation_key_revoked")
