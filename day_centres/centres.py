"""Centres: the operator creates and edits them; coordinators and workers read
their own. A centre's languages are kept in the order its public speaks them,
which its terminals will offer first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto import new_id
from day_centres.errors import FormInvalid, NameTaken, StaffNotFound
from day_centres.models import CENTRE_LANGUAGES, Centre
from wallet.clock import now

PHONE = re.compile(r"^[0-9+() ./-]{0,40}$")
# An enrolled terminal's idle logout: long enough to read a page, short enough that
# the next person does not find the wallet open.
DEFAULT_IDLE_MINUTES = 3
IDLE_MINUTES_RANGE = (1, 30)


@dataclass(frozen=True)
class CentreDetails:
    """What the operator's form says of a centre."""

    name: str
    address: str
    help_phone: str
    opening_hours: str
    languages: Sequence[str]
    printing_allowed: bool
    idle_minutes: int | str = DEFAULT_IDLE_MINUTES  # as typed on the form, or a number


def _text(value: str, field: str, maximum: int, *, required: bool = False) -> str:
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    if required and len(text) < 2:
        raise FormInvalid("Please fill in this field.", field=field)
    if len(text) > maximum:
        raise FormInvalid("This text is too long.", field=field)
    return text


def _checked(details: CentreDetails) -> dict[str, object]:
    """The columns of valid details; FormInvalid names the first field that is not."""
    languages = list(dict.fromkeys(code for code in details.languages if code))
    if not languages or any(code not in CENTRE_LANGUAGES for code in languages):
        raise FormInvalid("Choose at least one language.", field="languages")
    phone = _text(details.help_phone, "help_phone", 40)
    if not PHONE.match(phone):
        raise FormInvalid(
            "A phone number has digits, spaces and + ( ) . / - only.", field="help_phone"
        )
    name = _text(details.name, "name", 120, required=True)
    idle = str(details.idle_minutes).strip()
    low, high = IDLE_MINUTES_RANGE
    if not (idle.isascii() and idle.isdigit() and low <= int(idle) <= high):
        raise FormInvalid("Type a number of minutes from 1 to 30.", field="idle_minutes")
    return {
        "name": name,
        "name_key": name.casefold(),
        "address": _text(details.address, "address", 300),
        "help_phone": phone,
        "opening_hours": _text(details.opening_hours, "opening_hours", 300),
        "languages": ",".join(languages),
        "printing_allowed": details.printing_allowed,
        "idle_minutes": int(idle),
    }


def _name_free(db: Session, name_key: str, centre_id: str = "") -> None:
    query = select(Centre.id).where(Centre.name_key == name_key, Centre.id != centre_id)
    if db.scalar(query) is not None:
        raise NameTaken(field="name")


def create_centre(db: Session, details: CentreDetails) -> Centre:
    """A new centre; NameTaken when another has the same name."""
    columns = _checked(details)
    _name_free(db, str(columns["name_key"]))
    centre = Centre(id=new_id(), created_at=now(), **columns)
    db.add(centre)
    try:
        db.flush()
    except IntegrityError:  # another operator took the name meanwhile
        raise NameTaken(field="name") from None
    return centre


def update_centre(db: Session, centre: Centre, details: CentreDetails) -> None:
    """Change a centre's details (its id, and so its staff, stay)."""
    columns = _checked(details)
    _name_free(db, str(columns["name_key"]), centre.id)
    for column, value in columns.items():
        setattr(centre, column, value)
    db.flush()


def list_centres(db: Session) -> Sequence[Centre]:
    return db.scalars(select(Centre).order_by(Centre.name_key)).all()


def get_centre(db: Session, centre_id: str) -> Centre:
    centre = db.get(Centre, centre_id) if len(centre_id) <= 22 else None
    if centre is None:
        raise StaffNotFound()
    return centre
