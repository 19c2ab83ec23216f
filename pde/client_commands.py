"""`pde client`, `pde open-share` and `pde deposit`: the commands that use a
wallet, a share link or a deposit link through the Python client, which does
its own encryption. Each parses nothing itself and prints what a script needs."""

from __future__ import annotations

import argparse
import getpass
import io
import os
import re
import sys
import unicodedata
from pathlib import Path

import qrcode
from qrcode.image.pure import PyPNGImage

from client import ClientError, PdeClient
from client.deposits import (
    accept,
    create_deposit_link,
    deposit,
    inbox,
    list_deposit_links,
    reject,
)
from client.shares import ShareViewer, create_share, list_shares, parse_duration, revoke_share
from crypto.encoding import decode_code, encode_code
from crypto.errors import InvalidCode
from crypto.primitives import random_bytes
from crypto.share import is_valid_id, normalize_pin
from wallet.categories import CATEGORIES


def _passphrase(prompt: str = "Passphrase: ", confirm: bool = False) -> str:
    given = os.environ.get("PDE_PASSPHRASE")  # for scripts
    if given is not None:
        return given
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Same passphrase again: ") != first:
        raise SystemExit("The two passphrases differ.")
    return first


def _client(args: argparse.Namespace) -> int:
    try:
        with PdeClient(args.server) as client:
            return int(CLIENT_COMMANDS[args.action](client, args))
    except ClientError as error:
        print(f"error: {error.message} [{error.code}]", file=sys.stderr)
        return 1


def _require_handle(args: argparse.Namespace) -> str:
    if not args.handle:
        raise SystemExit("--handle is required for this command")
    return str(args.handle)


def _card_secret(args: argparse.Namespace) -> bytes:
    """The wallet card's secret from --card or PDE_CARD (b"" without a card); a
    mistyped code stops here, before any request."""

    code = args.card or os.environ.get("PDE_CARD", "")
    if not code:
        return b""
    try:
        return decode_code(code)
    except InvalidCode:
        raise SystemExit("This card code is not right: check each letter and digit.") from None


def _card_pin(typed: str) -> str:
    """A card's PIN as the passphrase: Eastern Arabic digits as ASCII (FORMAT.md §3)."""

    return normalize_pin(typed.strip())


def _login(client: PdeClient, args: argparse.Namespace) -> tuple[str, bytes]:
    """Log in with the passphrase, or with the card and its PIN; returns what was used."""
    card = _card_secret(args)
    secret = _passphrase("PIN: " if card else "Passphrase: ")
    if card:
        secret = _card_pin(secret)
    client.login(_require_handle(args), secret, card)
    return secret, card


def _new_card_pin(args: argparse.Namespace) -> str:
    typed = args.pin if args.pin is not None else getpass.getpass("New PIN (4 to 8 digits): ")
    pin = _card_pin(typed)
    if not re.fullmatch(r"[0-9]{4,8}", unicodedata.normalize("NFKC", pin)):
        raise SystemExit("A PIN is 4 to 8 digits.")
    if args.pin is None and _card_pin(getpass.getpass("Same PIN again: ")) != pin:
        raise SystemExit("The two PINs differ.")
    return pin


