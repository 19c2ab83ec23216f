"""The access-control matrix: every route of the API, called without a token,
with garbage tokens, with ended sessions, with another wallet's valid session,
with another wallet's recovery session and with another share's view token,
aimed at wallet A's documents, uploads, sessions and shares. Each must be
refused (401; 404 for another wallet's ids; 403 passphrase_change_required only
for a recovery session), no response may carry anything of A's, and A's wallet
must be exactly as it was afterwards. A share link's routes need no session
but the token derived from the link (and PIN) or the view token it gives:
nothing else opens them. A deposit link's routes need no session either but a
link that is open, and reach only the uploads that link declared: through A's
link, A's documents and uploads are not found, and so are A's deposit uploads
through another wallet's link; a made-up link is not found.

The matrix is a table kept by hand, so that each route's expected answer is
written down; `test_the_matrix_covers_every_route_of_the_app` fails as soon as
a route appears that the table does not know."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from client import PdeClient
from client import deposits as deposit_client
from client.shares import ShareSummary, create_share, shown_proofs
from client.trustees import request_recovery, set_up_trustees, trustee_invitation
from crypto import (
    b64u_decode,
    b64u_encode,
    decode_code,
    derive_recovery_keys,
    derive_share_keys,
    encrypt_metadata,
    encrypt_stream,
    new_id,
    new_key,
    parse_share_link,
    seal_deposit_document_key,
    wrap_document_key,
)
from pde.app import create_app
from pde.settings import Settings
from tests.security import find_leaks, forms_of_bytes, forms_of_text
from tests.security.staff_routes import STAFF_ROUTES
from tests.server import LiveServer
from tests.wallet_pool import WalletPool
from wallet.db import migrate

MIB = 1 << 20
PASSPHRASE = "access control matrix passphrase"
API = "/api/v1"


def b64(size: int) -> str:
    return b64u_encode(os.urandom(size))


@dataclass
class Owner:
    """Wallet A as its owner sees it, kept to compare with afterwards."""

    client: PdeClient
    handle: str
    account_id: str
    session_id: str
    ready_ids: list[str]
    pending_id: str
    plaintexts: dict[str, bytes]
    share: ShareSummary
    opened_share: dict[str, Any]  # the answer to A's share opened with the right token
    deposit_link: str = ""  # A's deposit link (its id is the capability)
    deposit_id: str = ""
    deposited_id: str = ""  # a file deposited through it, waiting in A's inbox
    pending_deposit_id: str = ""  # a deposit through it, half sent
    listing: list[dict[str, Any]] = field(default_factory=list)
    account: dict[str, Any] = field(default_factory=dict)
    pending_status: dict[str, Any] = field(default_factory=dict)
    ciphertexts: dict[str, bytes] = field(default_factory=dict)
    shares: list[dict[str, Any]] = field(default_factory=list)
    deposit_links: list[dict[str, Any]] = field(default_factory=list)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    pending_deposit_status: dict[str, Any] = field(default_factory=dict)
    recovery_request_id: str = ""  # a recovery request against A, pending
    trustees: dict[str, Any] = field(default_factory=dict)
    recovery_requests: list[dict[str, Any]] = field(default_factory=list)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client._send("GET", path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response

    def snapshot(self) -> None:
        self.listing = self.get(f"{API}/documents").json()
        self.account = self.get(f"{API}/account").json()
        self.pending_status = self.get(f"{API}/documents/{self.pending_id}/upload").json()
        self.ciphertexts = {
            doc: self.get(f"{API}/documents/{doc}/content").content for doc in self.ready_ids
        }
        self.shares = self._shares()
        self.deposit_links = self.get(f"{API}/deposit-links").json()
        self.inbox = self.get(f"{API}/inbox").json()
        self.pending_deposit_status = self._pending_deposit_status()
        self.trustees = self.get(f"{API}/trustees").json()
        self.recovery_requests = self.get(f"{API}/recovery-requests").json()

    def _pending_deposit_status(self) -> dict[str, Any]:
        """A's half-sent deposit, as its depositor sees it through A's link."""
        path = f"{API}/d/{self.deposit_id}/documents/{self.pending_deposit_id}/upload"
        response = httpx.get(f"{self.client.server}{path}", timeout=30)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def _shares(self) -> list[dict[str, Any]]:
        """A's shares with their logs: tries at the link without its secret (the public
        routes make some) are refused before anything is counted."""
        return list(self.get(f"{API}/shares").json())

    @property
    def shared_id(self) -> str:
        """The document of A's that is in A's share."""
        return self.ready_ids[0]

    @property
    def view_token(self) -> str:
        return str(self.opened_share["view_token"])

    def secrets(self) -> dict[str, dict[str, bytes]]:
        """What of A's must never reach anyone else: ids, wrapped keys, sealed
        metadata, ciphertext (three slices of each). A's salt is not here:
        the login's first step gives it to anyone who types the handle."""
        found: dict[str, dict[str, bytes]] = {
            "A's handle": forms_of_text(self.handle),
            "A's account id": forms_of_text(self.account_id),
            "A's session id": forms_of_text(self.session_id),
            "A's pending upload id": forms_of_text(self.pending_id),
        }
        for name in (
            "wrapped_master_key",
            "wrapped_master_key_recovery",
            "wrapped_deposit_private_key",
        ):
            found[f"A's {name}"] = forms_of_bytes(b64u_decode(self.account[name]))
        # A's trustees: the master key wrapped for them, A's own notes, the pending request.
        found["A's wrapped_master_key_trustees"] = forms_of_bytes(
            b64u_decode(self.account["wrapped_master_key_trustees"])
        )
        found["A's trustee record"] = forms_of_bytes(b64u_decode(self.trustees["record"]))
        found["A's recovery request id"] = forms_of_text(self.recovery_request_id)
        for item in self.listing:
            doc = item["document_id"]
            found[f"A's document id {doc}"] = forms_of_text(doc)
            found[f"A's wrapped key of {doc}"] = forms_of_bytes(b64u_decode(item["wrapped_key"]))
            found[f"A's metadata of {doc}"] = forms_of_bytes(b64u_decode(item["metadata"]))
        for doc, sealed in self.ciphertexts.items():
            for at in (0, len(sealed) // 2, len(sealed) - 48):
                found[f"A's ciphertext of {doc} at {at}"] = forms_of_bytes(sealed[at : at + 48])
        # A's share: its id is in the link and answered to anyone who asks its state;
        # what it holds is given only to A's session or to the holder of the link.
        for share in self.shares:
            found["A's share owner record"] = forms_of_bytes(b64u_decode(share["owner_record"]))
        found["A's share info"] = forms_of_bytes(b64u_decode(self.opened_share["info"]))
        found["A's share view token"] = forms_of_text(self.view_token)
        for item in self.opened_share["documents"]:
            doc = item["document_id"]
            found[f"A's share key of {doc}"] = forms_of_bytes(b64u_decode(item["wrapped_key"]))
            found[f"A's share metadata of {doc}"] = forms_of_bytes(b64u_decode(item["metadata"]))
        # A's deposit link: its id is the capability and answered to whoever holds it; its
        # label is A's, and what was deposited is for A alone (its depositor included).
        for link in self.deposit_links:
            found["A's deposit link label"] = forms_of_bytes(b64u_decode(link["label"]))
        found["A's pending deposit id"] = forms_of_text(self.pending_deposit_id)
        for item in self.inbox:
            doc = item["document_id"]
            found[f"A's inbox document id {doc}"] = forms_of_text(doc)
            found[f"A's inbox sealed key of {doc}"] = forms_of_bytes(
                b64u_decode(item["sealed_key"])
            )
            found[f"A's inbox metadata of {doc}"] = forms_of_bytes(b64u_decode(item["metadata"]))
        return found

    def assert_unchanged(self) -> None:
        """A's documents, upload, account and session are exactly as before,
        and every document still decrypts to the bytes that were added."""
        assert self.get(f"{API}/documents").json() == self.listing
        assert self.get(f"{API}/account").json() == self.account
        assert self.get(f"{API}/documents/{self.pending_id}/upload").json() == self.pending_status
        for doc, sealed in self.ciphertexts.items():
            assert self.get(f"{API}/documents/{doc}/content").content == sealed
            out = io.BytesIO()
            self.client.get(doc, out)
            assert out.getvalue() == self.plaintexts[doc]
        sessions = [s["session_id"] for s in self.get(f"{API}/sessions").json()]
        assert self.session_id in sessions
        assert self._shares() == self.shares
        [share] = self.get(f"{API}/shares").json()
        assert share["state"] == "active", share
        assert self.get(f"{API}/deposit-links").json() == self.deposit_links
        assert [link["state"] for link in self.deposit_links] == ["active"]
        assert self.get(f"{API}/inbox").json() == self.inbox
        assert self._pending_deposit_status() == self.pending_deposit_status
        assert self.get(f"{API}/trustees").json() == self.trustees
        assert self.get(f"{API}/recovery-requests").json() == self.recovery_requests
        assert [r["request_id"] for r in self.recovery_requests] == [self.recovery_request_id]
        shared = httpx.get(
            f"{self.client.server}{API}/s/{self.share.share_id}/documents/{self.shared_id}/content",
            headers={"Authorization": f"Bearer {self.view_token}"},
        )
        assert shared.status_code == 200 and shared.content == self.ciphertexts[self.shared_id]


@dataclass
class World:
    server: LiveServer
    a: Owner
    b: PdeClient
    tokens: dict[str, str]  # identity name -> Authorization header value
    http: httpx.Client

    def call(self, authorization: str | None, request: Request) -> httpx.Response:
        headers = dict(request.headers)
        if authorization is not None:
            headers["Authorization"] = authorization
        return self.http.request(
            request.method,
            request.path,
            headers=headers,
            json=request.json,
            content=request.content,
            params=request.params,
        )


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    json: Any = None
    content: bytes | None = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    aims_at: str = "own"  # A's "document", "session" or "share", "create" with A's id, or "own"
    expected: frozenset[int] | None = None  # a public route's answer, when its path has ids
    code: str | None = None  # a public route's error code, when it must be this one


def _declaration(document_id: str) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "wrapped_key": b64(61),
        "metadata": b64(285),
        "size": 200,
        "sha256": b64(32),
    }


