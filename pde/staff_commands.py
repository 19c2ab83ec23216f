"""`pde staff …`: staff accounts from the server's own machine, where whoever runs
the command already holds the database. `create-operator` bootstraps the first
operator (who then creates centres and their staff on the staff pages), `list`
shows every account, `disable NAME` ends one for good. Each works on the
database of the PDE_* settings, and writes what it changed to the audit log
under the name "pde staff". Failures are one line (pde/cli_errors.py)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from day_centres import accounts, audit
from day_centres.errors import StaffError
from day_centres.login import LoginLimits, finish_enrolment
from day_centres.totp import grouped, provisioning_uri, qr_png, qr_text
from pde.cli_errors import fail
from pde.settings import Settings
from wallet.db import check_migrated, make_engine, session_factory
from wallet.limits import MemoryLimiter

CODE_TRIES = 3
QR_FILE = "pde-staff-totp.png"


def ask(prompt: str) -> str:
    """A line typed at the terminal (tests replace it)."""
    return input(prompt)


def ask_secret(prompt: str) -> str:
    """A secret typed at the terminal, not echoed (tests replace it)."""
    return getpass.getpass(prompt)


def tell(message: str) -> None:
    print(message, file=sys.stderr)


@contextmanager
def staff_database() -> Iterator[Session]:
    """A session on the PDE_* settings' database, committed if the command succeeds."""
    engine = make_engine(Settings().sqlalchemy_url)
    try:
        check_migrated(engine)
        with session_factory(engine)() as db, db.begin():
            yield db
    finally:
        engine.dispose()


def _stop_on(error: StaffError) -> None:
    field = f"{error.field}: " if error.field else ""
    fail(f"{field}{error.message}")


def _new_password(name: str) -> str:
    password = ask_secret("Password (at least 12 characters, not a common one): ")
    try:
        accounts.check_password_rule(password, name)
    except StaffError as error:
        _stop_on(error)
    if ask_secret("The same password again: ") != password:
        fail("the two passwords differ; nothing was created")
    return password


def _write_qr(path: Path, uri: str) -> None:
    """The enrolment QR code as a PNG only its owner may read (it holds the secret)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(qr_png(uri, box_size=8))


def create_operator(args: argparse.Namespace) -> int:
    """Ask a name and a password, show the TOTP enrolment (terminal QR code and a PNG),
    check a first code, and print the ten recovery codes once."""
    name = args.name or ask("Name of the operator: ")
    try:
        accounts.normalize_name(name)
    except StaffError as error:
        _stop_on(error)
    password = _new_password(name)
    qr_path = Path(args.qr_file)
    with staff_database() as db:
        try:
            account = accounts.create_account(db, name, password, "operator")
        except StaffError as error:
            _stop_on(error)
        uri = provisioning_uri(accounts.enrolment_secret(account), account.name)
        _write_qr(qr_path, uri)
        tell(qr_text(uri))
        tell(f"Scan this QR code with a code app (also written to {qr_path}; delete it after),")
        tell(f"or type this key in the app: {grouped(account.totp_secret or '')}")
        limits = LoginLimits(MemoryLimiter(), Settings())
        for _ in range(CODE_TRIES):
            try:
                codes = finish_enrolment(db, limits, account, ask("Code the app shows now: "))
                break
            except StaffError:
                tell("This code is not right. Check the phone's time and try the next code.")
        else:
            fail("no right code: nothing was created; run the command again")
        audit.record(db, None, "account_created", audit.Target.account(account))
    print(f"Operator {account.name} created. Recovery codes (each works once; shown only now):")
    for code in codes:
        print(f"  {code}")
    return 0


def list_accounts(_: argparse.Namespace) -> int:
    """Every staff account: name, role, centre, state."""
    with staff_database() as db:
        for account in accounts.list_accounts(db):
            state = (
                "disabled" if account.disabled else "active" if account.enrolled else "not enrolled"
            )
            centre = account.centre.name if account.centre else "-"
            print(f"{account.name}\t{account.role}\t{centre}\t{state}")
    return 0


def disable(args: argparse.Namespace) -> int:
    """Disable the account named NAME and end its sessions."""
    with staff_database() as db:
        account = accounts.find_by_name(db, args.name)
        if account is None:
            fail(f"no staff account is named {args.name!r} (see: pde staff list)")
        if account.disabled:
            print(f"{account.name} was already disabled")
            return 0
        accounts.disable(db, account)
        audit.record(db, None, "account_disabled", audit.Target.account(account))
    print(f"{account.name} is disabled; their sessions ended")
    return 0


def add_staff_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pde staff create-operator | list | disable NAME`."""
    staff = commands.add_parser(
        "staff",
        help="staff accounts of the day centres' pages (/staff/): bootstrap an operator",
        description="Staff accounts, in the database of the PDE_* settings (after pde migrate).",
    )
    actions = staff.add_subparsers(dest="staff_action", required=True)
    create = actions.add_parser(
        "create-operator",
        help="create an operator: asks a name and a password, shows the TOTP QR code",
    )
    create.add_argument("--name", help="asked for when not given")
    create.add_argument(
        "--qr-file", default=QR_FILE, help=f"where to write the QR code's PNG ({QR_FILE})"
    )
    create.set_defaults(run=create_operator)
    actions.add_parser("list", help="every staff account, one a line").set_defaults(
        run=list_accounts
    )
    disable_parser = actions.add_parser("disable", help="disable an account for good")
    disable_parser.add_argument("name", metavar="NAME")
    disable_parser.set_defaults(run=disable)
