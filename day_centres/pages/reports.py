"""The operator's pages of reported links (issue 11 §5; docs/day-centres.md,
"Handling reports"): the list of reports (which kind of link, its id, the reason,
the reporter's text, when, open or closed), and one report's page where the
operator suspends the link with a reason shown to the people concerned, lifts the
suspension, or closes the report. Nothing of the link's content can be shown: the
server holds only ciphertext, and these pages ask only wallet.services.link_reports
(which names a link by kind and id). Every action is written to the audit log, in
the same transaction, with the link's id: the only entries that hold one."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response

from day_centres import audit
from day_centres.errors import FormInvalid, StaffNotFound
from day_centres.pages.deps import (
    CsrfField,
    CurrentStaff,
    LanguageDep,
    Staff,
    check_form,
    require_role,
    staff_pages_router,
)
from day_centres.pages.view import StaffView, redirect
from wallet.errors import NotFound
from wallet.models import LinkReport
from wallet.services import link_reports

router = staff_pages_router()
PAGE_SIZE = 50
STATUSES = {"open": link_reports.OPEN, "closed": link_reports.CLOSED, "all": None}
# Messages a report's page shows after an action (`?done=`).
DONE = {"link_suspended", "suspension_lifted", "report_closed", "nothing_changed"}
# Words of the pages (English message ids of staff.po).
LINK_KINDS = {"share": "Share link", "deposit": "Deposit link"}
REPORT_REASONS = {
    "harmful": "Unwanted or harmful content",
    "mistake": "Sent to them by mistake",
    "fraud": "Looks like fraud or phishing",
    "other": "Another problem",
}
SUSPENSION_REASONS = {
    "harmful": "Unwanted or harmful content",
    "fraud": "Fraud or phishing",
    "wrong_recipient": "Sent to the wrong person",
    "other": "Another reason",
}
STATUS_NAMES = {"open": "To handle", "closed": "Closed"}
FILTERS = {"open": "To handle", "closed": "Closed", "all": "All"}  # which reports the list shows


def _render(
    request: Request, staff: Staff, template: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    done = request.query_params.get("done", "")
    view: StaffView = request.app.state.staff_view
    words = {
        "link_kinds": LINK_KINDS,
        "report_reasons": REPORT_REASONS,
        "suspension_reasons": SUSPENSION_REASONS,
        "status_names": STATUS_NAMES,
        "filters": FILTERS,
    }
    base = {"staff": staff, "csrf": staff.csrf, "done": done if done in DONE else ""}
    return view.render(request, template, base | words | context, status_code=status)


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < len(text) < 8 else 1


@router.get("/reports", response_class=HTMLResponse)
def report_list(
    request: Request, lang: LanguageDep, staff: CurrentStaff, status: str = "open", page: str = "1"
) -> HTMLResponse:
    """Reports to handle first (or the closed ones, or all), newest first, 50 a page."""
    require_role(staff, "operator")
    shown = status if status in STATUSES else "open"
    total = link_reports.count_reports(staff.db, STATUSES[shown])
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(_page_number(page), pages)
    reports = link_reports.list_reports(
        staff.db, status=STATUSES[shown], limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    suspended = {
        kind: link_reports.suspensions_of(
            staff.db, kind, [r.link_id for r in reports if r.link_kind == kind]
        )
        for kind in link_reports.LINK_KINDS
    }
    context = {
        "reports": reports,
        "suspended": suspended,
        "shown": shown,
        "page": number,
        "pages": pages,
        "open_count": link_reports.count_reports(staff.db, link_reports.OPEN),
    }
    return _render(request, staff, "reports.html", context)


def _report(staff: Staff, report_id: str) -> LinkReport:
    require_role(staff, "operator")
    try:
        return link_reports.get_report(staff.db, report_id)
    except NotFound:
        raise StaffNotFound() from None


def _report_page(
    request: Request, staff: Staff, report: LinkReport, error: FormInvalid | None = None
) -> HTMLResponse:
    context = {
        "report": report,
        "suspension": link_reports.suspension_of(staff.db, report.link_kind, report.link_id),
        "reports_of_link": link_reports.reports_of_link(staff.db, report.link_kind, report.link_id),
        "error": error,
    }
    return _render(request, staff, "report.html", context, 422 if error else 200)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, lang: LanguageDep, report_id: str, staff: CurrentStaff
) -> HTMLResponse:
    """One report, its link's suspension if any, and what the operator can do."""
    return _report_page(request, staff, _report(staff, report_id))


def _target(report: LinkReport) -> audit.Target:
    """The audit log's target of an action on a reported link: its kind and id."""
    return audit.Target(None, report.link_id, report.link_kind)


def _done(request: Request, report: LinkReport, action: str | None) -> Response:
    return redirect(request, f"reports/{report.id}?done={action or 'nothing_changed'}")


@router.post("/reports/{report_id}/suspend", response_class=HTMLResponse)
def suspend(
    request: Request,
    lang: LanguageDep,
    report_id: str,
    staff: CurrentStaff,
    csrf: CsrfField = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Suspend the reported link for a reason its owner and its viewers will read."""
    check_form(request, staff, csrf)
    report = _report(staff, report_id)
    if reason not in SUSPENSION_REASONS:
        error = FormInvalid("Choose the reason people will read.", field="reason")
        return _report_page(request, staff, report, error)
    suspension = link_reports.suspend(staff.db, report.link_kind, report.link_id, reason)
    if suspension is None:  # already suspended (another operator, another tab)
        return _done(request, report, None)
    audit.record(staff.db, staff.account, "link_suspended", _target(report))
    staff.db.commit()
    return _done(request, report, "link_suspended")


@router.post("/reports/{report_id}/lift")
def lift(
    request: Request, lang: LanguageDep, report_id: str, staff: CurrentStaff, csrf: CsrfField = ""
) -> Response:
    """End the link's suspension: it works again as its owner made it."""

    def lift_suspension(report: LinkReport) -> bool:
        return link_reports.lift(staff.db, report.link_kind, report.link_id) is not None

    return _act(request, staff, csrf, report_id, "suspension_lifted", lift_suspension)


@router.post("/reports/{report_id}/close")
def close(
    request: Request, lang: LanguageDep, report_id: str, staff: CurrentStaff, csrf: CsrfField = ""
) -> Response:
    """Mark the report handled (the link's suspension, if any, stays as it is)."""
    return _act(
        request,
        staff,
        csrf,
        report_id,
        "report_closed",
        lambda report: link_reports.close_report(staff.db, report),
    )


def _act(
    request: Request,
    staff: Staff,
    csrf: str,
    report_id: str,
    action: str,
    change: Callable[[LinkReport], bool],
) -> Response:
    """A report's button: check the form, make the change, and audit and announce
    `action` only if it changed something (another operator may have been first)."""
    check_form(request, staff, csrf)
    report = _report(staff, report_id)
    if not change(report):
        return _done(request, report, None)
    audit.record(staff.db, staff.account, action, _target(report))
    staff.db.commit()
    return _done(request, report, action)
