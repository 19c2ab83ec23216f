"""Fresh wallets for tests that need one but do not test registering.

Registering costs the owner's device 600,000 rounds of PBKDF2 (a second or more
on a loaded test machine) and the server an Argon2id. `WalletPool` derives the
login keys once per passphrase and pytest worker, under one salt, and registers
each new wallet with them; every other key (master key, recovery key, deposit
key pair) is the wallet's own, and each wallet serves one test, so tests stay
independent. What the pool gives up: its wallets of one passphrase share a salt,
hence an auth key and a key-encryption key. A test about registering, salts or
login keys registers its own wallet with `PdeClient.register`."""

from __future__ import annotations

from client import Registration, WalletSession
from crypto import (
    b64u_encode,
    derive_login_keys,
    derive_recovery_keys,
    encode_code,
    new_deposit_key_pair,
    new_id,
    new_key,
    wrap_deposit_private_key,
    wrap_master_key,
    wrap_master_key_for_recovery,
)
from crypto.keys import ACCOUNT_SALT_BYTES, RECOVERY_KEY_BYTES, LoginKeys
from crypto.primitives import random_bytes


class WalletPool:
    """Registers wallets as `PdeClient.register` does, with login keys derived once."""

    def __init__(self) -> None:
        self._login: dict[str, tuple[bytes, LoginKeys]] = {}

    def _salt_and_keys(self, passphrase: str) -> tuple[bytes, LoginKeys]:
        if passphrase not in self._login:
            salt = random_bytes(ACCOUNT_SALT_BYTES)
            self._login[passphrase] = salt, derive_login_keys(passphrase, salt)
        return self._login[passphrase]

    def register(self, client: WalletSession, handle: str, passphrase: str) -> Registration:
        """Create a wallet through `client` and leave `client` logged in to it, as
        `client.register(handle, passphrase)` would; the passphrase logs in as usual."""
        salt, login = self._salt_and_keys(passphrase)
        account_id, master = new_id(), new_key()
        recovery_key = random_bytes(RECOVERY_KEY_BYTES)
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
        answer = client.call("POST", "/api/v1/accounts", json=body)
        client._take_session(answer, master)  # what register() does with the answer
        return Registration(str(client.handle), account_id, encode_code(recovery_key))
