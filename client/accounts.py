"""A logged-in wallet from Python: registration (every key made here), login by
passphrase, wallet card, recovery sheet or trustees, passphrase changes,
sessions, erasure, and which keys the open view uses (the master key, or a
hidden compartment's key in its place: FORMAT.md §4.1)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from client.http import ClientError, Connection
from crypto import (
    CompartmentKeys,
    b64u_decode,
    b64u_encode,
    decode_code,
    derive_compartment_keys,
    derive_login_keys,
    derive_recovery_keys,
    encode_code,
    new_deposit_key_pair,
    new_id,
    new_key,
    unwrap_master_key,
    unwrap_master_key_for_recovery,
    wrap_deposit_private_key,
    wrap_master_key,
    wrap_master_key_for_recovery,
)
from crypto.keys import ACCOUNT_SALT_BYTES, RECOVERY_KEY_BYTES, LoginKeys
from crypto.primitives import random_bytes
from crypto.trustees import derive_trustee_keys, unwrap_master_key_for_trustees


@dataclass(frozen=True)
class Registration:
    """What a new wallet's owner must keep: the handle and the recovery code."""

    handle: str
    account_id: str
    recovery_code: str


class WalletSession(Connection):
    """A connection with one person's session. Keys stay in this object's memory."""

    def __init__(self, server: str, **options: Any) -> None:
        super().__init__(server, **options)
        self._token: str | None = None
        self.account_id: str | None = None
        self.handle: str | None = None
        self._master_key: bytes | None = None
        self._compartment: CompartmentKeys | None = None
        self.account: dict[str, Any] = {}

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        if self._compartment:
            headers["PDE-Compartment"] = b64u_encode(self._compartment.token)
        return headers

    def suggest_handle(self) -> str:
        """A pronounceable pseudonym from the server."""
        return str(self.call("GET", "/api/v1/handles/suggestion")["handle"])

    def register(self, handle: str, passphrase: str, card_secret: bytes = b"") -> Registration:
        """Create a wallet: every key is made here; the server gets wrapped keys only."""
        salt = random_bytes(ACCOUNT_SALT_BYTES)
        return self.register_with_keys(
            handle, salt, derive_login_keys(passphrase, salt, card_secret)
        )

    def register_with_keys(self, handle: str, salt: bytes, login: LoginKeys) -> Registration:
        """Create a wallet whose login keys are already derived from `salt` (the slow
        part of `register`); every other key is made here, fresh."""
        account_id = new_id()
        master, recovery_key = new_key(), random_bytes(RECOVERY_KEY_BYTES)
        recovery = derive_recovery_keys(recovery_key, salt)
        deposit = new_deposit_key_pair()
        body = {
            "account_id": account_id,
            "handle": handle,
            "account_salt": b64u_encode(salt),
            "auth_key": b64u_encode(login.auth_key),
            "recovery_auth": b64u_encode(recovery.auth),
            "wrapped_master_key": b64u_encode(wrap_master_key(login.kek, master, account_id)),
            "wrapped_master_key_recovery": b64u_encode(
                wrap_master_key_for_recovery(recovery.kek, master, account_id)
            ),
            "deposit_public_key": b64u_encode(deposit.public_key),
            "wrapped_deposit_private_key": b64u_encode(
                wrap_deposit_private_key(master, deposit.private_key, account_id)
            ),
        }
        self._take_session(self.call("POST", "/api/v1/accounts", json=body), master)
        return Registration(str(self.handle), account_id, encode_code(recovery_key))

    def _take_session(self, login: dict[str, Any], master_key: bytes) -> None:
        self._token = login["session_token"]
        self.account = login["account"]
        self.account_id, self.handle = self.account["account_id"], self.account["handle"]
        self._master_key = master_key

    def _open_session(
        self,
        path: str,
        body: dict[str, str],
        wrapped_field: str,
        kek: bytes,
        unwrap: Callable[[bytes, bytes, str], bytes],
    ) -> None:
        """Log in at `path` and open the master key from the account's `wrapped_field`
        with `kek` (a passphrase's, the recovery sheet's or the trustees')."""
        answer = self.call("POST", path, json=body)
        account = answer["account"]
        wrapped = b64u_decode(account[wrapped_field])
        self._take_session(answer, unwrap(kek, wrapped, account["account_id"]))

    def _salt(self, handle: str) -> bytes:
        answer = self.call("POST", "/api/v1/login/start", json={"handle": handle})
        return b64u_decode(answer["account_salt"])

    def login(self, handle: str, passphrase: str, card_secret: bytes = b"") -> None:
        """Log in and open the master key; ClientError('invalid_credentials') if wrong."""
        keys = derive_login_keys(passphrase, self._salt(handle), card_secret)
        body = {"handle": handle, "auth_key": b64u_encode(keys.auth_key)}
        self._open_session("/api/v1/login", body, "wrapped_master_key", keys.kek, unwrap_master_key)

    def login_with_recovery(self, handle: str, recovery_code: str, new_passphrase: str) -> None:
        """Log in with the recovery sheet and set a new passphrase at once."""
        recovery_key = decode_code(recovery_code)
        rec = derive_recovery_keys(recovery_key, self._salt(handle))
        body = {"handle": handle, "recovery_auth": b64u_encode(rec.auth)}
        wrapped = "wrapped_master_key_recovery"
        self._open_session(
            "/api/v1/login/recovery", body, wrapped, rec.kek, unwrap_master_key_for_recovery
        )
        self.change_passphrase(None, new_passphrase)

    def login_with_trustees(
        self, handle: str, request_id: str, request_token: bytes, trustee_key: bytes, new: str
    ) -> None:
        """Log in with the trustee key that k trustees' shares gave back, through one's
        own recovery request whose delay is over, and set a new passphrase at once."""
        keys = derive_trustee_keys(trustee_key)
        body = {
            "handle": handle,
            "request_id": request_id,
            "token": b64u_encode(request_token),
            "trustee_auth": b64u_encode(keys.auth),
        }
        wrapped = "wrapped_master_key_trustees"
        self._open_session(
            "/api/v1/login/trustees", body, wrapped, keys.kek, unwrap_master_key_for_trustees
        )
        self.change_passphrase(None, new)

    def change_passphrase(
        self,
        current: str | None,
        new: str,
        card_secret: bytes = b"",
        new_card_secret: bytes | None = None,
    ) -> None:
        """Re-wrap the master key under a new passphrase; documents are untouched.
        `card_secret` goes with `current`; `new_card_secret` (default: the same)
        with `new`, so a wallet card can be made (then `new` is its PIN) or dropped (b"").
        The account salt stays: the recovery sheet's keys are derived from it."""
        account_id, master = self.require_keys()
        body: dict[str, Any] = {}
        salt = b64u_decode(self.account["account_salt"])
        if current is not None:
            old = derive_login_keys(current, salt, card_secret)
            body["current_auth_key"] = b64u_encode(old.auth_key)
        next_card = card_secret if new_card_secret is None else new_card_secret
        keys = derive_login_keys(new, salt, next_card)
        body |= {
            "account_salt": b64u_encode(salt),
            "auth_key": b64u_encode(keys.auth_key),
            "wrapped_master_key": b64u_encode(wrap_master_key(keys.kek, master, account_id)),
        }
        self.call("PUT", "/api/v1/account/passphrase", json=body)
        self.account = self.call("GET", "/api/v1/account")

    def logout(self) -> None:
        """End this session on the server and forget the keys."""
        if self._token:
            self.call("POST", "/api/v1/logout")
        self._token, self._master_key = None, None

    def sessions(self) -> builtins.list[dict[str, Any]]:
        """The wallet's open sessions."""
        return list(self.call("GET", "/api/v1/sessions"))

    def end_session(self, session_id: str) -> None:
        """End one of the wallet's sessions."""
        self.call("DELETE", f"/api/v1/sessions/{session_id}")

    def erase(self) -> None:
        """Erase the wallet and every document, for good."""
        self.call("DELETE", "/api/v1/account", json={"confirm_handle": self.handle})
        self._token, self._master_key = None, None

    def master_keys(self) -> tuple[str, bytes]:
        """(account id, master key) of the logged-in wallet, whatever view is open."""
        if self.account_id is None or self._master_key is None:
            raise ClientError(401, "not_authenticated", "Log in first.")
        return self.account_id, self._master_key

    def require_keys(self) -> tuple[str, bytes]:
        """(account id, key of the open view): the master key, or the open hidden
        compartment's key, which takes its place (FORMAT.md §4.1)."""
        account_id, master = self.master_keys()
        return account_id, self._compartment.key if self._compartment else master

    def open_compartment(self, secret: str) -> None:
        """Work in the hidden compartment of `secret` (any secret opens one, empty
        unless used) until `close_compartment`."""
        account_id, _ = self.master_keys()
        self._compartment = derive_compartment_keys(secret, account_id)

    def close_compartment(self) -> None:
        """Back to the normal view."""
        self._compartment = None
