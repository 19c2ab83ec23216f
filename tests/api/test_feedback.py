"""Anonymous feedback over HTTP (POST /api/v1/feedback), on SQLite and on
PostgreSQL: whatever credential the request carries (a wallet's session, a staff
cookie, a terminal's cookie), the stored row holds the mark, the words, the
month and the language, and nothing that names a wallet, a session or an
address; bad input gets `invalid_request` and stores nothing; the limit per
address answers `rate_limited` and stores nothing, and the address is not kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from day_centres.models import Feedback
from tests.api.support import register_raw
from tests.server import LiveServer, live_server
from tests.staff_support import database
from wallet.clock import now

API = "/api/v1/feedback"


def rows(server: LiveServer) -> list[dict[str, Any]]:
    with database(server.settings().sqlalchemy_url) as db:
        return [dict(row._mapping) for row in db.execute(text("SELECT * FROM feedback"))]


def test_a_row_holds_no_wallet_session_terminal_or_address(
    pde_server: LiveServer, http: httpx.Client
) -> None:
    wallet = register_raw(pde_server.url)
    before = {row["id"] for row in rows(pde_server)}
    words = f"Merci, c'est simple {wallet.handle[-6:]}"
    answer = http.post(
        API,
        json={"rating": 5, "language": "fr", "text": words},
        headers={
            "Authorization": f"Bearer {wallet.token}",
            "Cookie": "pde_terminal=made-up-terminal-credential; pde_staff=made-up",
            "X-Forwarded-For": "203.0.113.77",
        },
    )
    assert answer.status_code == 204 and answer.content == b""
    [row] = [row for row in rows(pde_server) if row["id"] not in before]
    month = now().strftime("%Y-%m")
    assert set(row) == {"id", "month", "language", "rating", "text"}
    assert (row["month"], row["language"], row["rating"], row["text"]) == (month, "fr", 5, words)
    stored = repr(row)
    for value in (wallet.account_id, wallet.token, "127.0.0.1", "203.0.113.77", "terminal"):
        assert value not in stored
    wallet.close()


BAD_BODIES = [
    {},
    {"rating": 3},
    {"language": "fr"},
    {"rating": 0, "language": "fr"},
    {"rating": 6, "language": "fr"},
    {"rating": "4", "language": "fr"},
    {"rating": True, "language": "fr"},
    {"rating": 4.5, "language": "fr"},
    {"rating": "", "language": "fr"},
    {"rating": 4, "language": "de"},
    {"rating": 4, "language": "FR"},
    {"rating": 4, "language": "fr", "text": "x" * 1001},
    {"rating": 4, "language": "fr", "text": "nul\u0000byte"},
    {"rating": 4, "language": "fr", "text": "bell\u0007"},
    {"rating": 4, "language": "fr", "text": None},
    {"rating": 4, "language": "fr", "wallet_id": "AAAAAAAAAAAAAAAAAAAAAA"},
    [4, "fr"],
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_bad_input_answers_invalid_request_and_stores_nothing(
    pde_server: LiveServer, http: httpx.Client, body: Any
) -> None:
    count = len(rows(pde_server))
    answer = http.post(API, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"
    assert len(rows(pde_server)) == count


def test_a_body_that_is_not_json_is_refused(http: httpx.Client) -> None:
    answer = http.post(API, content=b"rating=5", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


def test_a_whole_number_written_as_5_0_is_a_number(
    pde_server: LiveServer, http: httpx.Client
) -> None:
    """JSON Schema's "integer" takes 5.0: so does the server (the fuzz test holds it to it)."""
    assert http.post(API, json={"rating": 5.0, "language": "pl"}).status_code == 204


def test_words_up_to_the_limit_and_line_breaks_are_kept(
    pde_server: LiveServer, http: httpx.Client
) -> None:
    words = "\u0627" * 990 + "\nfin\tok"  # Arabic alef
    assert http.post(API, json={"rating": 1, "language": "ar", "text": words}).status_code == 204
    assert any(row["text"] == words for row in rows(pde_server))


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("feedback-limit")
    with live_server(folder, {"PDE_FEEDBACK_PER_CLIENT_PER_HOUR": "3"}) as server:
        yield server


def test_the_limit_per_address_answers_rate_limited_and_stores_nothing(
    limited_server: LiveServer,
) -> None:
    with httpx.Client(base_url=limited_server.url, timeout=60) as client:
        for rating in (1, 2, 3):
            answer = client.post(API, json={"rating": rating, "language": "nl"})
            assert answer.status_code == 204
        refused = client.post(API, json={"rating": 4, "language": "nl", "text": "nog één"})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["retry-after"] == "60"
    with database(limited_server.settings().sqlalchemy_url) as db:
        assert sorted(db.scalars(select(Feedback.rating))) == [1, 2, 3]
