"""The operator's page of anonymous feedback (issue 11 §7): one month at a time
(the newest by default), how many people gave each mark, and what they wrote;
and its CSV, one month or all of it. Downloading the CSV is written to the audit
log. The feedback holds no wallet, session, terminal or address: nothing here
can lead to a person. Its words are in locales/<lang>/LC_MESSAGES/feedback.po."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, StreamingResponse

from day_centres import audit, feedback
from day_centres.errors import StaffNotFound
from day_centres.pages import STAFF_LOCALES
from day_centres.pages.deps import CurrentStaff, LanguageDep, require_role, staff_pages_router
from day_centres.pages.view import StaffView
from page_kit.i18n import LANGUAGES_BY_CODE, load_translations
from wallet.api.deps import RuntimeDep

FEEDBACK_DOMAIN = "feedback"
FEEDBACK_TRANSLATIONS = load_translations(STAFF_LOCALES, FEEDBACK_DOMAIN)

router = staff_pages_router()


def _month(text: str) -> str:
    """A month asked for in the address ("2026-12"); anything else is not found."""
    if not feedback.MONTH.match(text):
        raise StaffNotFound()
    return text


@router.get("/feedback", response_class=HTMLResponse)
def feedback_page(
    request: Request, lang: LanguageDep, staff: CurrentStaff, month: str = ""
) -> HTMLResponse:
    """A month's feedback: the marks counted, then every opinion with words."""
    require_role(staff, "operator")
    months = feedback.months(staff.db)
    shown = _month(month) if month else (months[0] if months else "")
    view: StaffView = request.app.state.staff_view
    context = {
        "staff": staff,
        "csrf": staff.csrf,
        "months": months,
        "month": shown,
        "summary": feedback.summary(staff.db, shown) if shown else None,
        "opinions": feedback.feedback_of(staff.db, shown) if shown else [],
        "rating_labels": feedback.RATING_LABELS,
        "language_of": LANGUAGES_BY_CODE,
        "g": FEEDBACK_TRANSLATIONS[lang].gettext,
    }
    return view.render(request, "feedback.html", context)


@router.get("/feedback.csv")
def feedback_csv(
    request: Request, lang: LanguageDep, staff: CurrentStaff, runtime: RuntimeDep, month: str = ""
) -> StreamingResponse:
    """One month's feedback, or all of it, as CSV; the download is audit-logged."""
    require_role(staff, "operator")
    chosen = _month(month) if month else None
    audit.record(staff.db, staff.account, "feedback_exported", audit.Target(name=chosen or ""))
    staff.db.commit()
    name = f"pde-feedback-{chosen or 'all'}.csv"
    return StreamingResponse(
        feedback.csv_lines(runtime.db, chosen),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
