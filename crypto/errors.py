"""The errors the crypto core raises. Each says what went wrong for the caller,
never which byte or which check failed for an attacker."""


class CryptoError(Exception):
    """Base class of every error raised by `crypto`."""

    code = "crypto_error"


class DecryptionError(CryptoError):
    """A ciphertext did not authenticate: wrong key, wrong associated data,
    tampering, truncation, reordering or bad padding. Deliberately one error."""

    code = "decryption_failed"


class UnsupportedVersion(CryptoError):
    """The first byte (or the stream magic) names a format this code does not know."""

    code = "unsupported_version"


class MetadataTooLarge(CryptoError):
    """Metadata JSON does not fit in the largest padding bucket (65,536 bytes)."""

    code = "metadata_too_large"


class InvalidCode(CryptoError):
    """A recovery code or card code has a wrong character, length or check byte."""

    code = "invalid_code"


class InvalidEncoding(CryptoError):
    """Text that should be unpadded base64url is not."""

    code = "invalid_encoding"


class InvalidShare(CryptoError):
    """Trustee shares that cannot give a secret: of different splits, one given twice,
    fewer than the split's threshold, malformed, or one of them wrong or changed."""

    code = "invalid_share"


class InvalidSignedDocument(CryptoError):
    """Text that should be an issued document's signature (a compact JWS of
    FORMAT.md §7.3) is not one."""

    code = "invalid_signed_document"
