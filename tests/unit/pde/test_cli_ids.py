"""The command line takes every id as typed, including the one in 64 that starts
with '-' (base64url), which argparse alone would read as an unknown option."""

from __future__ import annotations

import os

from crypto import b64u_encode, new_id
from crypto.issued import org_key_id
from pde.cli import parse_arguments
from pde.client_commands import shield_ids as _shield_ids


def _id_starting_with_dash() -> str:
    return next(i for i in iter(new_id, None) if i.startswith("-"))


def test_a_share_id_starting_with_a_dash_is_an_argument_not_an_option() -> None:
    share_id = _id_starting_with_dash()
    args = parse_arguments(["client", "--server", "x", "revoke", share_id])
    assert args.share_id == share_id


def test_document_ids_starting_with_a_dash_are_shared_as_typed() -> None:
    ids = [_id_starting_with_dash(), new_id()]
    argv = ["client", "--server", "x", "share", *ids, "--to", "CPAS", "--purpose", "RIS"]
    assert parse_arguments(argv).document_ids == ids


def test_options_and_other_words_starting_with_a_dash_are_left_alone() -> None:
    argv = ["client", "--server", "x", "--handle", "-ab", "list"]
    assert _shield_ids(argv) == argv


def test_a_key_fingerprint_starting_with_a_dash_is_revoked_as_typed() -> None:
    """One organisation key in 64 has such a fingerprint (43 base64url characters)."""
    kid = next(k for k in (org_key_id(os.urandom(32)) for _ in iter(int, 1)) if k.startswith("-"))
    argv = ["org", "revoke-key", kid, "--from", "2026-01-01", "--reason", "lost"]
    assert parse_arguments(argv).kid == kid


def test_a_public_key_and_an_organisation_id_starting_with_a_dash_are_taken_as_typed() -> None:
    """`pde org keygen` prints a 43-character base64url key: one in 64 starts with '-'
    (a fresh-clone CI run failed on test_org_cli when its random key drew one)."""
    public = next(k for k in (b64u_encode(os.urandom(32)) for _ in iter(int, 1)) if k[0] == "-")
    organisation = _id_starting_with_dash()
    argv = ["org", "add-key", organisation, "--public-key", public]
    parsed = parse_arguments(argv)
    assert (parsed.organisation, parsed.public_key) == (organisation, public)


def test_a_handle_or_a_file_name_that_looks_like_an_id_is_taken_as_typed() -> None:
    """shield_ids cannot tell an id from a handle or a file name of the same shape:
    `pde` unshields every argument after parsing (pde/cli.py parse_arguments)."""
    handle, file_name = _id_starting_with_dash(), _id_starting_with_dash()
    argv = ["client", "--server", "x", "--handle", handle, "add", file_name]
    parsed = parse_arguments(argv)
    assert (parsed.handle, parsed.file) == (handle, file_name)
