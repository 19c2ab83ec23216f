"""The staff pages' access-control matrix: every route of the staff pages is
called as every kind of staff identity (operator, coordinator and worker of
centre A, a session still awaiting its code, an ended one, a disabled account's,
a made-up cookie, a wallet's session token as a cookie or a bearer) and must
answer as tests/security/staff_routes.py decides: the login for anyone without
a full session, 403 for a role the page is not for, the page otherwise. A
coordinator of centre A reaches nothing of centre B. And the other way round:
every route of the wallets' API answers a staff session's token, as a cookie
or as a bearer, exactly as it answers no credential at all.

`test_every_staff_route_has_a_decision` walks app.routes: a staff route added
without a decision fails it (and test_access_control.py fails for any route
that neither matrix names)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from day_centres.pages.view import COOKIE
from day_centres.terminals import COOKIE as TERMINAL_COOKIE
from pde.app import create_app
from pde.settings import Settings
from tests.api.support import register_raw
from tests.security.staff_routes import (
    ANYONE,
    AWAITING_CODE,
    AWAITING_ENROLMENT,
    STAFF_ROUTES,
)
from tests.server import LiveServer
from tests.staff_support import (
    StaffBrowser,
    StaffMember,
    database,
    log_in,
    make_centre,
    make_staff,
)
from tests.terminal_support import make_terminal
from wallet.db import migrate

LOGIN = "/staff/en/login"


def staff_routes_of(app: Any) -> set[tuple[str, str]]:
    found = set()
    for context in iter_route_contexts(app.routes):
        path = str(context.path)
        if not (path.startswith(("/staff", "/terminal/")) or path == "/static/staff"):
            continue
        if isinstance(context.original_route, Mount):
            found.add(("MOUNT", path))
        else:
            found |= {(m, path) for m in context.methods or () if m != "HEAD"}
    return found


def test_every_staff_route_has_a_decision(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    try:
        assert staff_routes_of(app) == set(STAFF_ROUTES)
        schema_paths = app.openapi()["paths"]
    finally:
        app.state.runtime.engine.dispose()
    assert not any(path.startswith("/staff") for path in schema_paths)


@dataclass
class StaffWorld:
    server: LiveServer
    centre_a: str
    centre_b: str
    worker_b: StaffMember
    operator_other: StaffMember
    browsers: dict[str, StaffBrowser]  # identity -> its browser (cookie and forms' token)
    roles: dict[str, str]  # identity -> role, for those with a full session
    wallet_token: str
    terminal_b: str  # a terminal of centre B
    terminal_token: str  # the cookie of a terminal of centre A


@pytest.fixture(scope="module")
def staff_world(pde_server: LiveServer) -> Iterator[StaffWorld]:
    url, db_url = pde_server.url, pde_server.settings().sqlalchemy_url
    centre_a, centre_b = make_centre(db_url), make_centre(db_url)
    members = {
        "operator": make_staff(db_url, "operator"),
        "coordinator of A": make_staff(db_url, "coordinator", centre_a),
        "worker of A": make_staff(db_url, "worker", centre_a),
    }
    browsers = {identity: log_in(url, member) for identity, member in members.items()}
    roles = {identity: member.role for identity, member in members.items()}

    awaiting = httpx.Client(base_url=url, timeout=60)
    pending = make_staff(db_url, "worker", centre_a)
    first = awaiting.post(LOGIN, data={"name": pending.name, "password": pending.password})
    assert first.status_code == 303
    browsers["awaiting its code"] = StaffBrowser(awaiting)
    browsers["awaiting its code"].page("/staff/en/code")

    ended = log_in(url, make_staff(db_url, "operator"))
    cookie = ended.http.cookies[COOKIE]
    assert ended.post("/staff/en/logout").status_code == 303
    ended.http.cookies.set(COOKIE, cookie, path="/staff")
    browsers["ended session"] = ended

    disabled_member = make_staff(db_url, "coordinator", centre_a)
    disabled = log_in(url, disabled_member)
    browsers["operator"].page(f"/staff/en/accounts/{disabled_member.id}/disable")
    disabling = browsers["operator"].post(f"/staff/en/accounts/{disabled_member.id}/disable")
    assert disabling.status_code == 303
    browsers["disabled account"] = disabled

    made_up = httpx.Client(base_url=url, timeout=60)
    made_up.cookies.set(COOKIE, secrets.token_urlsafe(32), path="/staff")
    browsers["made-up cookie"] = StaffBrowser(made_up)
    wallet = register_raw(url)
    as_cookie = httpx.Client(base_url=url, timeout=60)
    as_cookie.cookies.set(COOKIE, wallet.token, path="/staff")
    browsers["wallet token as cookie"] = StaffBrowser(as_cookie)
    as_bearer = httpx.Client(
        base_url=url, timeout=60, headers={"Authorization": f"Bearer {wallet.token}"}
    )
    browsers["wallet token as bearer"] = StaffBrowser(as_bearer)
    browsers["nothing"] = StaffBrowser(httpx.Client(base_url=url, timeout=60))
    worker_b = make_staff(db_url, "worker", centre_b)
    terminal_b, _ = make_terminal(db_url, worker_b)
    _, terminal_token = make_terminal(db_url, members["worker of A"])
    as_terminal = httpx.Client(base_url=url, timeout=60)
    as_terminal.cookies.set(TERMINAL_COOKIE, terminal_token, path="/")
    browsers["terminal cookie"] = StaffBrowser(as_terminal)
    try:
        yield StaffWorld(
            pde_server,
            centre_a,
            centre_b,
            worker_b,
            make_staff(db_url, "operator"),
            browsers,
            roles,
            wallet.token,
            terminal_b,
            terminal_token,
        )
    finally:
        for browser in browsers.values():
            browser.http.close()
        wallet.close()


def concrete(world: StaffWorld, path: str, identity: str) -> str:
    """The route's path aimed at centre B's things (an operator's account and a
    made-up terminal for the operator, so that nothing the matrix sends changes
    anything)."""
    target = world.operator_other.id if identity == "operator" else world.worker_b.id
    terminal = "AAAAAAAAAAAAAAAAAAAAAA" if identity == "operator" else world.terminal_b
    return (
        path.replace("{lang}", "en")
        .replace("{centre_id}", world.centre_b)
        .replace("{account_id}", target)
        .replace("{terminal_id}", terminal)
        .replace("{action}", "disable")
        .replace("{guide_lang}", "ar")
        .replace("{report_id}", "AAAAAAAAAAAAAAAAAAAAAA")  # no such report: nothing changes
        .replace("{organisation_id}", "AAAAAAAAAAAAAAAAAAAAAA")  # no such organisation
        .replace("{kid}", "A" * 43)  # no such key
    )


# What an allowed identity gets: the page, or for a form sent empty, its problem (422);
# an account the asker may not act on is not found (404).
ALLOWED_ANSWER = {
    ("POST", "/staff/{lang}/centres"): 422,
    ("POST", "/staff/{lang}/centres/{centre_id}"): 422,
    ("POST", "/staff/{lang}/accounts"): 422,
    ("GET", "/staff/{lang}/accounts/{account_id}/{action}"): 404,
    ("POST", "/staff/{lang}/accounts/{account_id}/{action}"): 404,
    ("GET", "/staff/{lang}/terminals/{terminal_id}/rename"): 404,
    ("POST", "/staff/{lang}/terminals/{terminal_id}/rename"): 404,
    ("GET", "/staff/{lang}/terminals/{terminal_id}/revoke"): 404,
    ("POST", "/staff/{lang}/terminals/{terminal_id}/revoke"): 404,
    ("GET", "/staff/{lang}/reports/{report_id}"): 404,
    ("POST", "/staff/{lang}/reports/{report_id}/suspend"): 404,
    ("POST", "/staff/{lang}/reports/{report_id}/lift"): 404,
    ("POST", "/staff/{lang}/reports/{report_id}/close"): 404,
    ("POST", "/staff/{lang}/organisations"): 422,
    ("GET", "/staff/{lang}/organisations/{organisation_id}/keys/new"): 404,
    ("POST", "/staff/{lang}/organisations/{organisation_id}/keys"): 404,
    ("GET", "/staff/{lang}/organisations/keys/{kid}/revoke"): 404,
    ("POST", "/staff/{lang}/organisations/keys/{kid}/revoke"): 404,
}
# Aimed at centre B: the operator's page; for the staff of centre A, not found.
OTHER_CENTRE_NOT_FOUND = {
    ("GET", "/staff/{lang}/centres/{centre_id}/guide"),
    ("GET", "/staff/{lang}/centres/{centre_id}/guide/{guide_lang}"),
}
SKIPPED = {("POST", "/staff/{lang}/logout")}  # it ends the session: tested on its own


def expected(
    decision: str | frozenset[str], route: tuple[str, str], world: StaffWorld, identity: str
) -> tuple[int, str]:
    """(status, where a redirect goes) for `identity` on `route`."""
    role = world.roles.get(identity)
    if decision in (AWAITING_CODE, AWAITING_ENROLMENT):
        if identity == "awaiting its code":  # at the code's stage: its page, or sent there
            if decision == AWAITING_ENROLMENT:
                return (303, "/staff/en/code")
            return (401, "") if route[0] == "POST" else (200, "")  # an empty code is wrong
        return (303, "/staff/en/") if role else (303, LOGIN)
    assert isinstance(decision, frozenset)
    if identity == "awaiting its code":
        return (303, "/staff/en/code")
    if role is None:
        return (303, LOGIN)
    if role not in decision:
        return (403, "")
    if route in OTHER_CENTRE_NOT_FOUND and role != "operator":
        return (404, "")
    return (ALLOWED_ANSWER.get(route, 200), "")


IDENTITIES = [
    "operator",
    "coordinator of A",
    "worker of A",
    "awaiting its code",
    "ended session",
    "disabled account",
    "made-up cookie",
    "wallet token as cookie",
    "wallet token as bearer",
    "terminal cookie",
    "nothing",
]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_staff_route_answers_each_identity_as_decided(
    staff_world: StaffWorld, identity: str
) -> None:
    browser = staff_world.browsers[identity]
    problems = []
    for route, decision in STAFF_ROUTES.items():
        method, path = route
        if decision == ANYONE or route in SKIPPED:
            continue
        where = concrete(staff_world, path, identity)
        if method == "GET":
            response = browser.http.get(where)
        else:
            response = browser.post(where, name="", password="")
        status, location = expected(decision, route, staff_world, identity)
        got = (response.status_code, response.headers.get("location", ""))
        if got != (status, location):
            problems.append(f"{method} {where}: {got}, expected {(status, location)}")
    assert problems == []


def test_a_coordinator_reaches_nothing_of_another_centre(staff_world: StaffWorld) -> None:
    coordinator = staff_world.browsers["coordinator of A"]
    listed = coordinator.page("/staff/en/accounts").text
    assert staff_world.worker_b.name not in listed
    for action in ("disable", "reset-totp"):
        path = f"/staff/en/accounts/{staff_world.worker_b.id}/{action}"
        assert coordinator.page(path).status_code in (403, 404)
        assert coordinator.post(path).status_code in (403, 404)
    made = coordinator.post(
        "/staff/en/accounts",
        name="Worker made by A",
        password="another long passphrase here",
        role="coordinator",
        centre=staff_world.centre_b,
    )
    assert made.status_code == 303
    with database(staff_world.server.settings().sqlalchemy_url) as db:
        from day_centres.accounts import find_by_name

        account = find_by_name(db, "Worker made by A")
        assert account is not None
        assert (account.role, account.centre_id) == ("worker", staff_world.centre_a)
        worker_b = find_by_name(db, staff_world.worker_b.name)
        assert worker_b is not None and not worker_b.disabled


def test_a_coordinator_reaches_nothing_of_another_centres_terminals(
    staff_world: StaffWorld,
) -> None:
    coordinator = staff_world.browsers["coordinator of A"]
    assert staff_world.terminal_b not in coordinator.page("/staff/en/terminals").text
    for action in ("rename", "revoke"):
        path = f"/staff/en/terminals/{staff_world.terminal_b}/{action}"
        assert coordinator.page(path).status_code == 404
        assert coordinator.post(path, name="Taken by A").status_code == 404
    operator = staff_world.browsers["operator"]
    assert staff_world.terminal_b in operator.page("/staff/en/terminals").text
    with database(staff_world.server.settings().sqlalchemy_url) as db:
        from day_centres.models import Terminal

        terminal = db.get(Terminal, staff_world.terminal_b)
        assert terminal is not None and terminal.name != "Taken by A"


def api_requests(server: LiveServer) -> list[tuple[str, str]]:
    """Every operation of the API, its path parameters filled with made-up ids."""
    schema = httpx.get(f"{server.url}/openapi.json").json()
    made_up = "AAAAAAAAAAAAAAAAAAAAAA"
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", made_up, path))
        for path, item in schema["paths"].items()
        for method in item
    ]


def answer(http: httpx.Client, method: str, path: str, **headers: str) -> tuple[int, str]:
    response = http.request(method, path, json={}, headers=headers)
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = ""
    return response.status_code, code


@pytest.mark.parametrize("identity", ["operator", "coordinator of A", "worker of A"])
def test_every_wallet_route_answers_a_staff_token_as_no_credential(
    staff_world: StaffWorld, identity: str
) -> None:
    token = staff_world.browsers[identity].http.cookies[COOKIE]
    problems = []
    with httpx.Client(base_url=staff_world.server.url, timeout=60) as http:
        for method, path in api_requests(staff_world.server):
            if method == "POST" and path.endswith(("/accounts", "/recovery-requests")):
                continue  # would create a wallet or a request: the same for anyone anyway
            anonymous = answer(http, method, path)
            for headers in ({"Cookie": f"{COOKIE}={token}"}, {"Authorization": f"Bearer {token}"}):
                with_staff = answer(http, method, path, **headers)
                if with_staff != anonymous:
                    problems.append(f"{method} {path} {list(headers)}: {with_staff} != {anonymous}")
    assert problems == []
    assert staff_world.browsers[identity].page("/staff/en/").status_code == 200


def test_every_wallet_route_answers_a_terminal_cookie_as_no_credential(
    staff_world: StaffWorld,
) -> None:
    """A terminal's credential names a machine: it opens no wallet, no share, nothing."""
    cookie = {"Cookie": f"{TERMINAL_COOKIE}={staff_world.terminal_token}"}
    problems = []
    with httpx.Client(base_url=staff_world.server.url, timeout=60) as http:
        for method, path in api_requests(staff_world.server):
            if method == "POST" and path.endswith(("/accounts", "/recovery-requests")):
                continue  # would create a wallet or a request: the same for anyone anyway
            anonymous = answer(http, method, path)
            for headers in (
                cookie,
                cookie | {"Authorization": f"Bearer {staff_world.terminal_token}"},
            ):
                with_terminal = answer(http, method, path, **headers)
                if with_terminal != anonymous:
                    problems.append(f"{method} {path}: {with_terminal} != {anonymous}")
    assert problems == []