def _qr_png(text: str) -> bytes:
    """A black-on-white PNG of a QR code of `text` (qrcode's own PNG writer, pypng)."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        box_size=8,
        image_factory=PyPNGImage,
    )
    qr.add_data(text.encode())
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out)
    return out.getvalue()


def _card(client: PdeClient, args: argparse.Namespace) -> int:
    """Make a wallet card: from now on the wallet opens with the card and a PIN."""

    current, current_card = _login(client, args)
    pin = _new_card_pin(args)
    card = random_bytes(16)
    client.change_passphrase(current, pin, current_card, card)
    handle, code = _require_handle(args), encode_code(card)
    print(f"handle: {handle}")
    print(f"card code: {code}")
    if args.output:
        Path(args.output).write_bytes(_qr_png(f"pde-card:1:{handle}:{code}"))
        print(Path(args.output))
    print(
        "Log in with --card CODE (or PDE_CARD) and the PIN. The passphrase no longer",
        file=sys.stderr,
    )
    print("works. A lost card: log in with the recovery code.", file=sys.stderr)
    return 0


def _register(client: PdeClient, args: argparse.Namespace) -> int:
    handle = args.handle or client.suggest_handle()
    registration = client.register(handle, _passphrase(confirm=True))
    print(f"handle: {registration.handle}")
    print(f"recovery code: {registration.recovery_code}")
    print(
        "Keep the recovery code on paper. Nobody, not even the operators, can open", file=sys.stderr
    )
    print("this wallet without the passphrase or this code.", file=sys.stderr)
    return 0


def _add(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    document_id = client.add(Path(args.file), title=args.title, category=args.type)
    print(document_id)
    return 0


def _list(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    for info in client.list():
        meta = info.metadata
        print(
            f"{info.document_id}\t{meta.get('type', '')}\t{meta.get('size', '')}\t"
            f"{meta.get('title', '')}"
        )
    return 0


def _get(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    target = Path(args.output)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            client.get(args.document_id, out)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(target)
    return 0


def _delete(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    client.delete(args.document_id)
    return 0


def _export(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    for path in client.export(Path(args.output)):
        print(path)
    return 0


def _erase(client: PdeClient, args: argparse.Namespace) -> int:
    if not args.yes:
        raise SystemExit("Erasing deletes every document for good: add --yes to confirm.")
    _login(client, args)
    client.erase()
    print("wallet erased")
    return 0


def _share(client: PdeClient, args: argparse.Namespace) -> int:
    try:
        expires_in = parse_duration(args.expires)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    _login(client, args)
    fields = tuple(f.strip() for f in args.fields.split(",") if f.strip())
    share = create_share(
        client,
        args.document_ids,
        recipient=args.to,
        purpose=args.purpose,
        expires_in=expires_in,
        max_opens=args.max_opens,
        pin=args.pin or "",
        fields=fields,
    )
    print(share.link)
    print(f"expires {share.expires_at}; share id {share.share_id}", file=sys.stderr)
    if share.pin:
        print("Tell the PIN aloud; it is not in the link.", file=sys.stderr)
    return 0


def _shares(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    for share in list_shares(client):
        opens = f"{share.opens}/{share.max_opens}" if share.max_opens else f"{share.opens}"
        print(
            f"{share.share_id}\t{share.state}\topens {opens}\texpires {share.expires_at}\t"
            f"{len(share.document_ids)} documents\t{share.recipient}\t{share.purpose}"
        )
        for event in share.events:
            print(f"\t{event['at']}\t{event['event']}")
    return 0


def _revoke(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    share = revoke_share(client, args.share_id)
    print(f"{share.share_id}\t{share.state}")
    return 0


def _open_share(args: argparse.Namespace) -> int:
    try:
        with ShareViewer(args.url) as viewer:
            pin = args.pin
            if pin is None and viewer.needs_pin():
                pin = getpass.getpass("PIN: ")
            opened = viewer.open(pin or "")
            print(f"for: {opened.recipient}\npurpose: {opened.purpose}", file=sys.stderr)
            print(f"expires: {opened.expires_at}", file=sys.stderr)
            for path in viewer.save_all(opened, Path(args.output)):
                print(path)
    except ClientError as error:
        print(f"error: {error.message} [{error.code}]", file=sys.stderr)
        return 1
    return 0


def _deposit_link(client: PdeClient, args: argparse.Namespace) -> int:
    try:
        expires_in = parse_duration(args.expires)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    _login(client, args)
    link = create_deposit_link(
        client,
        args.label,
        expires_in=expires_in,
        max_files=args.max_files,
    )
    print(link.link)
    print(f"expires {link.expires_at}; takes {link.max_files} files", file=sys.stderr)
    return 0


def _deposit_links(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    for link in list_deposit_links(client):
        print(
            f"{link.deposit_id}\t{link.state}\tfiles {link.files}/{link.max_files}\t"
            f"expires {link.expires_at}\t{link.label}"
        )
    return 0


def _inbox(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    for item in inbox(client):
        meta = item.metadata
        print(f"{item.document_id}\t{meta.get('size', '')}\t{meta.get('file_name', '')}")
    return 0


def _sort_inbox(client: PdeClient, args: argparse.Namespace) -> int:
    _login(client, args)
    waiting = {item.document_id: item for item in inbox(client)}
    if args.document_id not in waiting:
        raise SystemExit("No deposited file has this id in the inbox.")
    decide = accept if args.action == "accept" else reject
    decide(client, waiting[args.document_id])
    print(f"{args.document_id}\t{args.action}ed")
    return 0


def _deposit(args: argparse.Namespace) -> int:
    try:
        for document_id in deposit(args.url, [Path(f) for f in args.files]):
            print(document_id)
    except ClientError as error:
        print(f"error: {error.message} [{error.code}]", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.strerror}: {error.filename}", file=sys.stderr)
        return 1
    return 0


CLIENT_COMMANDS = {
    "register": _register,
    "card": _card,
    "add": _add,
    "list": _list,
    "get": _get,
    "delete": _delete,
    "export": _export,
    "erase": _erase,
    "share": _share,
    "shares": _shares,
    "revoke": _revoke,
    "deposit-link": _deposit_link,
    "deposit-links": _deposit_links,
    "inbox": _inbox,
    "accept": _sort_inbox,
    "reject": _sort_inbox,
}


def _add_wallet_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    client = commands.add_parser("client", help="use a wallet (encryption happens here)")
    client.add_argument("--server", required=True, help="e.g. https://pde.example")
    client.add_argument("--handle", help="the wallet's name (pseudonym)")
    client.add_argument(
        "--card", help="log in with a wallet card: its code (or PDE_CARD); the PIN as passphrase"
    )
    actions = client.add_subparsers(dest="action", required=True)
    actions.add_parser("register", help="create a wallet; prints handle and recovery code")
    card = actions.add_parser("card", help="make a wallet card (card + PIN replace the passphrase)")
    card.add_argument("--pin", help="the card's PIN, 4 to 8 digits (else asked)")
    card.add_argument("-o", "--output", help="write the card's QR code to this PNG file")
    add = actions.add_parser("add", help="encrypt and upload a file; prints its id")
    add.add_argument("file")
    add.add_argument("--title")
    add.add_argument("--type", default="other", choices=CATEGORIES)
    actions.add_parser("list", help="list documents: id, type, size, title")
    get = actions.add_parser("get", help="download and decrypt a document")
    get.add_argument("document_id", type=_identifier)
    get.add_argument("-o", "--output", required=True)
    delete = actions.add_parser("delete", help="delete a document")
    delete.add_argument("document_id", type=_identifier)
    export = actions.add_parser("export", help="decrypt every document into a folder")
    export.add_argument("-o", "--output", required=True)
    erase = actions.add_parser("erase", help="erase the wallet for good")
    erase.add_argument("--yes", action="store_true")
    share = actions.add_parser("share", help="share documents; prints the link")
    share.add_argument("document_ids", nargs="+", metavar="ID", type=_identifier)
    share.add_argument("--to", required=True, help='recipient, e.g. "CPAS Ixelles, Mrs X"')
    share.add_argument("--purpose", required=True)
    share.add_argument("--expires", default="7d", help="1h to 30d (default 7d)")
    share.add_argument("--max-opens", type=int, default=None, help="default: unlimited")
    share.add_argument("--pin", help="a PIN to tell the recipient aloud")
    share.add_argument(
        "--fields",
        default="title,type",
        help="metadata that travels: title,type,date,issuer,file_name",
    )
    actions.add_parser("shares", help="list shares with their openings")
    revoke = actions.add_parser("revoke", help="end a share now")
    revoke.add_argument("share_id", type=_identifier)
    deposit_link = actions.add_parser(
        "deposit-link", help="open a write-only deposit link; prints it"
    )
    deposit_link.add_argument("--label", required=True, help="for you: who deposits, and why")
    deposit_link.add_argument("--expires", default="7d", help="1h to 30d (default 7d)")
    deposit_link.add_argument("--max-files", type=int, default=5)
    actions.add_parser("deposit-links", help="list deposit links")
    actions.add_parser("inbox", help="list deposited files waiting for you")
    for verb in ("accept", "reject"):
        sort = actions.add_parser(verb, help=f"{verb} a deposited file")
        sort.add_argument("document_id", type=_identifier)
    client.set_defaults(run=_client)


def add_client_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pde client …` (a wallet), `pde open-share` and `pde deposit` (a link, no account)."""
    _add_wallet_parser(commands)
    open_share = commands.add_parser(
        "open-share", help="open a share link (no account) and save its documents"
    )
    open_share.add_argument("url")
    open_share.add_argument("--pin", help="asked for when the share has one")
    open_share.add_argument("-o", "--output", required=True, help="folder for the documents")
    open_share.set_defaults(run=_open_share)
    deposit_parser = commands.add_parser(
        "deposit", help="seal files into a wallet through its deposit link (no account)"
    )
    deposit_parser.add_argument("url")
    deposit_parser.add_argument("files", nargs="+", metavar="FILE")
    deposit_parser.set_defaults(run=_deposit)


# One id in 64 starts with '-' (base64url), which argparse would read as an option:
# such ids are shielded before parsing and unshielded by their argument type.
_ID_SHIELD = "\x00id:"


def shield_ids(argv: list[str]) -> list[str]:
    """`argv` with ids that start with '-' shielded from argparse."""

    return [_ID_SHIELD + a if a.startswith("-") and is_valid_id(a) else a for a in argv]


def _identifier(text: str) -> str:
    return text.removeprefix(_ID_SHIELD)
