"""Every staff page in one router, and their view, for pde.app: `/staff` and `/staff/` send the
browser to its language's home, then the login pages and the pages behind it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from day_centres.pages import (
    STAFF_DOMAIN,
    STAFF_LOCALES,
    STAFF_TEMPLATES,
    admin,
    feedback,
    guide,
    login,
    organisations,
    reports,
    terminals,
)
from day_centres.pages import indicators as indicator_pages
from day_centres.pages.view import StaffView, page_language
from page_kit import KIT_TEMPLATES
from page_kit.i18n import load_translations


def staff_view() -> StaffView:
    """The staff pages' templates (theirs, then the kit's) and catalogs."""
    templates = Jinja2Templates(directory=[STAFF_TEMPLATES, KIT_TEMPLATES])
    return StaffView(templates, load_translations(STAFF_LOCALES, STAFF_DOMAIN))


def staff_router() -> APIRouter:
    """The routes of the staff pages; they render with app.state.staff_view."""
    router = APIRouter(include_in_schema=False)

    @router.get("/staff", response_class=RedirectResponse)
    @router.get("/staff/", response_class=RedirectResponse)
    def staff_root(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/staff/{page_language(request).code}/", status_code=303)

    router.include_router(login.router)
    router.include_router(admin.router)
    router.include_router(guide.router)
    router.include_router(feedback.router)
    router.include_router(indicator_pages.router)
    router.include_router(reports.router)
    router.include_router(organisations.router)
    router.include_router(terminals.staff_router)
    router.include_router(terminals.terminal_router)  # /terminal/…: enrolling a terminal
    return router
