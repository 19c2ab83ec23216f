"""Helpers of the share tests: a share prepared here with raw HTTP and the
`crypto` functions (as the owner's client would), opened as a worker would,
and a look at (or a change to) what the server stored for it.

Changing the stored expiry is how the tests reach "expired" without sleeping."""

from __future__ import annotations

import secrets
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import MetaData, func, select, update

from client.shares import shown_proofs, stored_proofs
from crypto import (
    b64u_encode,
    derive_share_keys,
    encrypt_share_info,
    encrypt_share_metadata,
    encrypt_share_owner_record,
    new_id,
    wrap_document_key_for_share,
)
from crypto.share import SHARE_SECRET_BYTES, ShareKeys, access_token_hash
from share_links.models import Share
from share_links.opening_writer import OpeningRecorder, Waiting
from share_links.openings import Attempt
from tests.api.support import API, RawWallet, SealedDocument, stored_rows
from tests.server import LiveServer
from wallet.clock import now

WRONG_ACCESS_LIMIT = 5  # PDE_SHARE_WRONG_ACCESS_LIMIT's default

WEEK = 7 * 86400


@dataclass(frozen=True)
class PreparedShare:
    """A share as the owner's client prepares it: the link's secret and PIN stay
    here; `body` is exactly what POST /shares receives."""

    share_id: str
    secret: bytes
    pin: str
    documents: list[SealedDocument]
    body: dict[str, Any]

    def keys(self, pin: str | None = None) -> ShareKeys:
        return derive_share_keys(self.secret, self.share_id, self.pin if pin is None else pin)

    def access_token(self, pin: str | None = None) -> str:
        """The access token a worker derives from the link (and `pin`, the right one by default)."""
        return b64u_encode(self.keys(pin).access_token)

    def open_body(self, pin: str | None = None) -> dict[str, str]:
        """What a worker shows to open the share: the link token and the access token."""
        return shown_proofs(self.keys(pin))


def prepare_share(
    wallet: RawWallet,
    documents: list[SealedDocument],
    *,
    pin: str = "",
    expires_in: int = WEEK,
    max_opens: int | None = None,
    share_id: str | None = None,
    document_ids: list[str] | None = None,
) -> PreparedShare:
    """The body of POST /shares for `documents` of `wallet` (or other `document_ids`)."""
    share_id = share_id or new_id()
    secret = secrets.token_bytes(SHARE_SECRET_BYTES)
    keys = derive_share_keys(secret, share_id, pin)
    keys_by_id = {d.document_id: d.document_key for d in documents}
    ids = document_ids if document_ids is not None else list(keys_by_id)
    shared = []
    for document_id in ids:
        document_key = keys_by_id.get(document_id, secrets.token_bytes(32))
        wrapped = wrap_document_key_for_share(keys.share_key, document_key, share_id, document_id)
        fields = {"title": "shared", "media_type": "application/octet-stream"}
        box = encrypt_share_metadata(keys.share_key, fields, share_id, document_id)
        shared.append(
            {
                "document_id": document_id,
                "wrapped_key": b64u_encode(wrapped),
                "metadata": b64u_encode(box),
            }
        )
    described = {"recipient": "CPAS", "purpose": "RIS"}
    record = {"secret": b64u_encode(secret), "pin": pin} | described
    body = {
        "share_id": share_id,
        **stored_proofs(keys),
        "pin": bool(pin),
        "expires_in": expires_in,
        "max_opens": max_opens,
        "info": b64u_encode(encrypt_share_info(keys.share_key, described, share_id)),
        "owner_record": b64u_encode(
            encrypt_share_owner_record(wallet.master_key, record, wallet.account_id, share_id)
        ),
        "documents": shared,
    }
    return PreparedShare(share_id, secret, pin, documents, body)


def post_share(wallet: RawWallet, prepared: PreparedShare, **changes: Any) -> httpx.Response:
    return wallet.http.post(f"{API}/shares", json=prepared.body | changes)


