"""The E2EE canary's part for issued documents (issue 16): on the canary's wallet, an
organisation registered by the operator (its key made in the test, as `pde org
keygen` would) deposits a file signed with a marker title and a marker in its
content; the owner accepts it and shares it, and a worker opens the share and
checks that the signature verifies (so it really travelled). test_e2ee_canary.py
then scans what the server holds for the signed title, the content, the whole
signature, its signed payload, the SHA-256 it signs (every encoding) and the
organisation's private key: none may be there. The organisation's id and its key's
fingerprint are in the public register by design; which wallet holds a document
they signed is not."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from client import PdeClient
from client import deposits as deposit_client
from client.issued import check_file
from client.shares import ShareViewer, create_share
from crypto.issued import content_digest, new_org_key
from day_centres import organisations
from tests.security import forms_of_bytes, forms_of_text
from tests.staff_support import database

MARKERS = ("signed title", "signed content")


@dataclass(frozen=True)
class IssuedMarkers:
    """What the part typed (markers) and the secrets and signed values it made."""

    markers: dict[str, str]
    secrets: dict[str, dict[str, bytes]]
    document_id: str


def deposit_signed_and_share(
    client: PdeClient, database_url: str, folder: Path
) -> IssuedMarkers:
    """Register an organisation, deposit a signed file into `client`'s wallet, accept
    it, share it, and check the worker's side verifies it."""
    markers = {name: f"CANARY-{secrets.token_hex(8)}" for name in MARKERS}
    key = new_org_key()
    with database(database_url) as db:
        organisation = organisations.create_organisation(
            db, f"CPAS canary {secrets.token_hex(3)}", "cpas", "Ixelles"
        )
        organisations.add_key(db, organisation, key.public_key, date(2025, 1, 1))
    content = f"Décision. {markers['signed content']}\n".encode() * 20
    path = folder / "decision.txt"
    path.write_bytes(content)
    link = deposit_client.create_deposit_link(client, "CPAS canary", max_files=1)
    [document_id] = deposit_client.deposit(
        link.link,
        [path],
        category="cpas",
        signing_key=key,
        title=markers["signed title"],
        issued_on="2026-03-03",
        retry_seconds=5,
    )
    [item] = [i for i in deposit_client.inbox(client) if i.document_id == document_id]
    jws = str(item.metadata["issued"])
    deposit_client.accept(client, item)
    share = create_share(client, [document_id], recipient="worker", purpose="RIS", fields=())
    with ShareViewer(share.link) as viewer:
        opened = viewer.open()
        [saved] = viewer.save_all(opened, folder / "opened")
        check = check_file(opened.documents[0].metadata, saved, viewer.organisations())
    assert check is not None and check.verified, check
    found = {
        "issued signature": forms_of_text(jws),
        "signed payload": forms_of_text(jws.split(".")[1]),
        "signature bytes": forms_of_text(jws.split(".")[2]),
        "signed content sha256": forms_of_bytes(content_digest([content])),
        "organisation private key": forms_of_bytes(key.private_key),
    }
    return IssuedMarkers(markers, found, document_id)
