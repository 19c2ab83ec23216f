"""Staff passwords: at least 12 characters, not a common password, kept as
Argon2id (the same libsodium construction as wallet verifiers, crypto.verifier).

"Common" is judged with zxcvbn (pinned in pyproject.toml): its frequency lists
(the 30,000 most used passwords, and English words and names) with its rules
for the variations people make of them (l33t, repeats, keyboard walks, dates).
A password that zxcvbn scores below 3 ("safely unguessable" starts there) or
that is itself in the list is refused."""

from __future__ import annotations

import functools
import unicodedata

from crypto.verifier import check_verifier, dummy_verifier, hash_verifier

PASSWORD_MIN = 12
PASSWORD_MAX = 200
SCORED_CHARACTERS = 100  # zxcvbn is slow on long inputs; a long password is not common
STRONG_ENOUGH = 3


class PasswordRefused(ValueError):
    """A new password breaks a rule; `reason` is "too_short", "too_long" or "too_common"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The passwords of zxcvbn's frequency list, lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, *, name: str = "") -> None:
    """Raise PasswordRefused unless `password` may be a staff password (`name`, the
    account's, counts as a known word: a password made of it is refused)."""
    password = _normal(password)
    if len(password) < PASSWORD_MIN:
        raise PasswordRefused("too_short")
    if len(password) > PASSWORD_MAX:
        raise PasswordRefused("too_long")
    if password.lower() in common_passwords():
        raise PasswordRefused("too_common")
    from zxcvbn import zxcvbn

    words = [word for word in (name, "pde", "staff", "brussels", "bruxelles") if word]
    if zxcvbn(password[:SCORED_CHARACTERS], user_inputs=words)["score"] < STRONG_ENOUGH:
        raise PasswordRefused("too_common")


def hash_password(password: str) -> str:
    """Argon2id of the password (NFKC), as a self-describing string with its salt."""
    return hash_verifier(_normal(password).encode())


def check_password(stored: str | None, password: str) -> bool:
    """True when `password` matches; None (no such account) costs the same time."""
    candidate = _normal(password)[:PASSWORD_MAX].encode()
    return check_verifier(stored or dummy_verifier(), candidate) and stored is not None
