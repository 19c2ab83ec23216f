"""What every section of the vectors shares: fixed ids, deterministic bytes."""

from __future__ import annotations

import hashlib

ACCOUNT_ID = "YWNjb3VudC1pZC0wMDAwMQ"  # b64u(b"account-id-00001")
DOCUMENT_ID = "ZG9jdW1lbnQtaWQtMDAwMQ"  # b64u(b"document-id-0001")
SHARE_ID = "c2hhcmUtaWQtMDAwMDAwMQ"  # b64u(b"share-id-0000001")
DEPOSIT_ID = "ZGVwb3NpdC1pZC0wMDAwMQ"  # b64u(b"deposit-id-00001")


def fixed(label: str, n: int) -> bytes:
    """Deterministic test bytes: SHA-256 chain of a label, truncated to n."""
    out = b""
    block = label.encode()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:n]


def pattern(length: int) -> bytes:
    """The plaintext of large stream vectors: byte i is i mod 251."""
    return bytes(i % 251 for i in range(251)) * (length // 251) + bytes(range(length % 251))
