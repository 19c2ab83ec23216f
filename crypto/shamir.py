"""Recovery by trustees (FORMAT.md §7.1): Shamir secret sharing, k of n, over GF(2^8).

The recovery key is split so that any `threshold` of the `total` trustees'
shares give it back and fewer give nothing. Every share carries its split's
header (version, set id, k, n) and its number x, so that combining refuses
shares of two different splits, a share given twice and too few shares
instead of returning a wrong key; a check tag, shared like the secret itself,
catches a share that is wrong or was changed.

Arithmetic is shift-and-xor with masks, not log/exp tables: no branch and no
memory access depends on a secret byte (constant-time-ish: Python integers
give no guarantee), and speed does not matter for at most 16 shares of 68 bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crypto.encoding import CROCKFORD
from crypto.errors import InvalidCode, InvalidShare, UnsupportedVersion
from crypto.primitives import random_bytes

SHARE_VERSION = 0x01
SET_ID_BYTES = 8
CHECK_BYTES = 4
HEADER_BYTES = 1 + SET_ID_BYTES + 3  # version, set id, k, n, x
MIN_SHARES, MAX_SHARES = 2, 16
MAX_SECRET_BYTES = 64
_POLYNOMIAL = 0x11B  # x^8 + x^4 + x^3 + x + 1, AES's
_CHECK_LABEL = b"pde/v1/shamir-check"
_TEXT_CHECK_LABEL = b"pde/v1/trustee-share-check"
_CROCKFORD_READ = {c: i for i, c in enumerate(CROCKFORD)} | {"O": 0, "I": 1, "L": 1}


@dataclass(frozen=True)
class Share:
    """One trustee's share: the split's `set_id`, `threshold` (k) and `total` (n),
    its number `x` (1 … n) and `y`, the polynomials' values at x (secret + 4 bytes)."""

    set_id: bytes
    threshold: int
    total: int
    x: int
    y: bytes

    def __post_init__(self) -> None:
        if len(self.set_id) != SET_ID_BYTES:
            raise InvalidShare("a share's set id has 8 bytes")
        if not MIN_SHARES <= self.threshold <= self.total <= MAX_SHARES:
            raise InvalidShare("a share needs 2 ≤ k ≤ n ≤ 16")
        if not 1 <= self.x <= self.total:
            raise InvalidShare("a share's number is between 1 and n")
        if not CHECK_BYTES < len(self.y) <= MAX_SECRET_BYTES + CHECK_BYTES:
            raise InvalidShare("a share's value has 5 to 68 bytes")


def gf_mul(a: int, b: int) -> int:
    """a · b in GF(2^8) modulo 0x11B, with masks instead of branches or tables."""
    product = 0
    for _ in range(8):
        product ^= -(b & 1) & a
        a = ((a << 1) ^ (-(a >> 7) & _POLYNOMIAL)) & 0xFF
        b >>= 1
    return product


def gf_inv(a: int) -> int:
    """a^254, the inverse of a non-zero a in GF(2^8) (and 0 for 0), by a fixed chain."""
    result, power = 1, a
    for _ in range(7):  # 254 = 2 + 4 + … + 128
        power = gf_mul(power, power)
        result = gf_mul(result, power)
    return result


def _evaluate(coefficients: Sequence[int], x: int) -> int:
    """a0 + a1·x + … + a(k-1)·x^(k-1), by Horner's rule."""
    value = 0
    for coefficient in reversed(coefficients):
        value = gf_mul(value, x) ^ coefficient
    return value


def _lagrange_basis(xs: Sequence[int], t: int) -> list[int]:
    """l_i(t) = Π_{j≠i} (t - x_j) / (x_i - x_j); in GF(2^8), minus is xor."""
    basis = []
    for i, xi in enumerate(xs):
        numerator, denominator = 1, 1
        for j, xj in enumerate(xs):
            if j != i:
                numerator = gf_mul(numerator, t ^ xj)
                denominator = gf_mul(denominator, xi ^ xj)
        basis.append(gf_mul(numerator, gf_inv(denominator)))
    return basis


def _interpolate(shares: Sequence[Share], t: int) -> bytes:
    """The values at t of the polynomials through the shares' points, byte by byte."""
    basis = _lagrange_basis([share.x for share in shares], t)
    out = bytearray(len(shares[0].y))
    for weight, share in zip(basis, shares, strict=True):
        for j, y in enumerate(share.y):
            out[j] ^= gf_mul(weight, y)
    return bytes(out)


def _check_tag(secret: bytes, set_id: bytes, threshold: int, total: int) -> bytes:
    """HMAC-SHA256(secret, "pde/v1/shamir-check" ‖ set id ‖ k ‖ n)[0:4]."""
    message = _CHECK_LABEL + set_id + bytes([threshold, total])
    return hmac.new(secret, message, hashlib.sha256).digest()[:CHECK_BYTES]


def check_split_parameters(threshold: int, shares: int) -> None:
    """Refuse (ValueError) anything but 2 ≤ threshold ≤ shares ≤ 16."""
    if not MIN_SHARES <= threshold <= shares <= MAX_SHARES:
        raise ValueError("Shamir sharing here needs 2 ≤ threshold ≤ shares ≤ 16")


