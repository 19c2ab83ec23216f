"""The E2EE canary (docs/design.md §2): a wallet is filled through the Python client
with distinct random markers in every place a person can type or choose
(passphrase, file content, file name, title, issuer, tags, note, a renamed
title, an unfinished upload, a share's recipient, purpose, sender name and PIN,
and the metadata it carries, a deposit link's label, and the content, file name and
title of files deposited through it by a service with no account, a hidden
document's title and content and the second secret of its compartment), the share
is opened and its documents downloaded as a worker would, the deposits are
accepted (one is rejected), then everything the server side holds is read
back (every database row and byte, every blob, every file of the data folders,
the server log) and searched for each marker and for every secret and key in
every encoding. The server must hold ciphertext only.

Recovery by trustees is checked the same way on a server whose requests open at
once: the trustee key, the request's code and keys, the printed share, the owner's
note and the new passphrase chosen after the recovery appear nowhere.

A document deposited signed by an organisation (tests/security/canary_issued.py)
leaves no signed title, content, signature or signed hash on the server either.

A positive control proves that the search finds a marker planted on purpose,
and that the scan really reads the database, the blobs and the log."""

from __future__ import annotations

import base64
import io
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from minio import Minio
from sqlalchemy import MetaData, create_engine, make_url, select, text

from client import PdeClient
from client import deposits as deposit_client
from client.shares import ShareViewer, create_share
from client.trustees import (
    recover_with_trustees,
    release,
    request_recovery,
    requests_to_release,
    set_up_trustees,
    trustee_invitation,
)
from crypto import (
    b64u_decode,
    b64u_encode,
    decode_code,
    derive_compartment_keys,
    derive_login_keys,
    derive_recovery_keys,
    derive_share_keys,
    parse_deposit_link,
    parse_share_link,
    unwrap_deposit_private_key,
)
from crypto.shamir import combine_shares, share_from_bytes, share_from_text, share_to_bytes
from crypto.trustees import derive_request_keys, derive_trustee_keys, open_released_share
from tests.api.deposit_support import deposit, seal_deposit
from tests.conftest import server_on
from tests.security import find_leaks, forms_of_bytes, forms_of_text
from tests.security.canary_issued import deposit_signed_and_share
from tests.security.canary_reports import ReportedLinks, report_and_suspend
from tests.server import ServeProcess

MIB = 1 << 20


# On S3 the documents go straight between the client and the store (direct
# transfers): the store holds what the client put there, which must be ciphertext.
CANARY_BACKENDS = ["sqlite-local", "postgres-s3-direct"]


@pytest.fixture(scope="module", params=CANARY_BACKENDS)
def pde_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServeProcess]:
    """`pde serve` per backend pairing (the canary reads the process's own log), whose
    recovery requests open at once for the trustees' part."""
    base, no_delay = tmp_path_factory.mktemp(request.param), {"PDE_RECOVERY_DELAY_HOURS": "0"}
    with server_on(request.param, base, no_delay, process=True) as server:
        assert isinstance(server, ServeProcess)
        yield server


def marker() -> str:
    return "CANARY-" + secrets.token_hex(8)


class StopAfterFirstPart(Exception):
    """Raised from the upload's progress callback to leave an upload unfinished."""


def stop_after_first_part(received: int, size: int) -> None:
    raise StopAfterFirstPart(f"{received}/{size}")


@dataclass
class SharedProof:
    """What the worker decrypted from the share: the info and each document's metadata."""

    info: dict[str, str]
    metadata: list[dict[str, Any]]
    contents: list[bytes]


SHARED_FIELDS = ("title", "issuer")  # what the owner lets travel; media type and size always do


@dataclass
class FilledWallet:
    """A wallet full of markers, and a snapshot of everything the server holds."""

    markers: dict[str, str]
    secrets: dict[str, dict[str, bytes]]
    database: dict[str, bytes]
    stored_files: dict[str, bytes]
    objects: dict[str, bytes]
    log: str
    handle: str
    metadata_boxes: list[bytes]
    ciphertexts: list[bytes]
    shared: SharedProof
    reported: ReportedLinks

    def haystacks(self) -> dict[str, bytes]:
        return self.database | self.stored_files | self.objects | {"server log": self.log.encode()}


