"""Vectors of what a wallet hands to others (FORMAT.md §6, §7, §9): share
links, deposit links and how pasted links are read, sealed deposits and
trustee shares, Shamir's secret sharing and the trustees' recovery."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from crypto import encoding, keys, links, metadata, seal, shamir, share, trustees
from crypto.vectors.common import ACCOUNT_ID, DEPOSIT_ID, DOCUMENT_ID, SHARE_ID, fixed, pattern


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
                "link_token": derived.link_token.hex(),
                "link_token_sha256": share.access_token_hash(derived.link_token).hex(),
                "access_token": derived.access_token.hex(),
                "access_token_sha256": share.access_token_hash(derived.access_token).hex(),
            }
        )
    share_key = share.derive_share_keys(secret, SHARE_ID, "4821").share_key
    n = [fixed(f"share-nonce-{i}", 12) for i in range(5)]
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
    # The info box as writers write it now (FORMAT.md §6): recipient, purpose, from.
    info_from = {"recipient": "CPAS Ixelles, Mme X", "purpose": "", "from": "Amina (أمينة)"}
    out["info_from"] = {
        "share_key": share_key.hex(),
        "share_id": SHARE_ID,
        "json": metadata.dump_json(info_from).decode(),
        "nonce": n[4].hex(),
        "box": share.encrypt_share_info(share_key, info_from, SHARE_ID, n[4]).hex(),
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


def _link_forms(
    segment: str, identifier: str, fragment: bytes, field: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """How people paste a link of `segment` (FORMAT.md §6): the forms every parser
    reads, with what it reads from them, and near misses every parser refuses."""
    tail = f"/{segment}/{identifier}"
    secret = encoding.b64u_encode(fragment)
    read = [
        ("https://pde.example", f"https://pde.example{tail}#{secret}"),
        ("https://pde.example", f"https://pde.example{tail}/#{secret}"),
        ("https://pde.example", f"  https://pde.example{tail}#{secret}\n"),
        ("https://pde.example", f"\t\r\nhttps://pde.example{tail}#{secret} \r\n"),
        ("https://pde.example/pde", f"https://pde.example/pde{tail}#{secret}"),
        ("http://127.0.0.1:8000/a/b", f" http://127.0.0.1:8000/a/b{tail}/#{secret}\n"),
    ]
    other = "d" if segment == "s" else "s"
    last = identifier[-1]
    refused = [
        "",
        f"https://pde.example{tail}",
        f"https://pde.example{tail}#",
        f"https://pde.example{tail}#{secret}=",
        f"https://pde.example{tail}#{encoding.b64u_encode(fragment[:15])}",
        f"https://pde.example{tail}#{encoding.b64u_encode(fragment + b'!')}",
        f"https://pde.example/{other}/{identifier}#{secret}",
        f"https://pde.example{tail}/more#{secret}",
        f"https://pde.example/{segment}/{identifier[:-1]}#{secret}",
        f"https://pde.example/{segment}/{identifier[:-1]}{'B' if last == 'A' else 'R'}#{secret}",
        f"https://pde.example{tail} #{secret}",
        f"pde.example{tail}#{secret}",
        f"/{segment}/{identifier}#{secret}",
    ]
    return [{"text": text, "base_url": base, field: identifier} for base, text in read], refused


def _deposit_info(public_key: bytes) -> dict[str, Any]:
    """A deposit link's info box (FORMAT.md §7) as the owner's client writes it."""
    secret, nonce = fixed("deposit-secret", 16), fixed("deposit-info-nonce", 12)
    info = {"label": "CPAS Ixelles, logement", "public_key": encoding.b64u_encode(public_key)}
    return {
        "secret": secret.hex(),
        "deposit_id": DEPOSIT_ID,
        "json": metadata.dump_json(info).decode(),
        "nonce": nonce.hex(),
        "box": links.encrypt_deposit_link_info(secret, info, DEPOSIT_ID, nonce).hex(),
    }


def links_vectors() -> dict[str, Any]:
    """Share and deposit links (FORMAT.md §6, §7): how they are written and how pasted
    forms of them are read or refused; a deposit link's info box."""
    secret = fixed("share-secret", 16)
    public_key = keys.new_deposit_key_pair(fixed("deposit-private", 32)).public_key
    deposit_secret = fixed("deposit-secret", 16)
    fragment = bytes([links.DEPOSIT_LINK_VERSION]) + deposit_secret
    share_read, share_refused = _link_forms("s", SHARE_ID, secret, "share_id")
    deposit_read, deposit_refused = _link_forms("d", DEPOSIT_ID, fragment, "deposit_id")
    old_fingerprint = hashlib.sha256(public_key).digest()[:16]  # the links of version 1
    version_3 = bytes([3]) + deposit_secret
    return {
        "share_format": [
            {
                "base_url": base,
                "share_id": SHARE_ID,
                "secret": secret.hex(),
                "link": share.format_share_link(base, SHARE_ID, secret),
            }
            for base in ("https://pde.example", "https://pde.example/", "https://pde.example/pde/")
        ],
        "share_parse": [case | {"secret": secret.hex()} for case in share_read],
        "share_invalid": share_refused,
        "deposit_format": [
            {
                "base_url": base,
                "deposit_id": DEPOSIT_ID,
                "secret": deposit_secret.hex(),
                "link": links.format_deposit_link(base, DEPOSIT_ID, deposit_secret),
            }
            for base in ("https://pde.example", "https://pde.example/pde/")
        ],
        "deposit_parse": [case | {"secret": deposit_secret.hex()} for case in deposit_read],
        "deposit_invalid": deposit_refused,
        # Well-formed links of another version: refused with unsupported_version.
        "deposit_unsupported": [
            f"https://pde.example/d/{DEPOSIT_ID}#{encoding.b64u_encode(old_fingerprint)}",
            f"https://pde.example/d/{DEPOSIT_ID}#{encoding.b64u_encode(version_3)}",
        ],
        "deposit_info": _deposit_info(public_key) | {"public_key": public_key.hex()},
    }


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
