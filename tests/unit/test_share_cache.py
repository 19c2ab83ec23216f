"""The cache of shares' unchanging parts (share_links/share_cache.py) stays within
its bounds, in shares and in bytes, letting the least recently opened go first."""

from __future__ import annotations

from datetime import UTC, datetime

from share_links.share_cache import OpenedDocument, ShareCache, SharedContent


def content(share_id: str, documents: int = 1, box: int = 300) -> SharedContent:
    return SharedContent(
        share_id=share_id,
        made_at=datetime(2026, 1, 1, tzinfo=UTC),
        link_hash=bytes(32),
        info_box=bytes(box),
        documents=tuple(
            OpenedDocument(f"d{n}", bytes(60), bytes(box), 10) for n in range(documents)
        ),
    )


def test_the_cache_keeps_at_most_its_number_of_shares_the_least_recently_opened_leaving_first() -> (
    None
):
    cache = ShareCache(shares=3)
    for n in range(3):
        cache.keep(content(f"s{n}"))
    assert cache.get("s0") is not None  # s0 is now the most recent, s1 the least

    cache.keep(content("s3"))

    assert len(cache) == 3
    assert [cache.get(f"s{n}") is not None for n in range(4)] == [True, False, True, True]


def test_the_cache_keeps_at_most_its_bytes_and_never_a_share_larger_than_them() -> None:
    one = content("s0", documents=10, box=1000)
    cache = ShareCache(box_bytes=3 * one.weight)
    for n in range(5):
        cache.keep(content(f"s{n}", documents=10, box=1000))
    assert len(cache) == 3 and cache.bytes == 3 * one.weight
    assert cache.get("s0") is None and cache.get("s4") is not None

    cache.keep(content("huge", documents=50, box=65_000))

    assert cache.get("huge") is None and len(cache) == 3
    assert cache.bytes <= 3 * one.weight


def test_keeping_a_share_again_replaces_it_and_forgetting_it_frees_its_bytes() -> None:
    cache = ShareCache()
    cache.keep(content("s", documents=3))
    cache.keep(content("s", documents=1))
    kept = cache.get("s")
    assert kept is not None and len(kept.documents) == 1
    assert cache.bytes == content("s", documents=1).weight

    cache.forget("s")

    assert cache.get("s") is None and len(cache) == 0 and cache.bytes == 0


def test_a_cache_of_no_shares_keeps_nothing() -> None:
    cache = ShareCache(shares=0)
    cache.keep(content("s"))
    assert cache.get("s") is None and len(cache) == 0
