"""Recovery by trustees from Python (docs/trustees.md): the owner splits a
trustee key among trustee wallets and printed shares; a trustee releases their
share to a recovery request; the requester, with no account, asks, comes back
after the delay with the request code, collects k shares and opens the wallet
with a new passphrase. Every secret stays in these functions."""

from __future__ import annotations

import builtins
import secrets
from dataclasses import dataclass
from typing import Any

from client.documents import PdeClient
from client.http import ClientError, Connection
from crypto import (
    b64u_decode,
    b64u_encode,
    decode_code,
    encode_code,
    new_id,
    unwrap_deposit_private_key,
)
from crypto.errors import InvalidEncoding
from crypto.seal import open_trustee_share, seal_trustee_share
from crypto.shamir import (
    combine_shares,
    share_from_bytes,
    share_from_text,
    share_to_bytes,
    share_to_text,
    split_secret,
)
from crypto.trustees import (
    REQUEST_SECRET_BYTES,
    TRUSTEE_KEY_BYTES,
    decrypt_trustee_record,
    derive_request_keys,
    derive_trustee_keys,
    encrypt_trustee_record,
    open_released_share,
    seal_released_share,
    wrap_master_key_for_trustees,
)

INVITATION_PREFIX = "pde-trustee:1:"


def trustee_invitation(client: PdeClient) -> str:
    """What a trustee gives the owner: `pde-trustee:1:<handle>:<b64u public key>`."""
    return f"{INVITATION_PREFIX}{client.handle}:{client.account['deposit_public_key']}"


def parse_invitation(text: str) -> tuple[str, bytes]:
    """(handle, public key) from an invitation; InvalidEncoding if it is not one."""
    body = text.strip()
    if not body.startswith(INVITATION_PREFIX):
        raise InvalidEncoding("not a PDE trustee invitation")
    handle, _, key = body[len(INVITATION_PREFIX) :].rpartition(":")
    public_key = b64u_decode(key)
    if not handle or len(public_key) != 32:
        raise InvalidEncoding("not a PDE trustee invitation")
    return handle, public_key


@dataclass(frozen=True)
class TrusteePlan:
    """What the owner keeps from a setup: the printed shares to hand out."""

    threshold: int
    total: int
    printed_shares: list[str]


def set_up_trustees(
    client: PdeClient,
    threshold: int,
    invitations: builtins.list[str],
    printed: int = 0,
    notes: builtins.list[str] | None = None,
) -> TrusteePlan:
    """Split a fresh trustee key into len(invitations) + printed shares, any `threshold`
    of which open the wallet (after a recovery request's delay). Wallet trustees get
    their share sealed to their key; printed shares are returned as text."""
    account_id, master = client.master_keys()
    total = len(invitations) + printed
    trustee_key = secrets.token_bytes(TRUSTEE_KEY_BYTES)
    shares = split_secret(trustee_key, threshold, total)
    keys = derive_trustee_keys(trustee_key)
    wallet_trustees = []
    for share, invitation in zip(shares, invitations, strict=False):
        handle, public_key = parse_invitation(invitation)
        sealed = seal_trustee_share(public_key, share, account_id)
        wallet_trustees.append(
            {
                "handle": handle,
                "public_key": b64u_encode(public_key),
                "x": share.x,
                "sealed_share": b64u_encode(sealed),
            }
        )
    record = {"notes": notes or [], "printed": [s.x for s in shares[len(invitations) :]]}
    body = {
        "set_id": b64u_encode(shares[0].set_id),
        "threshold": threshold,
        "total": total,
        "trustee_auth": b64u_encode(keys.auth),
        "wrapped_master_key": b64u_encode(
            wrap_master_key_for_trustees(keys.kek, master, account_id)
        ),
        "record": b64u_encode(encrypt_trustee_record(master, record, account_id)),
        "wallet_trustees": wallet_trustees,
    }
    client.call("PUT", "/api/v1/trustees", json=body)
    return TrusteePlan(threshold, total, [share_to_text(s) for s in shares[len(invitations) :]])