def _fill(
    client: PdeClient, folder: Path
) -> tuple[dict[str, str], dict[str, dict[str, bytes]], SharedProof]:
    """Register and fill the wallet, share two documents and open the share; returns
    the markers, the secrets to look for and what the worker decrypted."""
    markers = {
        name: marker()
        for name in (
            "passphrase",
            "new passphrase",
            "text content",
            "text title",
            "issuer",
            "tag",
            "file name",
            "named file content",
            "big start",
            "big segment boundary",
            "big end",
            "big title",
            "note content",
            "note field",
            "renamed title",
            "renamed tag",
            "unfinished content",
            "unfinished title",
            "share recipient",
            "share purpose",
            "share sender",
            "share pin",
            "deposit link label",
            "deposit content",
            "deposit file name",
            "sealed deposit content",
            "sealed deposit title",
            "sealed deposit file name",
            "rejected deposit content",
            "rejected deposit file name",
            "compartment secret",
            "hidden title",
            "hidden content",
        )
    }
    passphrase = f"ma phrase {markers['passphrase']} secrète"
    registration = client.register(f"canary-{secrets.token_hex(4)}", passphrase)
    first_salt = b64u_decode(client.account["account_salt"])

    letter = folder / "letter.txt"
    letter.write_text(f"Madame, Monsieur,\n{markers['text content']}\nCordialement\n")
    letter_id = client.add(
        letter,
        title=markers["text title"],
        category="cpas",
        extra={"issuer": markers["issuer"], "tags": [markers["tag"]], "date": "2024-05-01"},
    )
    named = folder / f"{markers['file name']}.pdf"
    named.write_bytes(b"%PDF-1.4\n" + markers["named file content"].encode() + b"\n%%EOF\n")
    named_id = client.add(named, category="identity")

    big = bytearray(os.urandom(2 * MIB + 512 * 1024))
    for offset, name in (
        (0, "big start"),
        (MIB - 10, "big segment boundary"),
        (len(big) - 40, "big end"),
    ):
        big[offset : offset + 23] = markers[name].encode()
    client.add(io.BytesIO(bytes(big)), title=markers["big title"], part_bytes=MIB)

    story = io.BytesIO(f"Mon histoire. {markers['note content']}".encode())
    story.name = "histoire.txt"
    client.add(story, category="story", extra={"note": markers["note field"]})

    client.update(letter_id, title=markers["renamed title"], tags=[markers["renamed tag"]])

    unfinished = bytearray(os.urandom(2 * MIB))
    unfinished[100:123] = markers["unfinished content"].encode()
    with pytest.raises(StopAfterFirstPart):
        client.add(
            io.BytesIO(bytes(unfinished)),
            title=markers["unfinished title"],
            part_bytes=MIB,
            progress=stop_after_first_part,
        )

    share = create_share(
        client,
        [letter_id, named_id],
        recipient=f"CPAS {markers['share recipient']}",
        purpose=f"RIS {markers['share purpose']}",
        sender=f"Amina {markers['share sender']}",
        pin=markers["share pin"],
        max_opens=3,
        fields=SHARED_FIELDS,
    )
    with ShareViewer(share.link) as viewer:
        assert viewer.needs_pin()
        opened = viewer.open(share.pin)
        contents = []
        for shared_file in opened.documents:
            out = io.BytesIO()
            viewer.download(opened, shared_file, out)
            contents.append(out.getvalue())
    proof = SharedProof(
        {"recipient": opened.recipient, "purpose": opened.purpose, "from": opened.sender},
        [shared_file.metadata for shared_file in opened.documents],
        contents,
    )
    _, share_id, share_secret = parse_share_link(share.link)
    share_keys = derive_share_keys(share_secret, share_id, share.pin)

    rejected_key, accepted, deposit_secret = _deposit_and_sort(client, folder, markers)
    hidden_keys = _hide(client, markers)

    new_passphrase = f"nouvelle {markers['new passphrase']} phrase"
    client.change_passphrase(passphrase, new_passphrase)
    second_salt = b64u_decode(client.account["account_salt"])

    assert client.account_id is not None and client._master_key is not None
    old = derive_login_keys(passphrase, first_salt)
    new = derive_login_keys(new_passphrase, second_salt)
    recovery_key = decode_code(registration.recovery_code)
    recovery = derive_recovery_keys(recovery_key, first_salt)
    deposit_private = unwrap_deposit_private_key(
        client._master_key,
        b64u_decode(client.account["wrapped_deposit_private_key"]),
        client.account_id,
    )
    document_keys = {
        f"document key of {item['document_id']}": client.document_key(item)
        for item in client.call("GET", "/api/v1/documents")
    }
    keys = {
        "master key": client._master_key,
        "kek (first passphrase)": old.kek,
        "auth key (first passphrase)": old.auth_key,
        "kek (new passphrase)": new.kek,
        "auth key (new passphrase)": new.auth_key,
        "recovery key": recovery_key,
        "recovery kek": recovery.kek,
        "recovery auth": recovery.auth,
        "deposit private key": deposit_private,
        "share secret": share_secret,
        "share key": share_keys.share_key,
        "share access token": share_keys.access_token,  # shown to the server, kept as SHA-256
        "share link token": share_keys.link_token,  # shown to the server, kept as SHA-256
    } | document_keys
    words = {
        "passphrase": passphrase,
        "new passphrase": new_passphrase,
        "recovery code": registration.recovery_code,
        "recovery code without dashes": registration.recovery_code.replace("-", ""),
        "session token": str(client._token),
        "share secret (base64url, as in the link)": b64u_encode(share_secret),
        "share link": share.link,
        "share view token": opened.view_token,
    }
    keys["document key of the rejected deposit"] = rejected_key
    keys["deposit link secret"] = deposit_secret
    keys |= hidden_keys
    words["compartment secret"] = _compartment_secret(markers)
    assert set(accepted) <= {
        item["document_id"] for item in client.call("GET", "/api/v1/documents")
    }
    found = {name: forms_of_bytes(key) for name, key in keys.items()}
    return markers, found | {name: forms_of_text(word) for name, word in words.items()}, proof


