"""Who is asking a staff page, and may they: the staff session from the cookie
(never a wallet's bearer token: staff pages do not read one), the page's
language, the forms' anti-forgery checks, and the roles each page is open to."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from day_centres import sessions
from day_centres.errors import (
    FormExpired,
    FormTooLarge,
    LoginRequired,
    StaffForbidden,
    StaffNotFound,
)
from day_centres.login import LoginLimits
from day_centres.models import StaffAccount, StaffSession
from day_centres.pages.view import COOKIE
from day_centres.settings import StaffSettings
from page_kit.i18n import LANGUAGES_BY_CODE
from wallet.api.deps import DbDep, RuntimeDep, client_key
from wallet.runtime import Runtime

FORM_LIMIT = 16 << 10  # bytes: the largest staff form is a few hundred
FormText = Annotated[str, Form()]  # a staff form's text field


class SmallFormRoute(APIRoute):
    """A staff page's route: a request body over FORM_LIMIT is refused before any
    of it is parsed (the API's body limit covers /api/ only)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > FORM_LIMIT:
                raise FormTooLarge()
            if request.method == "POST":
                body = b""
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > FORM_LIMIT:
                        raise FormTooLarge()
                request._body = body  # what the form parser then reads (Starlette's cache)
            return await handler(request)

        return limited


def staff_pages_router(prefix: str = "/staff/{lang}") -> APIRouter:
    """A router of staff pages: under `/staff/<lang>` unless said otherwise, out of
    the API's schema, every form limited to FORM_LIMIT (SmallFormRoute)."""
    return APIRouter(prefix=prefix, include_in_schema=False, route_class=SmallFormRoute)


# Fetch metadata a browser sends with every request: a form posted from another
# site says "cross-site" or "same-site", whatever its page's referrer policy.
ALLOWED_FETCH_SITES = {"same-origin", "none"}


def staff_settings(runtime: Runtime) -> StaffSettings:
    settings = runtime.settings
    assert isinstance(settings, StaffSettings), "pde.settings.Settings includes StaffSettings"
    return settings


def known_language(lang: str) -> str:
    """The path's language; an unknown one is a page that does not exist."""
    if lang not in LANGUAGES_BY_CODE:
        raise StaffNotFound()
    return lang


LanguageDep = Annotated[str, Depends(known_language)]


def login_limits(runtime: RuntimeDep) -> LoginLimits:
    return LoginLimits(runtime.limiter, staff_settings(runtime))


LimitsDep = Annotated[LoginLimits, Depends(login_limits)]
ClientDep = Annotated[str, Depends(client_key)]


def same_site_form(request: Request) -> None:
    """Refuse a form a browser says was sent from another site (login CSRF included)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ALLOWED_FETCH_SITES:
        raise FormExpired()


@dataclass
class Staff:
    """The person behind a request: their session, account, and forms' token."""

    session: StaffSession
    account: StaffAccount
    csrf: str
    db: Session

    @property
    def role(self) -> str:
        return self.account.role


def _session_at(stage: str) -> Callable[[Request, DbDep, RuntimeDep], Staff]:
    def dependency(request: Request, db: DbDep, runtime: RuntimeDep) -> Staff:
        token = request.cookies.get(COOKIE)
        session = sessions.authenticate(db, staff_settings(runtime), token)
        if session.stage != stage:  # the page of the stage it is at instead
            raise LoginRequired("" if session.stage == "full" else session.stage)
        if db.dirty:
            db.commit()  # last-seen time, so the idle timeout counts from now
        assert token is not None
        return Staff(session, session.staff, sessions.csrf_token(token), db)

    return dependency


CurrentStaff = Annotated[Staff, Depends(_session_at("full"))]
AwaitingCode = Annotated[Staff, Depends(_session_at("code"))]
AwaitingEnrolment = Annotated[Staff, Depends(_session_at("enrol"))]


def check_form(request: Request, staff: Staff, csrf: str) -> None:
    """A logged-in form must come from this site and carry its session's token."""
    same_site_form(request)
    if not hmac.compare_digest(csrf.encode(), staff.csrf.encode()):
        raise FormExpired()


CsrfField = Annotated[str, Form()]


def require_role(staff: Staff, *roles: str) -> None:
    if staff.role not in roles:
        raise StaffForbidden()


def optional_staff(request: Request, db: Session, runtime: Runtime) -> Staff | None:
    """The full session of the request, if it has one (the login page then goes home)."""
    try:
        return _session_at("full")(request, db, runtime)
    except LoginRequired:
        return None
