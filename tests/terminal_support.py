"""Enrolled terminals for tests: made in a live server's database with the
services (a code issued by a staff member of the centre, used at once), and
the terminal's cookie token that a browser would hold."""

from __future__ import annotations

import secrets

from day_centres import terminals
from day_centres.accounts import get_account
from pde.settings import Settings
from tests.staff_support import StaffMember, database
from wallet.limits import MemoryLimiter


def make_terminal(db_url: str, member: StaffMember, name: str = "") -> tuple[str, str]:
    """A terminal of `member`'s centre: (its id, its cookie's token)."""
    limits = terminals.EnrolmentLimits(MemoryLimiter(), Settings())
    with database(db_url) as db:
        code, _ = terminals.issue_code(db, limits, get_account(db, member.id))
        db.flush()
        token, terminal = terminals.enrol(
            db, limits, code, name or f"Terminal {secrets.token_hex(3)}", "test"
        )
        return terminal.id, token
