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
from crypto import derive_login_keys
from crypto.keys import ACCOUNT_SALT_BYTES, LoginKeys
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
        return client.register_with_keys(handle, salt, login)
