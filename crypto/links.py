"""Links that hand a capability to someone (FORMAT.md §6, §7): a share link
`<base>/s/<share_id>#<b64u(share secret)>` and a deposit link
`<base>/d/<deposit_id>#<b64u(0x02 ‖ deposit secret)>`. The part after `#` is
never sent to a server by a browser. Both are read the same way, with the same
tolerance for how people paste them. A deposit link's secret opens the link's
info box: the owner's label for it and the wallet's public key, which the
server stores and cannot read or change."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import DecryptionError, InvalidEncoding, UnsupportedVersion
from crypto.metadata import open_padded_json, seal_padded_json
from crypto.primitives import associated_data, hkdf

ID_BYTES = 16
FRAGMENT_BYTES = 16  # a share secret
SHARE_SEGMENT, DEPOSIT_SEGMENT = "s", "d"
DEPOSIT_LINK_VERSION = 0x02  # 1 was a 16-byte fingerprint of the key alone, now refused
DEPOSIT_SECRET_BYTES = 16


def is_valid_id(text: str) -> bool:
    """True for a 22-character base64url text that decodes to 16 bytes."""
    try:
        return len(text) == 22 and len(b64u_decode(text)) == ID_BYTES
    except InvalidEncoding:
        return False


def format_link(base_url: str, segment: str, identifier: str, fragment: bytes) -> str:
    """`<base_url>/<segment>/<identifier>#<b64u(fragment)>`, without the base's trailing `/`."""
    return f"{base_url.rstrip('/')}/{segment}/{identifier}#{b64u_encode(fragment)}"


def parse_link(
    link: str, segment: str, fragment_bytes: tuple[int, ...] = (FRAGMENT_BYTES,)
) -> tuple[str, str, bytes]:
    """(base URL, id, fragment) of a link of `segment` ("s" or "d").

    Accepts surrounding whitespace, a path before `/<segment>/` (a server
    under a sub-path) and trailing `/`; refuses with InvalidEncoding anything
    without a scheme and host, whose id is not 22 base64url characters of 16
    bytes, or whose fragment is not canonical base64url of one of
    `fragment_bytes` lengths."""
    what = f"not a PDE {'share' if segment == SHARE_SEGMENT else 'deposit'} link"
    parts = urlsplit(link.strip())
    head, _, identifier = parts.path.rstrip("/").rpartition(f"/{segment}/")
    if not parts.scheme or not parts.netloc or not is_valid_id(identifier):
        raise InvalidEncoding(what)
    fragment = b64u_decode(parts.fragment)
    if len(fragment) not in fragment_bytes:
        raise InvalidEncoding(what)
    return f"{parts.scheme}://{parts.netloc}{head}", identifier, fragment


def format_deposit_link(base_url: str, deposit_id: str, secret: bytes) -> str:
    """https://host/d/<deposit_id>#<b64u(0x02 ‖ deposit secret)>."""
    if len(secret) != DEPOSIT_SECRET_BYTES:
        raise ValueError("a deposit link secret has 16 bytes")
    fragment = bytes([DEPOSIT_LINK_VERSION]) + secret
    return format_link(base_url, DEPOSIT_SEGMENT, deposit_id, fragment)


def parse_deposit_link(link: str) -> tuple[str, str, bytes]:
    """(base URL, deposit id, 16-byte deposit secret). InvalidEncoding if it is not a
    deposit link; UnsupportedVersion for a link of the earlier kind (a 16-byte key
    fingerprint after `#`) or of a version this code does not know."""
    lengths = (FRAGMENT_BYTES, 1 + DEPOSIT_SECRET_BYTES)
    base_url, deposit_id, fragment = parse_link(link, DEPOSIT_SEGMENT, lengths)
    if len(fragment) == FRAGMENT_BYTES or fragment[0] != DEPOSIT_LINK_VERSION:
        raise UnsupportedVersion("a deposit link of another version: ask for a new link")
    return base_url, deposit_id, fragment[1:]


def _info_key(secret: bytes, deposit_id: str) -> bytes:
    if len(secret) != DEPOSIT_SECRET_BYTES:
        raise ValueError("a deposit link secret has 16 bytes")
    return hkdf(secret, "pde/v1/deposit-link-info", salt=deposit_id.encode())


def encrypt_deposit_link_info(
    secret: bytes, info: dict[str, Any], deposit_id: str, nonce: bytes | None = None
) -> bytes:
    """What the link's holder reads (the owner's label for the link and the wallet's
    deposit public key), sealed under a key of the link's secret: the server stores
    it and can neither read it nor forge another."""
    ad = associated_data("pde/v1/ad/deposit-link-info", deposit_id)
    return seal_padded_json(_info_key(secret, deposit_id), info, ad, nonce)


def decrypt_deposit_link_info(secret: bytes, box: bytes, deposit_id: str) -> dict[str, Any]:
    """Inverse of `encrypt_deposit_link_info`."""
    ad = associated_data("pde/v1/ad/deposit-link-info", deposit_id)
    return open_padded_json(_info_key(secret, deposit_id), box, ad)


def deposit_link_public_key(info: dict[str, Any]) -> bytes:
    """The wallet's 32-byte deposit public key in an opened info box; DecryptionError
    when it is missing or malformed (a box that opens always has one: the owner's
    client wrote it)."""
    try:
        public_key = b64u_decode(info["public_key"])
    except (KeyError, TypeError, InvalidEncoding):
        raise DecryptionError("the link's info names no public key") from None
    if len(public_key) != 32:
        raise DecryptionError("the link's info names no public key")
    return public_key