def _passphrase_change() -> dict[str, Any]:
    return {
        "current_auth_key": b64(32),
        "account_salt": b64(16),
        "auth_key": b64(32),
        "wrapped_master_key": b64(61),
    }


def _stream_part() -> bytes:
    return b"PDEs\x01" + os.urandom(195)


Aim = Callable[[Owner], list[Request]]


def _on_documents(method: str, suffix: str = "", **extra: Any) -> Aim:
    """The route called on A's ready documents and on A's pending upload."""

    def aim(a: Owner) -> list[Request]:
        ids = [*a.ready_ids, a.pending_id]
        return [
            Request(method, f"{API}/documents/{doc}{suffix}", aims_at="document", **extra)
            for doc in ids
        ]

    return aim


def _move(to_compartment: str | None) -> dict[str, Any]:
    """A move's body: a re-wrapped key, re-sealed metadata, the target compartment's token."""
    return {"wrapped_key": b64(61), "metadata": b64(285), "to_compartment": to_compartment}


def _trustee_setup(handle: str) -> dict[str, Any]:
    """A trustee setup naming A's wallet as trustee, with a key that is not A's."""
    trustee = {"handle": handle, "public_key": b64(32), "x": 1, "sealed_share": b64(93)}
    return {
        "set_id": b64(8),
        "threshold": 2,
        "total": 2,
        "trustee_auth": b64(32),
        "wrapped_master_key": b64(61),
        "record": b64(285),
        "wallet_trustees": [trustee],
    }


