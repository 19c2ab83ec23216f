"""Who may reach each route of the staff pages (and of a terminal's enrolment,
under /terminal/): the decision the access-control tests hold every route to. A
staff route missing here fails tests/security/test_staff_access.py, and any
route of the app that is neither in the wallet's matrix (test_access_control.py)
nor here fails that module."""

from __future__ import annotations

ANYONE = "anyone"  # the way in: the login and the static files
AWAITING_CODE = "code"  # a half-open session whose password was right
AWAITING_ENROLMENT = "enrol"  # the same, for an account that sets up its code app
OPERATOR = frozenset({"operator"})
RUNS_STAFF = frozenset({"operator", "coordinator"})
EVERY_ROLE = frozenset({"operator", "coordinator", "worker"})
CENTRE_STAFF = frozenset({"coordinator", "worker"})  # those who have a centre

STAFF = "/staff/{lang}"
STAFF_ROUTES: dict[tuple[str, str], str | frozenset[str]] = {
    ("GET", "/staff"): ANYONE,
    ("GET", "/staff/"): ANYONE,
    ("GET", f"{STAFF}/login"): ANYONE,
    ("POST", f"{STAFF}/login"): ANYONE,
    ("GET", f"{STAFF}/code"): AWAITING_CODE,
    ("POST", f"{STAFF}/code"): AWAITING_CODE,
    ("GET", f"{STAFF}/enrol"): AWAITING_ENROLMENT,
    ("POST", f"{STAFF}/enrol"): AWAITING_ENROLMENT,
    ("POST", f"{STAFF}/logout"): EVERY_ROLE,
    ("GET", f"{STAFF}/"): EVERY_ROLE,
    ("GET", f"{STAFF}/centres"): OPERATOR,
    ("GET", f"{STAFF}/centres/new"): OPERATOR,
    ("POST", f"{STAFF}/centres"): OPERATOR,
    ("GET", f"{STAFF}/centres/{{centre_id}}"): OPERATOR,
    ("POST", f"{STAFF}/centres/{{centre_id}}"): OPERATOR,
    ("GET", f"{STAFF}/accounts"): RUNS_STAFF,
    ("GET", f"{STAFF}/accounts/new"): RUNS_STAFF,
    ("POST", f"{STAFF}/accounts"): RUNS_STAFF,
    ("GET", f"{STAFF}/accounts/{{account_id}}/{{action}}"): RUNS_STAFF,
    ("POST", f"{STAFF}/accounts/{{account_id}}/{{action}}"): RUNS_STAFF,
    ("GET", f"{STAFF}/audit"): OPERATOR,
    ("GET", f"{STAFF}/audit.csv"): OPERATOR,
    # Indicators (issue 11 §4): everyone; the operator every centre, the others their own.
    ("GET", f"{STAFF}/indicators"): EVERY_ROLE,
    ("GET", f"{STAFF}/indicators.csv"): EVERY_ROLE,
    # Reported links (issue 11 §5): the operator only.
    ("GET", f"{STAFF}/reports"): OPERATOR,
    ("GET", f"{STAFF}/reports/{{report_id}}"): OPERATOR,
    ("POST", f"{STAFF}/reports/{{report_id}}/suspend"): OPERATOR,
    ("POST", f"{STAFF}/reports/{{report_id}}/lift"): OPERATOR,
    ("POST", f"{STAFF}/reports/{{report_id}}/close"): OPERATOR,
    # The printed guide of a centre (issue 11 §6): the operator any, the others their own.
    ("GET", f"{STAFF}/centres/{{centre_id}}/guide"): EVERY_ROLE,
    ("GET", f"{STAFF}/centres/{{centre_id}}/guide/{{guide_lang}}"): EVERY_ROLE,
    # Anonymous feedback (issue 11 §7): the operator only.
    ("GET", f"{STAFF}/feedback"): OPERATOR,
    ("GET", f"{STAFF}/feedback.csv"): OPERATOR,
    # Terminals: a code for one's centre; the list (a worker sees only the way to a
    # code); renaming and revoking one's centre's terminals (the operator: any).
    ("GET", f"{STAFF}/terminals"): EVERY_ROLE,
    ("GET", f"{STAFF}/terminals/code"): CENTRE_STAFF,
    ("POST", f"{STAFF}/terminals/code"): CENTRE_STAFF,
    ("GET", f"{STAFF}/terminals/{{terminal_id}}/rename"): RUNS_STAFF,
    ("POST", f"{STAFF}/terminals/{{terminal_id}}/rename"): RUNS_STAFF,
    ("GET", f"{STAFF}/terminals/{{terminal_id}}/revoke"): RUNS_STAFF,
    ("POST", f"{STAFF}/terminals/{{terminal_id}}/revoke"): RUNS_STAFF,
    # The register of organisations that sign what they deposit (issue 16): the operator only.
    ("GET", f"{STAFF}/organisations"): OPERATOR,
    ("GET", f"{STAFF}/organisations/new"): OPERATOR,
    ("POST", f"{STAFF}/organisations"): OPERATOR,
    ("GET", f"{STAFF}/organisations/{{organisation_id}}/keys/new"): OPERATOR,
    ("POST", f"{STAFF}/organisations/{{organisation_id}}/keys"): OPERATOR,
    ("GET", f"{STAFF}/organisations/keys/{{kid}}/revoke"): OPERATOR,
    ("POST", f"{STAFF}/organisations/keys/{{kid}}/revoke"): OPERATOR,
    # The terminal's own enrolment page: the one-time code is its proof, not a session.
    ("GET", "/terminal/enrol"): ANYONE,
    ("GET", "/terminal/{lang}/enrol"): ANYONE,
    ("POST", "/terminal/{lang}/enrol"): ANYONE,
    ("MOUNT", "/static/staff"): ANYONE,
}