def split_secret(
    secret: bytes, threshold: int, shares: int, random: Callable[[int], bytes] = random_bytes
) -> list[Share]:
    """Split `secret` (1 … 64 bytes) into `shares` shares, any `threshold` of which give it back.

    value = secret ‖ check tag; for each byte of value, a polynomial of degree
    threshold - 1 with that byte as constant term and random other coefficients;
    share x holds the polynomials' values at x. `random(n)` is called twice, for
    the set id (8 bytes), then for all coefficients (byte by byte, a1 … a(k-1)):
    tests inject it, everyone else keeps the CSPRNG.
    """
    check_split_parameters(threshold, shares)
    if not 1 <= len(secret) <= MAX_SECRET_BYTES:
        raise ValueError("a shared secret has 1 to 64 bytes")
    set_id = random(SET_ID_BYTES)
    value = secret + _check_tag(secret, set_id, threshold, shares)
    degree = threshold - 1
    coefficients = random(degree * len(value))
    if len(set_id) != SET_ID_BYTES or len(coefficients) != degree * len(value):
        raise ValueError("the random source gave the wrong number of bytes")
    polynomials = [
        [byte, *coefficients[j * degree : (j + 1) * degree]] for j, byte in enumerate(value)
    ]
    return [
        Share(set_id, threshold, shares, x, bytes(_evaluate(p, x) for p in polynomials))
        for x in range(1, shares + 1)
    ]


def combine_shares(shares: Sequence[Share]) -> bytes:
    """The secret of at least `threshold` shares of one split, or InvalidShare.

    Refuses shares of different splits, a share given twice and too few shares.
    The secret comes from the first k shares; any further share must lie on the
    same polynomials. A wrong or changed share fails the check tag (a 2^-32
    chance of going unnoticed) and the combination is refused.
    """
    if not shares:
        raise InvalidShare("no shares to combine")
    first = shares[0]
    header = (first.set_id, first.threshold, first.total, len(first.y))
    if any((s.set_id, s.threshold, s.total, len(s.y)) != header for s in shares):
        raise InvalidShare("the shares come from different splits")
    if len({share.x for share in shares}) != len(shares):
        raise InvalidShare("a share is given twice (two shares have the same number)")
    if len(shares) < first.threshold:
        raise InvalidShare(f"{first.threshold} shares are needed, {len(shares)} given")
    chosen = shares[: first.threshold]
    value = _interpolate(chosen, 0)
    extras = shares[first.threshold :]
    consistent = all(_interpolate(chosen, extra.x) == extra.y for extra in extras)
    secret, tag = value[:-CHECK_BYTES], value[-CHECK_BYTES:]
    expected = _check_tag(secret, first.set_id, first.threshold, first.total)
    if not (hmac.compare_digest(tag, expected) and consistent):
        raise InvalidShare("the shares do not combine: one of them is wrong or was changed")
    return secret


def share_to_bytes(share: Share) -> bytes:
    """u8(0x01) ‖ set id(8) ‖ u8(k) ‖ u8(n) ‖ u8(x) ‖ y."""
    header = bytes([SHARE_VERSION]) + share.set_id
    return header + bytes([share.threshold, share.total, share.x]) + share.y


def share_from_bytes(data: bytes) -> Share:
    """Inverse of `share_to_bytes`; UnsupportedVersion or InvalidShare on anything else."""
    if len(data) <= HEADER_BYTES:
        raise InvalidShare("a share is too short")
    if data[0] != SHARE_VERSION:
        raise UnsupportedVersion(f"share version {data[0]}")
    threshold, total, x = data[1 + SET_ID_BYTES : HEADER_BYTES]
    return Share(bytes(data[1 : 1 + SET_ID_BYTES]), threshold, total, x, bytes(data[HEADER_BYTES:]))


def _text_check(raw: bytes) -> int:
    return hashlib.sha256(_TEXT_CHECK_LABEL + raw).digest()[0]


def share_to_text(share: Share) -> str:
    """Crockford base32 of share bytes ‖ check byte, in groups of 4 (53 characters for a
    16-byte secret); also what the share's QR code holds (QR alphanumeric mode)."""
    raw = share_to_bytes(share)
    raw += bytes([_text_check(raw)])
    length = -(-len(raw) * 8 // 5)
    bits = int.from_bytes(raw, "big") << (length * 5 - len(raw) * 8)
    chars = "".join(CROCKFORD[(bits >> (5 * (length - 1 - i))) & 31] for i in range(length))
    return "-".join(chars[i : i + 4] for i in range(0, length, 4))


def share_from_text(text: str) -> Share:
    """Read a share typed by a person (as FORMAT.md §8: '-' and spaces ignored, any case,
    O=0, I=L=1). A typo raises InvalidCode; a well-typed non-share, InvalidShare."""
    cleaned = text.replace("-", "").replace(" ", "").upper()
    if not cleaned or any(c not in _CROCKFORD_READ for c in cleaned):
        raise InvalidCode("a share is written with letters and digits")
    size = len(cleaned) * 5 // 8
    pad_bits = len(cleaned) * 5 - size * 8
    if pad_bits >= 5 or size < 2:
        raise InvalidCode("a share has a wrong number of characters")
    bits = 0
    for c in cleaned:
        bits = (bits << 5) | _CROCKFORD_READ[c]
    if bits & ((1 << pad_bits) - 1):
        raise InvalidCode("share does not check")
    raw = (bits >> pad_bits).to_bytes(size, "big")
    if _text_check(raw[:-1]) != raw[-1]:
        raise InvalidCode("share does not check")
    return share_from_bytes(raw[:-1])