def _move(to_compartment: str | None) -> dict[str, Any]:
    """A move's body: a re-wrapped key, re-sealed metadata, the target compartment's token."""
    return {"wrapped_key": b64(61), "metadata": b64(285), "to_compartment": to_compartment}


def _one(method: str, path: str) -> Aim:
    """A route that acts on the caller's own wallet: it takes no id of A's."""
    return lambda _: [Request(method, path)]


def _new_share(share_id: str, document_ids: list[str]) -> dict[str, Any]:
    return {
        "share_id": share_id,
        "access_hash": b64(32),
        "link_hash": b64(32),
        "pin": False,
        "expires_in": 86400,
        "max_opens": None,
        "info": b64(285),
        "owner_record": b64(285),
        "documents": [
            {"document_id": doc, "wrapped_key": b64(61), "metadata": b64(285)}
            for doc in document_ids
        ],
    }


def _new_link(deposit_id: str) -> dict[str, Any]:
    return {
        "deposit_id": deposit_id,
        "expires_in": 86400,
        "max_files": 1,
        "label": b64(285),
        "info": b64(285),
    }


def _deposit_declaration(document_id: str) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "sealed_key": b64(93),
        "metadata": b64(285),
        "size": 200,
        "sha256": b64(32),
    }


def _on_deposit_uploads(method: str, suffix: str, **extra: Any) -> Aim:
    """A depositor's upload route: through A's link on A's documents and A's own upload
    (not this link's: not found), through B's link on A's deposit (not found), and
    through a made-up link (no such link)."""

    def aim(a: Owner) -> list[Request]:
        upload = f"{API}/d/{{}}/documents/{{}}{suffix}"
        found_not = frozenset({404})
        requests = [
            Request(
                method,
                upload.format(a.deposit_id, doc),
                aims_at="deposit",
                expected=found_not,
                code="not_found",
                **extra,
            )
            for doc in (*a.ready_ids, a.pending_id)
        ]
        requests += [
            Request(
                method,
                upload.format(link, a.pending_deposit_id),
                aims_at="deposit",
                expected=found_not,
                code=code,
                **extra,
            )
            for link, code in ((B_DEPOSIT[0], "not_found"), (new_id(), "deposit_not_found"))
        ]
        return requests

    return aim


B_DEPOSIT: list[str] = []  # B's open deposit link id, set by the `world` fixture


def _on_share(method: str, suffix: str = "") -> Aim:
    return lambda a: [Request(method, f"{API}/shares/{a.share.share_id}{suffix}", aims_at="share")]


