"""A first walk through the API with the Python client, on every backend."""

from __future__ import annotations

import io

from client import PdeClient


def test_a_document_added_is_listed_and_comes_back_byte_identical(wallet: PdeClient) -> None:
    content = b"carte d'identite " * 100_000
    document_id = wallet.add(io.BytesIO(content), title="Carte", category="identity")
    [info] = wallet.list()
    assert info.document_id == document_id
    assert info.metadata["title"] == "Carte" and info.metadata["size"] == len(content)
    out = io.BytesIO()
    wallet.get(document_id, out)
    assert out.getvalue() == content
