"""Wallets through the API: registration with a pseudonym only, login from any
terminal without revealing which handles exist, passphrase change, recovery
with the recovery sheet, and the rate limit on guessing."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from client import ClientError, PdeClient
from crypto import (
    b64u_decode,
    b64u_encode,
    decode_code,
    derive_login_keys,
    derive_recovery_keys,
    unwrap_master_key_for_recovery,
    wrap_master_key,
)
from crypto.primitives import random_bytes
from tests.api.support import (
    API,
    RawWallet,
    assert_error,
    login_again,
    register_raw,
    registration_body,
    unique_handle,
)
from tests.conftest import PASSPHRASE, server_on
from tests.server import LiveServer

NEW_PASSPHRASE = "a new passphrase for the winter"
IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
UVICORN_BANNER = "Uvicorn running on"  # the address the server listens on, not a client's


def salt_for(http: httpx.Client, handle: str) -> bytes:
    response = http.post(f"{API}/login/start", json={"handle": handle})
    assert response.status_code == 200, response.text
    return b64u_decode(response.json()["account_salt"])


def wrong_login(http: httpx.Client, handle: str) -> httpx.Response:
    """A login with an auth key no passphrase of this wallet gives."""
    return http.post(
        f"{API}/login", json={"handle": handle, "auth_key": b64u_encode(random_bytes(32))}
    )


def recovery_login(http: httpx.Client, handle: str, recovery_code: str) -> httpx.Response:
    """What PdeClient.login_with_recovery sends, stopped before the new passphrase."""
    keys = derive_recovery_keys(decode_code(recovery_code), salt_for(http, handle))
    return http.post(
        f"{API}/login/recovery",
        json={"handle": handle, "recovery_auth": b64u_encode(keys.auth)},
    )


def error_code(call: Callable[[], object]) -> tuple[int, str]:
    with pytest.raises(ClientError) as refused:
        call()
    return refused.value.status, refused.value.code


# --- registration and login ---------------------------------------------------


def test_a_wallet_registered_on_one_terminal_opens_on_another_with_the_same_documents(
    new_client: Callable[[], PdeClient],
) -> None:
    first = new_client()
    handle = unique_handle()
    first.register(handle, PASSPHRASE)
    content = b"attestation de residence " * 200
    document_id = first.add(io.BytesIO(content), title="Attestation", category="identity")

    second = new_client()
    second.login(handle, PASSPHRASE)

    assert [d.document_id for d in second.list()] == [document_id]
    assert second.info(document_id).metadata == first.info(document_id).metadata
    out = io.BytesIO()
    second.get(document_id, out)
    assert out.getvalue() == content


def test_a_wrong_passphrase_and_an_unknown_handle_get_the_same_401_invalid_credentials(
    wallet: PdeClient, new_client: Callable[[], PdeClient], http: httpx.Client
) -> None:
    assert error_code(lambda: new_client().login(str(wallet.handle), "not the passphrase")) == (
        401,
        "invalid_credentials",
    )
    for_known = wrong_login(http, str(wallet.handle))
    for_unknown = wrong_login(http, unique_handle("nobody"))
    wrong_recovery = http.post(
        f"{API}/login/recovery",
        json={"handle": wallet.handle, "recovery_auth": b64u_encode(random_bytes(32))},
    )
    for response in (for_known, for_unknown, wrong_recovery):
        assert_error(response, 401, "invalid_credentials")
    assert for_known.content == for_unknown.content == wrong_recovery.content


def test_login_start_gives_unknown_handles_a_stable_16_byte_salt_that_differs_per_handle(
    http: httpx.Client,
) -> None:
    ghost, other_ghost = unique_handle("ghost"), unique_handle("ghost")
    salt = salt_for(http, ghost)
    assert len(salt) == 16
    assert salt_for(http, ghost) == salt
    assert salt_for(http, other_ghost) != salt
    assert len(salt_for(http, other_ghost)) == 16


# ASCII letters, digits and punctuation to their fullwidth forms, which NFKC folds back.
FULLWIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
TYPED_FORMS: dict[str, Callable[[str], str]] = {
    "other-case": str.upper,
    "fullwidth-nfkc": lambda h: h.translate(FULLWIDTH),
    "surrounding-spaces": lambda h: f"  {h} ",
}


def test_login_start_answers_every_typed_form_of_a_handle_alike_known_or_not(
    http: httpx.Client, raw_wallet: RawWallet
) -> None:
    """A known handle typed in another form gets its real salt (lookups fold the
    form); an unknown one must get the same fake salt for every form too, or
    comparing two answers would tell which handles exist."""
    for handle in (raw_wallet.handle, unique_handle("ghost")):
        salt = salt_for(http, handle)
        for form, typed in TYPED_FORMS.items():
            assert salt_for(http, typed(handle)) == salt, (handle, form)


@pytest.mark.parametrize("variant", TYPED_FORMS.values(), ids=TYPED_FORMS)
def test_a_taken_handle_is_refused_409_also_in_another_case_or_unicode_form(
    http: httpx.Client, variant: Callable[[str], str]
) -> None:
    handle = unique_handle("taken")
    assert http.post(f"{API}/accounts", json=registration_body(handle)).status_code == 201
    typed = variant(handle)
    assert typed != handle and unicodedata.normalize("NFKC", typed).strip().casefold() == handle
    again = http.post(f"{API}/accounts", json=registration_body(typed))
    assert_error(again, 409, "handle_taken")


@pytest.mark.parametrize(
    "handle",
    ["ab", "two words", "x" * 33, "slash/in/it", "", "semi;colon"],
    ids=["too-short", "space", "33-chars", "slash", "empty", "punctuation"],
)
def test_an_invalid_handle_is_refused_422_with_the_error_shape(
    http: httpx.Client, handle: str
) -> None:
    assert_error(
        http.post(f"{API}/accounts", json=registration_body(handle)), 422, "invalid_request"
    )


def test_suggested_handles_are_valid_distinct_and_can_be_registered(http: httpx.Client) -> None:
    suggestions = [http.get(f"{API}/handles/suggestion").json()["handle"] for _ in range(8)]
    for handle in suggestions:
        assert 3 <= len(handle) <= 32 and re.fullmatch(r"[a-z0-9._-]+", handle), handle
    assert len(set(suggestions)) > 1
    # A suggestion may be taken already (90 numbers per pair of words): take a free one.
    for handle in suggestions:
        response = http.post(f"{API}/accounts", json=registration_body(handle))
        if response.status_code != 409:
            assert response.status_code == 201, response.text
            assert response.json()["account"]["handle"] == handle
            return
    pytest.fail("every suggested handle was taken")


# --- passphrase change ----------------------------------------------------------


def test_a_passphrase_change_retires_the_old_one_keeps_documents_and_ends_other_sessions(
    new_client: Callable[[], PdeClient],
) -> None:
    owner, handle = new_client(), unique_handle()
    owner.register(handle, PASSPHRASE)
    content = b"bulletin scolaire " * 300
    document_id = owner.add(io.BytesIO(content), title="Bulletin", category="children")
    elsewhere = new_client()
    elsewhere.login(handle, PASSPHRASE)

    owner.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)

    assert error_code(elsewhere.list) == (401, "not_authenticated")
    assert error_code(lambda: new_client().login(handle, PASSPHRASE)) == (
        401,
        "invalid_credentials",
    )
    assert [d.document_id for d in owner.list()] == [document_id]  # this session goes on
    fresh = new_client()
    fresh.login(handle, NEW_PASSPHRASE)
    out = io.BytesIO()
    assert fresh.get(document_id, out).metadata["title"] == "Bulletin"
    assert out.getvalue() == content


def test_a_passphrase_change_without_the_right_current_passphrase_is_refused_401(
    wallet: PdeClient, new_client: Callable[[], PdeClient], raw_wallet: RawWallet
) -> None:
    assert error_code(lambda: wallet.change_passphrase("not the passphrase", NEW_PASSPHRASE)) == (
        401,
        "invalid_credentials",
    )
    body = {
        "account_salt": b64u_encode(random_bytes(16)),
        "auth_key": b64u_encode(random_bytes(32)),
        "wrapped_master_key": b64u_encode(random_bytes(61)),
    }
    missing = raw_wallet.http.put(f"{API}/account/passphrase", json=body)
    assert_error(missing, 401, "invalid_credentials")
    new_client().login(str(wallet.handle), PASSPHRASE)  # nothing changed


def test_a_passphrase_change_with_another_account_salt_is_refused_422_and_changes_nothing(
    raw_wallet: RawWallet, http: httpx.Client, pde_server: LiveServer
) -> None:
    """The salt stays for the life of the account (FORMAT.md §3): the recovery
    sheet's keys are derived from it, so a new one would silently break the sheet."""
    salt = salt_for(http, raw_wallet.handle)
    change = {
        "current_auth_key": b64u_encode(raw_wallet.auth_key),
        "auth_key": b64u_encode(random_bytes(32)),
        "wrapped_master_key": b64u_encode(random_bytes(61)),
    }

    refused = raw_wallet.http.put(
        f"{API}/account/passphrase", json=change | {"account_salt": b64u_encode(random_bytes(16))}
    )

    assert "account_salt" in assert_error(refused, 422, "invalid_request")["message"]
    assert salt_for(http, raw_wallet.handle) == salt
    with login_again(pde_server.url, raw_wallet) as again:  # the old auth key still opens it
        assert again.http.get(f"{API}/account").status_code == 200
    kept = raw_wallet.http.put(
        f"{API}/account/passphrase", json=change | {"account_salt": b64u_encode(salt)}
    )
    assert kept.status_code == 204, kept.text
    assert salt_for(http, raw_wallet.handle) == salt


