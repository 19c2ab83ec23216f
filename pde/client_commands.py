"""`pde client …`: the commands that use a wallet through the Python client,
which does its own encryption (register, card, add, list, get, delete, export,
erase), their parser, and the parsers of the share and deposit commands
(pde/sharing_commands.py). Each prints what a script needs."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date
from pathlib import Path

import qrcode
from qrcode.image.pure import PyPNGImage

from client import PdeClient
from client.io import CountingWriter
from client.shares import DEFAULT_FIELDS, OPTIONAL_FIELDS
from crypto.encoding import b64u_decode, encode_code
from crypto.errors import InvalidEncoding
from crypto.primitives import random_bytes
from crypto.share import is_valid_id
from pde import sharing_commands as sharing
from pde.cli_checks import readable_file, usable_folder, writable_target
from pde.cli_errors import fail
from pde.client_login import login, new_card_pin, new_passphrase, require_handle
from pde.progress import ProgressBar
from wallet.categories import CATEGORIES

# How long a command waits for a server that answered and went away (a restart
# in the middle of an upload, which then resumes), telling the person it waits.
RETRY_SECONDS = 60.0
LOGIN_HELP = """\
The passphrase is read from PDE_PASSPHRASE when it is set (scripts), else asked
on the terminal; it is never an option, so it never shows in the list of
processes. A wallet card: --card CODE (or PDE_CARD), with its PIN in place of
the passphrase. Errors are one line on standard error, with exit code 1."""


def tell(message: str) -> None:
    """A line for the person at the terminal, out of the command's output."""
    print(message, file=sys.stderr)


def _client(args: argparse.Namespace) -> int:
    """Run one `pde client` action (an API error stops `pde` with its code)."""
    with PdeClient(args.server, retry_seconds=RETRY_SECONDS, on_retry=tell) as client:
        return int(CLIENT_COMMANDS[args.action](client, args))


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
    current, current_card = login(client, args)
    pin = new_card_pin(args)
    card = random_bytes(16)
    client.change_passphrase(current, pin, current_card, card)
    handle, code = require_handle(args), encode_code(card)
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
    """Create a wallet; prints the handle and the recovery code."""
    chosen = new_passphrase()
    handle = args.handle or client.suggest_handle()
    registration = client.register(handle, chosen)
    print(f"handle: {registration.handle}")
    print(f"recovery code: {registration.recovery_code}")
    print(
        "Keep the recovery code on paper. Nobody, not even the operators, can open", file=sys.stderr
    )
    print("this wallet without the passphrase or this code.", file=sys.stderr)
    return 0


def _add(client: PdeClient, args: argparse.Namespace) -> int:
    """Encrypt and upload a file; prints its id."""
    source = readable_file(args.file)
    login(client, args)
    bar = ProgressBar(f"uploading {source.name}", source.stat().st_size)
    document_id = client.add(source, title=args.title, category=args.type, progress=bar.update)
    print(document_id)
    return 0


def _list(client: PdeClient, args: argparse.Namespace) -> int:
    """List documents: id, type, size, title."""
    login(client, args)
    for info in client.list():
        meta = info.metadata
        print(
            f"{info.document_id}\t{meta.get('type', '')}\t{meta.get('size', '')}\t"
            f"{meta.get('title', '')}"
        )
    return 0


def _get(client: PdeClient, args: argparse.Namespace) -> int:
    """Download and decrypt a document; a failed check leaves no partial file."""
    target = writable_target(args.output)
    login(client, args)
    size = int(client.info(args.document_id).metadata.get("size") or 0)
    bar = ProgressBar(f"downloading {target.name}", size)
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            client.get(args.document_id, CountingWriter(out, bar.update))  # type: ignore[arg-type]
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(target)
    return 0


def _delete(client: PdeClient, args: argparse.Namespace) -> int:
    """Delete a document."""
    login(client, args)
    client.delete(args.document_id)
    return 0


def _export(client: PdeClient, args: argparse.Namespace) -> int:
    """Decrypt every document into a folder."""
    folder = usable_folder(args.output)
    login(client, args)
    for path in client.export(folder):
        print(path)
    return 0


def _erase(client: PdeClient, args: argparse.Namespace) -> int:
    """Erase the wallet for good, after --yes."""
    if not args.yes:
        fail("Erasing deletes every document for good: add --yes to confirm.")
    login(client, args)
    client.erase()
    print("wallet erased")
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
    "share": sharing.share,
    "shares": sharing.shares,
    "revoke": sharing.revoke,
    "deposit-link": sharing.deposit_link,
    "deposit-links": sharing.deposit_links,
    "inbox": sharing.list_inbox,
    "accept": sharing.sort_inbox,
    "reject": sharing.sort_inbox,
}