# Every route that needs a session, and how to aim it at wallet A.
PRIVATE_ROUTES: dict[tuple[str, str], Aim] = {
    ("GET", "/api/v1/account"): _one("GET", f"{API}/account"),
    ("DELETE", "/api/v1/account"): lambda a: [
        Request("DELETE", f"{API}/account", json={"confirm_handle": a.handle})
    ],
    ("PUT", "/api/v1/account/passphrase"): lambda a: [
        Request("PUT", f"{API}/account/passphrase", json=_passphrase_change())
    ],
    ("GET", "/api/v1/account/export"): _one("GET", f"{API}/account/export"),
    ("POST", "/api/v1/logout"): _one("POST", f"{API}/logout"),
    ("GET", "/api/v1/sessions"): _one("GET", f"{API}/sessions"),
    ("DELETE", "/api/v1/sessions/{session_id}"): lambda a: [
        Request("DELETE", f"{API}/sessions/{a.session_id}", aims_at="session")
    ],
    ("GET", "/api/v1/documents"): _one("GET", f"{API}/documents"),
    ("POST", "/api/v1/documents"): lambda a: [
        Request("POST", f"{API}/documents", json=_declaration(doc), aims_at="create")
        for doc in [*a.ready_ids, a.pending_id]
    ],
    ("GET", "/api/v1/documents/{document_id}"): _on_documents("GET"),
    ("PATCH", "/api/v1/documents/{document_id}"): _on_documents(
        "PATCH", json={"metadata": b64(285)}
    ),
    ("DELETE", "/api/v1/documents/{document_id}"): _on_documents("DELETE"),
    ("GET", "/api/v1/documents/{document_id}/upload"): _on_documents("GET", "/upload"),
    ("PUT", "/api/v1/documents/{document_id}/content"): lambda a: [
        *_on_documents(
            "PUT",
            "/content",
            params={"offset": 0},
            content=_stream_part(),
            headers={"Content-Type": "application/octet-stream"},
        )(a),
        Request(
            "PUT",
            f"{API}/documents/{a.pending_id}/content",
            aims_at="document",
            params={"offset": a.pending_status["received"]},
            content=_stream_part(),
            headers={"Content-Type": "application/octet-stream"},
        ),
    ],
    ("GET", "/api/v1/documents/{document_id}/content"): lambda a: [
        *_on_documents("GET", "/content")(a),
        *_on_documents("GET", "/content", headers={"Range": "bytes=0-99"})(a),
    ],
    ("POST", "/api/v1/documents/{document_id}/complete"): _on_documents("POST", "/complete"),
    # Direct transfers (issue 12 §2): presigned URLs and acknowledgements for A's only.
    ("POST", "/api/v1/documents/{document_id}/upload/parts"): _on_documents(
        "POST", "/upload/parts", json={"offset": 0, "length": 1024, "sha256": b64(32)}
    ),
    ("POST", "/api/v1/documents/{document_id}/upload/parts/ack"): _on_documents(
        "POST", "/upload/parts/ack", json={"offset": 0}
    ),
    ("GET", "/api/v1/documents/{document_id}/content-url"): _on_documents("GET", "/content-url"),
    # Moving A's documents out of A's normal view, into a compartment or back, from any view.
    ("POST", "/api/v1/documents/{document_id}/move"): lambda a: [
        *_on_documents("POST", "/move", json=_move(None))(a),
        *_on_documents("POST", "/move", json=_move(b64(32)))(a),
        *_on_documents("POST", "/move", json=_move(None), headers={"PDE-Compartment": b64(32)})(a),
    ],
    ("GET", "/api/v1/shares"): _one("GET", f"{API}/shares"),
    ("POST", "/api/v1/shares"): lambda a: [
        # A's share id (with A's documents), then a new id with A's documents.
        Request(
            "POST",
            f"{API}/shares",
            json=_new_share(a.share.share_id, a.ready_ids),
            aims_at="create",
        ),
        Request(
            "POST", f"{API}/shares", json=_new_share(new_id(), a.ready_ids), aims_at="document"
        ),
        Request(
            "POST", f"{API}/shares", json=_new_share(new_id(), [a.pending_id]), aims_at="document"
        ),
    ],
    ("GET", "/api/v1/shares/{share_id}"): _on_share("GET"),
    ("POST", "/api/v1/shares/{share_id}/revoke"): _on_share("POST", "/revoke"),
    ("DELETE", "/api/v1/shares/{share_id}"): _on_share("DELETE"),
    ("GET", "/api/v1/deposit-links"): _one("GET", f"{API}/deposit-links"),
    ("POST", "/api/v1/deposit-links"): lambda a: [
        Request("POST", f"{API}/deposit-links", json=_new_link(a.deposit_id), aims_at="create"),
        Request("POST", f"{API}/deposit-links", json=_new_link(new_id())),
    ],
    ("POST", "/api/v1/deposit-links/{deposit_id}/revoke"): lambda a: [
        Request("POST", f"{API}/deposit-links/{a.deposit_id}/revoke", aims_at="deposit")
    ],
    ("DELETE", "/api/v1/deposit-links/{deposit_id}"): lambda a: [
        Request("DELETE", f"{API}/deposit-links/{a.deposit_id}", aims_at="deposit")
    ],
    ("GET", "/api/v1/inbox"): _one("GET", f"{API}/inbox"),
    ("POST", "/api/v1/inbox/{document_id}/accept"): lambda a: [
        Request(
            "POST",
            f"{API}/inbox/{doc}/accept",
            json={"wrapped_key": b64(61), "metadata": b64(285)},
            aims_at="document",
        )
        for doc in (a.deposited_id, a.pending_deposit_id, a.ready_ids[0], a.pending_id)
    ],
    ("DELETE", "/api/v1/inbox/{document_id}"): lambda a: [
        Request("DELETE", f"{API}/inbox/{doc}", aims_at="document")
        for doc in (a.deposited_id, a.pending_deposit_id, a.ready_ids[0], a.pending_id)
    ],
    # Trustees (docs/trustees.md): one's own setup; A's wallet named as a trustee with
    # another key is not found; A's recovery request is neither cancelled nor released to.
    ("GET", "/api/v1/trustees"): _one("GET", f"{API}/trustees"),
    ("PUT", "/api/v1/trustees"): lambda a: [
        Request("PUT", f"{API}/trustees", json=_trustee_setup(a.handle), aims_at="request")
    ],
    ("DELETE", "/api/v1/trustees"): _one("DELETE", f"{API}/trustees"),
    ("GET", "/api/v1/recovery-requests"): _one("GET", f"{API}/recovery-requests"),
    ("POST", "/api/v1/recovery-requests/{request_id}/cancel"): lambda a: [
        Request(
            "POST", f"{API}/recovery-requests/{a.recovery_request_id}/cancel", aims_at="request"
        )
    ],
    ("GET", "/api/v1/trustee/requests"): _one("GET", f"{API}/trustee/requests"),
    ("POST", "/api/v1/trustee/requests/{request_id}/release"): lambda a: [
        Request(
            "POST",
            f"{API}/trustee/requests/{a.recovery_request_id}/release",
            json={"sealed_share": b64(93)},
            aims_at="request",
        )
    ],
}


def _shared(route: str) -> Aim:
    """A's shared document, A's document not in the share and A's pending upload,
    through A's share, with whatever the caller holds instead of A's view token."""

    def aim(a: Owner) -> list[Request]:
        return [
            Request(
                "GET",
                f"{API}/s/{a.share.share_id}/documents/{doc}/{route}",
                aims_at="share",
                expected=frozenset({401}),
                headers=headers,
            )
            for doc in (a.shared_id, a.ready_ids[1], a.pending_id)
            for headers in ({}, {"Range": "bytes=0-99"})
        ]

    return aim


