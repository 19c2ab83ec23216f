"""Write crypto/vectors/*.json: known answers for every construction of FORMAT.md.

Run once (`python -m crypto.vectors.generate`) when the format changes; the
files are checked in, and the Python and browser implementations are tested
against them. Inputs are fixed bytes so that the outputs are reproducible.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crypto import encoding, keys, metadata, primitives, seal, shamir, share, stream, trustees
from crypto.verifier import fake_salt

HERE = Path(__file__).parent
ACCOUNT_ID = "YWNjb3VudC1pZC0wMDAwMQ"  # b64u(b"account-id-00001")
DOCUMENT_ID = "ZG9jdW1lbnQtaWQtMDAwMQ"  # b64u(b"document-id-0001")
SHARE_ID = "c2hhcmUtaWQtMDAwMDAwMQ"  # b64u(b"share-id-0000001")
DEPOSIT_ID = "ZGVwb3NpdC1pZC0wMDAwMQ"  # b64u(b"deposit-id-00001")


def fixed(label: str, n: int) -> bytes:
    """Deterministic test bytes: SHA-256 chain of a label, truncated to n."""
    out = b""
    block = label.encode()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:n]


def pattern(length: int) -> bytes:
    """The plaintext of large stream vectors: byte i is i mod 251."""
    return bytes(i % 251 for i in range(251)) * (length // 251) + bytes(range(length % 251))


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
        pads.append(
            {
                "message_length": length,
                "padded_sha256": hashlib.sha256(metadata.pad(message)).hexdigest(),
                "padded_length": len(metadata.pad(message)),
            }
        )
    return {
        "pad": pads,
        "pad_too_large": 65533,
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


def share_vectors() -> dict[str, Any]:
    secret, doc_key = fixed("share-secret", 16), fixed("document", 32)
    out: dict[str, Any] = {
        "keys": [],
        "link": {
            "base_url": "https://pde.example",
            "share_id": SHARE_ID,
            "secret": secret.hex(),
            "link": share.format_share_link("https://pde.example", SHARE_ID, secret),
        },
    }
    for pin in ("", "4821", "４８２１", "٤٨٢١", "۴۸۲۱"):  # noqa: RUF001
        derived = share.derive_share_keys(secret, SHARE_ID, pin)
        out["keys"].append(
            {
                "share_secret": secret.hex(),
                "share_id": SHARE_ID,
                "pin": pin,
                "share_key": derived.share_key.hex(),
                "access_token": derived.access_token.hex(),
                "access_token_sha256": share.access_token_hash(derived.access_token).hex(),
            }
        )
    share_key = share.derive_share_keys(secret, SHARE_ID, "4821").share_key
    n = [fixed(f"share-nonce-{i}", 12) for i in range(4)]
    fields = {"title": "Carte d'identité", "type": "identity"}
    info = {
        "recipient": "CPAS Ixelles, Mme X",
        "purpose": "Demande de RIS",
        "expires_at": "2026-12-02T10:00:00Z",
    }
    out["document_key"] = {
        "share_key": share_key.hex(),
        "document_key": doc_key.hex(),
        "share_id": SHARE_ID,
        "document_id": DOCUMENT_ID,
        "nonce": n[0].hex(),
        "box": share.wrap_document_key_for_share(
            share_key, doc_key, SHARE_ID, DOCUMENT_ID, n[0]
        ).hex(),
    }
    out["metadata"] = {
        "share_key": share_key.hex(),
        "share_id": SHARE_ID,
        "document_id": DOCUMENT_ID,
        "json": metadata.dump_json(fields).decode(),
        "nonce": n[1].hex(),
        "box": share.encrypt_share_metadata(share_key, fields, SHARE_ID, DOCUMENT_ID, n[1]).hex(),
    }
    out["info"] = {
        "share_key": share_key.hex(),
        "share_id": SHARE_ID,
        "json": metadata.dump_json(info).decode(),
        "nonce": n[2].hex(),
        "box": share.encrypt_share_info(share_key, info, SHARE_ID, n[2]).hex(),
    }
    owner_record = {"secret": encoding.b64u_encode(secret), "pin": "4821", **info}
    out["owner_record"] = {
        "master_key": fixed("master", 32).hex(),
        "account_id": ACCOUNT_ID,
        "share_id": SHARE_ID,
        "json": metadata.dump_json(owner_record).decode(),
        "nonce": n[3].hex(),
        "box": share.encrypt_share_owner_record(
            fixed("master", 32), owner_record, ACCOUNT_ID, SHARE_ID, n[3]
        ).hex(),
    }
    return out


def seal_vectors() -> dict[str, Any]:
    wallet = keys.new_deposit_key_pair(fixed("deposit-private", 32))
    eph, nonce, doc_key = fixed("ephemeral", 32), fixed("seal-nonce", 12), fixed("document", 32)
    sealed = seal.seal_deposit_document_key(
        wallet.public_key, doc_key, DEPOSIT_ID, DOCUMENT_ID, ephemeral_private=eph, nonce=nonce
    )
    return {
        "deposit_document_key": {
            "wallet_private_key": wallet.private_key.hex(),
            "wallet_public_key": wallet.public_key.hex(),
            "ephemeral_private_key": eph.hex(),
            "ephemeral_public_key": keys.new_deposit_key_pair(eph).public_key.hex(),
            "nonce": nonce.hex(),
            "document_key": doc_key.hex(),
            "deposit_id": DEPOSIT_ID,
            "document_id": DOCUMENT_ID,
            "sealed": sealed.hex(),
        }
    }


def _replayed(label: str) -> tuple[Callable[[int], bytes], bytearray]:
    """A "random" source for split_secret that hands out fixed("label") in order, and
    the bytes it handed out (the vector's `random`: set id ‖ coefficients)."""
    given = bytearray()
    pool = fixed(label, 8 + 15 * 68)

    def source(n: int) -> bytes:
        given.extend(pool[len(given) : len(given) + n])
        return bytes(given[-n:]) if n else b""

    return source, given


def _shamir_case(name: str, secret: bytes, k: int, n: int, subsets: list[list[int]]) -> Any:
    source, given = _replayed(f"shamir-{name}")
    shares = shamir.split_secret(secret, k, n, source)
    by_x = {s.x: s for s in shares}

    def outcome(xs: list[int]) -> dict[str, Any]:
        if len(xs) < k:
            return {"xs": xs, "error": "invalid_share"}
        return {"xs": xs, "secret": shamir.combine_shares([by_x[x] for x in xs]).hex()}

    return {
        "name": name,
        "secret": secret.hex(),
        "threshold": k,
        "shares": n,
        "random": given.hex(),
        "set_id": shares[0].set_id.hex(),
        "share_bytes": [shamir.share_to_bytes(s).hex() for s in shares],
        "share_text": [shamir.share_to_text(s) for s in shares],
        "subsets": [outcome(xs) for xs in subsets],
    }


def _flip(data: bytes, i: int) -> bytes:
    return data[:i] + bytes([data[i] ^ 1]) + data[i + 1 :]


def _all(n: int) -> list[int]:
    return list(range(1, n + 1))


def _all_subsets(n: int) -> list[list[int]]:
    return [[x for x in range(1, n + 1) if mask >> (x - 1) & 1] for mask in range(1, 1 << n)]


def shamir_vectors() -> dict[str, Any]:
    recovery = fixed("recovery", 16)
    cases = [
        _shamir_case("2-of-2", fixed("shamir-secret", 16), 2, 2, _all_subsets(2)),
        _shamir_case("2-of-3", recovery, 2, 3, [*_all_subsets(3), [3, 1], [3, 2, 1]]),
        _shamir_case("3-of-5", recovery, 3, 5, [*_all_subsets(5), [5, 3, 1]]),
        _shamir_case("4-of-6", fixed("shamir-key", 32), 4, 6, [[1, 2, 3], [6, 4, 2, 1], _all(6)]),
        _shamir_case("2-of-16", recovery, 2, 16, [[16], [16, 9], [1, 2], _all(16)]),
        _shamir_case("16-of-16", b"\x2a", 16, 16, [_all(15), _all(16)[::-1]]),
    ]
    a, b = (bytes.fromhex(s) for s in cases[2]["share_bytes"][:2])
    other = bytes.fromhex(_shamir_case("3-of-5-again", recovery, 3, 5, [])["share_bytes"][2])
    c = bytes.fromhex(cases[2]["share_bytes"][2])
    invalid_sets = {
        "mixed_splits": [a, b, other],
        "twice": [a, b, a],
        "same_number": [a, b, _flip(a, 20)],
        "too_few": [a, b],
        "tampered": [a, b, _flip(c, 12)],
        "tampered_extra": [a, b, c, _flip(bytes.fromhex(cases[2]["share_bytes"][3]), 30)],
    }
    invalid_bytes = {
        "version_2": ("unsupported_version", bytes([2]) + a[1:]),
        "threshold_1": ("invalid_share", a[:9] + bytes([1]) + a[10:]),
        "threshold_above_total": ("invalid_share", a[:9] + bytes([6, 5]) + a[11:]),
        "total_17": ("invalid_share", a[:9] + bytes([3, 17]) + a[11:]),
        "number_0": ("invalid_share", a[:11] + bytes([0]) + a[12:]),
        "number_above_total": ("invalid_share", a[:11] + bytes([6]) + a[12:]),
        "value_too_short": ("invalid_share", a[:16]),
    }
    text = cases[2]["share_text"][0]
    wallet = keys.new_deposit_key_pair(fixed("trustee-private", 32))
    eph, nonce = fixed("trustee-ephemeral", 32), fixed("trustee-seal-nonce", 12)
    trustee_share = shamir.share_from_bytes(b)
    return {
        "field": {
            "polynomial": "0x11b",
            "mul": [[x, y, shamir.gf_mul(x, y)] for x, y in ((0x57, 0x83), (0x57, 0x13), (2, 128))],
            "inverse": [[x, shamir.gf_inv(x)] for x in (1, 2, 0x53, 0xFF)],
        },
        "cases": cases,
        "invalid_sets": {k: [s.hex() for s in v] for k, v in invalid_sets.items()},
        "invalid_bytes": {k: {"error": e, "bytes": v.hex()} for k, (e, v) in invalid_bytes.items()},
        "text_typed": {
            "typed": text.lower().replace("-", " ").replace("0", "o").replace("1", "l"),
            "bytes": cases[2]["share_bytes"][0],
        },
        "text_invalid": [
            text[:-1] + ("0" if text[-1] != "0" else "1"),
            text[:-2],
            text.replace("-", "U", 1),
            "",
        ],
        "sealed_trustee_share": {
            "trustee_private_key": wallet.private_key.hex(),
            "trustee_public_key": wallet.public_key.hex(),
            "ephemeral_private_key": eph.hex(),
            "nonce": nonce.hex(),
            "account_id": ACCOUNT_ID,
            "set_id": trustee_share.set_id.hex(),
            "x": trustee_share.x,
            "share_bytes": b.hex(),
            "associated_data": seal.trustee_share_ad(
                ACCOUNT_ID, trustee_share.set_id, trustee_share.x
            ).hex(),
            "sealed": seal.seal_trustee_share(
                wallet.public_key, trustee_share, ACCOUNT_ID, ephemeral_private=eph, nonce=nonce
            ).hex(),
        },
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


def trustees_vectors() -> dict[str, Any]:
    trustee_key, master = fixed("trustee-key", 16), fixed("master", 32)
    derived = trustees.derive_trustee_keys(trustee_key)
    request_secret, request_id = fixed("request-secret", 16), DOCUMENT_ID
    request = trustees.derive_request_keys(request_secret, request_id)
    share_bytes, eph = pattern(32), fixed("release-ephemeral", 32)
    nonces = [fixed(f"trustee-nonce-{i}", 12) for i in range(3)]
    record = {"notes": ["Mme X, CPAS"], "printed": [3]}
    return {
        "trustee_keys": {
            "trustee_key": trustee_key.hex(),
            "auth": derived.auth.hex(),
            "kek": derived.kek.hex(),
        },
        "wrapped_master": {
            "kek": derived.kek.hex(),
            "master_key": master.hex(),
            "account_id": ACCOUNT_ID,
            "nonce": nonces[0].hex(),
            "box": trustees.wrap_master_key_for_trustees(
                derived.kek, master, ACCOUNT_ID, nonces[0]
            ).hex(),
        },
        "record": {
            "master_key": master.hex(),
            "account_id": ACCOUNT_ID,
            "json": metadata.dump_json(record).decode(),
            "nonce": nonces[1].hex(),
            "box": trustees.encrypt_trustee_record(master, record, ACCOUNT_ID, nonces[1]).hex(),
        },
        "request": {
            "request_secret": request_secret.hex(),
            "request_id": request_id,
            "private_key": request.private_key.hex(),
            "public_key": request.public_key.hex(),
            "token": request.token.hex(),
        },
        "released": {
            "public_key": request.public_key.hex(),
            "private_key": request.private_key.hex(),
            "request_id": request_id,
            "x": 2,
            "share_bytes": share_bytes.hex(),
            "ephemeral_private_key": eph.hex(),
            "nonce": nonces[2].hex(),
            "sealed": trustees.seal_released_share(
                request.public_key,
                share_bytes,
                request_id,
                2,
                ephemeral_private=eph,
                nonce=nonces[2],
            ).hex(),
        },
    }


GENERATORS = {
    "kdf": kdf_vectors,
    "wrap": wrap_vectors,
    "metadata": metadata_vectors,
    "stream": stream_vectors,
    "share": share_vectors,
    "seal": seal_vectors,
    "shamir": shamir_vectors,
    "trustees": trustees_vectors,
    "encoding": encoding_vectors,
    "server": server_vectors,
}


def main(names: list[str]) -> None:
    """Write every vector file, or only those named (`python -m crypto.vectors.generate shamir`)."""
    for name, generate in GENERATORS.items():
        if names and name not in names:
            continue
        text = json.dumps(generate(), ensure_ascii=False, indent=1) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"wrote crypto/vectors/{name}.json")


if __name__ == "__main__":
    main(sys.argv[1:])
