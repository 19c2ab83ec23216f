"""Recovery by trustees (FORMAT.md §7.1): any k of n shares give the recovery key
back, fewer give nothing, and a wrong, mixed, repeated or changed share is
refused with a clear error instead of giving a wrong key."""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import keys, seal, shamir
from crypto.errors import DecryptionError, InvalidCode, InvalidShare, UnsupportedVersion
from crypto.shamir import Share, combine_shares, split_secret

VECTORS = json.loads(
    (Path(__file__).parents[3] / "crypto" / "vectors" / "shamir.json").read_text(encoding="utf-8")
)
ACCOUNT, OTHER = "YWNjb3VudC1pZC0wMDAwMQ", "b3RoZXItYWNjb3VudC0wMQ"
ERRORS: dict[str, type[Exception]] = {
    "invalid_share": InvalidShare,
    "unsupported_version": UnsupportedVersion,
}


def h(text: str) -> bytes:
    return bytes.fromhex(text)


def replay(data: bytes) -> Any:
    """A random source handing out `data` in order, as the vectors' generator did."""
    taken = 0

    def source(n: int) -> bytes:
        nonlocal taken
        taken += n
        return data[taken - n : taken]

    return source


def changed(share: Share, **fields: Any) -> Share:
    return Share(**{**share.__dict__, **fields})


# --- known answers ------------------------------------------------------------------------


def test_field_is_gf256_with_the_aes_polynomial() -> None:
    for a, b, product in VECTORS["field"]["mul"]:
        assert shamir.gf_mul(a, b) == shamir.gf_mul(b, a) == product
    for a, inverse in VECTORS["field"]["inverse"]:
        assert shamir.gf_inv(a) == inverse
    assert all(shamir.gf_mul(a, shamir.gf_inv(a)) == 1 for a in range(1, 256))
    assert shamir.gf_inv(0) == 0


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_splits_match_vectors_and_subsets_combine_as_recorded(case: dict[str, Any]) -> None:
    secret, k, n = h(case["secret"]), case["threshold"], case["shares"]
    shares = split_secret(secret, k, n, replay(h(case["random"])))
    assert [shamir.share_to_bytes(s).hex() for s in shares] == case["share_bytes"]
    assert [shamir.share_to_text(s) for s in shares] == case["share_text"]
    assert {s.set_id.hex() for s in shares} == {case["set_id"]}
    for text, raw in zip(case["share_text"], case["share_bytes"], strict=True):
        assert shamir.share_from_text(text) == shamir.share_from_bytes(h(raw))
    for subset in case["subsets"]:
        chosen = [shamir.share_from_bytes(h(case["share_bytes"][x - 1])) for x in subset["xs"]]
        if "secret" in subset:
            assert combine_shares(chosen) == secret == h(subset["secret"])
        else:
            with pytest.raises(ERRORS[subset["error"]]):
                combine_shares(chosen)


@pytest.mark.parametrize("name", sorted(VECTORS["invalid_sets"]))
def test_invalid_sets_of_the_vectors_are_refused(name: str) -> None:
    shares = [shamir.share_from_bytes(h(raw)) for raw in VECTORS["invalid_sets"][name]]
    with pytest.raises(InvalidShare):
        combine_shares(shares)


@pytest.mark.parametrize("name", sorted(VECTORS["invalid_bytes"]))
def test_invalid_share_bytes_of_the_vectors_are_refused(name: str) -> None:
    case = VECTORS["invalid_bytes"][name]
    with pytest.raises(ERRORS[case["error"]]):
        shamir.share_from_bytes(h(case["bytes"]))


def test_share_text_is_read_as_typed_and_typos_are_caught() -> None:
    typed = VECTORS["text_typed"]
    assert shamir.share_to_bytes(shamir.share_from_text(typed["typed"])).hex() == typed["bytes"]
    for bad in VECTORS["text_invalid"]:
        with pytest.raises(InvalidCode):
            shamir.share_from_text(bad)


def test_sealed_trustee_share_matches_vector_and_is_bound_to_account_split_and_number() -> None:
    v = VECTORS["sealed_trustee_share"]
    share = shamir.share_from_bytes(h(v["share_bytes"]))
    ad = seal.trustee_share_ad(v["account_id"], h(v["set_id"]), v["x"])
    assert ad.hex() == v["associated_data"]
    sealed = seal.seal_trustee_share(
        h(v["trustee_public_key"]),
        share,
        v["account_id"],
        ephemeral_private=h(v["ephemeral_private_key"]),
        nonce=h(v["nonce"]),
    )
    assert sealed.hex() == v["sealed"]
    private, set_id, x = h(v["trustee_private_key"]), h(v["set_id"]), v["x"]
    assert seal.open_trustee_share(private, sealed, v["account_id"], set_id, x) == share
    for place in [(OTHER, set_id, x), (ACCOUNT, bytes(8), x), (ACCOUNT, set_id, 3)]:
        with pytest.raises(DecryptionError):
            seal.open_trustee_share(private, sealed, *place)
    with pytest.raises(DecryptionError):
        seal.open_trustee_share(keys.new_deposit_key_pair().private_key, sealed, ACCOUNT, set_id, x)


