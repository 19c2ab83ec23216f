"""The kinds of values the JSON API carries, each with the JSON schema that says
exactly which texts the server takes (docs/api.md): bytes as unpadded base64url
(FORMAT.md §1), identifiers, wallet names, sizes and lifetimes whose bounds are
settings of the server (wallet.api.openapi writes this server's values)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from crypto import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding
from crypto.links import is_valid_id

B64U_ALPHABET = "A-Za-z0-9_-"
# The last character of a text of 3k+1 bytes carries 2 bits (then 4 zero bits),
# of 3k+2 bytes 4 bits (then 2 zero bits): canonical text has those bits zero.
_LAST_OF_ONE, _LAST_OF_TWO = "AQgw", "AEIMQUYcgkosw048"


def b64u_pattern(min_len: int, max_len: int) -> str:
    """A regular expression of the canonical unpadded base64url texts of `min_len` to
    `max_len` bytes (with the lengths in characters beside it, exactly those texts)."""
    if min_len == max_len:
        groups, rest = divmod(min_len, 3)
        if rest == 0:
            return f"^[{B64U_ALPHABET}]{{{4 * groups}}}$"
        last = _LAST_OF_ONE if rest == 1 else _LAST_OF_TWO
        return f"^[{B64U_ALPHABET}]{{{4 * groups + rest}}}[{last}]$"
    group, char = f"[{B64U_ALPHABET}]{{4}}", f"[{B64U_ALPHABET}]"
    return f"^(?:{group})*(?:{char}[{_LAST_OF_ONE}]|{char}{{2}}[{_LAST_OF_TWO}])?$"


def b64u_schema(min_len: int, max_len: int) -> dict[str, Any]:
    """The JSON schema of `min_len` to `max_len` bytes as unpadded base64url."""
    size = f"{min_len} bytes" if min_len == max_len else f"{min_len} to {max_len} bytes"
    return {
        "type": "string",
        "format": "base64url",
        "minLength": (min_len * 4 + 2) // 3,
        "maxLength": (max_len * 4 + 2) // 3,
        "pattern": b64u_pattern(min_len, max_len),
        "description": f"{size} as unpadded base64url (A-Z a-z 0-9 - _, no '='; "
        "unused trailing bits zero)",
    }


def bytes_field(min_len: int, max_len: int) -> Any:
    def decode(value: Any) -> bytes:
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, str):
            try:
                data = b64u_decode(value)
            except InvalidEncoding:
                raise ValueError("must be unpadded base64url") from None
        else:
            raise ValueError("must be a base64url string")
        if not min_len <= len(data) <= max_len:
            raise ValueError(f"must encode {min_len} to {max_len} bytes")
        return data

    return Annotated[
        bytes,
        BeforeValidator(decode),
        PlainSerializer(b64u_encode, return_type=str, when_used="json"),
        Field(json_schema_extra=b64u_schema(min_len, max_len)),
    ]


def _check_id(value: Any) -> str:
    if not isinstance(value, str) or not is_valid_id(value):
        raise ValueError("must be 22 base64url characters (16 bytes)")
    return value


ID_SCHEMA = b64u_schema(16, 16) | {
    "description": "an identifier: 16 random bytes made by the client, as unpadded base64url "
    "(22 characters, the last one of A, Q, g, w)",
}
Id = Annotated[
    str,
    BeforeValidator(_check_id),
    Field(min_length=22, max_length=22, json_schema_extra=ID_SCHEMA),
]
COMPARTMENT_TOKEN_SCHEMA = b64u_schema(32, 32) | {
    "description": "a hidden compartment's token (FORMAT.md §4.1), 32 bytes as unpadded "
    "base64url; absent: the normal view",
}
# A bound that is a setting of the server: wallet.api.openapi writes this server's value.
SETTING_MARK = "x-pde-bound-from-setting"


def setting_bound(setting: str, unit: str, keyword: str = "maximum") -> dict[str, Any]:
    """Mark a field's `keyword` as the value of `setting` in `unit` ("count", "days",
    "plaintext bytes"), within the hard bound the field states."""
    return {SETTING_MARK: {"setting": setting, "unit": unit, "keyword": keyword}}


Salt = bytes_field(16, 16)
Key32 = bytes_field(32, 32)
WrappedKey = bytes_field(61, 61)  # box of a 32-byte key
MetadataBox = bytes_field(256 + 29, 65536 + 29)  # box of padded JSON
Digest = bytes_field(32, 32)
Handle = Annotated[str, Field(min_length=1, max_length=64)]
# A wallet's name as the server keeps it: wallet.services.accounts.normalize_handle checks
# it after NFKC, which no pattern can say exactly; this one says it for the usual forms
# (and the full-width and small forms of - . _ that NFKC folds).
HANDLE_PATTERN = r"^\s*[\w.\-\uFF0D\uFF0E\uFF3F\uFE63\uFE52\uFE4D-\uFE4F\uFE33\uFE34]{3,32}\s*$"
NewHandle = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        json_schema_extra={
            "minLength": 3,
            "pattern": HANDLE_PATTERN,
            "description": "a wallet's name: after Unicode NFKC and trimming, 3 to 32 letters "
            "or digits of any script, '-', '_' or '.'",
        },
    ),
]


CIPHERTEXT_SIZE = (
    "bytes of the encrypted stream (FORMAT.md §5.1), not of the file: at least 60, at most "
    "the stream of a file of PDE_DOCUMENT_MAX_BYTES (100 MiB by default); `maximum` is this "
    "server's value. A size no stream can have (44 + n + 16 per 1 MiB segment) is refused."
)
CiphertextSize = Annotated[
    int,
    Field(
        ge=60,
        le=1 << 50,
        description=CIPHERTEXT_SIZE,
        json_schema_extra=setting_bound("document_max_bytes", "plaintext bytes"),
    ),
]


def lifetime_field(setting: str, default_days: int) -> Any:
    """Seconds a link lasts: 1 hour to the setting's days (at most 365)."""
    env = f"PDE_{setting.upper()}"
    return Field(
        ge=3600,
        le=365 * 86400,
        description=f"seconds, from 1 hour to {env} days ({default_days} by default, never "
        "more than 365); `maximum` is this server's value",
        json_schema_extra=setting_bound(setting, "days"),
    )
