"""The wallet the OpenAPI fuzzer acts as (tests/security/test_openapi_fuzz.py), and
the real things of it that the fuzzer aims half of its requests at, so that they
get past "not found" into the routes' own checks."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import httpx
import requests

from crypto import b64u_encode, new_id

API = "/api/v1"


@dataclass
class FuzzWallet:
    """A fresh wallet the fuzzer acts as, and real things of it to aim at."""

    http: httpx.Client
    session: requests.Session  # what Schemathesis sends with: one, kept alive
    handle: str
    auth_key: str
    token: str

    def _ok(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code < 300, (response.request.url, response.text)
        return response

    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def new_session(self) -> tuple[str, str]:
        """(token, session id) of a new session of the wallet."""
        answer = self._ok(
            self.http.post(f"{API}/login", json={"handle": self.handle, "auth_key": self.auth_key})
        ).json()
        return answer["session_token"], answer["session_id"]

    def new_upload(self, *, complete: bool) -> str:
        """A document declared and sent (stream-shaped bytes: the server cannot
        tell them from real ciphertext), completed or left in progress."""
        key = {"wrapped_key": b64u_encode(os.urandom(61))}
        return self._upload(f"{API}/documents", key, self.authorization(), complete=complete)

    def _upload(
        self, base: str, key: dict[str, str], headers: dict[str, str], *, complete: bool
    ) -> str:
        """Declare a document at `base` with `key` (its wrapped or sealed key) and random
        metadata, then, if `complete`, send it in one part and complete it."""
        document_id = new_id()
        content = b"PDEs\x01" + os.urandom(155)
        declaration = key | {
            "document_id": document_id,
            "metadata": b64u_encode(os.urandom(285)),
            "size": len(content),
            "sha256": b64u_encode(hashlib.sha256(content).digest()),
        }
        self._ok(self.http.post(base, headers=headers, json=declaration))
        if complete:
            self._ok(
                self.http.put(
                    f"{base}/{document_id}/content",
                    params={"offset": 0},
                    content=content,
                    headers=headers | {"Content-Type": "application/octet-stream"},
                )
            )
            self._ok(self.http.post(f"{base}/{document_id}/complete", headers=headers))
        return document_id

    def new_share(self) -> tuple[str, str]:
        """(share id, its document id): a share of a new completed document. Its boxes
        are random bytes of the right sizes: the server cannot tell."""
        share_id, document_id = new_id(), self.new_upload(complete=True)
        self._ok(
            self.http.post(
                f"{API}/shares",
                headers=self.authorization(),
                json={
                    "share_id": share_id,
                    "access_hash": b64u_encode(os.urandom(32)),
                    "link_hash": b64u_encode(os.urandom(32)),
                    "pin": True,
                    "expires_in": 86400,
                    "max_opens": None,
                    "info": b64u_encode(os.urandom(285)),
                    "owner_record": b64u_encode(os.urandom(285)),
                    "documents": [
                        {
                            "document_id": document_id,
                            "wrapped_key": b64u_encode(os.urandom(61)),
                            "metadata": b64u_encode(os.urandom(285)),
                        }
                    ],
                },
            )
        )
        return share_id, document_id

    def new_deposit_link(self) -> str:
        """An open deposit link of the wallet (its label: random bytes of the right size)."""
        deposit_id = new_id()
        self._ok(
            self.http.post(
                f"{API}/deposit-links",
                headers=self.authorization(),
                json={
                    "deposit_id": deposit_id,
                    "expires_in": 86400,
                    "max_files": 10000,
                    "label": b64u_encode(os.urandom(285)),
                    "info": b64u_encode(os.urandom(285)),
                },
            )
        )
        return deposit_id

    def new_deposit(self, deposit_id: str, *, complete: bool) -> str:
        """A file declared through the link with no session, completed (in the inbox)
        or left in progress; its sealed key and metadata are random bytes."""
        key = {"sealed_key": b64u_encode(os.urandom(93))}
        return self._upload(f"{API}/d/{deposit_id}/documents", key, {}, complete=complete)
