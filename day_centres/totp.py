"""The second factor's rules, as pure functions: TOTP (RFC 6238 with pyotp:
SHA-1, 6 digits, 30-second steps, one step of clock drift either way), its
enrolment QR code (qrcode), and the ten one-time recovery codes.

A code is accepted for one time step only once, and never for a step earlier
than the last one accepted (RFC 6238 §5.2): the caller records the step that
`matching_step` returns (day_centres.login)."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

import pyotp
import qrcode
from qrcode.image.pure import PyPNGImage

ISSUER = "PDE"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
# Crockford's base32: no I, L, O or U, so that a code read aloud or copied by hand
# cannot be mistyped into another; 16 characters carry 80 random bits.
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
RECOVERY_LENGTH = 16
_LOOKALIKES = str.maketrans({"i": "1", "l": "1", "o": "0", "u": "v"})


def new_secret() -> str:
    """A TOTP secret: 160 random bits in base32 (what authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account_name: str) -> str:
    """The otpauth:// URI an authenticator app reads from the enrolment QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def time_step(at: datetime) -> int:
    """The RFC 6238 counter of the moment `at`."""
    return int(at.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step (within DRIFT_STEPS of `at`) whose code is `code`, or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = time_step(at)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step  # no early exit: every step costs the same
    return found


def qr_png(text: str, box_size: int = 6) -> bytes:
    """A black-on-white PNG of a QR code of `text` (qrcode's own PNG writer, pypng)."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        box_size=box_size,
        image_factory=PyPNGImage,
    )
    qr.add_data(text.encode())
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()


def qr_text(text: str) -> str:
    """The QR code of `text` drawn with block characters, for a terminal."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(text.encode())
    qr.make(fit=True)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def new_recovery_codes() -> list[str]:
    """Ten recovery codes such as "4f7k-q2mz-8xwn-c0ha", each with 80 random bits."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return codes


def recovery_code_hash(code: str) -> bytes | None:
    """SHA-256 of a recovery code as typed (case, spaces, dashes and look-alike
    letters forgiven), or None when it cannot be one."""
    raw = "".join(ch for ch in code.lower() if ch.isalnum()).translate(_LOOKALIKES)
    if len(raw) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in raw):
        return None
    return hashlib.sha256(b"pde/v1/staff-recovery-code\x00" + raw.encode()).digest()