def _compartment_secret(markers: dict[str, str]) -> str:
    return f"un autre {markers['compartment secret']} endroit"


def _hide(client: PdeClient, markers: dict[str, str]) -> dict[str, bytes]:
    """Add a document in the hidden compartment of a marker secret (FORMAT.md §4.1);
    returns the compartment's token (shown to the server, kept as SHA-256) and keys."""
    secret = _compartment_secret(markers)
    client.open_compartment(secret)
    hidden = io.BytesIO(f"Lettre cachée. {markers['hidden content']}".encode())
    hidden.name = "lettre.txt"
    hidden_id = client.add(hidden, title=markers["hidden title"], category="social")
    item = client.call("GET", f"/api/v1/documents/{hidden_id}")
    assert client.info(hidden_id).metadata["title"] == markers["hidden title"]
    document_key = client.document_key(item)
    client.close_compartment()
    assert hidden_id not in {info.document_id for info in client.list()}
    assert client.account_id is not None
    keys = derive_compartment_keys(secret, client.account_id)
    return {
        "compartment token": keys.token,
        "compartment key": keys.key,
        "document key of the hidden document": document_key,
    }


def _deposit_and_sort(
    client: PdeClient, folder: Path, markers: dict[str, str]
) -> tuple[bytes, list[str], bytes]:
    """Open a deposit link with a marker label; deposit through it as a service would
    (`pde deposit`'s client, which reads the label from the link's info box, and one
    sealed here with a chosen title), accept two files and reject one. Returns the
    rejected file's document key, the accepted ids and the link's secret."""
    link = deposit_client.create_deposit_link(
        client, f"CPAS {markers['deposit link label']}", max_files=3
    )
    public_key = b64u_decode(client.account["deposit_public_key"])
    attestation = folder / f"{markers['deposit file name']}.pdf"
    attestation.write_bytes(b"%PDF-1.4\n" + markers["deposit content"].encode() + b"\n%%EOF\n")
    heard: list[str] = []  # the label, as the service reads it from the link's info box
    [through_client] = deposit_client.deposit(
        link.link, [attestation], retry_seconds=5, recipient=heard.append
    )
    assert heard == [f"CPAS {markers['deposit link label']}"]
    with PdeClient(client.server, retry_seconds=5) as depositor:
        for name in ("sealed deposit", "rejected deposit"):
            content = f"{name}: {markers[f'{name} content']}".encode() * 50
            meta = {
                "title": markers.get(f"{name} title", "deposited"),
                "file_name": f"{markers[f'{name} file name']}.txt",
                "media_type": "text/plain",
            }
            deposit(depositor._http, seal_deposit(public_key, link.deposit_id, content, meta))
    inbox = {item.metadata["file_name"]: item for item in deposit_client.inbox(client)}
    assert len(inbox) == 3
    rejected = inbox.pop(f"{markers['rejected deposit file name']}.txt")
    deposit_client.reject(client, rejected)
    accepted = [deposit_client.accept(client, item) for item in inbox.values()]
    assert through_client in accepted and deposit_client.inbox(client) == []
    titles = {info.metadata["title"] for info in client.list()}
    assert {markers["sealed deposit title"], markers["deposit file name"]} <= titles
    return rejected.document_key, accepted, parse_deposit_link(link.link)[2]


