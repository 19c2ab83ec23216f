"""Links that hand a capability to someone (FORMAT.md §6, §7): a share link
`<base>/s/<share_id>#<b64u(share secret)>` and a deposit link
`<base>/d/<deposit_id>#<b64u(fingerprint of the wallet's deposit key)>`. The
part after `#` is never sent to a server by a browser. Both are read the same
way, with the same tolerance for how people paste them."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from crypto.encoding import b64u_decode, b64u_encode
from crypto.errors import InvalidEncoding

ID_BYTES = 16
FRAGMENT_BYTES = 16  # a share secret, or a deposit key fingerprint
SHARE_SEGMENT, DEPOSIT_SEGMENT = "s", "d"


def is_valid_id(text: str) -> bool:
    """True for a 22-character base64url text that decodes to 16 bytes."""
    try:
        return len(text) == 22 and len(b64u_decode(text)) == ID_BYTES
    except InvalidEncoding:
        return False


def format_link(base_url: str, segment: str, identifier: str, fragment: bytes) -> str:
    """`<base_url>/<segment>/<identifier>#<b64u(fragment)>`, without the base's trailing `/`."""
    return f"{base_url.rstrip('/')}/{segment}/{identifier}#{b64u_encode(fragment)}"


def parse_link(link: str, segment: str) -> tuple[str, str, bytes]:
    """(base URL, id, 16-byte fragment) of a link of `segment` ("s" or "d").

    Accepts surrounding whitespace, a path before `/<segment>/` (a server
    under a sub-path) and trailing `/`; refuses with InvalidEncoding anything
    without a scheme and host, whose id is not 22 base64url characters of 16
    bytes, or whose fragment is not exactly 16 bytes of canonical base64url."""
    what = f"not a PDE {'share' if segment == SHARE_SEGMENT else 'deposit'} link"
    parts = urlsplit(link.strip())
    head, _, identifier = parts.path.rstrip("/").rpartition(f"/{segment}/")
    if not parts.scheme or not parts.netloc or not is_valid_id(identifier):
        raise InvalidEncoding(what)
    fragment = b64u_decode(parts.fragment)
    if len(fragment) != FRAGMENT_BYTES:
        raise InvalidEncoding(what)
    return f"{parts.scheme}://{parts.netloc}{head}", identifier, fragment


def deposit_key_fingerprint(public_key: bytes) -> bytes:
    """SHA-256(deposit_public)[0:16]: what a deposit link carries after `#`."""
    if len(public_key) != 32:
        raise ValueError("a deposit public key has 32 bytes")
    return hashlib.sha256(public_key).digest()[:FRAGMENT_BYTES]


def format_deposit_link(base_url: str, deposit_id: str, public_key: bytes) -> str:
    """https://host/d/<deposit_id>#<b64u(SHA-256(deposit_public)[0:16])>."""
    return format_link(base_url, DEPOSIT_SEGMENT, deposit_id, deposit_key_fingerprint(public_key))


def parse_deposit_link(link: str) -> tuple[str, str, bytes]:
    """(base URL, deposit id, key fingerprint); InvalidEncoding if it is not a deposit link."""
    return parse_link(link, DEPOSIT_SEGMENT)