def test_the_python_client_keeps_the_account_salt_so_the_recovery_code_still_opens(
    new_client: Callable[[], PdeClient], http: httpx.Client
) -> None:
    owner, handle = new_client(), unique_handle()
    recovery_code = owner.register(handle, PASSPHRASE).recovery_code
    salt = salt_for(http, handle)

    owner.change_passphrase(PASSPHRASE, NEW_PASSPHRASE)

    assert salt_for(http, handle) == salt
    new_client().login_with_recovery(handle, recovery_code, PASSPHRASE)


# --- recovery ---------------------------------------------------------------------


def test_the_recovery_code_restores_access_and_retires_the_old_passphrase(
    new_client: Callable[[], PdeClient],
) -> None:
    owner, handle = new_client(), unique_handle()
    recovery_code = owner.register(handle, PASSPHRASE).recovery_code
    content = b"carte AMU " * 500
    document_id = owner.add(io.BytesIO(content), title="AMU", category="health")

    rescued = new_client()
    rescued.login_with_recovery(handle, recovery_code, NEW_PASSPHRASE)

    out = io.BytesIO()
    rescued.get(document_id, out)
    assert out.getvalue() == content
    assert error_code(owner.list) == (401, "not_authenticated")
    assert error_code(lambda: new_client().login(handle, PASSPHRASE)) == (
        401,
        "invalid_credentials",
    )
    later = new_client()
    later.login(handle, NEW_PASSPHRASE)
    assert [d.document_id for d in later.list()] == [document_id]


