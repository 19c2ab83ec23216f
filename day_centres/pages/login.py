"""Logging in to the staff pages: the password, then a TOTP code or a recovery
code (or, for an account not yet enrolled, the enrolment: QR code, first code,
ten recovery codes shown once), and logging out. Each step hands out a new
session token; a wrong password or code is counted (day_centres.login)."""

from __future__ import annotations

import base64

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from day_centres import accounts, audit, sessions
from day_centres.errors import StaffError
from day_centres.login import check_password_step, check_second_factor, finish_enrolment
from day_centres.models import StaffAccount
from day_centres.pages.deps import (
    AwaitingCode,
    AwaitingEnrolment,
    ClientDep,
    CsrfField,
    CurrentStaff,
    FormText,
    LanguageDep,
    LimitsDep,
    Staff,
    check_form,
    optional_staff,
    same_site_form,
    staff_pages_router,
    staff_settings,
)
from day_centres.pages.view import (
    COOKIE,
    StaffView,
    clear_session_cookie,
    redirect,
    set_session_cookie,
)
from day_centres.totp import grouped, provisioning_uri, qr_png
from wallet.api.deps import DbDep, RuntimeDep

router = staff_pages_router()


def _view(request: Request) -> StaffView:
    view: StaffView = request.app.state.staff_view
    return view


def _open(
    request: Request, runtime: RuntimeDep, db: DbDep, account: StaffAccount, stage: str, path: str
) -> Response:
    """Open a session at `stage` for `account`, commit, and go to `path` with its cookie."""
    token, _ = sessions.open_session(db, staff_settings(runtime), account, stage)
    if stage == "full":
        audit.record(db, account, "login", audit.Target.account(account))
    db.commit()
    response = redirect(request, path)
    set_session_cookie(request, response, token, runtime.settings.public_url.startswith("https"))
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, lang: LanguageDep, db: DbDep, runtime: RuntimeDep, done: str = ""
) -> Response:
    if optional_staff(request, db, runtime) is not None:
        return redirect(request)
    return _view(request).render(
        request, "login.html", {"done": "logged_out" if done == "logged_out" else ""}
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    lang: LanguageDep,
    db: DbDep,
    runtime: RuntimeDep,
    limits: LimitsDep,
    client: ClientDep,
    name: FormText = "",
    password: FormText = "",
) -> Response:
    """The password step: on success, a half-open session awaits the second factor."""
    same_site_form(request)
    try:
        account = check_password_step(db, limits, name, password, client)
    except StaffError as error:
        context = {"error": error, "name": name[:64]}
        return _view(request).render(request, "login.html", context, status_code=error.status)
    sessions.end_session_of_token(db, request.cookies.get(COOKIE))  # this browser's last one
    if account.enrolled:
        return _open(request, runtime, db, account, "code", "code")
    return _open(request, runtime, db, account, "enrol", "enrol")


@router.get("/code", response_class=HTMLResponse)
def code_page(request: Request, lang: LanguageDep, staff: AwaitingCode) -> Response:
    return _view(request).render(request, "code.html", {"csrf": staff.csrf})


@router.post("/code", response_class=HTMLResponse)
def second_factor(
    request: Request,
    lang: LanguageDep,
    runtime: RuntimeDep,
    limits: LimitsDep,
    staff: AwaitingCode,
    csrf: CsrfField = "",
    code: FormText = "",
) -> Response:
    """The TOTP code or a recovery code: the session becomes a full one, with a new token."""
    check_form(request, staff, csrf)
    try:
        used = check_second_factor(staff.db, limits, staff.account, code)
    except StaffError as error:
        context = {"csrf": staff.csrf, "error": error}
        return _view(request).render(request, "code.html", context, status_code=error.status)
    sessions.end_session(staff.db, staff.session)
    home = "?done=recovery_code_used" if used == "recovery" else ""
    return _open(request, runtime, staff.db, staff.account, "full", home)


def _enrolment_context(staff: Staff) -> dict[str, object]:
    secret = accounts.enrolment_secret(staff.account)
    staff.db.commit()  # the same secret on a reload, until enrolled
    uri = provisioning_uri(secret, staff.account.name)
    return {
        "csrf": staff.csrf,
        "qr": "data:image/png;base64," + base64.b64encode(qr_png(uri)).decode(),
        "secret": grouped(secret),
        "account_name": staff.account.name,
    }


@router.get("/enrol", response_class=HTMLResponse)
def enrol_page(request: Request, lang: LanguageDep, staff: AwaitingEnrolment) -> Response:
    return _view(request).render(request, "enrol.html", _enrolment_context(staff))


@router.post("/enrol", response_class=HTMLResponse)
def enrol(
    request: Request,
    lang: LanguageDep,
    runtime: RuntimeDep,
    limits: LimitsDep,
    staff: AwaitingEnrolment,
    csrf: CsrfField = "",
    code: FormText = "",
) -> Response:
    """The first TOTP code confirms the enrolment; the recovery codes are shown now,
    in this answer, and never again (only their hashes are kept)."""
    check_form(request, staff, csrf)
    try:
        codes = finish_enrolment(staff.db, limits, staff.account, code)
    except StaffError as error:
        context = _enrolment_context(staff) | {"error": error}
        return _view(request).render(request, "enrol.html", context, status_code=error.status)
    sessions.end_session(staff.db, staff.session)
    opened = _open(request, runtime, staff.db, staff.account, "full", "")
    response = _view(request).render(request, "recovery-codes.html", {"codes": codes})
    response.headers["set-cookie"] = opened.headers["set-cookie"]
    return response


@router.post("/logout")
def logout(
    request: Request, lang: LanguageDep, staff: CurrentStaff, csrf: CsrfField = ""
) -> Response:
    """End the session; the browser forgets this site's cache and storage (not its
    cookies: an enrolled terminal's must stay) and the session's cookie."""
    check_form(request, staff, csrf)
    sessions.end_session(staff.db, staff.session)
    audit.record(staff.db, staff.account, "logout", audit.Target.account(staff.account))
    staff.db.commit()
    response = redirect(request, "login?done=logged_out")
    clear_session_cookie(response)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