def make_share(wallet: RawWallet, documents: list[SealedDocument], **options: Any) -> PreparedShare:
    """Prepare and create a share; fails the test unless it is stored."""
    prepared = prepare_share(wallet, documents, **options)
    response = post_share(wallet, prepared)
    assert response.status_code == 201, response.text
    return prepared


def open_share(
    http: httpx.Client, prepared: PreparedShare, pin: str | None = None
) -> httpx.Response:
    """A worker opening the link, with the right PIN unless `pin` says otherwise."""
    return http.post(f"{API}/s/{prepared.share_id}/open", json=prepared.open_body(pin))


def view_token(http: httpx.Client, prepared: PreparedShare) -> str:
    """Open the share (one opening) and return the viewer's token."""
    response = open_share(http, prepared)
    assert response.status_code == 200, response.text
    return str(response.json()["view_token"])


def shared_content(
    http: httpx.Client,
    share_id: str,
    document_id: str,
    token: str | None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    authorization = {"Authorization": f"Bearer {token}"} if token else {}
    return http.get(
        f"{API}/s/{share_id}/documents/{document_id}/content",
        headers=authorization | (headers or {}),
    )


def assert_share_error(
    response: httpx.Response, status: int, code: str, **details: object
) -> dict[str, Any]:
    """The API's error shape with this status and code, and exactly these extra details."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"].strip()
    assert {k: v for k, v in error.items() if k not in ("code", "message")} == details, body
    return dict(error)


def owner_view(wallet: RawWallet, share_id: str) -> dict[str, Any]:
    """The share as its owner's shares screen gets it (state, openings, log)."""
    response = wallet.http.get(f"{API}/shares/{share_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def set_expiry(server: LiveServer, share_id: str, when: datetime) -> None:
    """Move a share's expiry in the server's database (no sleeping in tests)."""
    with stored_rows(server) as db:
        db.execute(update(Share).where(Share.id == share_id).values(expires_at=when))
        db.commit()


def expire(server: LiveServer, share_id: str) -> None:
    set_expiry(server, share_id, now() - timedelta(seconds=1))


def stored_share_rows(server: LiveServer, share_id: str) -> dict[str, int]:
    """How many rows the server keeps for this share, in each table named share*
    (reflected: a table added later is counted too)."""
    counts = {}
    with stored_rows(server) as db:
        tables = MetaData()
        tables.reflect(db.get_bind())
        for name, table in sorted(tables.tables.items()):
            if not name.startswith("share"):
                continue
            column = table.c.id if name == "shares" else table.c.share_id
            query = select(func.count()).select_from(table).where(column == share_id)
            counts[name] = int(db.scalar(query) or 0)
    assert "shares" in counts and "share_documents" in counts, counts
    return counts


def nothing_stored(server: LiveServer, share_id: str) -> bool:
    """Whether no table keeps any row of this share."""
    return not any(stored_share_rows(server, share_id).values())


def shares_of(server: LiveServer, account_id: str) -> int:
    """How many shares the server keeps for this wallet."""
    with stored_rows(server) as db:
        query = select(func.count()).select_from(Share).where(Share.account_id == account_id)
        return int(db.scalar(query) or 0)


def count_together(
    server: LiveServer, prepared: PreparedShare, pins: list[str]
) -> list[Attempt | None]:
    """Have the server's writer of openings commit one batch of attempts with `pins`
    (as it does with the attempts that wait for it together); their outcomes."""
    batch = []
    for pin in pins:
        keys = prepared.keys(pin)
        hashes = (access_token_hash(keys.link_token), access_token_hash(keys.access_token))
        batch.append(Waiting(prepared.share_id, hashes, WRONG_ACCESS_LIMIT, Future()))
    assert server._app is not None  # served in this process (tests/server.py)
    recorder: OpeningRecorder = server._app._app.state.share_openings
    recorder._commit(batch)
    return [waiting.done.result() for waiting in batch]