# Routes anyone may call, aimed at A where they take a handle or an id.
PUBLIC_ROUTES: dict[tuple[str, str], Aim] = {
    ("GET", "/api/v1/health"): _one("GET", f"{API}/health"),
    ("GET", "/api/v1/ready"): _one("GET", f"{API}/ready"),
    ("GET", "/api/v1/handles/suggestion"): _one("GET", f"{API}/handles/suggestion"),
    # The register of organisations that sign documents: public by design (FORMAT.md §7.3).
    ("GET", "/api/v1/organisations"): _one("GET", f"{API}/organisations"),
    ("POST", "/api/v1/accounts"): lambda a: [
        Request("POST", f"{API}/accounts", json=_registration(a.handle, new_id())),
        Request(
            "POST", f"{API}/accounts", json=_registration(f"x-{secrets.token_hex(6)}", a.account_id)
        ),
    ],
    ("POST", "/api/v1/login/start"): lambda a: [
        Request("POST", f"{API}/login/start", json={"handle": a.handle})
    ],
    ("POST", "/api/v1/login"): lambda a: [
        Request("POST", f"{API}/login", json={"handle": a.handle, "auth_key": b64(32)})
    ],
    # Anonymous feedback (issue 11 §7): anyone; it reads no credential and keeps none.
    ("POST", "/api/v1/feedback"): lambda a: [
        Request("POST", f"{API}/feedback", json={"rating": 3, "language": "fr", "text": "matrix"})
    ],
    ("POST", "/api/v1/login/recovery"): lambda a: [
        Request(
            "POST", f"{API}/login/recovery", json={"handle": a.handle, "recovery_auth": b64(32)}
        )
    ],
    # A share link's routes: its state is public (the id is in the link); opening needs the
    # tokens derived from the link and PIN (without the link's secret, nothing is counted),
    # content needs the view token an opening gives.
    ("GET", "/api/v1/s/{share_id}"): lambda a: [
        Request("GET", f"{API}/s/{a.share.share_id}", aims_at="share", expected=frozenset({200}))
    ],
    ("POST", "/api/v1/s/{share_id}/open"): lambda a: [
        Request(
            "POST",
            f"{API}/s/{a.share.share_id}/open",
            json={"link_token": b64(32), "access_token": b64(32)},
            aims_at="share",
            expected=frozenset({403}),
        )
    ],
    ("GET", "/api/v1/s/{share_id}/documents/{document_id}/content"): _shared("content"),
    # Direct transfers (issue 12 §2): a presigned URL only for the view token's holder.
    ("GET", "/api/v1/s/{share_id}/documents/{document_id}/content-url"): _shared("content-url"),
    # Reporting a link (issue 11 §5): anyone may, with a reason; the answer is the same
    # for any id (received, or rate limited: every identity reports from this address).
    ("POST", "/api/v1/s/{share_id}/report"): lambda a: [
        Request(
            "POST",
            f"{API}/s/{a.share.share_id}/report",
            json={"reason": "other"},
            aims_at="report",
            expected=frozenset({202, 429}),
        )
    ],
    ("POST", "/api/v1/d/{deposit_id}/report"): lambda a: [
        Request(
            "POST",
            f"{API}/d/{a.deposit_id}/report",
            json={"reason": "other"},
            aims_at="report",
            expected=frozenset({202, 429}),
        )
    ],
    # A deposit link's routes: whoever holds the open link learns A's public key and may
    # declare files (an id already taken is refused and counts nothing); its uploads are
    # reached only through the link that declared them.
    ("GET", "/api/v1/d/{deposit_id}"): lambda a: [
        Request("GET", f"{API}/d/{a.deposit_id}", aims_at="deposit", expected=frozenset({200})),
        Request(
            "GET",
            f"{API}/d/{new_id()}",
            aims_at="deposit",
            expected=frozenset({404}),
            code="deposit_not_found",
        ),
    ],
    ("POST", "/api/v1/d/{deposit_id}/documents"): lambda a: [
        Request(
            "POST",
            f"{API}/d/{a.deposit_id}/documents",
            json=_deposit_declaration(doc),
            aims_at="deposit",
            expected=frozenset({409}),
            code="already_exists",
        )
        for doc in (*a.ready_ids, a.pending_id, a.deposited_id, a.pending_deposit_id)
    ],
    ("GET", "/api/v1/d/{deposit_id}/documents/{document_id}/upload"): _on_deposit_uploads(
        "GET", "/upload"
    ),
    ("PUT", "/api/v1/d/{deposit_id}/documents/{document_id}/content"): _on_deposit_uploads(
        "PUT",
        "/content",
        params={"offset": 0},
        content=b"PDEs\x01" + bytes(195),
        headers={"Content-Type": "application/octet-stream"},
    ),
    ("POST", "/api/v1/d/{deposit_id}/documents/{document_id}/complete"): _on_deposit_uploads(
        "POST", "/complete"
    ),
    # Recovery by trustees: anyone may ask (A's request id is taken: refused, nothing
    # stored); a request's state and a trustee login need the request's token.
    ("POST", "/api/v1/recovery-requests"): lambda a: [
        Request(
            "POST",
            f"{API}/recovery-requests",
            json={
                "request_id": a.recovery_request_id,
                "handle": a.handle,
                "public_key": b64(32),
                "token": b64(32),
            },
            expected=frozenset({409}),
            code="already_exists",
        )
    ],
    ("POST", "/api/v1/recovery-requests/{request_id}/status"): lambda a: [
        Request(
            "POST",
            f"{API}/recovery-requests/{a.recovery_request_id}/status",
            json={"token": b64(32)},
            expected=frozenset({404}),
            code="not_found",
        )
    ],
    ("POST", "/api/v1/login/trustees"): lambda a: [
        Request(
            "POST",
            f"{API}/login/trustees",
            json={
                "handle": a.handle,
                "request_id": a.recovery_request_id,
                "token": b64(32),
                "trustee_auth": b64(32),
            },
            expected=frozenset({404}),
            code="not_found",
        )
    ],
}
PUBLIC_EXPECTED = {
    "/api/v1/health": {200},
    "/api/v1/ready": {200},
    "/api/v1/handles/suggestion": {200},
    "/api/v1/organisations": {200},
    "/api/v1/accounts": {409},
    "/api/v1/login/start": {200},
    "/api/v1/feedback": {204},
    "/api/v1/login": {401},
    "/api/v1/login/recovery": {401},
}
# Served outside the API schema, public by design: the language picker, the kiosk page in
# each language (it holds no data: the wallet is opened in the page's memory), the share
# viewer's page (the same for every link: the share is opened in the worker's browser with
# the API above), the depositor's page (likewise), the schema, the browsable page that
# draws it, and the static files.
PAGES = {
    ("GET", "/"),
    ("GET", "/{lang}"),
    ("GET", "/{lang}/"),
    ("GET", "/s"),
    ("GET", "/s/{link_id:path}"),
    ("GET", "/d"),  # the depositor's page: the same for every link, like the viewer's
    ("GET", "/d/{link_id:path}"),
    ("GET", "/privacy"),  # the privacy notice: the same for everyone, no script
    ("GET", "/privacy/{lang}"),
    # The indicators' public page and its file: counts only, with small numbers hidden.
    ("GET", "/indicators"),
    ("GET", "/indicators/{lang}"),
    ("GET", "/indicators.csv"),
    ("GET", "/openapi.json"),
    ("GET", "/api/docs"),
    ("MOUNT", "/static"),
    ("MOUNT", "/static/crypto"),
    ("MOUNT", "/static/kit"),
    ("MOUNT", "/static/viewer"),
    ("MOUNT", "/static/deposit"),
    ("MOUNT", "/static/api-docs"),
}


