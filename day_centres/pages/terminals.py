"""Terminals on the staff pages and on the terminal itself.

Staff side (`/staff/<lang>/terminals…`): a coordinator or worker asks for a
one-time enrolment code for their centre (shown once, with its QR code); a
coordinator lists their centre's terminals (name, enrolled on, last seen day),
renames and revokes them; the operator does the same for every centre.

Terminal side (`/terminal/enrol`, `/terminal/<lang>/enrol`): the terminal's
browser types the code (or arrives from the QR code with it filled in), names
the terminal, and gets the terminal's cookie. No staff session is needed there:
the code is the proof; a wrong one is counted and answered with a page."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from babel.dates import format_date
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from day_centres import terminals
from day_centres.errors import FormInvalid, StaffError
from day_centres.pages.deps import (
    ClientDep,
    CsrfField,
    CurrentStaff,
    FormText,
    LanguageDep,
    Staff,
    check_form,
    require_role,
    same_site_form,
    staff_pages_router,
    staff_settings,
)
from day_centres.pages.view import BRUSSELS, StaffView, page_language, redirect
from day_centres.terminal_context import terminal_cookie
from day_centres.totp import qr_png
from wallet.api.deps import DbDep, RuntimeDep
from wallet.runtime import Runtime

staff_router = staff_pages_router()
terminal_router = staff_pages_router(prefix="")
CODE_FIELD_MAX = 40


def _view(request: Request) -> StaffView:
    view: StaffView = request.app.state.staff_view
    return view


def enrolment_limits(runtime: RuntimeDep) -> terminals.EnrolmentLimits:
    return terminals.EnrolmentLimits(runtime.limiter, staff_settings(runtime))


EnrolmentLimitsDep = Annotated[terminals.EnrolmentLimits, Depends(enrolment_limits)]


def _render(
    request: Request, staff: Staff, template: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    done = request.query_params.get("done", "")
    done = done if done in ("terminal_renamed", "terminal_revoked") else ""
    base = {"staff": staff, "csrf": staff.csrf, "done": done, "day": _day_formatter(request)}
    return _view(request).render(request, template, base | context, status_code=status)


def _day_formatter(request: Request) -> Callable[[date | datetime], str]:
    """A day (or the day of a moment, in Brussels) as the page's language writes it."""
    code = page_language(request).code

    def day(value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(BRUSSELS).date()
        return format_date(value, "medium", locale=code)

    return day


# -- the staff side -------------------------------------------------------------------


@staff_router.get("/terminals", response_class=HTMLResponse)
def terminal_list(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    """The centre's terminals (a coordinator), every centre's (the operator); a
    worker only asks for codes."""
    require_role(staff, "operator", "coordinator", "worker")
    listed = (
        terminals.list_terminals(staff.db)
        if staff.role == "operator"
        else terminals.list_terminals(staff.db, staff.account.centre_id)
        if staff.role == "coordinator"
        else []
    )
    return _render(request, staff, "terminals.html", {"terminals": listed})


@staff_router.get("/terminals/code", response_class=HTMLResponse)
def code_page(request: Request, lang: LanguageDep, staff: CurrentStaff) -> HTMLResponse:
    require_role(staff, "coordinator", "worker")
    return _render(request, staff, "terminal-code.html", {"code": ""})


@staff_router.post("/terminals/code", response_class=HTMLResponse)
def new_code(
    request: Request,
    lang: LanguageDep,
    staff: CurrentStaff,
    runtime: RuntimeDep,
    limits: EnrolmentLimitsDep,
    csrf: CsrfField = "",
) -> HTMLResponse:
    """A new code, shown in this answer only (the server keeps its hash)."""
    check_form(request, staff, csrf)
    require_role(staff, "coordinator", "worker")
    try:
        code, expires = terminals.issue_code(staff.db, limits, staff.account)
    except StaffError as error:
        staff.db.rollback()
        context = {"code": "", "error": error}
        return _render(request, staff, "terminal-code.html", context, error.status)
    staff.db.commit()
    url = terminals.enrol_url(runtime.settings.public_url, code, page_language(request).code)
    context = {
        "code": terminals.grouped(code),
        "expires": expires,
        "qr": "data:image/png;base64," + base64.b64encode(qr_png(url)).decode(),
        "enrol_address": f"{runtime.settings.public_url.rstrip('/')}/terminal/enrol",
    }
    return _render(request, staff, "terminal-code.html", context)


def _terminal_action_page(
    request: Request, staff: Staff, terminal_id: str, action: str, error: FormInvalid | None = None
) -> HTMLResponse:
    terminal = terminals.visible_terminal(staff.db, staff.account, terminal_id)
    context = {"terminal": terminal, "action": action, "error": error}
    return _render(request, staff, "terminal-action.html", context, 422 if error else 200)


@staff_router.get("/terminals/{terminal_id}/rename", response_class=HTMLResponse)
def rename_page(
    request: Request, lang: LanguageDep, terminal_id: str, staff: CurrentStaff
) -> HTMLResponse:
    require_role(staff, "operator", "coordinator")
    return _terminal_action_page(request, staff, terminal_id, "rename")


@staff_router.post("/terminals/{terminal_id}/rename", response_class=HTMLResponse)
def rename(
    request: Request,
    lang: LanguageDep,
    terminal_id: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    name: FormText = "",
) -> Response:
    check_form(request, staff, csrf)
    require_role(staff, "operator", "coordinator")
    terminal = terminals.visible_terminal(staff.db, staff.account, terminal_id)
    try:
        terminals.rename(staff.db, staff.account, terminal, name)
    except FormInvalid as error:
        staff.db.rollback()
        return _terminal_action_page(request, staff, terminal_id, "rename", error)
    staff.db.commit()
    return redirect(request, "terminals?done=terminal_renamed")


@staff_router.get("/terminals/{terminal_id}/revoke", response_class=HTMLResponse)
def revoke_page(
    request: Request, lang: LanguageDep, terminal_id: str, staff: CurrentStaff
) -> HTMLResponse:
    require_role(staff, "operator", "coordinator")
    return _terminal_action_page(request, staff, terminal_id, "revoke")


@staff_router.post("/terminals/{terminal_id}/revoke")
def revoke(
    request: Request,
    lang: LanguageDep,
    terminal_id: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
) -> Response:
    check_form(request, staff, csrf)
    require_role(staff, "operator", "coordinator")
    terminal = terminals.visible_terminal(staff.db, staff.account, terminal_id)
    terminals.revoke(staff.db, staff.account, terminal)
    staff.db.commit()
    return redirect(request, "terminals?done=terminal_revoked")


# -- the terminal side ----------------------------------------------------------------


@terminal_router.get("/terminal/enrol", response_class=RedirectResponse)
def terminal_enrol_root(request: Request) -> RedirectResponse:
    """The enrolment page in the browser's language, the code kept."""
    code = request.query_params.get("code", "")[:CODE_FIELD_MAX]
    query = f"?code={terminals.normalised_code(code) or ''}" if code else ""
    return RedirectResponse(
        f"/terminal/{page_language(request).code}/enrol{query}", status_code=303
    )


def _enrol_page(
    request: Request,
    code: str = "",
    name: str = "",
    error: StaffError | None = None,
    enrolled: terminals.Terminal | None = None,
) -> HTMLResponse:
    context = {
        "code": code[:CODE_FIELD_MAX],
        "name": name[: terminals.NAME_MAX],
        "error": error,
        "current": getattr(request.state, "terminal_policy", None),
        "enrolled": enrolled,
        # the language links keep to this page, and the code typed so far
        "language_base": "/terminal",
        "here": f"enrol?code={normalised}"
        if (normalised := terminals.normalised_code(code))
        else "enrol",
    }
    status = error.status if error else 200
    return _view(request).render(request, "terminal-enrol.html", context, status_code=status)


@terminal_router.get("/terminal/{lang}/enrol", response_class=HTMLResponse)
def terminal_enrol_page(request: Request, lang: LanguageDep, code: str = "") -> HTMLResponse:
    return _enrol_page(request, terminals.normalised_code(code) or "" if code else "")


@terminal_router.post("/terminal/{lang}/enrol", response_class=HTMLResponse)
def terminal_enrol(
    request: Request,
    lang: LanguageDep,
    db: DbDep,
    runtime: RuntimeDep,
    limits: EnrolmentLimitsDep,
    client: ClientDep,
    code: FormText = "",
    name: FormText = "",
) -> Response:
    """Use the code: this browser becomes a terminal of the code's centre (one it
    was before is revoked: a browser is one terminal)."""
    same_site_form(request)
    previous = getattr(request.state, "terminal_policy", None)
    replacing = previous.terminal_id if previous is not None else None
    try:
        token, terminal = terminals.enrol(db, limits, code, name, client, replacing)
    except StaffError as error:
        db.rollback()
        return _enrol_page(request, code, name, error)
    db.commit()
    db.refresh(terminal)
    response = _enrol_page(request, enrolled=terminal)
    secure = _secure(runtime, request)
    response.headers.append("set-cookie", terminal_cookie(token, secure))
    return response


def _secure(runtime: Runtime, request: Request) -> bool:
    return runtime.settings.public_url.startswith("https") or request.url.scheme == "https"
