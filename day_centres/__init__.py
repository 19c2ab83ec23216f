"""The day centres' side of PDE (docs/design.md §1): staff accounts with their
own login (password and TOTP), their own sessions and pages under `/staff/`, the
centres, and an append-only audit log of what staff did.

Staff never reach a wallet: nothing here imports or queries a wallet, a document,
a share, a deposit or a handle, and the staff pages' session (a cookie scoped to
`/staff`) is refused by every wallet route, as a wallet's bearer token is by every
staff page (tests/security/test_staff_access.py). Later parts (enrolled terminals,
indicators, reports) hang off the same accounts, centres, sessions and log.

- `settings`: StaffSettings (`PDE_STAFF_*`), joined into pde.settings.Settings;
- `models`: the tables (centres, staff accounts, recovery codes, sessions, used
  TOTP steps, the audit log);
- `passwords`, `totp`: the rules of the two factors (pure functions);
- `accounts`, `login`, `sessions`, `centres`, `audit`: the services;
- `maintenance`: housekeeping of ended sessions and old TOTP steps;
- `pages/`: the staff pages (Jinja2, no script), their catalogs and stylesheet.
"""
