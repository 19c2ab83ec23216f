"""FORMAT.md is read by people writing another client from it alone: it must
stand on its own (nothing to read outside this repository), write every JSON
object out in full, and say what the code does."""

from __future__ import annotations

import re
from pathlib import Path

from crypto import b64u_encode, new_id
from crypto.links import is_valid_id

REPO = Path(__file__).parents[3]
FORMAT_MD = (REPO / "crypto" / "FORMAT.md").read_text(encoding="utf-8")
EXAMPLE_HOSTS = {"<host>", "pde.example"}


def test_format_md_refers_to_no_document_outside_the_repository() -> None:
    for name in re.findall(r"[\w./-]+\.md\b", FORMAT_MD):
        assert (REPO / name).is_file() or (REPO / "crypto" / name).is_file(), name
    for word in ("DESIGN", "RFC", "OWASP", "journey"):
        assert word not in FORMAT_MD, word
    for host in re.findall(r"https?://([^/\s`#)]+)", FORMAT_MD):
        assert host in EXAMPLE_HOSTS, host


def test_every_json_object_of_the_format_is_written_out_in_full() -> None:
    written = re.findall(r"^json\s*=\s*(\{.*\})$", FORMAT_MD, re.MULTILINE)
    assert len(written) >= 3  # share info, share owner record, deposit link record
    for line in written:
        assert "…" not in line and "..." not in line, line
    assert '{"recipient": recipient, "purpose": purpose, "from": sender}' in written
    assert (
        '{"secret": b64u(share_secret), "pin": pin, "recipient": recipient, "purpose": purpose}'
        in written
    )


def test_the_identifier_rule_of_format_md_is_the_code_s() -> None:
    assert "one of `A`, `Q`, `g`, `w`" in FORMAT_MD
    for _ in range(200):
        assert new_id()[-1] in "AQgw"
    assert is_valid_id(b64u_encode(bytes(16)))
    assert not is_valid_id(b64u_encode(bytes(16))[:-1] + "B")


def test_format_md_says_the_account_salt_never_changes() -> None:
    assert "Changing the passphrase makes a new `S`" not in FORMAT_MD
    assert "`S` never\nchanges" in FORMAT_MD or "`S` never changes" in FORMAT_MD
    assert "PDE-Compartment: b64u(compartment_token)" in FORMAT_MD
    assert "**Turning a card on**" in FORMAT_MD