def _add_wallet_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    client = commands.add_parser(
        "client",
        help="use a wallet (encryption happens here)",
        description="Use a wallet on a PDE server. Encryption and decryption happen here: "
        "the server gets ciphertext only.",
        epilog=LOGIN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    client.add_argument(
        "--server", required=True, help="e.g. https://pde.example or http://127.0.0.1:8000"
    )
    client.add_argument("--handle", help="the wallet's name (pseudonym)")
    client.add_argument(
        "--card",
        help="log in with a wallet card: its code (or PDE_CARD); the PIN in PDE_PASSPHRASE "
        "or typed",
    )
    actions = client.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "register",
        help="create a wallet (passphrase of at least 12 characters); prints handle and "
        "recovery code",
    )
    card = actions.add_parser("card", help="make a wallet card (card + PIN replace the passphrase)")
    card.add_argument("--pin", help="the card's PIN, 4 to 8 digits (else asked)")
    card.add_argument("-o", "--output", help="write the card's QR code to this PNG file")
    add = actions.add_parser("add", help="encrypt and upload a file; prints its id")
    add.add_argument("file")
    add.add_argument("--title", help="default: the file's name without its extension")
    add.add_argument("--type", default="other", choices=CATEGORIES, help="default: other")
    actions.add_parser("list", help="list documents: id, type, size, title")
    get = actions.add_parser("get", help="download and decrypt a document")
    get.add_argument("document_id")
    get.add_argument("-o", "--output", required=True, help="the file to write")
    delete = actions.add_parser("delete", help="delete a document")
    delete.add_argument("document_id")
    export = actions.add_parser("export", help="decrypt every document into a folder")
    export.add_argument(
        "-o", "--output", required=True, help="folder for the files and their index.json"
    )
    erase = actions.add_parser("erase", help="erase the wallet for good")
    erase.add_argument("--yes", action="store_true", help="confirm: there is no undo")
    share = actions.add_parser("share", help="share documents; prints the link")
    share.add_argument("document_ids", nargs="+", metavar="ID")
    share.add_argument("--to", required=True, help='recipient, e.g. "CPAS Ixelles, Mrs X"')
    share.add_argument("--purpose", required=True, help='e.g. "RIS application"')
    share.add_argument(
        "--from",
        dest="sender",
        default="",
        help="whose documents, as the worker sees it, e.g. your wallet's name (default: not said)",
    )
    share.add_argument("--expires", default="7d", help="1h to 30d (default 7d)")
    share.add_argument("--max-opens", type=int, default=None, help="default: unlimited")
    share.add_argument("--pin", help="a PIN to tell the recipient aloud (default: none)")
    share.add_argument(
        "--fields",
        default=",".join(DEFAULT_FIELDS),
        type=shared_fields,
        help=f"the metadata that travels, among {','.join(OPTIONAL_FIELDS)} "
        f"(default: {','.join(DEFAULT_FIELDS)}); media type and size always travel",
    )
    actions.add_parser("shares", help="list shares with their openings")
    revoke = actions.add_parser("revoke", help="end a share now")
    revoke.add_argument("share_id")
    deposit_link = actions.add_parser(
        "deposit-link", help="open a write-only deposit link; prints it"
    )
    deposit_link.add_argument("--label", required=True, help="for you: who deposits, and why")
    deposit_link.add_argument("--expires", default="7d", help="1h to 30d (default 7d)")
    deposit_link.add_argument("--max-files", type=int, default=5, help="default: 5")
    actions.add_parser("deposit-links", help="list deposit links")
    actions.add_parser("inbox", help="list deposited files waiting for you")
    for verb in ("accept", "reject"):
        sort = actions.add_parser(verb, help=f"{verb} a deposited file")
        sort.add_argument("document_id")
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
    open_share.set_defaults(run=sharing.open_share)
    deposit_parser = commands.add_parser(
        "deposit", help="seal files into a wallet through its deposit link (no account)"
    )
    deposit_parser.add_argument("url")
    deposit_parser.add_argument("files", nargs="+", metavar="FILE")
    deposit_parser.add_argument(
        "--sign-with",
        metavar="KEY_FILE",
        help="sign each file as issued by your organisation (its key file: pde org keygen)",
    )
    deposit_parser.add_argument(
        "--title", help="the title the files are issued with (default: the file's name)"
    )
    deposit_parser.add_argument(
        "--type", default="other", choices=CATEGORIES, help="their category (default: other)"
    )
    deposit_parser.add_argument(
        "--issued-on", type=_day, help="the issue date, yyyy-mm-dd (default: today)"
    )
    deposit_parser.set_defaults(run=sharing.deposit_files)


# One id or key fingerprint in 64 starts with '-' (base64url), which argparse would
# read as an option: such ids are shielded before parsing and unshielded after
# (`unshielded`: every argument, since a handle or a file name may look like one).
_ID_SHIELD = "\x00id:"


def shield_ids(argv: list[str]) -> list[str]:
    """`argv` with ids and key fingerprints that start with '-' shielded from argparse."""
    return [_ID_SHIELD + a if a.startswith("-") and _an_id(a) else a for a in argv]


def _an_id(text: str) -> bool:
    """A wallet object's id, or an organisation key's fingerprint (43 characters: a SHA-256)."""
    if is_valid_id(text):
        return True
    try:
        return len(text) == 43 and len(b64u_decode(text)) == 32
    except InvalidEncoding:
        return False


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (yyyy-mm-dd): {text}") from None


def identifier(text: str) -> str:
    """An id or fingerprint argument as typed (unshielded, see shield_ids)."""
    return text.removeprefix(_ID_SHIELD)


def unshielded(args: argparse.Namespace) -> argparse.Namespace:
    """`args` with every word as typed: shield_ids shields any word that looks like an
    id, whichever argument it was for."""
    for name, value in vars(args).items():
        if isinstance(value, str):
            setattr(args, name, identifier(value))
        elif isinstance(value, list):
            setattr(args, name, [identifier(v) if isinstance(v, str) else v for v in value])
    return args


def shared_fields(text: str) -> tuple[str, ...]:
    """--fields as a tuple; a name that is not a field stops before any login."""
    fields = tuple(f.strip() for f in text.split(",") if f.strip())
    unknown = [f for f in fields if f not in OPTIONAL_FIELDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"not a field: {', '.join(unknown)} (choose among {','.join(OPTIONAL_FIELDS)})"
        )
    return fields