def _value_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return str(value).encode()


def read_database(url: str) -> dict[str, bytes]:
    """Every row of every table (reflected, so a new table is read too); on
    PostgreSQL also each row as text, as pg_dump would print it (bytea in hex)."""
    engine = create_engine(url)
    tables: dict[str, bytes] = {}
    try:
        schema = MetaData()
        schema.reflect(engine)
        with engine.connect() as connection:
            for table in schema.sorted_tables:
                rows = connection.execute(select(table)).all()
                values = [_value_bytes(value) for row in rows for value in row]
                tables[f"database table {table.name}"] = b"\n".join(values)
                if engine.dialect.name == "postgresql":
                    quoted = engine.dialect.identifier_preparer.quote(table.name)
                    as_text = connection.execute(text(f"SELECT t::text FROM {quoted} AS t"))
                    dump = "\n".join(str(row[0]) for row in as_text).encode()
                    tables[f"database table {table.name} as text"] = dump
    finally:
        engine.dispose()
    assert tables, f"no table found in {url}"
    return tables | (pg_dump(url) if url.startswith("postgresql") else {})


def pg_dump(url: str) -> dict[str, bytes]:
    """The database as `pg_dump` prints it (bytea in hex), when pg_dump is installed."""
    if shutil.which("pg_dump") is None:
        return {}
    target = make_url(url)
    command = [
        "pg_dump",
        "--no-owner",
        "-h",
        str(target.host),
        "-p",
        str(target.port or 5432),
        "-U",
        str(target.username),
        str(target.database),
    ]
    return {"pg_dump": subprocess.run(command, capture_output=True, check=True).stdout}


