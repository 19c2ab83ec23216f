"""Vectors of a wallet's own constructions (FORMAT.md §2 to §5, §8): key
derivation, key wrapping, metadata boxes, the content stream, codes and the
server's fake salts."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from typing import Any

from crypto import encoding, keys, metadata, primitives, share, stream
from crypto.vectors.common import ACCOUNT_ID, DEPOSIT_ID, DOCUMENT_ID, SHARE_ID, fixed, pattern
from crypto.verifier import fake_salt


def _login_vectors() -> list[dict[str, Any]]:
    cases = [
        ("correct horse battery staple", b""),
        ("Ｐａｓｓ café ١٢٣", b""),  # noqa: RUF001 (full-width: NFKC matters)
        (unicodedata.normalize("NFD", "Mot de passe très sûr"), fixed("card", 16)),
    ]
    out = []
    for i, (passphrase, card) in enumerate(cases):
        salt = fixed(f"salt-{i}", 16)
        derived = keys.derive_login_keys(passphrase, salt, card)
        out.append(
            {
                "passphrase": passphrase,
                "account_salt": salt.hex(),
                "card_secret": card.hex(),
                "iterations": 600_000,
                "auth_key": derived.auth_key.hex(),
                "kek": derived.kek.hex(),
            }
        )
    return out


def _card_vectors() -> list[dict[str, Any]]:
    """Wallet card logins (FORMAT.md §3): P is the PIN with Eastern Arabic digits as
    ASCII, so the same PIN typed on an Arabic, Persian or Latin keyboard opens the wallet."""
    salt, card = fixed("salt-card", 16), fixed("wallet-card", 16)
    out = []
    for pin in ("042719", "٠٤٢٧١٩", "۰۴۲۷۱۹"):
        passphrase = share.normalize_pin(pin)
        derived = keys.derive_login_keys(passphrase, salt, card)
        out.append(
            {
                "pin": pin,
                "passphrase": passphrase,
                "account_salt": salt.hex(),
                "card_secret": card.hex(),
                "card_code": encoding.encode_code(card),
                "iterations": 600_000,
                "auth_key": derived.auth_key.hex(),
                "kek": derived.kek.hex(),
            }
        )
    return out


def kdf_vectors() -> dict[str, Any]:
    recovery_key, salt = fixed("recovery", 16), fixed("salt-0", 16)
    rec = keys.derive_recovery_keys(recovery_key, salt)
    return {
        "login": _login_vectors(),
        "card": _card_vectors(),
        "recovery": [
            {
                "recovery_key": recovery_key.hex(),
                "account_salt": salt.hex(),
                "auth": rec.auth.hex(),
                "kek": rec.kek.hex(),
            }
        ],
        "compartment": [
            {
                "secret": secret,
                "account_id": ACCOUNT_ID,
                "iterations": 600_000,
                "salt": keys.compartment_salt(ACCOUNT_ID).hex(),
                "token": derived.token.hex(),
                "key": derived.key.hex(),
            }
            for secret in ("mon autre secret", "سر آخر")
            for derived in [keys.derive_compartment_keys(secret, ACCOUNT_ID)]
        ],
        "associated_data": [
            {
                "label": "pde/v1/ad/document-key",
                "fields": [ACCOUNT_ID, DOCUMENT_ID],
                "bytes": primitives.associated_data(
                    "pde/v1/ad/document-key", ACCOUNT_ID, DOCUMENT_ID
                ).hex(),
            },
        ],
    }


def wrap_vectors() -> dict[str, Any]:
    kek, master, doc_key = fixed("kek", 32), fixed("master", 32), fixed("document", 32)
    rec_kek, deposit_priv = fixed("recovery-kek", 32), fixed("deposit-private", 32)
    n = [fixed(f"nonce-{i}", 12) for i in range(4)]
    pair = keys.new_deposit_key_pair(deposit_priv)
    return {
        "master_key": {
            "kek": kek.hex(),
            "master_key": master.hex(),
            "account_id": ACCOUNT_ID,
            "nonce": n[0].hex(),
            "box": keys.wrap_master_key(kek, master, ACCOUNT_ID, n[0]).hex(),
        },
        "master_key_recovery": {
            "recovery_kek": rec_kek.hex(),
            "master_key": master.hex(),
            "account_id": ACCOUNT_ID,
            "nonce": n[1].hex(),
            "box": keys.wrap_master_key_for_recovery(rec_kek, master, ACCOUNT_ID, n[1]).hex(),
        },
        "document_key": {
            "master_key": master.hex(),
            "document_key": doc_key.hex(),
            "account_id": ACCOUNT_ID,
            "document_id": DOCUMENT_ID,
            "nonce": n[2].hex(),
            "box": keys.wrap_document_key(master, doc_key, ACCOUNT_ID, DOCUMENT_ID, n[2]).hex(),
        },
        "deposit_private_key": {
            "master_key": master.hex(),
            "private_key": deposit_priv.hex(),
            "public_key": pair.public_key.hex(),
            "account_id": ACCOUNT_ID,
            "nonce": n[3].hex(),
            "box": keys.wrap_deposit_private_key(master, deposit_priv, ACCOUNT_ID, n[3]).hex(),
        },
    }


def _unpad_invalid() -> dict[str, str]:
    """Padded texts that `unpad` refuses (DecryptionError), each for one reason."""
    ten = metadata.pad(pattern(10))
    return {
        "total_not_a_power_of_two": (ten + bytes(44)).hex(),
        "total_under_256": metadata.pad(b"")[:128].hex(),
        "length_past_the_end": ((253).to_bytes(4, "big") + ten[4:]).hex(),
        "padding_not_zero": (ten[:-1] + b"\x01").hex(),
        "padding_not_zero_right_after_the_message": (ten[:14] + b"\x80" + ten[15:]).hex(),
    }


def metadata_vectors() -> dict[str, Any]:
    doc_key, nonce = fixed("document", 32), fixed("nonce-meta", 12)
    value = {
        "title": "Carte d'identité",
        "type": "identity",
        "date": "2026-03-01",
        "issuer": "Commune d'Ixelles",
        "file_name": "carte.pdf",
        "media_type": "application/pdf",
        "size": 48213,
        "tags": ["بطاقة", "ID"],
    }
    pads = []  # message = pattern(length): byte i is i mod 251
    for length in (0, 1, 252, 253, 1000, 65532):
        message = pattern(length)
        case: dict[str, Any] = {
            "message_length": length,
            "padded_sha256": hashlib.sha256(metadata.pad(message)).hexdigest(),
            "padded_length": len(metadata.pad(message)),
        }
        if length <= 1000:  # small enough to write out
            case |= {"message": message.hex(), "padded": metadata.pad(message).hex()}
        else:
            case["message_pattern"] = "byte i is i mod 251"
        pads.append(case)
    return {
        "pad": pads,
        "pad_too_large": 65533,
        "unpad_invalid": _unpad_invalid(),
        "metadata": {
            "document_key": doc_key.hex(),
            "account_id": ACCOUNT_ID,
            "document_id": DOCUMENT_ID,
            "json": metadata.dump_json(value).decode(),
            "nonce": nonce.hex(),
            "box": metadata.encrypt_metadata(doc_key, value, ACCOUNT_ID, DOCUMENT_ID, nonce).hex(),
        },
        "deposit_metadata": {
            "document_key": doc_key.hex(),
            "deposit_id": DEPOSIT_ID,
            "document_id": DOCUMENT_ID,
            "json": metadata.dump_json({"title": "Attestation"}).decode(),
            "nonce": nonce.hex(),
            "box": metadata.encrypt_deposit_metadata(
                doc_key, {"title": "Attestation"}, DEPOSIT_ID, DOCUMENT_ID, nonce
            ).hex(),
        },
        "deposit_link_record": {
            "master_key": fixed("master", 32).hex(),
            "account_id": ACCOUNT_ID,
            "deposit_id": DEPOSIT_ID,
            "json": metadata.dump_json({"label": "CPAS Ixelles"}).decode(),
            "nonce": nonce.hex(),
            "box": metadata.encrypt_deposit_link_record(
                fixed("master", 32), {"label": "CPAS Ixelles"}, ACCOUNT_ID, DEPOSIT_ID, nonce
            ).hex(),
        },
    }


def _stream_case(name: str, plaintext: bytes, inline: bool) -> dict[str, Any]:
    doc_key, salt, prefix = fixed("document", 32), fixed(f"salt-{name}", 32), fixed(name, 7)
    out = io.BytesIO()
    stream.encrypt_stream(
        io.BytesIO(plaintext), out, doc_key, DOCUMENT_ID, salt=salt, nonce_prefix=prefix
    )
    ciphertext = out.getvalue()
    case: dict[str, Any] = {
        "name": name,
        "document_key": doc_key.hex(),
        "document_id": DOCUMENT_ID,
        "salt": salt.hex(),
        "nonce_prefix": prefix.hex(),
        "plaintext_length": len(plaintext),
        "ciphertext_length": len(ciphertext),
        "ciphertext_sha256": hashlib.sha256(ciphertext).hexdigest(),
    }
    if inline:
        case |= {"plaintext": plaintext.hex(), "ciphertext": ciphertext.hex()}
    else:
        case |= {
            "plaintext_pattern": "byte i is i mod 251",
            "ciphertext_head": ciphertext[:128].hex(),
            "ciphertext_tail": ciphertext[-64:].hex(),
        }
    return case


def stream_vectors() -> dict[str, Any]:
    mib = stream.SEGMENT_BYTES
    return {
        "segment_bytes": mib,
        "header_bytes": stream.HEADER_BYTES,
        "cases": [
            _stream_case("empty", b"", inline=True),
            _stream_case("short", "Mon histoire. قصتي.".encode(), inline=True),
            _stream_case("one-full-segment", pattern(mib), inline=False),
            _stream_case("two-segments-exact-boundary", pattern(2 * mib), inline=False),
            _stream_case("three-segments", pattern(2 * mib + 1000), inline=False),
        ],
    }


def encoding_vectors() -> dict[str, Any]:
    b64 = [
        {"bytes": fixed(f"b64-{n}", n).hex(), "text": encoding.b64u_encode(fixed(f"b64-{n}", n))}
        for n in (0, 1, 2, 3, 16, 32)
    ]
    codes = [
        {
            "secret": fixed(f"code-{i}", 16).hex(),
            "code": encoding.encode_code(fixed(f"code-{i}", 16)),
        }
        for i in range(3)
    ]
    typed = codes[0]["code"].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    return {
        "b64u": b64,
        "b64u_invalid": ["AA==", "A", "A A", "AB+/", "AB$", "AR"],
        "codes": codes,
        "code_typed_forms": [{"typed": typed, "secret": codes[0]["secret"]}],
        "codes_invalid": [
            codes[0]["code"][:-1] + ("0" if codes[0]["code"][-1] != "0" else "1"),
            codes[0]["code"][:-2],
            codes[0]["code"].replace("-", "U", 1),
        ],
        "ids": {
            "account_id": ACCOUNT_ID,
            "document_id": DOCUMENT_ID,
            "share_id": SHARE_ID,
            "deposit_id": DEPOSIT_ID,
        },
    }


def server_vectors() -> dict[str, Any]:
    secret = fixed("server-secret", 32)
    return {
        "fake_salt": [
            {"server_secret": secret.hex(), "handle": h, "salt": fake_salt(secret, h).hex()}
            for h in ("nadia-42", "Ω-ωmega")
        ]
    }
