"""A full PDE client in Python that does its own encryption and loads no code
from the server: the `pde client` command, operators' scripts and the tests
use it. It speaks the JSON API with httpx and the format with `crypto`."""

from __future__ import annotations

import builtins
import json
import mimetypes
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import httpx

from crypto import (
    CompartmentKeys,
    b64u_decode,
    b64u_encode,
    decode_code,
    decrypt_metadata,
    decrypt_stream,
    derive_compartment_keys,
    derive_login_keys,
    derive_recovery_keys,
    encode_code,
    encrypt_metadata,
    encrypt_stream,
    new_deposit_key_pair,
    new_id,
    new_key,
    unwrap_document_key,
    unwrap_master_key,
    unwrap_master_key_for_recovery,
    wrap_deposit_private_key,
    wrap_document_key,
    wrap_master_key,
    wrap_master_key_for_recovery,
)
from crypto.keys import ACCOUNT_SALT_BYTES, RECOVERY_KEY_BYTES
from crypto.primitives import random_bytes
from crypto.stream import plaintext_size
from crypto.trustees import derive_trustee_keys, unwrap_master_key_for_trustees
from wallet.client_io import Borrowed, HashingWriter, IteratorReader, unique_path

DEFAULT_PART_BYTES = 8 << 20
RETRYABLE_STATUS = {502, 503, 504}


class ClientError(Exception):
    """The server answered with an error: `code` is the API's stable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Registration:
    """What a new wallet's owner must keep: the handle and the recovery code."""

    handle: str
    account_id: str
    recovery_code: str


@dataclass(frozen=True)
class DocumentInfo:
    """A document as its owner sees it: decrypted metadata and ciphertext size."""

    document_id: str
    metadata: dict[str, Any]
    size: int
    created_at: str