def test_after_a_recovery_login_documents_answer_403_until_a_new_passphrase_is_set(
    new_client: Callable[[], PdeClient], http: httpx.Client, pde_server: LiveServer
) -> None:
    owner, handle = new_client(), unique_handle()
    recovery_code = owner.register(handle, PASSPHRASE).recovery_code
    document_id = owner.add(io.BytesIO(b"acte de naissance"), title="Acte")

    login = recovery_login(http, handle, recovery_code)
    assert login.status_code == 200, login.text
    answer = login.json()
    assert answer["account"]["must_change_passphrase"] is True
    auth = {"Authorization": f"Bearer {answer['session_token']}"}
    for path in ["/documents", f"/documents/{document_id}", f"/documents/{document_id}/content"]:
        assert_error(http.get(f"{API}{path}", headers=auth), 403, "passphrase_change_required")
    assert_error(http.get(f"{API}/account/export", headers=auth), 403, "passphrase_change_required")
    assert http.get(f"{API}/account", headers=auth).json()["must_change_passphrase"] is True

    account = answer["account"]
    keys = derive_recovery_keys(decode_code(recovery_code), b64u_decode(account["account_salt"]))
    master = unwrap_master_key_for_recovery(
        keys.kek, b64u_decode(account["wrapped_master_key_recovery"]), account["account_id"]
    )
    salt = b64u_decode(account["account_salt"])  # it never changes
    login_keys = derive_login_keys(NEW_PASSPHRASE, salt)
    change = {
        "account_salt": b64u_encode(salt),
        "auth_key": b64u_encode(login_keys.auth_key),
        "wrapped_master_key": b64u_encode(
            wrap_master_key(login_keys.kek, master, account["account_id"])
        ),
    }
    assert http.put(f"{API}/account/passphrase", json=change, headers=auth).status_code == 204

    listed = http.get(f"{API}/documents", headers=auth)
    assert [d["document_id"] for d in listed.json()] == [document_id]
    fresh = PdeClient(pde_server.url, retry_seconds=5)
    with fresh:
        fresh.login(handle, NEW_PASSPHRASE)
        assert fresh.info(document_id).metadata["title"] == "Acte"


# --- guessing -------------------------------------------------------------------


def test_the_fourth_wrong_login_is_rate_limited_even_with_the_right_passphrase_and_not_logged(
    tmp_path: Path,
) -> None:
    env = {"PDE_LOGIN_ATTEMPTS_PER_HANDLE": "3"}
    with (
        server_on("sqlite-local", tmp_path, env, process=True) as server,  # its log is read
        httpx.Client(base_url=server.url, timeout=60) as http,
        PdeClient(server.url, retry_seconds=5) as owner,
    ):
        handle = unique_handle("guessed")
        owner.register(handle, PASSPHRASE)
        bystander = register_raw(server.url)

        for _ in range(3):
            assert_error(wrong_login(http, handle), 401, "invalid_credentials")
        refused = wrong_login(http, handle)
        assert_error(refused, 429, "rate_limited")
        assert int(refused.headers["Retry-After"]) > 0
        with PdeClient(server.url, retry_seconds=5) as owner_again:
            assert error_code(lambda: owner_again.login(handle, PASSPHRASE)) == (
                429,
                "rate_limited",
            )
        with bystander, login_again(server.url, bystander) as elsewhere:  # the limit is per handle
            assert elsewhere.http.get(f"{API}/account").status_code == 200

        log = server.log_text()
    assert handle not in log and bystander.handle not in log
    client_lines = [line for line in log.splitlines() if UVICORN_BANNER not in line]
    assert not [line for line in client_lines if IPV4.search(line)], log
