"""`pde org …`: organisations that sign the documents they issue (issue 16,
docs/issued-documents.md). `keygen` runs at the organisation, with no server and
no database: it makes the private key file, which never leaves it, and prints the
public key and its fingerprint to give the operator. The other commands run on
the server's machine, for the operator: `add` registers an organisation,
`add-key` one of its public keys, `revoke-key` ends a key from a day, `list`
shows the register as GET /api/v1/organisations publishes it. Each change is
written to the staff audit log under the name "pde staff"."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date

from crypto import b64u_encode
from crypto.issued import new_org_key, org_key_to_jwk
from day_centres import audit, organisations
from day_centres.errors import StaffError
from pde.cli_checks import writable_target
from pde.cli_errors import fail
from pde.staff_commands import staff_database


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (yyyy-mm-dd): {text}") from None


def _stop_on(error: StaffError) -> None:
    field = f"{error.field}: " if error.field else ""
    fail(f"{field}{error.message}")


def keygen(args: argparse.Namespace) -> int:
    """Write a new private key file (mode 0600, never over another file) and print the
    public key and fingerprint that the operator registers."""
    path = writable_target(args.output)
    key = new_org_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        fail(f"{path} exists already: a key file is never overwritten (choose another name)")
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(org_key_to_jwk(key), out)
        out.write("\n")
    print(f"public key: {b64u_encode(key.public_key)}")
    print(f"fingerprint: {key.kid}")
    print(
        f"The private key is in {path}: keep it at the organisation, never send it. "
        "Give the public key and the fingerprint to PDE's operator."
    )
    return 0


def add(args: argparse.Namespace) -> int:
    """Register an organisation; prints its id."""
    with staff_database() as db:
        try:
            organisation = organisations.create_organisation(db, args.name, args.kind, args.address)
        except StaffError as error:
            _stop_on(error)
        audit.record(
            db, None, "organisation_created", audit.Target(None, organisation.id, organisation.name)
        )
    print(organisation.id)
    return 0


def add_key(args: argparse.Namespace) -> int:
    """Register a public key of an organisation; prints its fingerprint."""
    with staff_database() as db:
        try:
            organisation = organisations.get_organisation(db, args.organisation)
            public_key = organisations.parse_public_key(args.public_key)
            key = organisations.add_key(
                db, organisation, public_key, args.valid_from or date.today(), args.valid_until
            )
        except StaffError as error:
            _stop_on(error)
        audit.record(
            db,
            None,
            "organisation_key_added",
            audit.Target(None, organisation.id, f"{organisation.name} {key.kid[:8]}"),
        )
    print(key.kid)
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    """Revoke a key from a day: documents issued on or after that day no longer verify."""
    with staff_database() as db:
        try:
            key = organisations.get_key(db, args.kid)
            organisations.revoke_key(db, key, args.revoked_from, args.reason)
        except StaffError as error:
            _stop_on(error)
        organisation = key.organisation
        audit.record(
            db,
            None,
            "organisation_key_revoked",
            audit.Target(None, organisation.id, f"{organisation.name} {key.kid[:8]}"),
        )
    print(f"{key.kid}\trevoked from {args.revoked_from.isoformat()}")
    return 0


def list_register(_: argparse.Namespace) -> int:
    """Every organisation, then each of its keys, one a line."""
    with staff_database() as db:
        for entry in organisations.public_list(db):
            print(f"{entry['id']}\t{entry['kind']}\t{entry['name']}\t{entry['address']}")
            for key in entry["keys"]:
                until = key["valid_until"] or "-"
                state = f"revoked from {key['revoked_from']}" if key["revoked_from"] else "valid"
                print(f"\t{key['kid']}\t{key['valid_from']} to {until}\t{state}")
    return 0


def add_org_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pde org keygen | add | add-key | revoke-key | list`."""
    org = commands.add_parser(
        "org",
        help="organisations that sign what they deposit: make a key, register it",
        description="Signing keys of organisations (docs/issued-documents.md). keygen runs at "
        "the organisation; the others on the server's machine (after pde migrate).",
    )
    actions = org.add_subparsers(dest="org_action", required=True)
    make = actions.add_parser("keygen", help="make a private key file; prints the public key")
    make.add_argument("-o", "--output", required=True, help="the private key file to write")
    make.set_defaults(run=keygen)
    new = actions.add_parser("add", help="register an organisation; prints its id")
    new.add_argument("--name", required=True)
    new.add_argument("--kind", required=True, choices=organisations.KINDS)
    new.add_argument("--address", default="")
    new.set_defaults(run=add)
    key = actions.add_parser("add-key", help="register a public key; prints its fingerprint")
    key.add_argument("organisation", metavar="ORGANISATION", help="its id or its name")
    # A public key is 43 base64url characters too: one in 64 starts with '-' (shield_ids).
    key.add_argument("--public-key", required=True, help="as pde org keygen printed it")
    key.add_argument("--valid-from", type=_day, help="yyyy-mm-dd (default: today)")
    key.add_argument("--valid-until", type=_day, help="yyyy-mm-dd (default: no end)")
    key.set_defaults(run=add_key)
    revoke = actions.add_parser("revoke-key", help="revoke a key from a day")
    revoke.add_argument("kid", metavar="FINGERPRINT")
    revoke.add_argument(
        "--from",
        dest="revoked_from",
        type=_day,
        required=True,
        help="yyyy-mm-dd: documents issued on or after it no longer verify",
    )
    revoke.add_argument("--reason", required=True, help="why (lost, stolen, …): it is public")
    revoke.set_defaults(run=revoke_key)
    actions.add_parser("list", help="the register, as it is published").set_defaults(
        run=list_register
    )