def trustees_record(client: PdeClient) -> dict[str, Any]:
    """The owner's own notes about the setup, opened here ({} without trustees)."""
    account_id, master = client.master_keys()
    answer = client.call("GET", "/api/v1/trustees")
    if not answer["record"]:
        return {}
    return decrypt_trustee_record(master, b64u_decode(answer["record"]), account_id)


def recovery_requests(client: PdeClient) -> builtins.list[dict[str, Any]]:
    """Recovery requests for the logged-in wallet that are not over: warn the owner."""
    return list(client.call("GET", "/api/v1/recovery-requests"))


def cancel_recovery(client: PdeClient, request_id: str) -> None:
    """Stop a recovery request of the logged-in wallet."""
    client.call("POST", f"/api/v1/recovery-requests/{request_id}/cancel")


# The trustee ------------------------------------------------------------------------


def requests_to_release(client: PdeClient) -> builtins.list[dict[str, Any]]:
    """Open recovery requests for wallets this wallet is a trustee of."""
    return list(client.call("GET", "/api/v1/trustee/requests"))


def release(client: PdeClient, request: dict[str, Any]) -> None:
    """Agree to a recovery request: open our share, re-seal it to the request's key.
    Only after the person asked in person: the request could come from anyone."""
    account_id, master = client.master_keys()
    private = unwrap_deposit_private_key(
        master, b64u_decode(client.account["wrapped_deposit_private_key"]), account_id
    )
    share = open_trustee_share(
        private,
        b64u_decode(request["sealed_share"]),
        request["owner_account_id"],
        b64u_decode(request["set_id"]),
        request["x"],
    )
    sealed = seal_released_share(
        b64u_decode(request["public_key"]), share_to_bytes(share), request["request_id"], share.x
    )
    client.call(
        "POST",
        f"/api/v1/trustee/requests/{request['request_id']}/release",
        json={"sealed_share": b64u_encode(sealed)},
    )


# The requester (no account) ---------------------------------------------------------


@dataclass(frozen=True)
class RecoveryTicket:
    """What the requester writes down: the request id and its code. Nothing else is
    needed to come back after the delay."""

    request_id: str
    code: str
    opens_at: str


def request_recovery(server: str, handle: str) -> RecoveryTicket:
    """Ask to recover `handle` through its trustees."""
    request_id, secret = new_id(), secrets.token_bytes(REQUEST_SECRET_BYTES)
    keys = derive_request_keys(secret, request_id)
    body = {
        "request_id": request_id,
        "handle": handle,
        "public_key": b64u_encode(keys.public_key),
        "token": b64u_encode(keys.token),
    }
    with Connection(server) as http:
        answer = http.call("POST", "/api/v1/recovery-requests", json=body)
    return RecoveryTicket(request_id, encode_code(secret), answer["opens_at"])


def recover_with_trustees(
    server: str,
    handle: str,
    ticket: RecoveryTicket,
    new_passphrase: str,
    printed_shares: builtins.list[str] | None = None,
) -> PdeClient:
    """After the delay: collect the released shares, add the printed ones, open the
    wallet and set a new passphrase. Returns the logged-in client."""
    keys = derive_request_keys(decode_code(ticket.code), ticket.request_id)
    client = PdeClient(server)
    status = client.call(
        "POST",
        f"/api/v1/recovery-requests/{ticket.request_id}/status",
        json={"token": b64u_encode(keys.token)},
    )
    if status["state"] != "ready":
        raise ClientError(409, "recovery_not_ready", f"The recovery is {status['state']}.")
    shares = {share.x: share for share in map(share_from_text, printed_shares or [])}
    for released in status["released"]:
        raw = open_released_share(
            keys.private_key,
            b64u_decode(released["sealed_share"]),
            ticket.request_id,
            released["x"],
        )
        share = share_from_bytes(raw)
        shares[share.x] = share
    trustee_key = combine_shares(list(shares.values()))
    client.login_with_trustees(handle, ticket.request_id, keys.token, trustee_key, new_passphrase)
    return client
