"""Pseudonymous accounts: registration with no personal data, login that does
not reveal which handles exist, passphrase change by re-wrapping, recovery,
and erasure of everything."""

from __future__ import annotations

import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crypto.verifier import check_verifier, dummy_verifier, fake_salt, hash_verifier
from wallet.clock import now
from wallet.errors import HandleTaken, InvalidCredentials, InvalidRequest
from wallet.limits import Counter, Limiter
from wallet.models import Account
from wallet.settings import WalletSettings

HANDLE_MIN, HANDLE_MAX = 3, 32
HANDLE_PUNCTUATION = "-_."
_CONSONANTS, _VOWELS = "bdfgklmnprstvz", "aeiou"

# Each Argon2id hash or check takes a core and 64 MiB: at most one per core runs at
# a time in a process. A login checks with no database connection held and a
# registration hashes before its query, so a burst of them waits here instead of
# taking the pool's connections (and the memory of dozens of checks at once) until
# the requests behind them time out (found by bench/load.py).
ARGON2_SLOTS = threading.BoundedSemaphore(len(os.sched_getaffinity(0)) or 1)


def _hash(secret: bytes) -> str:
    with ARGON2_SLOTS:
        return hash_verifier(secret)


def _check(stored: str, secret: bytes) -> bool:
    with ARGON2_SLOTS:
        return check_verifier(stored, secret)


def normalize_handle(text: str) -> tuple[str, str]:
    """(handle as shown, lookup key): NFKC, trimmed, 3 to 32 letters, digits, '-', '_', '.'."""
    handle = unicodedata.normalize("NFKC", text).strip()
    allowed = all(c.isalnum() or c in HANDLE_PUNCTUATION for c in handle)
    if not (HANDLE_MIN <= len(handle) <= HANDLE_MAX) or not allowed:
        raise InvalidRequest(
            "A name has 3 to 32 letters or digits, and may use - _ . (no spaces).",
            field="handle",
        )
    return handle, lookup_key(handle)


def lookup_key(handle: str) -> str:
    """The one form of a typed handle used for lookups, fake salts and rate limits,
    so that no variant of a handle can tell whether it exists."""
    return unicodedata.normalize("NFKC", handle).strip().casefold()


def suggest_handle() -> str:
    """A pronounceable pseudonym such as 'tamo-rizu-58': easy to say aloud and to type."""

    def word() -> str:
        return "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS) for _ in range(2))

    return f"{word()}-{word()}-{secrets.randbelow(90) + 10}"


@dataclass(frozen=True)
class NewAccount:
    """What a client sends to create a wallet: ids, salt, verifiers' inputs, wrapped keys."""

    account_id: str
    handle: str
    account_salt: bytes
    auth_key: bytes
    recovery_auth: bytes
    wrapped_master_key: bytes
    wrapped_master_key_recovery: bytes
    deposit_public_key: bytes
    wrapped_deposit_private_key: bytes


def register(db: Session, new: NewAccount, centre_id: str | None = None) -> Account:
    """Create a wallet. The server keeps Argon2id of the auth keys, never the keys.
    `centre_id`: the day centre whose terminal it is made at, for counting only."""
    handle, key = normalize_handle(new.handle)
    verifier, recovery_verifier = _hash(new.auth_key), _hash(new.recovery_auth)
    # One answer whatever collides (the handle, the client-made id or both), so that
    # a registration tells nothing more than that this name cannot be had.
    taken = or_(Account.handle_key == key, Account.id == new.account_id)
    if db.scalar(select(Account.id).where(taken).limit(1)) is not None:
        raise HandleTaken()
    account = Account(
        id=new.account_id,
        handle=handle,
        handle_key=key,
        account_salt=new.account_salt,
        verifier=verifier,
        recovery_verifier=recovery_verifier,
        wrapped_master_key=new.wrapped_master_key,
        wrapped_master_key_recovery=new.wrapped_master_key_recovery,
        deposit_public_key=new.deposit_public_key,
        wrapped_deposit_private_key=new.wrapped_deposit_private_key,
        must_change_passphrase=False,
        used_bytes=0,
        centre_id=centre_id,
        created_at=now(),
    )
    db.add(account)
    try:
        db.flush()
    except IntegrityError:  # a concurrent registration took the handle
        raise HandleTaken() from None
    return account


def find_account(db: Session, handle: str) -> Account | None:
    """The account for a handle as typed, or None."""
    return db.scalar(select(Account).where(Account.handle_key == lookup_key(handle)))


def login_salt(db: Session, settings: WalletSettings, handle: str) -> bytes:
    """The account salt, or a stable fake one: the answer never tells if a handle exists."""
    account = find_account(db, handle)
    if account is not None:
        return account.account_salt
    return fake_salt(settings.fake_salt_key, lookup_key(handle))


def verify_login(
    db: Session,
    settings: WalletSettings,
    limiter: Limiter,
    *,
    handle: str,
    secret: bytes,
    client_key: str,
    recovery: bool = False,
) -> Account:
    """The account whose verifier matches `secret` (auth key or recovery token).

    Rate-limited strictly per handle and address, loosely per handle from every
    address, and per address: someone guessing from one address cannot keep the
    owner out from another (docs/threat-model.md). An unknown handle costs the
    same Argon2id time as a known one and gets the same error. The session's read
    transaction ends before the check (ARGON2_SLOTS): the account comes back expired."""
    window = settings.login_window_minutes * 60
    handle_key = lookup_key(handle)
    from_here = f"{handle_key}\x00{client_key}"
    counters = (
        Counter("login-handle-client", from_here, settings.login_attempts_per_handle, window),
        Counter("login-handle", handle_key, settings.login_attempts_per_handle_any_address, window),
        Counter("login-client", client_key, settings.login_attempts_per_client, window),
    )
    attempt = limiter.acquire(*counters)  # counted before the check: racing guesses too
    account = find_account(db, handle)
    stored = dummy_verifier()
    if account is not None:
        stored = account.recovery_verifier if recovery else account.verifier
    db.rollback()  # only read so far: the connection goes back to the pool for the check
    if _check(stored, secret) and account is not None:
        limiter.cancel(attempt)
        for counter in counters[:2]:
            limiter.reset(counter)
        return account
    raise InvalidCredentials()


@dataclass(frozen=True)
class NewPassphrase:
    """A passphrase change: the account's own salt (it never changes), a new auth
    key, and the master key re-wrapped by the new kek."""

    account_salt: bytes
    auth_key: bytes
    wrapped_master_key: bytes


def change_passphrase(account: Account, new: NewPassphrase) -> None:
    """Re-key the login. Documents are untouched: their keys hang off the master key.

    The account salt stays for the life of the account (crypto/FORMAT.md §3): the
    recovery sheet's keys are derived from it, so a client that sent another one
    would leave the recovery code unable to open the wallet. Such a change is refused
    (InvalidRequest), and nothing changes."""
    if new.account_salt != account.account_salt:
        raise InvalidRequest(
            "account_salt: the account salt never changes; send the one the login gave.",
            field="account_salt",
        )
    account.verifier = _hash(new.auth_key)
    account.wrapped_master_key = new.wrapped_master_key
    account.must_change_passphrase = False