def test_a_sealed_share_whose_header_disagrees_with_its_place_does_not_open() -> None:
    trustee = keys.new_deposit_key_pair()
    share = split_secret(os.urandom(16), 2, 3)[0]
    ad = seal.trustee_share_ad(ACCOUNT, share.set_id, 2)  # sealed for number 2, holds number 1
    sealed = seal.seal_to_public_key(trustee.public_key, shamir.share_to_bytes(share), ad)
    with pytest.raises(DecryptionError):
        seal.open_trustee_share(trustee.private_key, sealed, ACCOUNT, share.set_id, 2)


# --- any k give the secret back -----------------------------------------------------------


@pytest.mark.parametrize("n", range(2, 7))
def test_every_subset_of_at_least_k_shares_combines_and_every_smaller_one_is_refused(
    n: int,
) -> None:
    for k in range(2, n + 1):
        secret = os.urandom(16)
        shares = split_secret(secret, k, n)
        for size in range(1, n + 1):
            for subset in itertools.combinations(shares, size):
                for order in (list(subset), list(reversed(subset))):
                    if size >= k:
                        assert combine_shares(order) == secret
                    else:
                        with pytest.raises(InvalidShare, match=f"{k} shares are needed"):
                            combine_shares(order)


@settings(max_examples=60, deadline=None)
@given(
    secret=st.binary(min_size=1, max_size=64),
    params=st.integers(2, 16).flatmap(lambda n: st.tuples(st.integers(2, n), st.just(n))),
    data=st.data(),
)
def test_split_and_combine_round_trip_through_bytes_and_text(
    secret: bytes, params: tuple[int, int], data: st.DataObject
) -> None:
    k, n = params
    shares = split_secret(secret, k, n)
    chosen = data.draw(st.permutations(shares)).copy()[: data.draw(st.integers(k, n))]
    through_bytes = [shamir.share_from_bytes(shamir.share_to_bytes(s)) for s in chosen]
    through_text = [shamir.share_from_text(shamir.share_to_text(s)) for s in chosen]
    assert combine_shares(through_bytes) == combine_shares(through_text) == secret


# --- fewer than k give nothing ------------------------------------------------------------


@pytest.mark.parametrize("secret", [0x00, 0x2A, 0xFF])
def test_one_share_of_a_2_of_n_split_is_uniform_whatever_the_secret(secret: int) -> None:
    """y = s + a1·x is a bijection of the coefficient a1: over the 256 coefficients,
    each share takes every value once, for every secret byte."""
    for x in range(1, 17):
        ys = Counter(shamir._evaluate([secret, a1], x) for a1 in range(256))
        assert ys == Counter(range(256))
    values = set()
    for a1 in range(256):  # the whole split_secret: first value byte of share 5
        source = replay(bytes(8) + bytes([a1]) + bytes(4))
        values.add(split_secret(bytes([secret]), 2, 5, source)[4].y[0])
    assert values == set(range(256))


def test_two_shares_of_a_3_of_n_split_are_uniform_whatever_the_secret() -> None:
    """(a1, a2) ↦ (y at 3, y at 7) is a bijection for a secret byte s (and so for
    every s): two shares are consistent with all 256 secrets, each equally often."""
    s = 0x9C
    pairs = {
        (shamir._evaluate([s, a1, a2], 3), shamir._evaluate([s, a1, a2], 7))
        for a1 in range(256)
        for a2 in range(256)
    }
    assert len(pairs) == 65536


def at(xs: list[int], values: list[int], t: int) -> int:
    """The value at t of the polynomial through the points (xs, values)."""
    value = 0
    for weight, v in zip(shamir._lagrange_basis(xs, t), values, strict=True):
        value ^= shamir.gf_mul(weight, v)
    return value


def test_k_minus_1_shares_are_consistent_with_every_candidate_secret() -> None:
    """For k-1 real shares and any candidate c for a secret byte, one polynomial of
    degree k-1 goes through (0, c) and the k-1 shares: a k-th share exists that would
    make c the secret, a different one for each c. Nothing rules any candidate out."""
    k, n = 4, 6
    real = split_secret(os.urandom(16), k, n)[: k - 1]
    xs, ys = [s.x for s in real], [s.y[0] for s in real]
    completions = set()
    for candidate in range(256):
        missing = at([0, *xs], [candidate, *ys], n)  # the k-th share at x = n
        assert at([*xs, n], [*ys, missing], 0) == candidate
        assert all(at([*xs, n], [*ys, missing], x) == y for x, y in zip(xs, ys, strict=True))
        completions.add(missing)
    assert len(completions) == 256


