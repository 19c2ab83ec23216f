"""The name a decrypted document is saved under: its own file name when that
travelled with it; else its title with the extension of its media type, so that
a social worker's computer opens it with the right program, and never an
extension for bytes of no known type."""

from __future__ import annotations

import pytest

from client.io import document_file_name


@pytest.mark.parametrize(
    ("metadata", "saved"),
    [
        ({"file_name": "id.jpeg", "title": "Identity card", "media_type": "image/jpeg"}, "id.jpeg"),
        ({"title": "Identity card", "media_type": "image/jpeg"}, "Identity card.jpg"),
        ({"title": "CPAS decision", "media_type": "application/pdf"}, "CPAS decision.pdf"),
        ({"title": "my story", "media_type": "text/plain"}, "my story.txt"),
        ({"title": "scan.jpeg", "media_type": "image/jpeg"}, "scan.jpeg"),  # has one already
        ({"title": "letter", "media_type": "application/octet-stream"}, "letter"),
        ({"title": "letter", "media_type": "unknown/kind"}, "letter"),
        ({"media_type": "image/png"}, "2.png"),  # neither name nor title: its number
    ],
)
def test_a_document_is_saved_under_its_name_or_its_title_and_extension(
    metadata: dict[str, object], saved: str
) -> None:
    assert document_file_name(metadata, "2") == saved