class PdeClient:
    """One person's connection to a PDE server. Keys stay in this object's memory."""

    def __init__(
        self,
        server: str,
        *,
        timeout: float = 60.0,
        retry_seconds: float = 120.0,
        client_label: str = "pde client",
    ) -> None:
        self.server = server.rstrip("/")
        self.retry_seconds = retry_seconds
        self._http = httpx.Client(
            base_url=self.server, timeout=timeout, headers={"PDE-Client": client_label}
        )
        self._token: str | None = None
        self.account_id: str | None = None
        self.handle: str | None = None
        self._master_key: bytes | None = None
        self._compartment: CompartmentKeys | None = None
        self.account: dict[str, Any] = {}

    # --- HTTP ---------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        if self._compartment:
            headers["PDE-Compartment"] = b64u_encode(self._compartment.token)
        return headers

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried while the server is down or answers 503 (nothing
        acknowledged is lost there), up to `retry_seconds`."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.2
        headers = self._headers() | kwargs.pop("headers", {})
        while True:
            try:
                response = self._http.request(method, path, headers=headers, **kwargs)
                if response.status_code not in RETRYABLE_STATUS:
                    break
            except (
                httpx.ConnectError,
                httpx.ReadError,
                httpx.RemoteProtocolError,
                httpx.WriteError,
                httpx.ConnectTimeout,
            ):
                if time.monotonic() > deadline:
                    raise
                response = None
            if time.monotonic() > deadline:
                break
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        assert response is not None
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """One API call with this session; the decoded JSON answer, or ClientError."""
        response = self._send(method, path, **kwargs)
        raise_for_error(response)
        return response.json() if response.content else None

    # --- accounts -----------------------------------------------------------

    def suggest_handle(self) -> str:
        """A pronounceable pseudonym from the server."""
        return str(self.call("GET", "/api/v1/handles/suggestion")["handle"])

    def register(self, handle: str, passphrase: str, card_secret: bytes = b"") -> Registration:
        """Create a wallet: every key is made here; the server gets wrapped keys only."""
        account_id, salt = new_id(), random_bytes(ACCOUNT_SALT_BYTES)
        master, recovery_key = new_key(), random_bytes(RECOVERY_KEY_BYTES)
        login = derive_login_keys(passphrase, salt, card_secret)
        recovery = derive_recovery_keys(recovery_key, salt)
        deposit = new_deposit_key_pair()
        body = {
            "account_id": account_id,
            "handle": handle,
            "account_salt": b64u_encode(salt),
            "auth_key": b64u_encode(login.auth_key),
            "recovery_auth": b64u_encode(recovery.auth),
            "wrapped_master_key": b64u_encode(wrap_master_key(login.kek, master, account_id)),
            "wrapped_master_key_recovery": b64u_encode(
                wrap_master_key_for_recovery(recovery.kek, master, account_id)
            ),
            "deposit_public_key": b64u_encode(deposit.public_key),
            "wrapped_deposit_private_key": b64u_encode(
                wrap_deposit_private_key(master, deposit.private_key, account_id)
            ),
        }
        self._take_session(self.call("POST", "/api/v1/accounts", json=body), master)
        return Registration(str(self.handle), account_id, encode_code(recovery_key))

    def _take_session(self, login: dict[str, Any], master_key: bytes) -> None:
        self._token = login["session_token"]
        self.account = login["account"]
        self.account_id, self.handle = self.account["account_id"], self.account["handle"]
        self._master_key = master_key

    def _salt(self, handle: str) -> bytes:
        answer = self.call("POST", "/api/v1/login/start", json={"handle": handle})
        return b64u_decode(answer["account_salt"])

    def login(self, handle: str, passphrase: str, card_secret: bytes = b"") -> None:
        """Log in and open the master key; ClientError('invalid_credentials') if wrong."""
        keys = derive_login_keys(passphrase, self._salt(handle), card_secret)
        answer = self.call(
            "POST",
            "/api/v1/login",
            json={"handle": handle, "auth_key": b64u_encode(keys.auth_key)},
        )
        account = answer["account"]
        master = unwrap_master_key(
            keys.kek, b64u_decode(account["wrapped_master_key"]), account["account_id"]
        )
        self._take_session(answer, master)

    def login_with_recovery(self, handle: str, recovery_code: str, new_passphrase: str) -> None:
        """Log in with the recovery sheet and set a new passphrase at once."""
        recovery_key = decode_code(recovery_code)
        rec = derive_recovery_keys(recovery_key, self._salt(handle))
        answer = self.call(
            "POST",
            "/api/v1/login/recovery",
            json={"handle": handle, "recovery_auth": b64u_encode(rec.auth)},
        )
        account = answer["account"]
        master = unwrap_master_key_for_recovery(
            rec.kek, b64u_decode(account["wrapped_master_key_recovery"]), account["account_id"]
        )
        self._take_session(answer, master)
        self.change_passphrase(None, new_passphrase)

    def login_with_trustees(
        self, handle: str, request_id: str, request_token: bytes, trustee_key: bytes, new: str
    ) -> None:
        """Log in with the trustee key that k trustees' shares gave back, through one's
        own recovery request whose delay is over, and set a new passphrase at once."""
        keys = derive_trustee_keys(trustee_key)
        body = {
            "handle": handle,
            "request_id": request_id,
            "token": b64u_encode(request_token),
            "trustee_auth": b64u_encode(keys.auth),
        }
        answer = self.call("POST", "/api/v1/login/trustees", json=body)
        account = answer["account"]
        master = unwrap_master_key_for_trustees(
            keys.kek, b64u_decode(account["wrapped_master_key_trustees"]), account["account_id"]
        )
        self._take_session(answer, master)
        self.change_passphrase(None, new)

    def change_passphrase(
        self,
        current: str | None,
        new: str,
        card_secret: bytes = b"",
        new_card_secret: bytes | None = None,
    ) -> None:
        """Re-wrap the master key under a new passphrase; documents are untouched.
        `card_secret` goes with `current`; `new_card_secret` (default: the same)
        with `new`, so a wallet card can be made (then `new` is its PIN) or dropped (b"").
        The account salt stays: the recovery sheet's keys are derived from it."""
        account_id, master = self.require_keys()
        body: dict[str, Any] = {}
        salt = b64u_decode(self.account["account_salt"])
        if current is not None:
            old = derive_login_keys(current, salt, card_secret)
            body["current_auth_key"] = b64u_encode(old.auth_key)
        next_card = card_secret if new_card_secret is None else new_card_secret
        keys = derive_login_keys(new, salt, next_card)
        body |= {
            "account_salt": b64u_encode(salt),
            "auth_key": b64u_encode(keys.auth_key),
            "wrapped_master_key": b64u_encode(wrap_master_key(keys.kek, master, account_id)),
        }
        self.call("PUT", "/api/v1/account/passphrase", json=body)
        self.account = self.call("GET", "/api/v1/account")

    def logout(self) -> None:
        """End this session on the server and forget the keys."""
        if self._token:
            self.call("POST", "/api/v1/logout")
        self._token, self._master_key = None, None

    def sessions(self) -> builtins.list[dict[str, Any]]:
        """The wallet's open sessions."""
        return list(self.call("GET", "/api/v1/sessions"))

    def end_session(self, session_id: str) -> None:
        """End one of the wallet's sessions."""
        self.call("DELETE", f"/api/v1/sessions/{session_id}")

    def erase(self) -> None:
        """Erase the wallet and every document, for good."""
        self.call("DELETE", "/api/v1/account", json={"confirm_handle": self.handle})
        self._token, self._master_key = None, None

    def master_keys(self) -> tuple[str, bytes]:
        """(account id, master key) of the logged-in wallet, whatever view is open."""
        if self.account_id is None or self._master_key is None:
            raise ClientError(401, "not_authenticated", "Log in first.")
        return self.account_id, self._master_key

    def require_keys(self) -> tuple[str, bytes]:
        """(account id, key of the open view): the master key, or the open hidden
        compartment's key, which takes its place (FORMAT.md §4.1)."""
        account_id, master = self.master_keys()
        return account_id, self._compartment.key if self._compartment else master

    # --- hidden compartment ---------------------------------------------------

    def open_compartment(self, secret: str) -> None:
        """Work in the hidden compartment of `secret` (any secret opens one, empty
        unless used) until `close_compartment`."""
        account_id, _ = self.master_keys()
        self._compartment = derive_compartment_keys(secret, account_id)

    def close_compartment(self) -> None:
        """Back to the normal view."""
        self._compartment = None

    def move(self, document_id: str, to_secret: str | None) -> None:
        """Move a document from the open view to the compartment of `to_secret` (None:
        the normal view). Its key is re-wrapped, its metadata re-sealed; content stays."""
        account_id, master = self.master_keys()
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        document_key, info = self.document_key(item), self.document_info(item)
        target = derive_compartment_keys(to_secret, account_id) if to_secret else None
        key = target.key if target else master
        body = {
            "wrapped_key": b64u_encode(
                wrap_document_key(key, document_key, account_id, document_id)
            ),
            "metadata": b64u_encode(
                encrypt_metadata(document_key, info.metadata, account_id, document_id)
            ),
            "to_compartment": b64u_encode(target.token) if target else None,
        }
        self.call("POST", f"/api/v1/documents/{document_id}/move", json=body)

    # --- documents ----------------------------------------------------------

    def add(
        self,
        source: Path | BinaryIO,
        *,
        title: str | None = None,
        category: str = "other",
        extra: dict[str, Any] | None = None,
        part_bytes: int = DEFAULT_PART_BYTES,
        progress: Any = None,
    ) -> str:
        """Encrypt a file here, upload it in resumable parts, and return its id."""
        account_id, master = self.require_keys()
        document_id, document_key = new_id(), new_key()
        metadata = describe_file(source, title, category)
        with tempfile.TemporaryFile() as sealed:
            size, digest = encrypt_file(source, sealed, document_key, document_id)
            metadata["size"] = plaintext_size(size)
            metadata |= extra or {}
            declared = {
                "document_id": document_id,
                "wrapped_key": b64u_encode(
                    wrap_document_key(master, document_key, account_id, document_id)
                ),
                "metadata": b64u_encode(
                    encrypt_metadata(document_key, metadata, account_id, document_id)
                ),
                "size": size,
                "sha256": b64u_encode(digest),
            }
            self.call("POST", "/api/v1/documents", json=declared)
            self.upload_parts(document_id, sealed, size, part_bytes, progress)
        self.call("POST", f"/api/v1/documents/{document_id}/complete")
        return document_id

    def upload_parts(
        self,
        document_id: str,
        sealed: BinaryIO,
        size: int,
        part_bytes: int,
        progress: Any = None,
        base: str = "/api/v1/documents",
    ) -> None:
        """Send the ciphertext from wherever the server says it stands; resumes after drops.
        `base` is where the upload lives (a deposit link's uploads live elsewhere)."""
        status = self.call("GET", f"{base}/{document_id}/upload")
        received, part_bytes = int(status["received"]), min(part_bytes, status["part_max_bytes"])
        while received < size:
            sealed.seek(received)
            part = sealed.read(min(part_bytes, size - received))
            response = self._send(
                "PUT",
                f"{base}/{document_id}/content",
                params={"offset": received},
                content=part,
                headers={"Content-Type": "application/octet-stream"},
            )
            if response.status_code == 409 and "PDE-Upload-Received" in response.headers:
                received = int(response.headers["PDE-Upload-Received"])
                continue
            raise_for_error(response)
            received = int(response.json()["received"])
            if progress:
                progress(received, size)

    def list(self) -> builtins.list[DocumentInfo]:
        """Every completed document, with its metadata decrypted here."""
        return [self.document_info(item) for item in self.call("GET", "/api/v1/documents")]

    def document_key(self, item: dict[str, Any]) -> bytes:
        """The document key of a listed document, unwrapped with the master key."""
        account_id, master = self.require_keys()
        wrapped = b64u_decode(item["wrapped_key"])
        return unwrap_document_key(master, wrapped, account_id, item["document_id"])

    def document_info(self, item: dict[str, Any]) -> DocumentInfo:
        """A listed document with its metadata decrypted here."""
        account_id, _ = self.require_keys()
        metadata = decrypt_metadata(
            self.document_key(item),
            b64u_decode(item["metadata"]),
            account_id,
            item["document_id"],
        )
        return DocumentInfo(item["document_id"], metadata, item["size"], item["created_at"])

    def info(self, document_id: str) -> DocumentInfo:
        """One document's decrypted metadata."""
        return self.document_info(self.call("GET", f"/api/v1/documents/{document_id}"))

    def get(self, document_id: str, out: IO[bytes]) -> DocumentInfo:
        """Download and decrypt a document into `out`, streaming, in bounded memory.
        On a failed check `out` may hold a verified prefix: callers discard it."""
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        key = self.document_key(item)
        self.decrypt_content(f"/api/v1/documents/{document_id}/content", key, document_id, out)
        return self.document_info(item)

    def decrypt_content(
        self, path: str, key: bytes, document_id: str, out: IO[bytes], token: str | None = None
    ) -> None:
        """Stream a ciphertext from `path` and decrypt it into `out` in bounded memory,
        with this session or the bearer `token` given (a share's viewer token)."""
        headers = {"Authorization": f"Bearer {token}"} if token else self._headers()
        with self._http.stream("GET", path, headers=headers) as response:
            if response.status_code >= 400:
                response.read()
                raise_for_error(response)
            reader = IteratorReader(response.iter_bytes(1 << 20))
            decrypt_stream(reader, out, key, document_id)  # type: ignore[arg-type]

    def update(self, document_id: str, **fields: Any) -> DocumentInfo:
        """Change metadata fields (title, type, date, issuer…); None removes a field."""
        account_id, _ = self.require_keys()
        item = self.call("GET", f"/api/v1/documents/{document_id}")
        info = self.document_info(item)
        metadata = {k: v for k, v in (info.metadata | fields).items() if v is not None}
        box = encrypt_metadata(self.document_key(item), metadata, account_id, document_id)
        self.call("PATCH", f"/api/v1/documents/{document_id}", json={"metadata": b64u_encode(box)})
        return self.info(document_id)

    def delete(self, document_id: str) -> None:
        """Delete a document and its ciphertext."""
        self.call("DELETE", f"/api/v1/documents/{document_id}")

    def export(self, directory: Path) -> builtins.list[Path]:
        """Download the wallet's archive and decrypt every document into `directory`,
        with an index.json of their metadata. Returns the files written. The archive
        holds the normal view only, so a hidden compartment must be closed first."""
        self.master_keys()
        if self._compartment is not None:
            raise ClientError(409, "compartment_open", "Close the other place before exporting.")
        directory.mkdir(parents=True, exist_ok=True)
        written: builtins.list[Path] = []
        with tempfile.TemporaryFile() as archive_file:
            with self._http.stream(
                "GET", "/api/v1/account/export", headers=self._headers()
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise_for_error(response)
                for chunk in response.iter_bytes(1 << 20):
                    archive_file.write(chunk)
            archive_file.seek(0)
            with zipfile.ZipFile(archive_file) as archive:
                manifest = json.loads(archive.read("manifest.json"))
                index = []
                for entry in manifest["documents"]:
                    info = self.document_info(entry)
                    name = info.metadata.get("file_name") or info.document_id
                    target = unique_path(directory, str(name))
                    key = self.document_key(entry)
                    with archive.open(entry["content"]) as sealed, target.open("wb") as out:
                        decrypt_stream(sealed, out, key, info.document_id)  # type: ignore[arg-type]
                    written.append(target)
                    index.append(
                        {"file": target.name, "document_id": info.document_id} | info.metadata
                    )
        (directory / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1))
        return written

    def close(self) -> None:
        """Close the HTTP connection (keys are dropped with the object)."""
        self._http.close()

    def __enter__(self) -> PdeClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def describe_file(source: Path | BinaryIO, title: str | None, category: str) -> dict[str, Any]:
    """The metadata of a file about to be added: title, type, file name, media type."""
    name = Path(source).name if isinstance(source, (str, Path)) else getattr(source, "name", "")
    name = Path(str(name or "document")).name
    return {
        "title": title or Path(name).stem,
        "type": category,
        "file_name": name,
        "media_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
    }


def encrypt_file(
    source: Path | BinaryIO, sealed: BinaryIO, document_key: bytes, document_id: str
) -> tuple[int, bytes]:
    """Encrypt a file (a path or an open file) into `sealed`; (ciphertext size, SHA-256)."""
    writer = HashingWriter(sealed)
    path = Path(source) if isinstance(source, (str, Path)) else None
    with path.open("rb") if path else Borrowed(source) as plain:  # type: ignore[union-attr]
        encrypt_stream(plain, writer, document_key, document_id)  # type: ignore[arg-type]
    return sealed.tell(), writer.digest.digest()


def raise_for_error(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        raise ClientError(response.status_code, error["code"], error["message"])
    except (ValueError, KeyError, TypeError):
        raise ClientError(response.status_code, "http_error", response.text[:200]) from None


def environment_passphrase() -> str | None:
    """The passphrase from PDE_PASSPHRASE, for scripts."""
    return os.environ.get("PDE_PASSPHRASE")
