"""`pde client share|shares|revoke|deposit-link|deposit-links|inbox|accept|reject`,
and the commands of a link holder with no account: `pde open-share` and
`pde deposit`. Every secret stays in the client (client.shares, client.deposits)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client import ClientError, PdeClient
from client.deposits import (
    accept,
    create_deposit_link,
    deposit,
    inbox,
    list_deposit_links,
    reject,
)
from client.issued import check_file, describe_check, load_signing_key
from client.shares import (
    SharedFile,
    ShareViewer,
    create_share,
    list_shares,
    parse_duration,
    revoke_share,
)
from pde.cli_checks import readable_file, usable_folder
from pde.cli_errors import fail
from pde.client_login import ask_secret, login
from pde.progress import ProgressBar


def plural(count: int, noun: str) -> str:
    """'1 document', '2 documents'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


SUSPENSION_REASONS = {
    "harmful": "unwanted or harmful content",
    "fraud": "fraud or phishing",
    "wrong_recipient": "sent to the wrong person",
    "other": "another reason",
}


def suspended_line(suspension: dict[str, str]) -> str:
    """A link the service suspended after a report: since when, and why."""
    reason = SUSPENSION_REASONS.get(suspension.get("reason", ""), SUSPENSION_REASONS["other"])
    return f"\tsuspended by the service since {suspension.get('suspended_at', '')}: {reason}"


def share(client: PdeClient, args: argparse.Namespace) -> int:
    """Share documents with a recipient; prints the link (the PIN, if any, is said aloud)."""
    try:
        expires_in = parse_duration(args.expires)
    except ValueError as error:
        fail(str(error))
    login(client, args)
    share = create_share(
        client,
        args.document_ids,
        recipient=args.to,
        purpose=args.purpose,
        sender=args.sender,
        expires_in=expires_in,
        max_opens=args.max_opens,
        pin=args.pin or "",
        fields=args.fields,
    )
    print(share.link)
    print(f"expires {share.expires_at}; share id {share.share_id}", file=sys.stderr)
    if share.pin:
        print("Tell the PIN aloud; it is not in the link.", file=sys.stderr)
    return 0


def shares(client: PdeClient, args: argparse.Namespace) -> int:
    """List the wallet's shares with their openings."""
    login(client, args)
    for share in list_shares(client):
        opens = f"{share.opens}/{share.max_opens}" if share.max_opens else f"{share.opens}"
        print(
            f"{share.share_id}\t{share.state}\topens {opens}\texpires {share.expires_at}\t"
            f"{plural(len(share.document_ids), 'document')}\t{share.recipient}\t{share.purpose}"
        )
        if share.suspension:
            print(suspended_line(share.suspension))
        for event in share.events:
            print(f"\t{event['at']}\t{event['event']}")
    return 0


def revoke(client: PdeClient, args: argparse.Namespace) -> int:
    """End a share now."""
    login(client, args)
    share = revoke_share(client, args.share_id)
    print(f"{share.share_id}\t{share.state}")
    return 0


def _download_bar(target: Path, shared: SharedFile) -> Callable[[int], None]:
    size = int(shared.metadata.get("size") or shared.size)  # plaintext, when it travelled
    return ProgressBar(f"downloading {target.name}", size).update


def open_share(args: argparse.Namespace) -> int:
    """Open a share link with no account and save its documents, decrypted."""
    folder = usable_folder(args.output)
    with ShareViewer(args.url) as viewer:
        pin = args.pin
        if pin is None and viewer.needs_pin():
            pin = ask_secret("PIN: ", "the share's PIN", "give it with --pin")
        opened = viewer.open(pin or "")
        if opened.sender:
            print(f"from: {opened.sender}", file=sys.stderr)
        print(f"for: {opened.recipient}\npurpose: {opened.purpose}", file=sys.stderr)
        print(f"expires: {opened.expires_at}", file=sys.stderr)
        saved = viewer.save_all(opened, folder, _download_bar)
        for path in saved:
            print(path)
        _say_issued(viewer.organisations, opened.documents, saved)
    return 0


def _say_issued(
    organisations: Callable[[], list[dict[str, Any]]],
    documents: list[SharedFile],
    saved: list[Path],
) -> None:
    """For each issued document, a line that says who signed it and whether it holds;
    an ordinary scan gets none. The list of organisations is fetched only if needed."""
    signed = [
        (shared, path)
        for shared, path in zip(documents, saved, strict=True)
        if "issued" in shared.metadata
    ]
    if not signed:
        return
    try:
        listed = organisations()
    except ClientError as error:  # the documents are saved: say why none was checked
        for _, path in signed:
            print(f"{path.name}: signature not checked: {error.message}", file=sys.stderr)
        return
    for shared, path in signed:
        check = check_file(shared.metadata, path, listed)
        if check is not None:
            print(f"{path.name}: {describe_check(check)}", file=sys.stderr)


def deposit_link(client: PdeClient, args: argparse.Namespace) -> int:
    """Open a write-only deposit link into the wallet; prints it."""
    try:
        expires_in = parse_duration(args.expires)
    except ValueError as error:
        fail(str(error))
    login(client, args)
    link = create_deposit_link(
        client,
        args.label,
        expires_in=expires_in,
        max_files=args.max_files,
    )
    print(link.link)
    print(f"expires {link.expires_at}; takes {link.max_files} files", file=sys.stderr)
    return 0


def deposit_links(client: PdeClient, args: argparse.Namespace) -> int:
    """List the wallet's deposit links."""
    login(client, args)
    for link in list_deposit_links(client):
        print(
            f"{link.deposit_id}\t{link.state}\tfiles {link.files}/{link.max_files}\t"
            f"expires {link.expires_at}\t{link.label}"
        )
        if link.suspension:
            print(suspended_line(link.suspension))
    return 0


def list_inbox(client: PdeClient, args: argparse.Namespace) -> int:
    """List the deposited files waiting in the wallet."""
    login(client, args)
    for item in inbox(client):
        meta = item.metadata
        print(f"{item.document_id}\t{meta.get('size', '')}\t{meta.get('file_name', '')}")
    return 0


def sort_inbox(client: PdeClient, args: argparse.Namespace) -> int:
    """Accept or reject one deposited file."""
    login(client, args)
    waiting = {item.document_id: item for item in inbox(client)}
    if args.document_id not in waiting:
        fail("No deposited file has this id in the inbox.")
    decide = accept if args.action == "accept" else reject
    decide(client, waiting[args.document_id])
    print(f"{args.document_id}\t{args.action}ed")
    return 0


def _say_recipient(label: str) -> None:
    """Before anything is sent: who the owner made the link for."""
    if label:
        print(f"to: {label}", file=sys.stderr)


def deposit_files(args: argparse.Namespace) -> int:
    """Seal files into a wallet through its deposit link, with no account."""
    files = [readable_file(name) for name in args.files]  # before the link's count is spent
    signing_key = load_signing_key(readable_file(args.sign_with)) if args.sign_with else None
    for document_id in deposit(
        args.url,
        files,
        category=args.type,
        recipient=_say_recipient,
        signing_key=signing_key,
        title=args.title,
        issued_on=args.issued_on,
    ):
        print(document_id)
    return 0
