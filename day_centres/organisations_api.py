"""`GET /api/v1/organisations`: the public list of organisations that issue
signed documents and of their keys, revoked and expired ones included
(crypto/FORMAT.md §7.3). Anyone may read it, with no credential: the kiosk,
the share viewer and `pde open-share` check signatures against it, and a
service or a worker can compare a fingerprint with the one the organisation
gave them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from day_centres.organisations import public_list
from wallet.api.deps import DbDep

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])

Kind = Literal["cpas", "commune", "hospital", "school", "association", "other"]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="yyyy-mm-dd")]


class OrganisationKeyEntry(BaseModel):
    """One Ed25519 public key of an organisation."""

    kid: Annotated[str, Field(description="fingerprint: b64u(SHA-256 of the key's JWK)")]
    public_key: Annotated[str, Field(description="b64u of the 32-byte Ed25519 public key")]
    valid_from: Day
    valid_until: Day | None
    revoked_from: Annotated[
        Day | None, Field(description="documents issued on or after this day no longer verify")
    ]
    revocation_reason: str


class OrganisationEntry(BaseModel):
    """An organisation as the operator registered it."""

    id: str
    name: str
    kind: Kind
    address: str
    keys: list[OrganisationKeyEntry]


class OrganisationList(BaseModel):
    """Every registered organisation, by name."""

    organisations: list[OrganisationEntry]


@router.get("", response_model=OrganisationList)
def organisations(db: DbDep) -> OrganisationList:
    """The public list of organisations and their signing keys (FORMAT.md §7.3)."""
    return OrganisationList.model_validate({"organisations": public_list(db)})