def read_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` (SQLite with its -wal and -shm, local blobs, the
    S3 server's own folders, logs), and the list of their names."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            files[f"file {path.relative_to(root)}"] = path.read_bytes()
        except FileNotFoundError:  # a temporary file that went away meanwhile
            continue
    files["names of the files"] = "\n".join(files).encode()
    return files


def read_bucket(env: dict[str, str]) -> dict[str, bytes]:
    """Every object of the S3 bucket, with its metadata, and the list of keys."""
    s3 = Minio(
        env["PDE_S3_ENDPOINT"],
        access_key=env["PDE_S3_ACCESS_KEY"],
        secret_key=env["PDE_S3_SECRET_KEY"],
        secure=False,
        region=env["PDE_S3_REGION"],
    )
    bucket = env["PDE_S3_BUCKET"]
    objects = {}
    for item in s3.list_objects(bucket, recursive=True):
        assert item.object_name is not None
        response = s3.get_object(bucket, item.object_name)
        try:
            objects[f"object {item.object_name}"] = response.read()
        finally:
            response.close()
            response.release_conn()
        stat = s3.stat_object(bucket, item.object_name)
        objects[f"object {item.object_name} metadata"] = repr(dict(stat.metadata or {})).encode()
    objects["names of the objects"] = "\n".join(objects).encode()
    return objects


@pytest.fixture(scope="module")
def filled(
    pde_server: ServeProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FilledWallet]:
    with PdeClient(pde_server.url, retry_seconds=5) as client:
        markers, found_secrets, shared = _fill(client, tmp_path_factory.mktemp("canary-files"))
        database_url = (
            pde_server.env.get("PDE_DATABASE_URL")
            or f"sqlite:///{pde_server.data_dir / 'pde.sqlite3'}"
        )
        # Staff flows and reports (issue 11 §5): markers in the reported links, none stored.
        reported = report_and_suspend(client, pde_server.url, database_url)
        markers |= reported.markers
        found_secrets |= reported.secrets
        # Issued documents (issue 16): a signed deposit, accepted and shared.
        issued = deposit_signed_and_share(
            client, database_url, tmp_path_factory.mktemp("canary-issued")
        )
        markers |= issued.markers
        found_secrets |= issued.secrets
        items = client.call("GET", "/api/v1/documents")
        ciphertexts = [
            client._send("GET", f"/api/v1/documents/{item['document_id']}/content").content
            for item in items
        ]
        # What the server holds, read after the last request was answered.
        stored_files = read_files(pde_server.data_dir.parent)
        objects = read_bucket(pde_server.env) if "PDE_S3_BUCKET" in pde_server.env else {}
        yield FilledWallet(
            markers=markers,
            secrets=found_secrets,
            database=read_database(database_url),
            stored_files=stored_files,
            objects=objects,
            log=pde_server.log_text(),
            handle=str(client.handle),
            metadata_boxes=[b64u_decode(item["metadata"]) for item in items],
            ciphertexts=ciphertexts,
            shared=shared,
            reported=reported,
        )


def test_the_leak_search_finds_a_marker_planted_in_any_encoding_at_any_offset(
    tmp_path: Path,
) -> None:
    planted = marker()
    for name, form in forms_of_text(planted).items():
        for offset in range(3):
            noise = os.urandom(100 + offset)
            (tmp_path / "planted.bin").write_bytes(noise + form + os.urandom(50))
            haystacks = read_files(tmp_path)
            leaks = find_leaks(haystacks, {"planted": forms_of_text(planted)})
            assert f"planted as {name} in file planted.bin" in leaks, (name, offset)
    # Encoded as part of a longer value, at each of the three base64 alignments.
    for prefix in (b"", b"a", b"ab"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode, lambda b: b.hex().encode()):
            blob = encode(prefix + planted.encode() + b"!")
            assert find_leaks({"blob": blob}, {"planted": forms_of_text(planted)}), (prefix, encode)
    assert find_leaks({"blob": planted.encode("utf-16-le")}, {"p": forms_of_text(planted)})
    assert not find_leaks(read_files(tmp_path), {"other": forms_of_text(marker())})


def test_the_scan_reads_the_database_the_blobs_and_the_log(filled: FilledWallet) -> None:
    database = b"\n".join(filled.database.values())
    assert filled.handle.encode() in database
    for box in filled.metadata_boxes:
        assert box in database or box.hex().encode() in database
    assert len(filled.ciphertexts) == 7  # four added, two deposited and one signed, accepted
    blobs = list(filled.objects.values()) + list(filled.stored_files.values())
    for ciphertext in filled.ciphertexts:
        assert any(ciphertext in blob for blob in blobs), "a document's ciphertext was not read"
    assert "Application startup complete" in filled.log
    if "database table accounts as text" in filled.database:  # PostgreSQL
        assert filled.handle.encode() in filled.database["database table accounts as text"]
        if shutil.which("pg_dump"):
            assert filled.handle.encode() in filled.database["pg_dump"]
    else:  # SQLite: the write-ahead log, where recent writes sit, is read too
        assert "file server/pde.sqlite3-wal" in filled.stored_files


def test_no_content_file_name_title_or_metadata_marker_is_stored_on_the_server(
    filled: FilledWallet,
) -> None:
    wanted = {name: forms_of_text(value) for name, value in filled.markers.items()}
    assert find_leaks(filled.haystacks(), wanted) == []


def test_no_passphrase_recovery_code_session_token_or_key_is_stored_on_the_server(
    filled: FilledWallet,
) -> None:
    assert find_leaks(filled.haystacks(), filled.secrets) == []


def test_a_report_keeps_the_link_id_reason_and_text_and_no_link_secret(
    filled: FilledWallet,
) -> None:
    reports = {
        name: table
        for name, table in filled.database.items()
        if "link_reports" in name and "link_suspensions" not in name
    }
    assert reports, "the scan did not read the reports' table"
    kept = b"\n".join(reports.values())
    for link_id in (filled.reported.share_id, filled.reported.deposit_id):
        assert link_id.encode() in kept
    assert "Reçu par erreur".encode() in kept or "Reçu par erreur".encode().hex().encode() in kept
    assert find_leaks(reports, filled.reported.link_secrets) == []
    audit = b"\n".join(v for k, v in filled.database.items() if "staff_audit_log" in k)
    assert filled.reported.share_id.encode() in audit  # the suspension, the lift, the closing


def test_the_scan_reads_the_share_and_deposit_tables(filled: FilledWallet) -> None:
    for table in ("shares", "share_documents", "share_events", "deposit_links"):
        assert filled.database[f"database table {table}"], f"{table} is empty or was not read"


def test_a_share_carries_only_the_metadata_fields_the_owner_chose(filled: FilledWallet) -> None:
    """The worker decrypts each document's share metadata with the share key: the
    chosen fields and the media type and size, nothing else of the owner's metadata
    (type, date, tags, file name), and the documents themselves byte for byte."""
    letter, named = filled.shared.metadata
    assert set(letter) == {"title", "issuer", "media_type", "size"}, letter
    assert letter["title"] == filled.markers["renamed title"]
    assert letter["issuer"] == filled.markers["issuer"]
    assert letter["media_type"] == "text/plain"
    assert set(named) == {"title", "media_type", "size"}, named  # it has no issuer
    assert named["media_type"] == "application/pdf"
    left_out = {
        name: forms_of_text(filled.markers[name]) for name in ("tag", "renamed tag", "file name")
    }
    assert find_leaks({"letter's shared metadata": repr(letter).encode()}, left_out) == []
    assert filled.markers["text content"].encode() in filled.shared.contents[0]
    assert filled.markers["named file content"].encode() in filled.shared.contents[1]
    assert [len(c) for c in filled.shared.contents] == [m["size"] for m in (letter, named)]
    assert filled.shared.info == {
        "recipient": f"CPAS {filled.markers['share recipient']}",
        "purpose": f"RIS {filled.markers['share purpose']}",
        "from": f"Amina {filled.markers['share sender']}",
    }


@dataclass
class Sent:
    """One request as it left the client: method, URL, headers and body."""

    url: str
    headers: bytes
    body: bytes


def record_requests(http: Any, sent: list[Sent]) -> None:
    """Keep every request `http` (an httpx.Client) sends, body included."""

    def keep(request: Any) -> None:
        body = request.read() if not isinstance(request.stream, Iterator) else b""
        headers = "\n".join(f"{k}: {v}" for k, v in request.headers.items()).encode()
        sent.append(Sent(str(request.url), headers, body))

    http.event_hooks["request"].append(keep)


def test_the_server_never_receives_the_link_secret_the_pin_or_the_share_key(
    pde_server: ServeProcess, tmp_path: Path
) -> None:
    """Every request of the owner's client (share created) and of the worker's
    (status, opening, downloads) is recorded as it leaves: the link's secret (raw,
    hex, base64url), the PIN and the share key are in none. The link and access
    tokens are (in the opening's body), which proves that the bodies were recorded."""
    sent: list[Sent] = []
    pin = f"PIN-{secrets.token_hex(6)}"
    with PdeClient(pde_server.url, retry_seconds=5) as client:
        client.register(f"recorded-{secrets.token_hex(4)}", "recorded passphrase here")
        record_requests(client._http, sent)
        document_id = client.add(io.BytesIO(b"shared letter " * 100), title="lettre")
        share = create_share(client, [document_id], recipient="CPAS", purpose="RIS", pin=pin)
    with ShareViewer(share.link) as viewer:
        record_requests(viewer._http._http, sent)
        assert viewer.needs_pin()
        opened = viewer.open(pin)
        viewer.save_all(opened, tmp_path / "saved")
    _, share_id, secret = parse_share_link(share.link)
    keys = derive_share_keys(secret, share_id, pin)
    direct = pde_server.env.get("PDE_S3_PUBLIC_URL") is not None
    assert opened.transfer == ("direct" if direct else "server")

    kinds = {(s.url.split("/api/v1/")[1].split("/")[0]) for s in sent}
    assert {"documents", "shares", "s"} <= kinds, kinds
    downloads = ("/content", "/content-url")  # through the server, or a URL to the store
    assert any(s.url.endswith(downloads) and "/s/" in s.url for s in sent), "no download seen"
    haystacks = {}
    for n, request in enumerate(sent):
        haystacks[f"request {n} url {request.url}"] = request.url.encode()
        haystacks[f"request {n} headers"] = request.headers
        haystacks[f"request {n} body"] = request.body
    never_sent = {
        "share secret": forms_of_bytes(secret),
        "share secret as in the link": forms_of_text(b64u_encode(secret)),
        "PIN": forms_of_text(pin),
        "share key": forms_of_bytes(keys.share_key),
        "link": forms_of_text(share.link),
    }
    assert find_leaks(haystacks, never_sent) == []
    for token in (b64u_encode(keys.access_token), b64u_encode(keys.link_token)):
        assert any(token.encode() in request.body for request in sent)  # positive control
    assert any(opened.view_token.encode() in request.headers for request in sent)
    assert (tmp_path / "saved" / "lettre").read_bytes() == b"shared letter " * 100


# Recovery by trustees (docs/trustees.md) ---------------------------------------------


@pytest.fixture(scope="module")
def trustee_canary(
    pde_server: ServeProcess,
) -> Iterator[tuple[dict[str, dict[str, bytes]], dict[str, bytes]]]:
    """On the module's server, whose requests open at once: an owner with two trustee
    wallets and a printed share (2 of 3) and a marker note, a recovery request, one
    trustee's release, and a recovery with the printed share and a marker new
    passphrase. Returns the secrets to look for and everything the server side holds."""
    server = pde_server
    note, new_passphrase = marker(), f"nouvelle {marker()} phrase"
    with ExitStack() as stack:
        owner, trustee, other = (
            stack.enter_context(PdeClient(server.url, retry_seconds=5)) for _ in range(3)
        )
        for client in (owner, trustee, other):
            client.register(f"canary-{secrets.token_hex(4)}", "trustee canary passphrase")
        owner.add(io.BytesIO(b"my papers " * 50), title="papers")
        invitations = [trustee_invitation(trustee), trustee_invitation(other)]
        plan = set_up_trustees(owner, 2, invitations, printed=1, notes=[note])
        ticket = request_recovery(server.url, str(owner.handle))
        [request] = requests_to_release(trustee)
        release(trustee, request)

        secret = decode_code(ticket.code)
        request_keys = derive_request_keys(secret, ticket.request_id)
        proof = {"token": b64u_encode(request_keys.token)}
        path = f"/api/v1/recovery-requests/{ticket.request_id}/status"
        [released] = owner.call("POST", path, json=proof)["released"]
        trustee_share = share_from_bytes(
            open_released_share(
                request_keys.private_key,
                b64u_decode(released["sealed_share"]),
                ticket.request_id,
                released["x"],
            )
        )
        printed = share_from_text(plan.printed_shares[0])
        trustee_key = combine_shares([trustee_share, printed])
        recovered = recover_with_trustees(
            server.url, str(owner.handle), ticket, new_passphrase, plan.printed_shares
        )
        recovered.close()
        trustee_keys = derive_trustee_keys(trustee_key)
    words = {
        "owner's trustee note": note,
        "new passphrase (trustee recovery)": new_passphrase,
        "request code": ticket.code,
        "request code without dashes": ticket.code.replace("-", ""),
        "printed share": plan.printed_shares[0],
        "printed share without dashes": plan.printed_shares[0].replace("-", ""),
    }
    keys = {
        "trustee key": trustee_key,
        "trustee kek": trustee_keys.kek,
        "trustee auth": trustee_keys.auth,  # shown to the server, kept as Argon2id
        "request secret": secret,
        "request private key": request_keys.private_key,
        "request token": request_keys.token,  # shown to the server, kept as SHA-256
        "printed share's bytes": share_to_bytes(printed),
        "trustee's share's bytes": share_to_bytes(trustee_share),
    }
    found = {name: forms_of_text(word) for name, word in words.items()}
    found |= {name: forms_of_bytes(key) for name, key in keys.items()}
    database_url = (
        server.env.get("PDE_DATABASE_URL") or f"sqlite:///{server.data_dir / 'pde.sqlite3'}"
    )
    haystacks = read_database(database_url) | read_files(server.data_dir.parent)
    if "PDE_S3_BUCKET" in server.env:
        haystacks |= read_bucket(server.env)
    yield found, haystacks | {"server log": server.log_text().encode()}


def test_no_trustee_key_request_code_printed_share_or_new_passphrase_is_stored(
    trustee_canary: tuple[dict[str, dict[str, bytes]], dict[str, bytes]],
) -> None:
    found, haystacks = trustee_canary
    for table in ("trustee_shares", "recovery_requests"):
        assert haystacks[f"database table {table}"], f"{table} is empty or was not read"
    assert find_leaks(haystacks, found) == []
