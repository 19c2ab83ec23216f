"""Organisations that issue documents, and their public signing keys (issue 16,
crypto/FORMAT.md §7.3). The operator registers them; the list is public
(`GET /api/v1/organisations`), so that anyone can check a signed document
against it. Only public keys are ever here: an organisation makes and keeps its
private key (`pde org keygen`). A key is revoked from a day, with a reason: the
documents it signed before that day still verify."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from crypto import b64u_decode, b64u_encode, new_id
from crypto.errors import InvalidEncoding
from crypto.issued import ED25519_KEY_BYTES, org_key_id
from day_centres.errors import FormInvalid, NameTaken, StaffNotFound
from wallet.clock import now
from wallet.models import ID_LENGTH, Base, UTCDateTime

KINDS = ("cpas", "commune", "hospital", "school", "association", "other")
KID_LENGTH = 43


class Organisation(Base):
    """A service that may sign the documents it deposits (a CPAS, a hospital, …)."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('cpas', 'commune', 'hospital', 'school', 'association', 'other')",
            name="kind",
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)  # NFKC, casefolded
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    keys: Mapped[list[OrganisationKey]] = relationship(
        back_populates="organisation", order_by="OrganisationKey.valid_from"
    )


class OrganisationKey(Base):
    """An organisation's Ed25519 public key, named by its fingerprint (`kid`), valid
    from a day (and until one, if set), revoked from a day with a reason."""

    __tablename__ = "organisation_keys"

    kid: Mapped[str] = mapped_column(String(KID_LENGTH), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(ED25519_KEY_BYTES), unique=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    revoked_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    revocation_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="keys")


def _text(value: str, field: str, maximum: int, *, required: bool = False) -> str:
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if required and len(text) < 2:
        raise FormInvalid("Please fill in this field.", field=field)
    if len(text) > maximum:
        raise FormInvalid("This text is too long.", field=field)
    return text


def _name_free(db: Session, name_key: str) -> None:
    if db.scalar(select(Organisation.id).where(Organisation.name_key == name_key)) is not None:
        raise NameTaken(field="name")


def create_organisation(db: Session, name: str, kind: str, address: str = "") -> Organisation:
    """Register an organisation; NameTaken when another has the same name."""
    if kind not in KINDS:
        raise FormInvalid("Choose the kind of organisation.", field="kind")
    name = _text(name, "name", 120, required=True)
    _name_free(db, name.casefold())
    organisation = Organisation(
        id=new_id(),
        name=name,
        name_key=name.casefold(),
        kind=kind,
        address=_text(address, "address", 300),
        created_at=now(),
    )
    db.add(organisation)
    try:
        db.flush()
    except IntegrityError:  # another operator took the name meanwhile
        raise NameTaken(field="name") from None
    return organisation


def parse_public_key(text: str) -> bytes:
    """An Ed25519 public key as `pde org keygen` prints it (43 base64url characters)."""
    try:
        key = b64u_decode(text.strip())
    except InvalidEncoding:
        key = b""
    if len(key) != ED25519_KEY_BYTES:
        raise FormInvalid(
            "This is not a public key: copy the 43 characters after 'public key:'.",
            field="public_key",
        )
    return key


def add_key(
    db: Session,
    organisation: Organisation,
    public_key: bytes,
    valid_from: date,
    valid_until: date | None = None,
) -> OrganisationKey:
    """Register a public key of `organisation`; a key is registered once, for one
    organisation (its fingerprint is its id)."""
    if valid_until is not None and valid_until < valid_from:
        raise FormInvalid("The end of validity is before its start.", field="valid_until")
    kid = org_key_id(public_key)
    if db.get(OrganisationKey, kid) is not None:
        raise FormInvalid("This key is already registered.", field="public_key")
    key = OrganisationKey(
        kid=kid,
        organisation=organisation,
        public_key=public_key,
        valid_from=valid_from,
        valid_until=valid_until,
        revocation_reason="",
        created_at=now(),
    )
    db.add(key)
    db.flush()
    return key


def revoke_key(db: Session, key: OrganisationKey, revoked_from: date, reason: str) -> None:
    """Revoke a key from a day: what it signed for an issue date on or after that day
    no longer verifies. A later revocation may only move the day earlier."""
    reason = _text(reason, "reason", 200, required=True)
    if key.revoked_from is not None and key.revoked_from <= revoked_from:
        raise FormInvalid("This key is already revoked from that day or earlier.", field="day")
    key.revoked_from = revoked_from
    key.revocation_reason = reason
    db.flush()


def list_organisations(db: Session) -> Sequence[Organisation]:
    return db.scalars(select(Organisation).order_by(Organisation.name_key)).all()


def get_organisation(db: Session, reference: str) -> Organisation:
    """An organisation by its id or its name; StaffNotFound otherwise."""
    organisation = db.get(Organisation, reference) if len(reference) == ID_LENGTH else None
    if organisation is None:
        key = _text(reference, "organisation", 120).casefold()
        organisation = db.scalar(select(Organisation).where(Organisation.name_key == key))
    if organisation is None:
        raise StaffNotFound("No organisation has this id or name.")
    return organisation


def get_key(db: Session, kid: str) -> OrganisationKey:
    key = db.get(OrganisationKey, kid.strip()) if len(kid.strip()) == KID_LENGTH else None
    if key is None:
        raise StaffNotFound("No registered key has this fingerprint.")
    return key


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def public_key_entry(key: OrganisationKey) -> dict[str, Any]:
    """A key as the public list gives it (FORMAT.md §7.3)."""
    return {
        "kid": key.kid,
        "public_key": b64u_encode(key.public_key),
        "valid_from": key.valid_from.isoformat(),
        "valid_until": _day(key.valid_until),
        "revoked_from": _day(key.revoked_from),
        "revocation_reason": key.revocation_reason,
    }


def public_list(db: Session) -> list[dict[str, Any]]:
    """Every organisation with every key it ever had (revoked and expired ones too:
    documents signed before stay checkable), as FORMAT.md §7.3 writes it."""
    return [
        {
            "id": organisation.id,
            "name": organisation.name,
            "kind": organisation.kind,
            "address": organisation.address,
            "keys": [public_key_entry(key) for key in organisation.keys],
        }
        for organisation in list_organisations(db)
    ]
