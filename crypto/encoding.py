"""Text encodings of FORMAT.md §1 and §8: unpadded base64url, and the
Crockford base32 *codes* that people copy from paper."""

from __future__ import annotations

import base64
import hashlib
import re

from crypto.errors import InvalidCode, InvalidEncoding

_B64U = re.compile(r"\A[A-Za-z0-9_-]*\Z")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_READ = {c: i for i, c in enumerate(CROCKFORD)} | {"O": 0, "I": 1, "L": 1}
CODE_SECRET_BYTES = 16
CODE_LENGTH = 28  # ceil((16 + 1) * 8 / 5)


def b64u_encode(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Strict inverse of `b64u_encode`: refuses padding, whitespace and other characters."""
    if not isinstance(text, str) or not _B64U.match(text) or len(text) % 4 == 1:
        raise InvalidEncoding("not unpadded base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64u_encode(data) != text:  # non-canonical trailing bits
        raise InvalidEncoding("not canonical base64url")
    return data


def _check_byte(secret: bytes) -> int:
    return hashlib.sha256(b"pde/v1/code-check" + secret).digest()[0]


def encode_code(secret: bytes) -> str:
    """A 16-byte secret as a 28-character Crockford code in 7 groups of 4."""
    if len(secret) != CODE_SECRET_BYTES:
        raise ValueError("a code carries exactly 16 bytes")
    raw = secret + bytes([_check_byte(secret)])
    bits = int.from_bytes(raw, "big") << (CODE_LENGTH * 5 - len(raw) * 8)
    chars = [CROCKFORD[(bits >> (5 * (CODE_LENGTH - 1 - i))) & 31] for i in range(CODE_LENGTH)]
    return "-".join("".join(chars[i : i + 4]) for i in range(0, CODE_LENGTH, 4))


def decode_code(text: str) -> bytes:
    """Read a code typed by a person: ignores '-' and spaces, any case, O=0, I=L=1."""
    cleaned = text.replace("-", "").replace(" ", "").upper()
    if len(cleaned) != CODE_LENGTH or any(c not in _CROCKFORD_READ for c in cleaned):
        raise InvalidCode("a code has 28 letters and digits")
    bits = 0
    for c in cleaned:
        bits = (bits << 5) | _CROCKFORD_READ[c]
    pad_bits = CODE_LENGTH * 5 - (CODE_SECRET_BYTES + 1) * 8
    if bits & ((1 << pad_bits) - 1):
        raise InvalidCode("code does not check")
    raw = (bits >> pad_bits).to_bytes(CODE_SECRET_BYTES + 1, "big")
    secret, check = raw[:-1], raw[-1]
    if _check_byte(secret) != check:
        raise InvalidCode("code does not check")
    return secret
