"""A first visit on a slow line (issue 12 §2): each page names its whole ES module
graph in `<link rel="modulepreload">` hints, computed from the real imports when
the app starts, so the browser asks for every module at once; and static files are
kept by browsers as page_kit/static_files.py says (immutable when versioned with
their content's hash, revalidated with their ETag otherwise, pages never).
bench/slow_line.py measures what the hints save."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crypto import new_id
from page_kit.es_modules import ModuleGraph, ModulePreloads
from page_kit.static_files import FileVersions, StaticUrls, VersionedStaticFiles
from pde.app import PAGE_MODULES, STATIC_MOUNTS, create_app
from pde.settings import Settings
from tests.unit.test_es_modules import graph, url_of
from wallet.db import migrate

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
SCRIPT = re.compile(r'<script type="module" src="([^"]+)">')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
PAGES = {"/": "/static/js/selftest.js", "/fr/": "/static/js/main.js"}
LINK_PAGES = {"/s/": "/static/viewer/viewer.js", "/d/": "/static/deposit/deposit.js"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("hints"))
    migrate(settings.sqlalchemy_url)
    return settings


def client_of(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def client(migrated: Settings) -> Iterator[TestClient]:
    yield from client_of(migrated)


def page_urls() -> dict[str, str]:
    return PAGES | {f"{path}{new_id()}": entry for path, entry in LINK_PAGES.items()}


def static_closure(entry: str) -> set[str]:
    """The modules `entry` imports statically, directly or not, by the graph that
    tests/unit/test_es_modules.py builds on its own."""
    edges, _ = graph()
    files = {url_of(path): path for path in edges}
    seen: set[Path] = set()
    todo = [files[entry]]
    while todo:
        for edge in edges[todo.pop()]:
            if not edge.dynamic and edge.target not in seen:
                seen.add(edge.target)
                todo.append(edge.target)
    return {url_of(path) for path in seen}


@pytest.mark.parametrize("entry", PAGE_MODULES)
def test_the_hints_name_every_module_the_entry_imports_statically(entry: str) -> None:
    preloads = ModuleGraph(STATIC_MOUNTS).preloads(entry)
    assert len(preloads) == len(set(preloads)), "each module once"
    assert set(preloads) == static_closure(entry)
    assert entry not in preloads


def test_a_module_imported_only_dynamically_is_not_preloaded() -> None:
    """The QR encoder and the PDF viewer load when a screen needs them, not before."""
    edges, _ = graph()
    dynamic = {url_of(e.target) for targets in edges.values() for e in targets if e.dynamic}
    static = {url_of(e.target) for targets in edges.values() for e in targets if not e.dynamic}
    later = dynamic - static
    assert later, "some modules load only when needed"
    for entry in PAGE_MODULES:
        assert not later & set(ModuleGraph(STATIC_MOUNTS).preloads(entry)), entry


def test_every_page_carries_the_hints_of_its_own_entry(client: TestClient) -> None:
    for path, entry in page_urls().items():
        page = client.get(path)
        assert page.status_code == 200, path
        assert SCRIPT.findall(page.text) == [entry], path
        preloads = PRELOAD.findall(page.text)
        assert preloads == list(ModuleGraph(STATIC_MOUNTS).preloads(entry)), path
        assert len(preloads) > 5, path
        for url in preloads:
            assert client.get(url).status_code == 200, url


def test_the_hints_can_be_switched_off_for_the_baseline(migrated: Settings) -> None:
    off = migrated.model_copy(update={"module_preload": False})
    for client in client_of(off):
        for path, entry in page_urls().items():
            page = client.get(path)
            assert SCRIPT.findall(page.text) == [entry], path
            assert PRELOAD.findall(page.text) == [], path


def test_a_versioned_stylesheet_is_kept_for_a_year_and_a_page_never(client: TestClient) -> None:
    page = client.get("/fr/")
    assert page.headers["cache-control"] == "no-store"
    sheets = STYLESHEET.findall(page.text)
    versioned = [url for url in sheets if "?v=" in url]
    assert {url.split("?")[0] for url in versioned} >= {
        "/static/kit/tokens.css",
        "/static/css/kiosk.css",
    }
    for url in versioned:
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", url


def test_a_version_that_is_not_the_file_s_promises_nothing(client: TestClient) -> None:
    answer = client.get("/static/css/kiosk.css?v=0123456789abcdef")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"


def test_modules_are_revalidated_with_their_etag(client: TestClient) -> None:
    first = client.get("/static/js/main.js")
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/static/js/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == "no-cache"
    assert again.content == b""


def test_a_changed_file_gets_a_new_url_and_the_old_one_no_promise(tmp_path: Path) -> None:
    sheet = tmp_path / "page.css"
    sheet.write_text("body { color: black; }")
    versions = FileVersions()
    urls = StaticUrls([("/static/t", tmp_path)], versions)
    files = VersionedStaticFiles(directory=tmp_path, versions=versions)
    before = urls.url("/static/t/page.css")
    sheet.write_text("body { color: navy; }  ")  # another size: seen at once
    after = urls.url("/static/t/page.css")
    assert before != after and after.startswith("/static/t/page.css?v=")
    scope = {"type": "http", "query_string": before.split("?")[1].encode()}
    assert files.cache_control(sheet, scope) == "no-cache"
    scope["query_string"] = after.split("?")[1].encode()
    assert files.cache_control(sheet, scope) == "public, max-age=31536000, immutable"
    assert urls.url("/static/t/missing.css") == "/static/t/missing.css"


def test_preloads_are_computed_once_when_the_app_starts() -> None:
    preloads = ModulePreloads(STATIC_MOUNTS, PAGE_MODULES)
    assert set(preloads._links) == set(PAGE_MODULES)
    assert str(ModulePreloads(STATIC_MOUNTS, enabled=False).links("/static/js/main.js")) == ""