def _registration(handle: str, account_id: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "handle": handle,
        "account_salt": b64(16),
        "auth_key": b64(32),
        "recovery_auth": b64(32),
        "wrapped_master_key": b64(61),
        "wrapped_master_key_recovery": b64(61),
        "deposit_public_key": b64(32),
        "wrapped_deposit_private_key": b64(61),
    }


def start_upload(client: PdeClient, plaintext: bytes) -> str:
    """Declare an encrypted document and send only its first part: an upload left pending."""
    account_id, master = client.require_keys()
    document_id, key = new_id(), new_key()
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(plaintext), sealed, key, document_id)
    body = sealed.getvalue()
    metadata = encrypt_metadata(key, {"title": "pending"}, account_id, document_id)
    client.call(
        "POST",
        f"{API}/documents",
        json={
            "document_id": document_id,
            "wrapped_key": b64u_encode(wrap_document_key(master, key, account_id, document_id)),
            "metadata": b64u_encode(metadata),
            "size": len(body),
            "sha256": b64u_encode(hashlib.sha256(body).digest()),
        },
    )
    client.call(
        "PUT",
        f"{API}/documents/{document_id}/content",
        params={"offset": 0},
        content=body[:MIB],
        headers={"Content-Type": "application/octet-stream"},
    )
    return document_id


def fill(client: PdeClient, label: str) -> tuple[list[str], str, dict[str, bytes]]:
    """A text document, a two-segment document and an upload left pending."""
    plaintexts = {
        f"{label} letter".encode() * 40: {"title": f"{label} letter"},
        os.urandom(MIB + 1000): {"title": f"{label} scan", "part_bytes": MIB},
    }
    added = {
        client.add(io.BytesIO(data), **options): data  # type: ignore[arg-type]
        for data, options in plaintexts.items()
    }
    return list(added), start_upload(client, os.urandom(MIB + 10)), added


def login(server: LiveServer, handle: str) -> PdeClient:
    client = PdeClient(server.url, retry_seconds=5, client_label="second terminal")
    client.login(handle, PASSPHRASE)
    return client


def recovery_session(server: LiveServer, handle: str, recovery_code: str) -> str:
    """A session opened with the recovery sheet, before any new passphrase is set."""
    salt = httpx.post(f"{server.url}{API}/login/start", json={"handle": handle}).json()
    keys = derive_recovery_keys(decode_code(recovery_code), b64u_decode(salt["account_salt"]))
    answer = httpx.post(
        f"{server.url}{API}/login/recovery",
        json={"handle": handle, "recovery_auth": b64u_encode(keys.auth)},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["session_token"])


def open_link(server: LiveServer, share: ShareSummary) -> dict[str, Any]:
    """Open a share as its worker would (raw, to keep the sealed boxes); the answer,
    with the access token that was shown."""
    _, share_id, secret = parse_share_link(share.link)
    proofs = shown_proofs(derive_share_keys(secret, share_id, share.pin))
    answer = httpx.post(f"{server.url}{API}/s/{share_id}/open", json=proofs, timeout=30)
    assert answer.status_code == 200, answer.text
    return dict(answer.json()) | proofs


def deposit_into(server: LiveServer, link: str, folder: Path) -> tuple[str, str]:
    """A file deposited through `link` (waiting in the inbox) and a deposit half sent."""
    source = folder / "deposited.pdf"
    source.write_bytes(b"%PDF deposited " * 200)
    [deposited] = deposit_client.deposit(link, [source], retry_seconds=5)
    _, deposit_id, _ = deposit_client.parse_deposit_link(link)
    info = httpx.get(f"{server.url}{API}/d/{deposit_id}", timeout=30).json()
    document_id, key = new_id(), new_key()
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(os.urandom(MIB + 10)), sealed, key, document_id)
    body = sealed.getvalue()
    public_key = b64u_decode(info["public_key"])
    declaration = {
        "document_id": document_id,
        "sealed_key": b64u_encode(
            seal_deposit_document_key(public_key, key, deposit_id, document_id)
        ),
        "metadata": b64(285),
        "size": len(body),
        "sha256": b64u_encode(hashlib.sha256(body).digest()),
    }
    base = f"{server.url}{API}/d/{deposit_id}/documents"
    assert httpx.post(base, json=declaration, timeout=30).status_code == 201
    part = httpx.put(
        f"{base}/{document_id}/content",
        params={"offset": 0},
        content=body[:MIB],
        headers={"Content-Type": "application/octet-stream"},
        timeout=30,
    )
    assert part.status_code == 200, part.text
    return deposited, document_id


