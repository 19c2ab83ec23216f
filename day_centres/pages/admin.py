"""The staff pages behind the login: home by role; the operator's centres
(create, edit), staff accounts (create a coordinator or worker for a centre,
disable, reset TOTP) and audit log (page and CSV); a coordinator's own centre
(read) and its workers (create, disable). Every change is written to the audit
log in the same transaction. A coordinator asking for another centre's account
gets "not found", as for one that does not exist."""

from __future__ import annotations

import math

from fastapi import Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from day_centres import accounts, audit, centres
from day_centres.errors import FormInvalid, StaffNotFound
from day_centres.models import CENTRE_LANGUAGES, StaffAccount
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
from day_centres.pages.view import StaffView, redirect
from wallet.api.deps import RuntimeDep

router = staff_pages_router()
AUDIT_PAGE_SIZE = 50
# Messages a page shows after a change, from `?done=` (PRG: the form redirected here).
DONE = {
    "centre_created",
    "centre_updated",
    "account_created",
    "account_disabled",
    "totp_reset",
    "recovery_code_used",
}


def _view(request: Request) -> StaffView:
    view: StaffView = request.app.state.staff_view
    return view


def _render(
    request: Request, staff: Staff, template: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    done = request.query_params.get("done", "")
    base = {"staff": staff, "csrf": staff.csrf, "done": done if done in DONE else ""}
    return _view(request).render(request, template, base | context, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    """What each role can do; a coordinator or worker also sees their centre."""
    left = accounts.recovery_codes_left(staff.db, staff.account)
    return _render(
        request, staff, "home.html", {"centre": staff.account.centre, "codes_left": left}
    )


# -- centres (the operator) ---------------------------------------------------------


def _centre_form(languages: list[str]) -> list[str]:
    return [code for code in languages if code]


def _details(form: dict[str, str], languages: list[str]) -> centres.CentreDetails:
    return centres.CentreDetails(
        name=form["name"],
        address=form["address"],
        help_phone=form["help_phone"],
        opening_hours=form["opening_hours"],
        languages=languages,
        printing_allowed=form["printing"] == "yes",
        idle_minutes=form["idle_minutes"],
    )


@router.get("/centres", response_class=HTMLResponse)
def centre_list(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    require_role(staff, "operator")
    return _render(request, staff, "centres.html", {"centres": centres.list_centres(staff.db)})


def _centre_page(
    request: Request,
    staff: Staff,
    values: dict[str, object],
    centre_id: str = "",
    error: FormInvalid | None = None,
) -> HTMLResponse:
    context = {
        "values": values,
        "centre_id": centre_id,
        "all_languages": CENTRE_LANGUAGES,
        "error": error,
    }
    return _render(request, staff, "centre-form.html", context, 422 if error else 200)


EMPTY_CENTRE: dict[str, object] = {
    "name": "",
    "address": "",
    "help_phone": "",
    "opening_hours": "",
    "languages": ["fr", "nl"],
    "printing": "yes",
    "idle_minutes": str(centres.DEFAULT_IDLE_MINUTES),
}


@router.get("/centres/new", response_class=HTMLResponse)
def new_centre(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    require_role(staff, "operator")
    return _centre_page(request, staff, EMPTY_CENTRE)


@router.get("/centres/{centre_id}", response_class=HTMLResponse)
def edit_centre_page(
    request: Request, lang: LanguageDep, centre_id: str, staff: CurrentStaff
) -> HTMLResponse:
    require_role(staff, "operator")
    centre = centres.get_centre(staff.db, centre_id)
    values: dict[str, object] = {
        "name": centre.name,
        "address": centre.address,
        "help_phone": centre.help_phone,
        "opening_hours": centre.opening_hours,
        "languages": centre.language_codes,
        "printing": "yes" if centre.printing_allowed else "no",
        "idle_minutes": str(centre.idle_minutes),
    }
    return _centre_page(request, staff, values, centre.id)


def _save_centre(
    request: Request, staff: Staff, centre_id: str, form: dict[str, str], languages: list[str]
) -> Response:
    require_role(staff, "operator")
    details = _details(form, languages)
    try:
        if centre_id:
            centre = centres.get_centre(staff.db, centre_id)
            centres.update_centre(staff.db, centre, details)
            action = "centre_updated"
        else:
            centre = centres.create_centre(staff.db, details)
            action = "centre_created"
    except FormInvalid as error:
        staff.db.rollback()
        return _centre_page(request, staff, {**form, "languages": languages}, centre_id, error)
    audit.record(staff.db, staff.account, action, audit.Target.centre(centre))
    staff.db.commit()
    return redirect(request, f"centres?done={action}")


@router.post("/centres", response_class=HTMLResponse)
@router.post("/centres/{centre_id}", response_class=HTMLResponse)
def save_centre(
    request: Request,
    lang: LanguageDep,
    staff: CurrentStaff,
    centre_id: str = "",
    csrf: CsrfField = "",
    name: FormText = "",
    address: FormText = "",
    help_phone: FormText = "",
    opening_hours: FormText = "",
    printing: FormText = "no",
    idle_minutes: FormText = "3",  # centres.DEFAULT_IDLE_MINUTES, when the form has no field
    language_1: FormText = "",
    language_2: FormText = "",
    language_3: FormText = "",
    language_4: FormText = "",
    language_5: FormText = "",
) -> Response:
    """Create a centre (no id) or change one; the languages in the order chosen."""
    check_form(request, staff, csrf)
    form = {
        "name": name,
        "address": address,
        "help_phone": help_phone,
        "opening_hours": opening_hours,
        "printing": printing,
        "idle_minutes": idle_minutes[:10],
    }
    languages = _centre_form([language_1, language_2, language_3, language_4, language_5])
    return _save_centre(request, staff, centre_id, form, languages)


# -- staff accounts (the operator: every centre; a coordinator: their workers) ---------


def _visible_account(staff: Staff, account_id: str) -> StaffAccount:
    """An account the asker may act on: the operator, any coordinator or worker; a
    coordinator, a worker of their centre. Anything else is not found."""
    account = accounts.get_account(staff.db, account_id)
    if staff.role == "operator" and account.role != "operator":
        return account
    if (
        staff.role == "coordinator"
        and account.role == "worker"
        and account.centre_id == staff.account.centre_id
    ):
        return account
    raise StaffNotFound()


@router.get("/accounts", response_class=HTMLResponse)
def account_list(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    require_role(staff, "operator", "coordinator")
    if staff.role == "operator":
        listed = accounts.list_accounts(staff.db)
    else:
        listed = [
            a
            for a in accounts.list_accounts(staff.db, staff.account.centre_id)
            if a.role == "worker"
        ]
    return _render(request, staff, "accounts.html", {"accounts": listed})


def _account_page(
    request: Request, staff: Staff, values: dict[str, str], error: FormInvalid | None = None
) -> HTMLResponse:
    options = centres.list_centres(staff.db) if staff.role == "operator" else []
    context = {"values": values, "centres": options, "error": error}
    return _render(request, staff, "account-form.html", context, 422 if error else 200)


@router.get("/accounts/new", response_class=HTMLResponse)
def new_account(
    request: Request,
    lang: LanguageDep,
    staff: CurrentStaff,
    centre: str = "",
) -> HTMLResponse:
    require_role(staff, "operator", "coordinator")
    return _account_page(
        request,
        staff,
        {
            "name": "",
            "role": "coordinator" if staff.role == "operator" else "worker",
            "centre": centre,
        },
    )


@router.post("/accounts", response_class=HTMLResponse)
def create_account(
    request: Request,
    lang: LanguageDep,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    name: FormText = "",
    password: FormText = "",
    role: FormText = "",
    centre: FormText = "",
) -> Response:
    """A coordinator or worker (the operator) or a worker of one's centre (a coordinator)."""
    check_form(request, staff, csrf)
    require_role(staff, "operator", "coordinator")
    if staff.role == "coordinator":
        role, centre = "worker", staff.account.centre_id or ""
    values = {"name": name, "role": role, "centre": centre}
    try:
        if role not in ("coordinator", "worker"):
            raise FormInvalid(
                "Choose a role, and a centre for a coordinator or worker.", field="role"
            )
        try:
            home_centre = centres.get_centre(staff.db, centre)
        except StaffNotFound:
            raise FormInvalid("Choose a centre.", field="centre") from None
        account = accounts.create_account(staff.db, name, password, role, home_centre)
    except FormInvalid as error:
        staff.db.rollback()
        return _account_page(request, staff, values, error)
    audit.record(staff.db, staff.account, "account_created", audit.Target.account(account))
    staff.db.commit()
    return redirect(request, "accounts?done=account_created")


ACCOUNT_ACTIONS = {"disable": "account_disabled", "reset-totp": "totp_reset"}


@router.get("/accounts/{account_id}/{action}", response_class=HTMLResponse)
def confirm_account_action(
    request: Request, lang: LanguageDep, account_id: str, action: str, staff: CurrentStaff
) -> HTMLResponse:
    """Ask before disabling an account (for good) or resetting its TOTP."""
    account = _checked_action(staff, account_id, action)
    return _render(request, staff, "account-confirm.html", {"account": account, "action": action})


def _checked_action(staff: Staff, account_id: str, action: str) -> StaffAccount:
    require_role(staff, "operator", "coordinator")
    if action not in ACCOUNT_ACTIONS:
        raise StaffNotFound()
    if action == "reset-totp":
        require_role(staff, "operator")
    return _visible_account(staff, account_id)


@router.post("/accounts/{account_id}/{action}")
def account_action(
    request: Request,
    lang: LanguageDep,
    account_id: str,
    action: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
) -> Response:
    check_form(request, staff, csrf)
    account = _checked_action(staff, account_id, action)
    if action == "disable":
        accounts.disable(staff.db, account)
    else:
        accounts.reset_totp(staff.db, account)
    audit.record(staff.db, staff.account, ACCOUNT_ACTIONS[action], audit.Target.account(account))
    staff.db.commit()
    return redirect(request, f"accounts?done={ACCOUNT_ACTIONS[action]}")


# -- the audit log (the operator) -----------------------------------------------------


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < len(text) < 8 else 1


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, lang: LanguageDep, staff: CurrentStaff, page: str = "1"
) -> HTMLResponse:
    require_role(staff, "operator")
    pages = max(1, math.ceil(audit.count(staff.db) / AUDIT_PAGE_SIZE))
    number = min(_page_number(page), pages)
    entries = audit.entries(staff.db, limit=AUDIT_PAGE_SIZE, offset=(number - 1) * AUDIT_PAGE_SIZE)
    return _render(
        request, staff, "audit.html", {"entries": entries, "page": number, "pages": pages}
    )


@router.get("/audit.csv")
def audit_csv(
    request: Request, lang: LanguageDep, staff: CurrentStaff, runtime: RuntimeDep
) -> StreamingResponse:
    """The whole log as CSV, read with a database session of its own while it is sent."""
    require_role(staff, "operator")
    return StreamingResponse(
        audit.csv_lines(runtime.db),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="pde-staff-audit.csv"'},
    )
