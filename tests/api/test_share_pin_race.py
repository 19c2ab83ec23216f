"""A share's PIN lock holds under a crowd, where attempts sent at once could each
be compared before any was counted: every attempt is counted before its token is
compared, in one conditional UPDATE, so 30 wrong PINs sent at once compare at most
5, lock the share, and the right PIN that comes after finds it locked; right PINs
sent at once all get in. A crowd's attempts that reach the writer together are
counted together and come out as they would one by one. On SQLite and on
PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import httpx

from tests.api.share_support import (
    WRONG_ACCESS_LIMIT,
    assert_share_error,
    count_together,
    make_share,
    open_share,
)
from tests.api.support import API, RawWallet
from tests.server import LiveServer

LIMIT = WRONG_ACCESS_LIMIT  # PDE_SHARE_WRONG_ACCESS_LIMIT's default


def all_at_once(server: LiveServer, pins: list[str], prepared) -> list[httpx.Response]:
    barrier = threading.Barrier(len(pins))
    answers: list[httpx.Response] = []

    def attempt(pin: str) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            barrier.wait()
            answers.append(open_share(http, prepared, pin=pin))

    threads = [threading.Thread(target=attempt, args=(pin,)) for pin in pins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_thirty_wrong_pins_at_once_compare_at_most_five_and_lock_the_share(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="2468")

    answers = all_at_once(pde_server, [f"{n:04d}" for n in range(30)], prepared)

    codes = Counter(response.json()["error"]["code"] for response in answers)
    assert codes == {"share_wrong_access": LIMIT - 1, "share_locked": 30 - LIMIT + 1}, codes
    left = sorted(
        response.json()["error"]["attempts_left"]
        for response in answers
        if response.json()["error"]["code"] == "share_wrong_access"
    )
    assert left == list(range(1, LIMIT))
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        assert_share_error(open_share(http, prepared, pin="2468"), 423, "share_locked")
    share = raw_wallet.http.get(f"{API}/shares/{prepared.share_id}").json()
    events = Counter(event["event"] for event in share["events"])
    assert events == {"wrong_access": LIMIT, "locked": 1}, events
    assert share["state"] == "locked" and share["opens"] == 0


def test_the_right_pin_sent_by_many_at_once_opens_for_all_and_spends_no_attempt(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="1357")

    answers = all_at_once(pde_server, ["1357"] * 12, prepared)

    assert [response.status_code for response in answers] == [200] * 12
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        refused = open_share(http, prepared, pin="0000")
    assert_share_error(refused, 403, "share_wrong_access", attempts_left=LIMIT - 1)
    share = raw_wallet.http.get(f"{API}/shares/{prepared.share_id}").json()
    assert share["opens"] == 12 and share["state"] == "active"


def test_a_batch_of_a_crowd_and_a_wrong_pin_counts_as_one_by_one_up_to_the_open_limit(
    pde_server: LiveServer, raw_wallet: RawWallet
) -> None:
    prepared = make_share(raw_wallet, [raw_wallet.add(b"papers")], pin="1357", max_opens=5)

    outcomes = count_together(pde_server, prepared, ["1357"] * 3 + ["0000"] + ["1357"] * 4)

    opened = [o.opens if o and o.matched else o and -o.wrong_accesses for o in outcomes]
    assert opened == [1, 2, 3, -1, 4, 5, None, None]
    share = raw_wallet.http.get(f"{API}/shares/{prepared.share_id}").json()
    events = Counter(event["event"] for event in share["events"])
    assert events == {"opened": 5, "wrong_access": 1}, events
    assert share["opens"] == 5 and share["state"] == "used_up"
    with httpx.Client(base_url=pde_server.url, timeout=60) as http:
        assert_share_error(open_share(http, prepared), 410, "share_used_up")