@pytest.fixture(scope="module")
def world(
    pde_server: LiveServer, wallet_pool: WalletPool, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Wallet A (documents, a pending upload, an ended and a revoked session),
    wallet B (the same, its own), and wallet C logged in with its recovery sheet;
    registered through the pool (how they were registered is not what is tested)."""
    a_client = PdeClient(pde_server.url, retry_seconds=5)
    b_client = PdeClient(pde_server.url, retry_seconds=5)
    c_client = PdeClient(pde_server.url, retry_seconds=5)
    tmp_path = tmp_path_factory.mktemp("deposits")
    try:
        a_handle = f"owner-a-{secrets.token_hex(4)}"
        wallet_pool.register(a_client, a_handle, PASSPHRASE)
        ready, pending, plaintexts = fill(a_client, "A")
        a_share = create_share(a_client, ready[:1], recipient="CPAS", purpose="RIS", pin="2468")
        a_opened = open_link(pde_server, a_share)
        wallet_pool.register(b_client, f"other-b-{secrets.token_hex(4)}", PASSPHRASE)
        b_ready, _, _ = fill(b_client, "B")
        b_share = create_share(b_client, b_ready, recipient="B's CPAS", purpose="B's RIS")
        b_view_token = open_link(pde_server, b_share)["view_token"]
        a_link = deposit_client.create_deposit_link(a_client, "A's CPAS", max_files=5)
        deposited, pending_deposit = deposit_into(pde_server, a_link.link, tmp_path)
        b_link = deposit_client.create_deposit_link(b_client, "B's CPAS", max_files=5)
        B_DEPOSIT[:] = [b_link.deposit_id]
        c_handle = f"other-c-{secrets.token_hex(4)}"
        c_registration = wallet_pool.register(c_client, c_handle, PASSPHRASE)
        fill(c_client, "C")
        recovery_token = recovery_session(pde_server, c_handle, c_registration.recovery_code)

        logged_out = login(pde_server, a_handle)
        logged_out_token = str(logged_out._token)
        logged_out.logout()
        logged_out.close()
        revoked = login(pde_server, a_handle)
        revoked_token = str(revoked._token)
        revoked_id = next(s["session_id"] for s in revoked.sessions() if s["current"])
        a_client.end_session(revoked_id)
        revoked.close()

        with PdeClient(pde_server.url, retry_seconds=5) as d_client:  # A's trustee
            wallet_pool.register(d_client, f"trustee-d-{secrets.token_hex(4)}", PASSPHRASE)
            set_up_trustees(a_client, 2, [trustee_invitation(d_client)], printed=1)
        a_request = request_recovery(pde_server.url, a_handle)
        a_token = str(a_client._token)
        a_session = next(s["session_id"] for s in a_client.sessions() if s["current"])
        owner = Owner(
            a_client,
            a_handle,
            str(a_client.account_id),
            a_session,
            ready,
            pending,
            plaintexts,
            a_share,
            a_opened,
            a_link.link,
            a_link.deposit_id,
            deposited,
            pending_deposit,
        )
        owner.recovery_request_id = a_request.request_id
        owner.snapshot()
        token_hash = hashlib.sha256(a_token.encode()).digest()
        tokens = {
            "no token": "",
            "random token": f"Bearer {secrets.token_urlsafe(32)}",
            "empty bearer": "Bearer",
            "A's session id as token": f"Bearer {a_session}",
            "A's stored token hash (base64url)": f"Bearer {b64u_encode(token_hash)}",
            "A's stored token hash (hex)": f"Bearer {token_hash.hex()}",
            "A's token truncated": f"Bearer {a_token[:-1]}",
            "A's token extended": f"Bearer {a_token}A",
            "A's token after logout": f"Bearer {logged_out_token}",
            "A's token ended by the owner": f"Bearer {revoked_token}",
            "B's session": f"Bearer {b_client._token}",
            "C's recovery session": f"Bearer {recovery_token}",
            "B's share view token": f"Bearer {b_view_token}",
            "A's share access token": f"Bearer {a_opened['access_token']}",
            "A's own session": f"Bearer {a_token}",  # the positive control only
        }
        with httpx.Client(base_url=pde_server.url, timeout=30) as http:
            yield World(pde_server, owner, b_client, tokens, http)
    finally:
        for client in (a_client, b_client, c_client):
            client.close()


def _error_code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


ERROR_CODES = {
    401: "not_authenticated",
    403: "passphrase_change_required",
    404: "not_found",
    409: "already_exists",
}
PUBLIC_CODES = {401: "share_view_expired", 403: "share_link_damaged"}  # of a share link's routes


def run_matrix(
    world: World,
    identity: str,
    expected: Callable[[Request], set[int] | None],
    routes: dict[tuple[str, str], Aim] = PRIVATE_ROUTES,
) -> list[str]:
    """Send every route's requests aimed at A as `identity`; `expected` gives
    the statuses allowed for a request, or None to leave it out. Returns the
    problems: unexpected statuses or error codes, and anything of A's in a response."""
    problems = []
    forbidden = world.a.secrets()
    authorization = world.tokens[identity] or None
    for aim in routes.values():
        for request in aim(world.a):
            allowed = expected(request)
            if allowed is None:
                continue
            response = world.call(authorization, request)
            label = f"{identity}: {request.method} {request.path} -> {response.status_code}"
            if response.status_code not in allowed:
                problems.append(f"{label}, expected {sorted(allowed)}: {response.text[:300]}")
            codes = PUBLIC_CODES if routes is PUBLIC_ROUTES else ERROR_CODES
            code = codes.get(response.status_code)
            checked = routes is PRIVATE_ROUTES or request.aims_at == "share"
            if code and checked and _error_code(response) != code:
                problems.append(f"{label} with error code {_error_code(response)}, not {code}")
            if request.code and _error_code(response) != request.code:
                problems.append(
                    f"{label} with error code {_error_code(response)}, not {request.code}"
                )
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items()).encode()
            leaks = find_leaks({"body": response.content, "headers": headers}, forbidden)
            problems += [f"{label} leaks {leak}" for leak in leaks]
    return problems


