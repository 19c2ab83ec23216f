"""Security tests (docs/design.md §2 and §5): the E2EE canary, the access-control
matrix, fuzzing of the OpenAPI schema, and the web headers.

This package also holds the one way these tests look for a secret in bytes:
`forms_of_text` / `forms_of_bytes` list every encoding under which a value
could sit in a database, a blob, a log or a response body, and `find_leaks`
searches for all of them at once.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping


def _base64_cores(data: bytes, encode: Callable[[bytes], bytes]) -> dict[str, bytes]:
    """The part of base64(`data`) that does not depend on its neighbours, for
    each of the 3 offsets `data` can start at inside a base64 text."""
    cores = {}
    for offset in range(3):
        encoded = encode(b"\0" * offset + data).rstrip(b"=")
        head = (0, 2, 3)[offset]  # characters that also hold bits of the preceding bytes
        tail = 1 if (offset + len(data)) % 3 else 0  # the last one holds bits of the next byte
        cores[f"@{offset}"] = encoded[head : len(encoded) - tail]
    return cores


def forms_of_bytes(data: bytes) -> dict[str, bytes]:
    """`data` raw, in hex (both cases), base64 and base64url at every alignment."""
    forms = {"raw": data, "hex": data.hex().encode(), "HEX": data.hex().upper().encode()}
    for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        forms |= {f"{name}{at}": core for at, core in _base64_cores(data, encode).items()}
    return forms


def forms_of_text(text: str) -> dict[str, bytes]:
    """`text` in UTF-8 (as typed, case-folded, upper case), UTF-16 (both byte
    orders), and every form of `forms_of_bytes` of its UTF-8."""
    forms = {
        "utf-8 casefolded": text.casefold().encode(),
        "utf-8 upper": text.upper().encode(),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
    }
    utf8 = {
        ("utf-8" if name == "raw" else f"utf-8 {name}"): form
        for name, form in forms_of_bytes(text.encode()).items()
    }
    return utf8 | forms


def find_leaks(
    haystacks: Mapping[str, bytes], secrets: Mapping[str, Mapping[str, bytes]]
) -> list[str]:
    """'<secret> as <form> in <place>' for every form of every secret found in a haystack."""
    found = []
    for place, haystack in haystacks.items():
        for secret, forms in secrets.items():
            found += [
                f"{secret} as {form} in {place}"
                for form, needle in forms.items()
                if needle and needle in haystack
            ]
    return found
