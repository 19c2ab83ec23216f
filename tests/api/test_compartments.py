"""Hidden compartments through the API (FORMAT.md §4.1, docs/design.md, journey 8), on
both backends, through the Python client and raw HTTP: a document added with a
compartment's token (PDE-Compartment header) is found by no route of the normal
view (list, get, content, change, delete, move, usage, export) and by every
route of its own; a wrong secret opens an empty compartment that answers like an
unused one; a document moves there and back with its ciphertext unchanged;
shares made in a compartment are listed only there and open for the worker; the
normal view answers in the same shape whether or not a compartment holds
anything; a malformed header is invalid_request, never a 500; and a token is
worth nothing in another wallet."""

from __future__ import annotations

import dataclasses
import io
import json
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import ClientError, PdeClient
from crypto import b64u_encode, derive_compartment_keys, encrypt_metadata, wrap_document_key
from tests.api.share_support import make_share, open_share, prepare_share, shared_content
from tests.api.support import API, RawWallet, SealedDocument, assert_error
from tests.conftest import PASSPHRASE

SECRET = "the garden behind the station"
HEADER = "PDE-Compartment"
Headers = dict[str, str]


def new_token() -> str:
    """A compartment token as a client shows it: any 32 bytes in base64url."""
    return b64u_encode(secrets.token_bytes(32))


def view(token: str | None) -> Headers:
    """The headers of a request in the compartment of `token` (None: the normal view)."""
    return {HEADER: token} if token else {}


def sealed_for(wallet: RawWallet, key: bytes, content: bytes) -> SealedDocument:
    """`content` sealed as a client does in a compartment: its key takes the master key's place."""
    return dataclasses.replace(wallet, master_key=key).seal(content)


def upload_in(
    wallet: RawWallet, token: str, content: bytes, key: bytes | None = None
) -> SealedDocument:
    """Seal and upload `content` in the compartment of `token`; fails the test on any error."""
    sealed = sealed_for(wallet, key or secrets.token_bytes(32), content)
    declared = wallet.http.post(f"{API}/documents", json=sealed.declaration, headers=view(token))
    assert declared.status_code == 201, declared.text
    sent = send_part(wallet, sealed, token)
    assert sent.status_code == 200, sent.text
    path = f"{API}/documents/{sealed.document_id}/complete"
    completed = wallet.http.post(path, headers=view(token))
    assert completed.status_code == 200, completed.text
    return sealed


def send_part(wallet: RawWallet, sealed: SealedDocument, token: str | None) -> httpx.Response:
    """The whole ciphertext as one part, in the view of `token`."""
    return wallet.http.put(
        f"{API}/documents/{sealed.document_id}/content",
        params={"offset": 0},
        content=sealed.ciphertext,
        headers={"Content-Type": "application/octet-stream"} | view(token),
    )


def ids(wallet: RawWallet, token: str | None = None) -> list[str]:
    response = wallet.http.get(f"{API}/documents", headers=view(token))
    assert response.status_code == 200, response.text
    return [item["document_id"] for item in response.json()]


def used_bytes(wallet: RawWallet, token: str | None = None) -> int:
    response = wallet.http.get(f"{API}/account", headers=view(token))
    assert response.status_code == 200, response.text
    return int(response.json()["used_bytes"])


def share_ids(wallet: RawWallet, token: str | None = None) -> list[str]:
    response = wallet.http.get(f"{API}/shares", headers=view(token))
    assert response.status_code == 200, response.text
    return [item["share_id"] for item in response.json()]


def move_body(wallet: RawWallet, sealed: SealedDocument, key: bytes, to: str | None) -> Any:
    """What a client sends to move `sealed` under `key` to the compartment `to` (None: normal)."""
    document_id = sealed.document_id
    metadata = {"title": "raw", "type": "other", "size": 0}
    return {
        "wrapped_key": b64u_encode(
            wrap_document_key(key, sealed.document_key, wallet.account_id, document_id)
        ),
        "metadata": b64u_encode(
            encrypt_metadata(sealed.document_key, metadata, wallet.account_id, document_id)
        ),
        "to_compartment": to,
    }


def every_route_of(
    wallet: RawWallet, sealed: SealedDocument, token: str | None
) -> dict[str, httpx.Response]:
    """What each route that names a document answers for `sealed` in the view of `token`."""
    document_id, headers = sealed.document_id, view(token)
    body = move_body(wallet, sealed, wallet.master_key, None)
    patch = {"metadata": body["metadata"]}
    return {
        "get": wallet.http.get(f"{API}/documents/{document_id}", headers=headers),
        "content": wallet.http.get(f"{API}/documents/{document_id}/content", headers=headers),
        "patch": wallet.http.patch(f"{API}/documents/{document_id}", json=patch, headers=headers),
        "move": wallet.http.post(f"{API}/documents/{document_id}/move", json=body, headers=headers),
        "delete": wallet.http.delete(f"{API}/documents/{document_id}", headers=headers),
    }


