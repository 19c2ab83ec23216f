"""The staff pages under `/staff/<lang>/`: server-rendered forms (Jinja2, no
script), in the five languages of page_kit.i18n, with their own catalogs
(locales/<lang>/LC_MESSAGES/staff.po) and stylesheet (static/, served at
STAFF_STATIC_URL). pde.app composes them: `staff_router(...)` and the error
handler `render_staff_error` for day_centres.errors.

- `view`: rendering a page in a language, the session cookie, the error pages;
- `deps`: who is asking (the staff session from the cookie), forms' anti-forgery
  checks, and the role each page needs;
- `login`: password, second factor, TOTP enrolment, logout;
- `admin`: home, centres, accounts, audit log.
"""

from __future__ import annotations

from pathlib import Path

STAFF_PAGES_DIR = Path(__file__).parent
STAFF_TEMPLATES = STAFF_PAGES_DIR / "templates"
STAFF_LOCALES = STAFF_PAGES_DIR / "locales"
STAFF_STATIC = STAFF_PAGES_DIR / "static"
STAFF_STATIC_URL = "/static/staff"
STAFF_DOMAIN = "staff"