def test_logging_out_ends_the_session_and_clears_the_cookie(
    staff_world: StaffWorld,
) -> None:
    member = make_staff(
        staff_world.server.settings().sqlalchemy_url, "worker", staff_world.centre_a
    )
    browser = log_in(staff_world.server.url, member)
    token = browser.http.cookies[COOKIE]
    response = browser.post("/staff/en/logout")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/en/login?done=logged_out"
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    assert (
        f"{COOKIE}=" in response.headers["set-cookie"]
        and "Max-Age=0" in response.headers["set-cookie"]
    )
    with httpx.Client(base_url=staff_world.server.url, timeout=60) as again:
        again.cookies.set(COOKIE, token, path="/staff")
        assert again.get("/staff/en/").headers["location"] == LOGIN


def test_a_coordinator_sees_the_indicators_of_their_centre_only(staff_world: StaffWorld) -> None:
    """Centre B's figures reach the operator, never centre A's coordinator or worker:
    not on the dashboard, not in its CSV, whatever the address asks for."""
    from day_centres.centres import get_centre
    from day_centres.indicators import add
    from wallet.clock import now

    with database(staff_world.server.settings().sqlalchemy_url) as db:
        add(db, now().date(), staff_world.centre_b, "wallets_created", 25)
        add(db, now().date(), staff_world.centre_a, "wallets_created", 15)
        name_a = get_centre(db, staff_world.centre_a).name
        name_b = get_centre(db, staff_world.centre_b).name
    operator = staff_world.browsers["operator"]
    assert name_b in operator.page("/staff/en/indicators").text
    assert name_b in operator.page("/staff/en/indicators.csv").text
    for identity in ("coordinator of A", "worker of A"):
        browser = staff_world.browsers[identity]
        for path in (
            "/staff/en/indicators",
            f"/staff/en/indicators?centre={staff_world.centre_b}",
            "/staff/en/indicators.csv",
            f"/staff/en/indicators.csv?centre={staff_world.centre_b}",
        ):
            response = browser.page(path)
            assert response.status_code == 200, path
            assert name_a in response.text and name_b not in response.text, (identity, path)