def test_the_values_of_a_share_at_fixed_x_are_spread_evenly_over_random_splits() -> None:
    """Statistical: 12,800 fresh splits of the same secret; share 3's first byte is
    close to uniform (chi-squared, 255 degrees of freedom, far beyond p = 1e-6)."""
    counts = Counter(split_secret(b"\x00", 3, 5)[2].y[0] for _ in range(12_800))
    chi2 = sum((counts[v] - 50) ** 2 / 50 for v in range(256))
    assert chi2 < 400


# --- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(1, 3), (0, 2), (3, 2), (2, 17), (17, 17), (2, 1)])
def test_split_refuses_thresholds_outside_2_to_16(k: int, n: int) -> None:
    with pytest.raises(ValueError, match="2 ≤ threshold ≤ shares ≤ 16"):
        split_secret(os.urandom(16), k, n)


@pytest.mark.parametrize("size", [0, 65])
def test_split_refuses_empty_and_overlong_secrets(size: int) -> None:
    with pytest.raises(ValueError, match="1 to 64 bytes"):
        split_secret(bytes(size), 2, 3)


def test_combine_names_what_is_wrong() -> None:
    secret = os.urandom(16)
    a1, a2, a3, _, _ = split_secret(secret, 3, 5)
    b1, b2, b3, _, _ = split_secret(secret, 3, 5)
    cases = {
        "no shares to combine": [],
        "different splits": [a1, a2, b3],
        "given twice": [a1, a2, a1],
        "3 shares are needed, 2 given": [a1, a2],
        "wrong or was changed": [a1, a2, changed(a3, y=bytes([a3.y[0] ^ 1]) + a3.y[1:])],
    }
    for message, shares in cases.items():
        with pytest.raises(InvalidShare, match=message):
            combine_shares(shares)
    with pytest.raises(InvalidShare, match="given twice"):  # same number, other value
        combine_shares([a1, a2, changed(a1, y=b1.y)])
    assert combine_shares([b3, b1, b2]) == secret


def test_every_single_bit_flip_in_a_share_value_is_caught() -> None:
    shares = split_secret(os.urandom(16), 2, 2)
    for i in range(len(shares[1].y)):
        for bit in range(8):
            y = bytearray(shares[1].y)
            y[i] ^= 1 << bit
            with pytest.raises(InvalidShare, match="wrong or was changed"):
                combine_shares([shares[0], changed(shares[1], y=bytes(y))])


def test_a_lying_extra_share_is_caught_even_when_the_first_k_are_right() -> None:
    shares = split_secret(os.urandom(16), 2, 4)
    liar = changed(shares[3], y=bytes(b ^ 0x55 for b in shares[3].y))
    with pytest.raises(InvalidShare, match="wrong or was changed"):
        combine_shares([*shares[:3], liar])


def test_a_header_rewritten_to_a_lower_threshold_does_not_give_a_wrong_key() -> None:
    shares = split_secret(os.urandom(16), 3, 5)
    lowered = [changed(s, threshold=2) for s in shares[:2]]
    with pytest.raises(InvalidShare, match="wrong or was changed"):
        combine_shares(lowered)


def test_malformed_shares_cannot_be_built() -> None:
    good = split_secret(os.urandom(16), 2, 3)[0]
    for fields in [
        {"set_id": bytes(7)},
        {"x": 0},
        {"x": 4},
        {"threshold": 4},
        {"total": 17},
        {"y": bytes(4)},
        {"y": bytes(69)},
    ]:
        with pytest.raises(InvalidShare):
            changed(good, **fields)
    with pytest.raises(InvalidShare, match="too short"):
        shamir.share_from_bytes(shamir.share_to_bytes(good)[:12])


def test_format_md_lists_the_trustee_labels_and_describes_the_encoding() -> None:
    format_md = (Path(__file__).parents[3] / "crypto" / "FORMAT.md").read_text(encoding="utf-8")
    for label in ("pde/v1/shamir-check", "pde/v1/trustee-share-check", "pde/v1/ad/trustee-share"):
        assert f"| `{label}` |" in format_md, label
    assert "### 7.1 Recovery by trustees" in format_md
    share = split_secret(os.urandom(16), 2, 3)[0]
    assert len(shamir.share_to_bytes(share)) == 32 and "32 bytes for a 16-byte secret" in format_md
    assert len(shamir.share_to_text(share).replace("-", "")) == 53 and "53 characters" in format_md