def every_upload_route_of(
    wallet: RawWallet, sealed: SealedDocument, token: str | None
) -> dict[str, httpx.Response]:
    """What each route of an upload answers for `sealed` in the view of `token`."""
    document_id, headers = sealed.document_id, view(token)
    return {
        "upload": wallet.http.get(f"{API}/documents/{document_id}/upload", headers=headers),
        "part": send_part(wallet, sealed, token),
        "complete": wallet.http.post(f"{API}/documents/{document_id}/complete", headers=headers),
    }


def answer(response: httpx.Response) -> tuple[int, str]:
    """A response as a probe sees it: the status and, for an error, its code."""
    if response.status_code >= 400:
        return response.status_code, response.json()["error"]["code"]
    return response.status_code, ""


def export_manifest(wallet: RawWallet) -> dict[str, Any]:
    response = wallet.http.get(f"{API}/account/export")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return dict(json.loads(archive.read("manifest.json")))


def shape(value: Any) -> Any:
    """The shape of a JSON answer: key sets and list lengths, not the values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


# --- through the Python client ----------------------------------------------------


def test_the_client_keeps_hidden_documents_out_of_the_normal_view_and_finds_them_again(
    wallet: PdeClient, new_client: Callable[[], PdeClient], tmp_path: Path
) -> None:
    normal_id = wallet.add(io.BytesIO(b"attestation"), title="Attestation")
    normal_bytes = wallet.call("GET", "/api/v1/account")["used_bytes"]
    wallet.open_compartment(SECRET)
    assert wallet.list() == []
    hidden_id = wallet.add(io.BytesIO(b"the lawyer's letter"), title="Lawyer")
    assert [d.document_id for d in wallet.list()] == [hidden_id]
    hidden_bytes = wallet.call("GET", "/api/v1/account")["used_bytes"]
    wallet.update(hidden_id, title="Lawyer, 2nd letter")
    wallet.close_compartment()

    assert [d.document_id for d in wallet.list()] == [normal_id]
    assert wallet.call("GET", "/api/v1/account")["used_bytes"] == normal_bytes
    for attempt in (
        lambda: wallet.info(hidden_id),
        lambda: wallet.get(hidden_id, io.BytesIO()),
        lambda: wallet.delete(hidden_id),
    ):
        with pytest.raises(ClientError) as refused:
            attempt()
        assert (refused.value.status, refused.value.code) == (404, "not_found")
    exported = wallet.export(tmp_path / "export")
    assert [path.read_bytes() for path in exported] == [b"attestation"]

    # Another session of the same wallet, with the same secret, finds them again.
    other = new_client()
    other.login(wallet.handle or "", PASSPHRASE)
    other.open_compartment(SECRET)
    [hidden] = other.list()
    assert hidden.metadata["title"] == "Lawyer, 2nd letter"
    out = io.BytesIO()
    other.get(hidden_id, out)
    assert out.getvalue() == b"the lawyer's letter"
    assert other.call("GET", "/api/v1/account")["used_bytes"] == hidden_bytes


def test_the_client_moves_a_document_there_and_back_with_its_content_unchanged(
    wallet: PdeClient,
) -> None:
    content = secrets.token_bytes(50_000)
    document_id = wallet.add(io.BytesIO(content), title="Passport")
    wallet.move(document_id, SECRET)
    assert wallet.list() == []
    wallet.open_compartment(SECRET)
    [moved] = wallet.list()
    assert (moved.document_id, moved.metadata["title"]) == (document_id, "Passport")
    out = io.BytesIO()
    wallet.get(document_id, out)
    assert out.getvalue() == content
    wallet.move(document_id, None)
    assert wallet.list() == []
    wallet.close_compartment()
    out = io.BytesIO()
    assert wallet.get(document_id, out).metadata["title"] == "Passport"
    assert out.getvalue() == content


# --- through raw HTTP ---------------------------------------------------------------


def test_no_route_of_the_normal_view_or_of_another_compartment_finds_a_hidden_document(
    raw_wallet: RawWallet,
) -> None:
    token = new_token()
    normal = raw_wallet.add(b"normal")
    hidden = upload_in(raw_wallet, token, b"hidden, and longer than the other one")

    assert ids(raw_wallet) == [normal.document_id]
    assert used_bytes(raw_wallet) == normal.size
    manifest = export_manifest(raw_wallet)
    assert [d["document_id"] for d in manifest["documents"]] == [normal.document_id]
    for other_view in (None, new_token()):
        for route, response in every_route_of(raw_wallet, hidden, other_view).items():
            assert_error(response, 404, "not_found"), route

    assert ids(raw_wallet, token) == [hidden.document_id]
    assert used_bytes(raw_wallet, token) == hidden.size
    stored = raw_wallet.http.get(
        f"{API}/documents/{hidden.document_id}/content", headers=view(token)
    )
    assert stored.status_code == 200 and stored.content == hidden.ciphertext
    # …and its own view finds nothing of the normal one.
    for route, response in every_route_of(raw_wallet, normal, token).items():
        assert_error(response, 404, "not_found"), route
    deleted = raw_wallet.http.delete(f"{API}/documents/{hidden.document_id}", headers=view(token))
    assert deleted.status_code == 204
    assert ids(raw_wallet, token) == [] and used_bytes(raw_wallet, token) == 0


def test_every_route_answers_for_a_document_of_another_place_as_for_one_never_made(
    raw_wallet: RawWallet,
) -> None:
    token = new_token()
    hidden = upload_in(raw_wallet, token, b"moved out of sight")
    pending = sealed_for(raw_wallet, secrets.token_bytes(32), b"half sent, out of sight")
    declared = raw_wallet.http.post(
        f"{API}/documents", json=pending.declaration, headers=view(token)
    )
    assert declared.status_code == 201, declared.text
    never_made = raw_wallet.seal(b"never declared")
    deleted = raw_wallet.add(b"deleted for good")
    assert raw_wallet.http.delete(f"{API}/documents/{deleted.document_id}").status_code == 204

    def probe(sealed: SealedDocument) -> dict[str, tuple[int, str]]:
        routes = every_route_of(raw_wallet, sealed, None)
        routes |= every_upload_route_of(raw_wallet, sealed, None)
        return {route: answer(response) for route, response in routes.items()}

    expected = probe(never_made)
    assert set(expected.values()) == {(404, "not_found")}
    assert probe(hidden) == expected
    assert probe(pending) == expected
    assert probe(deleted) == expected
    # Declaring an id again cannot answer as for a new one; a deleted document's id
    # stays taken, so that it answers as a hidden one's.
    again = {
        name: answer(raw_wallet.declare(sealed))
        for name, sealed in (("hidden", hidden), ("pending", pending), ("deleted", deleted))
    }
    assert set(again.values()) == {(409, "already_exists")}, again
    assert ids(raw_wallet, token) == [hidden.document_id]  # and nothing of it was touched


def test_a_wrong_secret_opens_an_empty_compartment_that_answers_like_an_unused_one(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    used, unused = new_raw_wallet(), new_raw_wallet()
    token = new_token()
    hidden = upload_in(used, token, b"hidden")
    make_share(dataclasses.replace(used, http=_with(used.http, token)), [hidden])

    wrong = new_token()
    for path in ("/documents", "/account", "/shares"):
        answers = [
            used.http.get(f"{API}{path}", headers=view(wrong)),
            unused.http.get(f"{API}{path}", headers=view(wrong)),
            unused.http.get(f"{API}{path}", headers=view(token)),
        ]
        assert {a.status_code for a in answers} == {200}, path
        assert len({json.dumps(shape(a.json())) for a in answers}) == 1, path
        assert len({a.headers["content-type"] for a in answers}) == 1, path
    assert ids(used, wrong) == [] and share_ids(used, wrong) == []
    assert used_bytes(used, wrong) == 0 == used_bytes(unused, wrong)


def _with(http: httpx.Client, token: str) -> httpx.Client:
    """A client like `http` whose every request works in the compartment of `token`."""
    return httpx.Client(
        base_url=http.base_url, timeout=60, headers=dict(http.headers) | view(token)
    )


def test_moving_there_and_back_keeps_the_ciphertext_byte_identical(raw_wallet: RawWallet) -> None:
    token, key = new_token(), secrets.token_bytes(32)
    sealed = raw_wallet.add(secrets.token_bytes(70_000))
    path = f"{API}/documents/{sealed.document_id}"

    there = raw_wallet.http.post(f"{path}/move", json=move_body(raw_wallet, sealed, key, token))
    assert there.status_code == 200, there.text
    assert there.json()["document_id"] == sealed.document_id
    assert ids(raw_wallet) == [] and used_bytes(raw_wallet) == 0
    assert ids(raw_wallet, token) == [sealed.document_id]
    assert used_bytes(raw_wallet, token) == sealed.size
    assert raw_wallet.http.get(f"{path}/content", headers=view(token)).content == sealed.ciphertext

    back_body = move_body(raw_wallet, sealed, raw_wallet.master_key, None)
    back = raw_wallet.http.post(f"{path}/move", json=back_body, headers=view(token))
    assert back.status_code == 200, back.text
    assert ids(raw_wallet, token) == [] and ids(raw_wallet) == [sealed.document_id]
    assert raw_wallet.content(sealed.document_id) == sealed.ciphertext
    assert used_bytes(raw_wallet) == sealed.size


def test_shares_made_in_a_compartment_are_listed_only_there_and_open_for_the_worker(
    raw_wallet: RawWallet, http: httpx.Client
) -> None:
    token = new_token()
    hidden = upload_in(raw_wallet, token, b"a hidden report")
    in_compartment = dataclasses.replace(raw_wallet, http=_with(raw_wallet.http, token))
    try:
        # A share of a hidden document cannot be made from the normal view.
        refused = raw_wallet.http.post(
            f"{API}/shares", json=prepare_share(raw_wallet, [hidden]).body
        )
        assert_error(refused, 404, "not_found")
        share = make_share(in_compartment, [hidden])
    finally:
        in_compartment.http.close()

    assert share_ids(raw_wallet) == []
    assert share_ids(raw_wallet, token) == [share.share_id]
    assert share_ids(raw_wallet, new_token()) == []
    one = f"{API}/shares/{share.share_id}"
    for response in (
        raw_wallet.http.get(one),
        raw_wallet.http.post(f"{one}/revoke"),
        raw_wallet.http.delete(one),
    ):
        assert_error(response, 404, "not_found")
    assert raw_wallet.http.get(one, headers=view(token)).status_code == 200

    opened = open_share(http, share)
    assert opened.status_code == 200, opened.text
    content = shared_content(http, share.share_id, hidden.document_id, opened.json()["view_token"])
    assert content.status_code == 200 and content.content == hidden.ciphertext


def test_the_normal_view_answers_in_the_same_shape_whether_or_not_a_compartment_is_used(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    plain, hiding = new_raw_wallet(), new_raw_wallet()
    for wallet in (plain, hiding):
        make_share(wallet, [wallet.add(b"the same normal document")])
    token = new_token()
    hidden = [upload_in(hiding, token, secrets.token_bytes(5_000)) for _ in range(3)]
    in_compartment = dataclasses.replace(hiding, http=_with(hiding.http, token))
    make_share(in_compartment, hidden)
    in_compartment.http.close()

    for path in ("/documents", "/account", "/shares"):
        a, b = plain.http.get(f"{API}{path}"), hiding.http.get(f"{API}{path}")
        assert a.status_code == b.status_code == 200
        assert shape(a.json()) == shape(b.json()), path
        assert a.headers["content-type"] == b.headers["content-type"]
    assert used_bytes(plain) == used_bytes(hiding)
    assert len(ids(plain)) == len(ids(hiding)) == 1
    assert len(share_ids(plain)) == len(share_ids(hiding)) == 1


@pytest.mark.parametrize(
    "header",
    [
        "",
        "not base64url!",
        "=" * 43,
        b64u_encode(bytes(31)),
        b64u_encode(bytes(33)),
        b64u_encode(bytes(32)) + "==",
        "A" * 10_000,
    ],
)
def test_a_malformed_compartment_header_is_an_invalid_request(
    raw_wallet: RawWallet, header: str
) -> None:
    sealed = raw_wallet.add(b"normal")
    path = f"{API}/documents/{sealed.document_id}"
    body = move_body(raw_wallet, sealed, raw_wallet.master_key, None)
    for method, url, payload in (
        ("GET", f"{API}/documents", None),
        ("GET", f"{API}/account", None),
        ("GET", f"{API}/shares", None),
        ("POST", f"{API}/documents", sealed.declaration),
        ("GET", f"{path}/content", None),
        ("POST", f"{path}/move", body),
        ("DELETE", path, None),
    ):
        response = raw_wallet.http.request(method, url, json=payload, headers={HEADER: header})
        assert_error(response, 422, "invalid_request"), (method, url)
    assert ids(raw_wallet) == [sealed.document_id]


def test_another_wallets_token_does_not_reach_this_wallets_compartment(
    new_raw_wallet: Callable[[], RawWallet],
) -> None:
    a, b = new_raw_wallet(), new_raw_wallet()
    keys_a = derive_compartment_keys(SECRET, a.account_id)
    keys_b = derive_compartment_keys(SECRET, b.account_id)
    assert keys_a.token != keys_b.token and keys_a.key != keys_b.key  # the salt is per wallet
    token_a = b64u_encode(keys_a.token)
    hidden = upload_in(a, token_a, b"only in a", keys_a.key)
    in_a = dataclasses.replace(a, http=_with(a.http, token_a))
    make_share(in_a, [hidden])
    in_a.http.close()

    assert ids(b, token_a) == [] and share_ids(b, token_a) == []
    assert used_bytes(b, token_a) == 0
    for route, response in every_route_of(b, hidden, token_a).items():
        assert_error(response, 404, "not_found"), route
    assert ids(a, token_a) == [hidden.document_id]
