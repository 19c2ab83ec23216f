"""The indicators' pages: the staff dashboard (`/staff/<lang>/indicators` and its
CSV) and the public page anyone can read without logging in (`/indicators/<lang>`
and `/indicators.csv`), with the same small-number protection
(day_centres/indicator_figures.py). The operator and the public see every centre
and the total; a coordinator or a worker sees their own centre's table (and the
total's chart, which is public). Nothing here reads a wallet table: only the
counters and the centres."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from day_centres.errors import StaffNotFound
from day_centres.indicator_chart import draw
from day_centres.indicator_figures import (
    COLUMNS,
    TARGETS,
    TOTAL,
    WALLETS_TO_DATE,
    Area,
    Indicators,
    csv_text,
    project,
    read_indicators,
    table_rows,
)
from day_centres.pages.deps import CurrentStaff, LanguageDep, Staff, staff_pages_router
from day_centres.pages.view import StaffView, page_language
from page_kit.i18n import LANGUAGES, Language
from wallet.api.deps import DbDep

router = staff_pages_router()
PUBLIC_PAGE = "/indicators"
PUBLIC_CSV = "/indicators.csv"


def figures_context(
    indicators: Indicators, language: Language, month: str | None
) -> dict[str, Any]:
    """What templates/indicator-figures.html needs, in `language`."""
    if month is not None and month not in indicators.months:
        raise StaffNotFound()
    projection = project(indicators)

    def number(value: int | None) -> str:
        return "<10" if value is None else format_decimal(value, locale=language.code)

    def month_name(month: str) -> str:
        day = date(int(month[:4]), int(month[5:]), 1)
        return format_date(day, "LLLL y", locale=language.code)

    return {
        "indicators": indicators,
        "projection": projection,
        "chart": draw(indicators, projection),
        "columns": COLUMNS,
        "targets": TARGETS,
        "total": TOTAL,
        "to_date": WALLETS_TO_DATE,
        "current": indicators.months[-1],
        "chosen": month or indicators.months[-1],
        "number": number,
        "month_name": month_name,
    }


def _own_area(indicators: Indicators, staff: Staff) -> Area:
    centre = staff.account.centre
    assert centre is not None  # a coordinator's or worker's
    return next((a for a in indicators.centres if a.key == centre.id), Area(centre.id, centre.name))


@router.get("/indicators", response_class=HTMLResponse)
def dashboard(
    request: Request, lang: LanguageDep, staff: CurrentStaff, month: str | None = None
) -> HTMLResponse:
    """The operator: every centre and the total; others: their centre."""
    indicators = read_indicators(staff.db)
    context = figures_context(indicators, page_language(request), month)
    operator = staff.role == "operator"
    context |= {
        "staff": staff,
        "csrf": staff.csrf,
        "every_centre": operator,
        "area": Area(TOTAL) if operator else _own_area(indicators, staff),
        "csv_href": f"/staff/{lang}/indicators.csv",
        "month_href": f"/staff/{lang}/indicators",
    }
    view: StaffView = request.app.state.staff_view
    return view.render(request, "indicators.html", context)


@router.get("/indicators.csv")
def dashboard_csv(request: Request, lang: LanguageDep, staff: CurrentStaff) -> Response:
    """The dashboard's figures as CSV: every area for the operator, else one centre."""
    indicators = read_indicators(staff.db)
    areas = indicators.areas if staff.role == "operator" else [_own_area(indicators, staff)]
    return _csv(indicators, areas, "pde-indicators.csv")


def _csv(indicators: Indicators, areas: list[Area], name: str) -> Response:
    return Response(
        csv_text(table_rows(indicators, areas)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def public_router(view: StaffView) -> APIRouter:
    """The public page in the five languages, and its CSV: no login, no cookie. It
    speaks with the staff pages' catalogs (the same words for the same figures)."""
    public = APIRouter(include_in_schema=False)
    by_code = {language.code: language for language in LANGUAGES}

    @public.get(PUBLIC_PAGE, response_class=RedirectResponse)
    def public_root(request: Request) -> RedirectResponse:
        return RedirectResponse(f"{PUBLIC_PAGE}/{page_language(request).code}", status_code=303)

    def render(
        request: Request, language: Language, template: str, context: dict[str, Any], status: int
    ) -> HTMLResponse:
        context = context | {
            "language": language,
            "languages": LANGUAGES,
            "_": view.translations[language.code].gettext,
        }
        response = view.templates.TemplateResponse(request, template, context, status_code=status)
        response.headers["Content-Language"] = language.code
        return response

    @public.get(PUBLIC_PAGE + "/{lang}", response_class=HTMLResponse)
    def public_page(
        request: Request, lang: str, db: DbDep, month: str | None = None
    ) -> HTMLResponse:
        """The indicators in total and per centre, for anyone to follow the targets;
        an unknown language or month is the public page's own "not found"."""
        language = by_code.get(lang)
        try:
            if language is None:
                raise StaffNotFound()
            context = figures_context(read_indicators(db), language, month)
        except StaffNotFound:
            shown_in = language or page_language(request)
            links = {"language_href": f"{PUBLIC_PAGE}/{{code}}"}
            return render(request, shown_in, "transparency-missing.html", links, 404)
        query = f"?month={month}" if month else ""
        context |= {
            "language_href": f"{PUBLIC_PAGE}/{{code}}{query}",
            "every_centre": True,
            "area": Area(TOTAL),
            "csv_href": PUBLIC_CSV,
            "month_href": f"{PUBLIC_PAGE}/{lang}",
        }
        return render(request, language, "transparency.html", context, 200)

    @public.get(PUBLIC_CSV)
    def public_csv(db: DbDep) -> Response:
        indicators = read_indicators(db)
        return _csv(indicators, indicators.areas, "pde-indicators.csv")

    return public