def every_route(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route, those of included routers too; ("MOUNT", path)
    for a mounted folder."""
    found = set()
    for context in iter_route_contexts(app.routes):
        path = str(context.path)
        if isinstance(context.original_route, Mount):
            found.add(("MOUNT", path))
        else:
            found |= {(method, path) for method in context.methods or () if method != "HEAD"}
    return found


def test_the_matrix_covers_every_route_of_the_app(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    try:
        operations = {
            (method.upper(), path)
            for path, item in app.openapi()["paths"].items()
            for method in item
        }
        outside_schema = every_route(app) - operations
    finally:
        app.state.runtime.engine.dispose()
    assert operations == set(PRIVATE_ROUTES) | set(PUBLIC_ROUTES), (
        "a route was added or removed: put it in the access matrix with its expected answers"
    )
    assert not set(PRIVATE_ROUTES) & set(PUBLIC_ROUTES)
    # The staff pages' routes have their own matrix (test_staff_access.py).
    assert outside_schema == PAGES | set(STAFF_ROUTES)


def test_the_live_server_serves_exactly_the_routes_of_the_matrix(world: World) -> None:
    schema = httpx.get(f"{world.server.url}/openapi.json").json()
    operations = {
        (method.upper(), path) for path, item in schema["paths"].items() for method in item
    }
    assert operations == set(PRIVATE_ROUTES) | set(PUBLIC_ROUTES)


def test_the_matrix_notices_a_token_that_opens_a_wallet(world: World) -> None:
    """Positive control: A's own token, read-only calls, wrongly expected to be refused."""
    problems = run_matrix(world, "A's own session", lambda r: {401} if r.method == "GET" else None)
    assert any("expected [401]" in problem for problem in problems)
    for leaked in ("leaks A's metadata", "leaks A's ciphertext", "leaks A's wrapped_master_key"):
        assert any(leaked in problem for problem in problems), leaked
    world.a.assert_unchanged()


@pytest.mark.parametrize(
    "identity",
    [
        "no token",
        "random token",
        "empty bearer",
        "A's session id as token",
        "A's stored token hash (base64url)",
        "A's stored token hash (hex)",
        "A's token truncated",
        "A's token extended",
        "B's share view token",
        "A's share access token",
    ],
)
def test_without_a_valid_token_every_private_route_answers_401_and_nothing_of_a(
    world: World, identity: str
) -> None:
    assert run_matrix(world, identity, lambda _: {401}) == []
    world.a.assert_unchanged()


@pytest.mark.parametrize("identity", ["A's token after logout", "A's token ended by the owner"])
def test_an_ended_session_token_opens_nothing_on_any_route(world: World, identity: str) -> None:
    assert run_matrix(world, identity, lambda _: {401}) == []
    world.a.assert_unchanged()


def test_another_wallets_session_gets_404_for_a_ids_and_changes_nothing_of_a(
    world: World,
) -> None:
    def expected(request: Request) -> set[int] | None:
        if request.aims_at == "own":  # B acting on its own wallet: read-only calls only
            return {200} if request.method == "GET" else None
        return {409} if request.aims_at == "create" else {404}

    assert run_matrix(world, "B's session", expected) == []
    world.a.assert_unchanged()
    assert len(world.b.list()) == 2, "B's own wallet still works"


def test_a_recovery_session_gets_403_or_404_and_nothing_of_a(world: World) -> None:
    def expected(request: Request) -> set[int] | None:
        if request.aims_at == "own":
            return {200, 403} if request.method == "GET" else None
        return {403, 404}

    assert run_matrix(world, "C's recovery session", expected) == []
    world.a.assert_unchanged()


@pytest.mark.parametrize(
    "identity", ["no token", "B's session", "C's recovery session", "B's share view token"]
)
def test_public_routes_aimed_at_a_reveal_nothing_of_a(world: World, identity: str) -> None:
    def expected(request: Request) -> set[int]:
        return set(request.expected or PUBLIC_EXPECTED[request.path])

    assert run_matrix(world, identity, expected, PUBLIC_ROUTES) == []
    world.a.assert_unchanged()


# Served by the request middleware, outside every router and the schema: /metrics
# answers PDE_METRICS_ALLOW's addresses only, and anyone else as any unknown page.
METRICS = ("GET", "/metrics")


@pytest.mark.parametrize(
    ("allow", "client", "served"),
    [
        ("127.0.0.1/32,::1/128", "127.0.0.1", True),
        ("127.0.0.1/32,::1/128", "::1", True),
        ("127.0.0.1/32,::1/128", "203.0.113.7", False),
        ("10.0.0.0/8", "127.0.0.1", False),
        ("", "127.0.0.1", False),
    ],
)
def test_metrics_answer_only_the_allowed_addresses(
    tmp_path: Path, allow: str, client: str, served: bool
) -> None:
    settings = Settings(data_dir=tmp_path, metrics_allow=allow)
    migrate(settings.sqlalchemy_url)
    app = create_app(settings)
    try:
        browser = TestClient(app, client=(client, 50000))
        method, path = METRICS
        answer = browser.request(method, path)
        unknown = browser.request(method, "/no-such-page")
    finally:
        app.state.runtime.engine.dispose()
    assert METRICS not in every_route(app)
    if served:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        assert "pde_http_requests_total" in answer.text
    else:
        assert (answer.status_code, answer.json()) == (unknown.status_code, unknown.json())
