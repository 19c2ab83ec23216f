"""Documents through the API: only completed uploads are visible; metadata
changes persist; deletion and erasure leave no row and no blob behind; the
ciphertext is served as an attachment, with exact HTTP ranges; export gives
the owner every document back, decrypted by the client."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from client import ClientError, PdeClient
from tests.api.support import (
    API,
    RawWallet,
    SealedDocument,
    assert_error,
    is_local,
    login_raw,
    register_raw,
    stored_keys,
    stored_rows,
)
from tests.conftest import PASSPHRASE
from tests.server import LiveServer
from wallet.models import Account, AuthSession, Document, UploadPart


def local_files(server: LiveServer, *parts: str) -> list[Path]:
    """Files under the local blob folder <data_dir>/blobs/<parts…> (none if absent)."""
    folder = server.data_dir.joinpath("blobs", *parts)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_only_completed_documents_are_listed_or_found(raw_wallet: RawWallet) -> None:
    done = raw_wallet.add(b"ready " * 1000)
    pending = raw_wallet.seal(b"still uploading " * 1000)
    assert raw_wallet.declare(pending).status_code == 201
    assert raw_wallet.put_part(pending.document_id, 0, pending.ciphertext[:500]).status_code == 200

    assert raw_wallet.document_ids() == [done.document_id]
    base = f"{API}/documents/{pending.document_id}"
    assert_error(raw_wallet.http.get(base), 404, "not_found")
    assert_error(raw_wallet.http.get(f"{base}/content"), 404, "not_found")
    box = done.declaration["metadata"]
    assert_error(raw_wallet.http.patch(base, json={"metadata": box}), 404, "not_found")
    assert raw_wallet.http.get(f"{base}/upload").json()["received"] == 500


def test_a_document_of_another_wallet_is_not_found_and_stays_untouched(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    owner, stranger = new_raw_wallet(), new_raw_wallet()
    sealed = owner.add(b"mine " * 500)
    base = f"{API}/documents/{sealed.document_id}"
    for response in [
        stranger.http.get(base),
        stranger.http.get(f"{base}/content"),
        stranger.http.get(f"{base}/upload"),
        stranger.http.patch(base, json={"metadata": sealed.declaration["metadata"]}),
        stranger.http.delete(base),
    ]:
        assert_error(response, 404, "not_found")
    assert stranger.document_ids() == []
    assert owner.content(sealed.document_id) == sealed.ciphertext


def test_renaming_and_recategorising_a_document_persists(wallet: PdeClient) -> None:
    content = b"courrier du CPAS " * 400
    document_id = wallet.add(io.BytesIO(content), title="Scan 12", category="other")

    wallet.update(document_id, title="Decision RIS", type="cpas", issuer="CPAS")

    [listed] = wallet.list()
    assert listed.metadata["title"] == "Decision RIS"
    assert listed.metadata["type"] == "cpas"
    assert listed.metadata["issuer"] == "CPAS"
    assert listed.metadata["size"] == len(content)  # the other fields are kept
    wallet.update(document_id, issuer=None)
    assert "issuer" not in wallet.info(document_id).metadata
    out = io.BytesIO()
    wallet.get(document_id, out)
    assert out.getvalue() == content


def test_a_deleted_document_is_gone_with_its_ciphertext_and_its_quota(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    kept, deleted = raw_wallet.add(b"kept " * 1000), raw_wallet.add(b"deleted " * 1000)
    assert raw_wallet.used_bytes() == kept.size + deleted.size

    assert raw_wallet.http.delete(f"{API}/documents/{deleted.document_id}").status_code == 204

    base = f"{API}/documents/{deleted.document_id}"
    assert_error(raw_wallet.http.get(base), 404, "not_found")
    assert_error(raw_wallet.http.get(f"{base}/content"), 404, "not_found")
    assert_error(raw_wallet.http.delete(base), 404, "not_found")
    assert raw_wallet.document_ids() == [kept.document_id]
    assert raw_wallet.used_bytes() == kept.size
    account = f"accounts/{raw_wallet.account_id}"
    assert stored_keys(pde_server, account) == [f"{account}/documents/{kept.document_id}"]
    if is_local(pde_server):
        documents = local_files(pde_server, "accounts", raw_wallet.account_id, "documents")
        assert [p.name for p in documents] == [f"{kept.document_id}.blob"]
    assert raw_wallet.content(kept.document_id) == kept.ciphertext


@pytest.fixture(scope="module")
def stored_document(pde_server: LiveServer) -> Iterator[tuple[RawWallet, SealedDocument]]:
    """One wallet with one 10 KiB document, for the read-only range requests."""
    with register_raw(pde_server.url) as owner:
        yield owner, owner.add(bytes(range(256)) * 40)


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=100-", 100, None),
        ("bytes=-50", -50, None),
        ("bytes=1000-1999", 1000, 2000),
        ("bytes=10-999999999", 10, None),
    ],
)
def test_a_range_request_returns_206_with_the_exact_ciphertext_slice(
    stored_document: tuple[RawWallet, SealedDocument],
    range_header: str,
    start: int,
    end: int | None,
) -> None:
    owner, sealed = stored_document
    size = sealed.size
    expected = sealed.ciphertext[start:end]
    first = start % size

    response = owner.http.get(
        f"{API}/documents/{sealed.document_id}/content", headers={"Range": range_header}
    )

    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{size}"
    assert int(response.headers["Content-Length"]) == len(expected)


@pytest.mark.parametrize("range_header", ["bytes=999999999-", "bytes=-0"])
def test_a_range_outside_the_document_is_416_range_not_satisfiable(
    stored_document: tuple[RawWallet, SealedDocument], range_header: str
) -> None:
    owner, sealed = stored_document
    response = owner.http.get(
        f"{API}/documents/{sealed.document_id}/content", headers={"Range": range_header}
    )
    assert_error(response, 416, "range_not_satisfiable")


def test_content_is_served_as_a_never_sniffed_never_cached_attachment(
    raw_wallet: RawWallet,
) -> None:
    sealed = raw_wallet.add(b"<html><script>alert(1)</script></html>" * 50)
    response = raw_wallet.http.get(f"{API}/documents/{sealed.document_id}/content")
    assert response.status_code == 200
    assert response.content == sealed.ciphertext
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Accept-Ranges"] == "bytes"


def test_export_gives_every_document_decrypted_with_an_index(
    wallet: PdeClient, tmp_path: Path
) -> None:
    sources = {"passeport.pdf": b"%PDF-1.7 passeport " * 900, "histoire.txt": "Mon récit".encode()}
    ids = {}
    for name, content in sources.items():
        (tmp_path / name).write_bytes(content)
        ids[name] = wallet.add(tmp_path / name, title=name.split(".")[0], category="story")

    written = wallet.export(tmp_path / "export")

    assert sorted(p.name for p in written) == sorted(sources)
    for path in written:
        assert path.read_bytes() == sources[path.name]
    index = json.loads((tmp_path / "export" / "index.json").read_text())
    assert {(e["file"], e["document_id"], e["title"]) for e in index} == {
        (name, ids[name], name.split(".")[0]) for name in sources
    }


def test_erasing_a_wallet_removes_every_row_and_blob_for_good(
    pde_server: LiveServer, wallet: PdeClient, new_client: Callable[[], PdeClient]
) -> None:
    account_id, handle = str(wallet.account_id), str(wallet.handle)
    wallet.add(io.BytesIO(b"one " * 1000))
    wallet.add(io.BytesIO(b"two " * 1000))
    with login_raw(pde_server.url, handle, PASSPHRASE) as other_session:
        pending = other_session.seal(b"half sent " * 1000)
        assert other_session.declare(pending).status_code == 201
        assert other_session.put_part(pending.document_id, 0, pending.ciphertext[:700]).is_success
        assert len(stored_keys(pde_server, f"accounts/{account_id}")) == 3

        wallet.erase()

        assert_error(other_session.http.get(f"{API}/account"), 401, "not_authenticated")
    with pytest.raises(ClientError) as refused:
        new_client().login(handle, PASSPHRASE)
    assert refused.value.code == "invalid_credentials"
    with stored_rows(pde_server) as db:
        assert db.get(Account, account_id) is None
        for model in (AuthSession, Document):
            count = select(func.count()).where(model.account_id == account_id)
            assert db.scalar(count) == 0, model
        parts = select(func.count()).where(UploadPart.document_id == pending.document_id)
        assert db.scalar(parts) == 0
    assert stored_keys(pde_server, f"accounts/{account_id}") == []
    if is_local(pde_server):
        assert not (pde_server.data_dir / "blobs" / "accounts" / account_id).exists()


def test_erasing_needs_the_wallet_name_typed_again(raw_wallet: RawWallet) -> None:
    sealed = raw_wallet.add(b"keep me " * 100)
    response = raw_wallet.http.request(
        "DELETE", f"{API}/account", json={"confirm_handle": "someone-else"}
    )
    assert_error(response, 401, "invalid_credentials")
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext
