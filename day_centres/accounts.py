"""Staff accounts: created by an operator (or, for the first operator, by `pde
staff create-operator` on the server's machine), listed, disabled; their TOTP
enrolment and its reset. A coordinator creates and disables the workers of
their own centre. Logging in is day_centres.login; the pages decide who may
call what (day_centres.pages)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import new_id
from day_centres import sessions
from day_centres.errors import FormInvalid, NameTaken, StaffNotFound
from day_centres.models import (
    ROLES,
    Centre,
    StaffAccount,
    StaffRecoveryCode,
    UsedTotpStep,
)
from day_centres.passwords import PasswordRefused, check_new_password, hash_password
from day_centres.totp import new_recovery_codes, new_secret, recovery_code_hash
from wallet.clock import now

NAME_MIN, NAME_MAX = 2, 64
NAME_PUNCTUATION = " .-_'@"
PASSWORD_MESSAGES = {
    "too_short": "A password has at least 12 characters.",
    "too_long": "A password has at most 200 characters.",
    "too_common": "This password is too common or too easy to guess. Try a few unrelated words.",
}


def normalize_name(text: str) -> tuple[str, str]:
    """(name as shown, lookup key): NFKC, spaces collapsed, 2 to 64 letters, digits,
    spaces and . - _ ' @; the key is casefolded."""
    name = " ".join(unicodedata.normalize("NFKC", text).split())
    allowed = all(c.isalnum() or c in NAME_PUNCTUATION for c in name)
    if not (NAME_MIN <= len(name) <= NAME_MAX) or not allowed:
        raise FormInvalid(
            "A name has 2 to 64 letters or digits, and may use spaces and . - _ ' @",
            field="name",
        )
    return name, name.casefold()


def name_key(text: str) -> str:
    """The lookup key of a typed name (no error for a malformed one: it finds nothing)."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def check_password_rule(password: str, name: str) -> None:
    """FormInvalid (field "password") unless `password` may be a staff password."""
    try:
        check_new_password(password, name=name)
    except PasswordRefused as refused:
        raise FormInvalid(PASSWORD_MESSAGES[refused.reason], field="password") from None


def create_account(
    db: Session, name: str, password: str, role: str, centre: Centre | None = None
) -> StaffAccount:
    """A new staff account, not yet enrolled in TOTP (the person enrols at first login)."""
    if role not in ROLES or (role == "operator") != (centre is None):
        raise FormInvalid("Choose a role, and a centre for a coordinator or worker.", field="role")
    shown, key = normalize_name(name)
    check_password_rule(password, shown)
    if db.scalar(select(StaffAccount.id).where(StaffAccount.name_key == key)) is not None:
        raise NameTaken(field="name")
    account = StaffAccount(
        id=new_id(),
        name=shown,
        name_key=key,
        role=role,
        centre_id=centre.id if centre else None,
        password_hash=hash_password(password),
        created_at=now(),
    )
    db.add(account)
    try:
        db.flush()
    except IntegrityError:  # another account took the name meanwhile
        raise NameTaken(field="name") from None
    return account


def find_by_name(db: Session, name: str) -> StaffAccount | None:
    return db.scalar(select(StaffAccount).where(StaffAccount.name_key == name_key(name)))


def get_account(db: Session, account_id: str) -> StaffAccount:
    account = db.get(StaffAccount, account_id) if len(account_id) <= 22 else None
    if account is None:
        raise StaffNotFound()
    return account


def list_accounts(db: Session, centre_id: str | None = None) -> Sequence[StaffAccount]:
    """Every account (None), or the accounts of one centre; by role, then name."""
    query = select(StaffAccount)
    if centre_id is not None:
        query = query.where(StaffAccount.centre_id == centre_id)
    return db.scalars(query.order_by(StaffAccount.role, StaffAccount.name_key)).all()


def disable(db: Session, account: StaffAccount) -> None:
    """Disable an account for good and end its sessions at once."""
    if account.disabled_at is None:
        account.disabled_at = now()
    sessions.end_all(db, account.id)


def reset_totp(db: Session, account: StaffAccount) -> None:
    """Forget the account's TOTP secret and recovery codes and end its sessions:
    the person enrols again at the next login (a lost or replaced phone)."""
    account.totp_secret = None
    account.totp_enrolled_at = None
    db.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == account.id))
    db.execute(delete(UsedTotpStep).where(UsedTotpStep.staff_id == account.id))
    sessions.end_all(db, account.id)


def enrolment_secret(account: StaffAccount) -> str:
    """The secret being enrolled: made once, kept until enrolment succeeds or a reset."""
    if account.enrolled:
        raise StaffNotFound()  # enrolled already: nothing to show again
    if account.totp_secret is None:
        account.totp_secret = new_secret()
    return account.totp_secret


def replace_recovery_codes(db: Session, account: StaffAccount) -> list[str]:
    """Ten new recovery codes, shown once; only their hashes are kept, the old ones go."""
    db.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == account.id))
    codes = new_recovery_codes()
    for code in codes:
        code_hash = recovery_code_hash(code)
        assert code_hash is not None
        db.add(StaffRecoveryCode(staff_id=account.id, code_hash=code_hash))
    return codes


def recovery_codes_left(db: Session, account: StaffAccount) -> int:
    query = select(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == account.id)
    return len(db.scalars(query).all())
