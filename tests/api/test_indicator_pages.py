"""The indicators' pages on a live server of this module's own: the staff dashboard
(the operator every centre and the total, a coordinator their centre), its CSV, and
the public page and file anyone can read without logging in, in five languages,
with small numbers hidden ("<10") and the rest rounded to 5."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from day_centres.indicators import NO_CENTRE, add
from day_centres.models import IndicatorCount
from tests.conftest import server_on
from tests.server import LiveServer
from tests.staff_support import database, log_in, make_centre, make_staff
from wallet.clock import now


@pytest.fixture(scope="module")
def pde_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with server_on("sqlite-local", tmp_path_factory.mktemp("indicator-pages")) as server:
        yield server


@pytest.fixture(scope="module")
def centres(pde_server: LiveServer) -> tuple[str, str]:
    """Le Phare (3 new wallets this month) and La Source (41), and 12 made elsewhere."""
    url = pde_server.settings().sqlalchemy_url
    phare, source = make_centre(url, "Le Phare"), make_centre(url, "La Source")
    today = now().date()
    with database(url) as db:
        add(db, today, phare, "wallets_created", 3)
        add(db, today, source, "wallets_created", 41)
        add(db, today, NO_CENTRE, "wallets_created", 12)
        add(db, today, source, "documents_stored", 30)
        add(db, today, source, "document_bytes", 64_000_000)
    return phare, source


def cells(html: str, row: str) -> list[str]:
    """The figures of the table row headed `row` (the first such row)."""
    match = re.search(rf'<th scope="row">{re.escape(row)}.*?</tr>', html, re.S)
    assert match, row
    return re.findall(r'<bdi dir="ltr">([^<]*(?:&lt;10)?[^<]*)</bdi>', match.group(0))


def test_the_operator_sees_every_centre_and_a_total_that_hides_the_small_one(
    pde_server: LiveServer, centres: tuple[str, str]
) -> None:
    operator = log_in(pde_server.url, make_staff(pde_server.settings().sqlalchemy_url, "operator"))
    page = operator.page("/staff/en/indicators")
    assert page.status_code == 200
    assert "<script" not in page.text and "style=" not in page.text
    assert cells(page.text, "Le Phare")[:2] == ["&lt;10", "&lt;10"]
    assert cells(page.text, "La Source")[:2] == ["40", "40"]
    assert cells(page.text, "Not at a centre")[:2] == ["10", "10"]
    # 56 in truth: published 55, so 55 - 40 - 10 tells nothing exact about Le Phare.
    assert cells(page.text, "Total")[:2] == ["55", "55"]
    assert 'role="img"' in page.text and '<title id="chart-title">' in page.text
    rows = list(csv.DictReader(io.StringIO(operator.page("/staff/en/indicators.csv").text)))
    month = f"{now():%Y-%m}"
    this_month = {r["centre"]: r["wallets_created"] for r in rows if r["month"] == month}
    assert this_month == {"La Source": "40", "Le Phare": "<10", "no centre": "10", "total": "55"}


def test_a_coordinator_sees_their_centre_and_not_the_others(
    pde_server: LiveServer, centres: tuple[str, str]
) -> None:
    phare, _ = centres
    url = pde_server.settings().sqlalchemy_url
    coordinator = log_in(pde_server.url, make_staff(url, "coordinator", phare), "fr")
    page = coordinator.page("/staff/fr/indicators").text
    assert "Le Phare" in page and "La Source" not in page
    assert '<th scope="row">Hors centre' not in page and '<th scope="row">Total' not in page
    assert "Chaque mois : Le Phare" in page
    text = coordinator.page("/staff/fr/indicators.csv").text
    assert [r["centre"] for r in csv.DictReader(io.StringIO(text))] == ["Le Phare"] * len(
        text.splitlines()[1:]
    )


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("fr", "PDE en chiffres"),
        ("nl", "PDE in cijfers"),
        ("en", "PDE in figures"),
        ("ar", "PDE بالأرقام"),
        ("pl", "PDE w liczbach"),
    ],
)
def test_the_public_page_needs_no_login_and_speaks_five_languages(
    pde_server: LiveServer, centres: tuple[str, str], code: str, title: str
) -> None:
    response = httpx.get(f"{pde_server.url}/indicators/{code}")
    assert response.status_code == 200
    assert f"<title>{title}</title>" in response.text
    assert response.headers["content-language"] == code
    assert "set-cookie" not in response.headers
    assert "<script" not in response.text and "style=" not in response.text
    assert cells(response.text, "Le Phare")[:2] == ["&lt;10", "&lt;10"]
    assert cells(response.text, "La Source")[-1] == "60"  # 64 MB, rounded to 10
    for other in ("fr", "nl", "en", "ar", "pl"):  # plain links to the page in each language
        assert f'<a href="/indicators/{other}" lang="{other}"' in response.text


def test_the_public_file_is_the_operators_file(
    pde_server: LiveServer, centres: tuple[str, str]
) -> None:
    public = httpx.get(f"{pde_server.url}/indicators.csv")
    assert public.status_code == 200
    assert public.headers["content-type"].startswith("text/csv")
    operator = log_in(pde_server.url, make_staff(pde_server.settings().sqlalchemy_url, "operator"))
    assert public.text == operator.page("/staff/en/indicators.csv").text
    assert "Le Phare,<10,<10," in public.text


def test_the_public_page_goes_to_the_browsers_language_and_refuses_the_unknown(
    pde_server: LiveServer, centres: tuple[str, str]
) -> None:
    with httpx.Client(base_url=pde_server.url) as http:
        moved = http.get("/indicators", headers={"Accept-Language": "nl-BE"})
        assert (moved.status_code, moved.headers["location"]) == (303, "/indicators/nl")
        for path, said, back in (
            ("/indicators/xx", "Cette page n'existe pas.", "fr"),  # the browser's language
            ("/indicators/en?month=1999-01", "This page does not exist.", "en"),
            ("/indicators/en?month=x", "This page does not exist.", "en"),
        ):
            refused = http.get(path, headers={"Accept-Language": "fr"})
            assert refused.status_code == 404, path
            assert refused.headers["content-type"].startswith("text/html")
            assert said in refused.text.replace("&#39;", "'"), path
            assert f'href="/indicators/{back}"><img src="/static/icons/figures.svg"' in refused.text
        chosen = http.get(f"/indicators/en?month={now():%Y-%m}")
        assert chosen.status_code == 200


@pytest.mark.parametrize("code", ["fr", "ar"])
def test_the_kiosk_welcome_links_to_the_public_page_in_its_language(
    pde_server: LiveServer, code: str
) -> None:
    kiosk = httpx.get(f"{pde_server.url}/{code}/")
    assert kiosk.status_code == 200
    assert f'href="/indicators/{code}"><img src="/static/icons/figures.svg"' in kiosk.text
    assert httpx.get(f"{pde_server.url}/static/icons/figures.svg").status_code == 200


def test_a_wallet_made_at_an_enrolled_terminal_counts_at_its_centre(
    pde_server: LiveServer, centres: tuple[str, str]
) -> None:
    """The real terminals' middleware tells the registration its centre (through
    request.state.terminal_centre_id); the wallet and the counter keep it."""
    from day_centres.terminals import COOKIE as TERMINAL_COOKIE
    from tests.api.support import API, registration_body, stored_rows, unique_handle
    from tests.terminal_support import make_terminal
    from wallet.models import Account

    phare, _ = centres
    url = pde_server.settings().sqlalchemy_url
    _, token = make_terminal(url, make_staff(url, "worker", phare))
    body = registration_body(unique_handle("terminal"))
    with httpx.Client(base_url=pde_server.url, cookies={TERMINAL_COOKIE: token}) as terminal:
        assert terminal.post(f"{API}/accounts", json=body).status_code == 201
    with stored_rows(pde_server) as db:
        assert db.get(Account, body["account_id"]).centre_id == phare  # type: ignore[union-attr]
        made = select(func.sum(IndicatorCount.value)).where(
            IndicatorCount.centre_key == phare, IndicatorCount.metric == "wallets_created"
        )
        assert db.scalar(made) == 4  # the 3 of the fixture, and this one
    rows = csv.DictReader(io.StringIO(httpx.get(f"{pde_server.url}/indicators.csv").text))
    month = f"{now():%Y-%m}"
    phare_row = next(r for r in rows if r["month"] == month and r["centre"] == "Le Phare")
    assert phare_row["wallets_created"] == "<10"  # 4: still hidden
