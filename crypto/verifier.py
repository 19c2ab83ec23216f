"""What the server keeps to check a login (FORMAT.md §3): Argon2id of the auth
key, and the stable fake salt it returns for handles that do not exist."""

from __future__ import annotations

import functools
import hashlib
import hmac

import nacl.exceptions
import nacl.pwhash

_OPSLIMIT = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
_MEMLIMIT = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE
FAKE_SALT_BYTES = 16


def hash_verifier(auth_key: bytes) -> str:
    """Argon2id(auth_key) as a self-describing libsodium string with its own salt."""
    return nacl.pwhash.argon2id.str(auth_key, opslimit=_OPSLIMIT, memlimit=_MEMLIMIT).decode()


def check_verifier(stored: str, auth_key: bytes) -> bool:
    """True when `auth_key` matches the stored Argon2id string."""
    try:
        return bool(nacl.pwhash.argon2id.verify(stored.encode(), auth_key))
    except (nacl.exceptions.InvalidkeyError, nacl.exceptions.CryptoError, ValueError):
        return False


def fake_salt(server_secret: bytes, handle: str) -> bytes:
    """A salt for a handle that does not exist: the same every time, so that
    the login's first step does not tell which handles exist."""
    mac = hmac.new(server_secret, b"pde/v1/fake-salt" + handle.encode(), hashlib.sha256)
    return mac.digest()[:FAKE_SALT_BYTES]


@functools.cache
def dummy_verifier() -> str:
    """Checked against for unknown handles, so they cost the same time as known ones."""
    return hash_verifier(bytes(32))
