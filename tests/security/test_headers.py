"""The web rules of docs/design.md §5 on every kind of response: the page, its
static files, API answers and errors, content downloads, the export and the
logout all carry a strict CSP, no referrer and nosniff; nothing personal is
kept by the browser (no-store; public static files are revalidated, or kept
for good when asked for by their version); downloads are opaque attachments;
logout clears the site's data. Every page reachable from the home page, and
every file those pages load, is crawled: none runs inline script, and nothing
is loaded from another host."""

from __future__ import annotations

import io
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest

from client import PdeClient
from client import deposits as deposit_client
from client.shares import create_share, shown_proofs
from crypto import b64u_decode, derive_share_keys, parse_share_link
from page_kit.static_files import IMMUTABLE, REVALIDATE
from tests.api.deposit_support import accept_body, complete, declare, put_part, seal_deposit
from tests.conftest import server_on
from tests.server import LiveServer

API = "/api/v1"
KINDS = [
    "page /",
    "crypto module",
    "missing static file",
    "openapi schema",
    "registration",
    "api json",
    "api document list",
    "upload acknowledgement",
    "api error 401",
    "api error 404 route",
    "api error 404 document",
    "api error 405",
    "api error 422",
    "content download",
    "ranged download",
    "export",
    "share created",
    "share list",
    "share status",
    "share opened",
    "shared content download",
    "shared ranged download",
    "share error 403 wrong access",
    "share error 404",
    "share error 401 view",
    "share error 410 revoked",
    "deposit link created",
    "deposit link list",
    "deposit info",
    "deposit declared",
    "deposit part",
    "deposit completed",
    "inbox",
    "deposit accepted",
    "deposit error 404",
    "deposit error 410 closed",
    "logout",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The headers come from one middleware and the routes, whatever the backends: one
    server on SQLite and the local folder is enough."""
    with server_on("sqlite-local", tmp_path_factory.mktemp("headers")) as live:
        yield live


@pytest.fixture(scope="module")
def responses(server: LiveServer) -> Iterator[dict[str, httpx.Response]]:
    """One response of each kind, the logout last (it ends the session)."""
    client = PdeClient(server.url, retry_seconds=5)
    seen: dict[str, httpx.Response] = {}
    client._http.event_hooks["response"].append(
        lambda response: seen.setdefault(f"{response.request.method} {response.url.path}", response)
    )
    try:
        client.register(f"headers-{secrets.token_hex(4)}", "headers test passphrase")
        document_id = client.add(io.BytesIO(b"<script>alert(1)</script>"), title="x.html")
        authorized = {"Authorization": f"Bearer {client._token}"}
        content = f"{API}/documents/{document_id}/content"
        share = create_share(client, [document_id], recipient="CPAS", purpose="RIS", pin="12")
        _, share_id, secret = parse_share_link(share.link)
        right = shown_proofs(derive_share_keys(secret, share_id, "12"))
        wrong = shown_proofs(derive_share_keys(secret, share_id, "13"))
        link = f"{API}/s/{share_id}"
        with httpx.Client(base_url=server.url, timeout=30) as http:
            got = {
                "page /": http.get("/"),
                "crypto module": http.get("/static/crypto/pde-crypto.js"),
                "missing static file": http.get("/static/js/no-such-file.js"),
                "openapi schema": http.get("/openapi.json"),
                "registration": seen[f"POST {API}/accounts"],
                "api json": http.get(f"{API}/account", headers=authorized),
                "api document list": http.get(f"{API}/documents", headers=authorized),
                "upload acknowledgement": seen[f"PUT {content}"],
                "api error 401": http.get(f"{API}/account"),
                "api error 404 route": http.get(f"{API}/no-such-route"),
                "api error 404 document": http.get(
                    f"{API}/documents/{'A' * 22}", headers=authorized
                ),
                "api error 405": http.delete(f"{API}/health"),
                "api error 422": http.post(f"{API}/login/start", json={}),
                "content download": http.get(content, headers=authorized),
                "ranged download": http.get(content, headers=authorized | {"Range": "bytes=0-9"}),
                "export": http.get(f"{API}/account/export", headers=authorized),
                "share created": seen[f"POST {API}/shares"],
                "share list": http.get(f"{API}/shares", headers=authorized),
                "share status": http.get(link),
                "share opened": http.post(f"{link}/open", json=right),
            }
            viewer = {"Authorization": f"Bearer {got['share opened'].json()['view_token']}"}
            shared = f"{link}/documents/{document_id}/content"
            got |= {
                "shared content download": http.get(shared, headers=viewer),
                "shared ranged download": http.get(shared, headers=viewer | {"Range": "bytes=0-9"}),
                "share error 403 wrong access": http.post(f"{link}/open", json=wrong),
                "share error 404": http.get(f"{API}/s/{'A' * 22}"),
                "share error 401 view": http.get(shared),
            }
            http.post(f"{API}/shares/{share_id}/revoke", headers=authorized)
            got["share error 410 revoked"] = http.get(shared, headers=viewer)
            got |= _deposit_responses(client, http, seen)
            got["logout"] = http.post(f"{API}/logout", headers=authorized)
            got["after logout"] = http.get(f"{API}/account", headers=authorized)
        yield got
    finally:
        client.close()


def _deposit_responses(
    client: PdeClient, http: httpx.Client, seen: dict[str, httpx.Response]
) -> dict[str, httpx.Response]:
    """A deposit link made, a file deposited through it and accepted, and its errors."""
    authorized = {"Authorization": f"Bearer {client._token}"}
    link = deposit_client.create_deposit_link(client, "CPAS", max_files=1)
    public_key = b64u_decode(client.account["deposit_public_key"])
    sealed = seal_deposit(public_key, link.deposit_id, b"<script>alert(2)</script>")
    got = {
        "deposit link created": seen[f"POST {API}/deposit-links"],
        "deposit link list": http.get(f"{API}/deposit-links", headers=authorized),
        "deposit info": http.get(f"{API}/d/{link.deposit_id}"),
        "deposit declared": declare(http, sealed),
        "deposit part": put_part(http, link.deposit_id, sealed.document_id, 0, sealed.ciphertext),
        "deposit completed": complete(http, link.deposit_id, sealed.document_id),
        "inbox": http.get(f"{API}/inbox", headers=authorized),
        "deposit error 404": http.get(f"{API}/d/{'A' * 22}"),
        "deposit error 410 closed": http.get(f"{API}/d/{link.deposit_id}"),  # used up
    }
    body = accept_body_for(client, sealed)
    accepted = f"{API}/inbox/{sealed.document_id}/accept"
    got["deposit accepted"] = http.post(accepted, headers=authorized, json=body)
    return got


def accept_body_for(client: PdeClient, sealed: Any) -> dict[str, Any]:
    account_id, master = client.require_keys()
    owner = SimpleNamespace(master_key=master, account_id=account_id)
    return accept_body(owner, sealed.document_id, sealed.document_key, sealed.metadata)  # type: ignore[arg-type]


def test_each_kind_of_response_was_answered_as_expected(
    responses: dict[str, httpx.Response],
) -> None:
    statuses = {kind: response.status_code for kind, response in responses.items()}
    assert statuses == {
        "page /": 200,
        "crypto module": 200,
        "missing static file": 404,
        "openapi schema": 200,
        "registration": 201,
        "api json": 200,
        "api document list": 200,
        "upload acknowledgement": 200,
        "api error 401": 401,
        "api error 404 route": 404,
        "api error 404 document": 404,
        "api error 405": 405,
        "api error 422": 422,
        "content download": 200,
        "ranged download": 206,
        "export": 200,
        "share created": 201,
        "share list": 200,
        "share status": 200,
        "share opened": 200,
        "shared content download": 200,
        "shared ranged download": 206,
        "share error 403 wrong access": 403,
        "share error 404": 404,
        "share error 401 view": 401,
        "share error 410 revoked": 410,
        "deposit link created": 201,
        "deposit link list": 200,
        "deposit info": 200,
        "deposit declared": 201,
        "deposit part": 200,
        "deposit completed": 200,
        "inbox": 200,
        "deposit accepted": 200,
        "deposit error 404": 404,
        "deposit error 410 closed": 410,
        "logout": 204,
        "after logout": 401,
    }
    for kind in (
        "api error 401",
        "api error 404 route",
        "api error 404 document",
        "api error 405",
        "api error 422",
    ):
        assert set(responses[kind].json()["error"]) == {"code", "message"}, kind


def expected_cache_control(response: httpx.Response) -> str:
    """Pages, API answers and errors are never kept; public static files are
    revalidated, or kept for good when asked for by their version
    (page_kit/static_files.py)."""
    parts = urlsplit(str(response.url))
    if response.status_code >= 400 or not parts.path.startswith("/static/"):
        return "no-store"
    return IMMUTABLE if "v=" in parts.query else REVALIDATE


def csp_directives(response: httpx.Response) -> dict[str, list[str]]:
    [policy] = response.headers.get_list("content-security-policy")
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name.lower() not in directives, f"{name} given twice"
        directives[name.lower()] = values
    return directives


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_response_has_a_strict_content_security_policy(
    responses: dict[str, httpx.Response], kind: str
) -> None:
    directives = csp_directives(responses[kind])
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives.get("script-src", ["'self'"]) == ["'self'"]
    for name, values in directives.items():
        for value in values:
            assert value not in {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}, name
            assert not re.match(r"^(https?:|wss?:|\*\.)", value), f"{name} allows {value}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_response_sends_no_referrer_is_not_sniffed_and_keeps_nothing_personal(
    responses: dict[str, httpx.Response], kind: str
) -> None:
    response = responses[kind]
    headers = response.headers
    assert headers.get_list("referrer-policy") == ["no-referrer"]
    assert headers.get_list("x-content-type-options") == ["nosniff"]
    assert headers.get_list("cache-control") == [expected_cache_control(response)]


@pytest.mark.parametrize(
    "kind",
    ["content download", "ranged download", "shared content download", "shared ranged download"],
)
def test_content_downloads_are_opaque_attachments(
    responses: dict[str, httpx.Response], kind: str
) -> None:
    headers = responses[kind].headers
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"].startswith("attachment")
    assert headers["x-content-type-options"] == "nosniff"


def test_the_export_is_an_attachment_of_type_zip(responses: dict[str, httpx.Response]) -> None:
    headers = responses["export"].headers
    assert headers["content-type"] == "application/zip"
    assert headers["content-disposition"].startswith("attachment")


def test_logout_clears_the_site_data_and_ends_the_session(
    responses: dict[str, httpx.Response],
) -> None:
    cleared = {value.strip() for value in responses["logout"].headers["clear-site-data"].split(",")}
    # Cache and storage, never cookies: an enrolled terminal's cookie names the machine
    # and must outlive the person's session (docs/design.md §5).
    assert cleared == {'"cache"', '"storage"'}
    assert responses["after logout"].status_code == 401


# Attributes by which a page makes the browser load something (links to follow are apart).
LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "data", "poster", "background", "action", "formaction", "manifest", "ping"}
)
DATA_BLOCK_TYPES = frozenset({"application/json", "application/ld+json"})
IMPORT = re.compile(r"""(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+from\s*)?\(?\s*["']([^"'\s]+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+["']([^"']+)["']""")


class PageParts(HTMLParser):
    """What an HTML page runs and loads: scripts, inline handlers and styles,
    the URLs it loads, and the links it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[str] = []
        self.bad_data_blocks: list[str] = []
        self.handlers: list[str] = []
        self.inline_styles: list[str] = []
        self.loads: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        named = dict(attrs)
        if tag == "script":
            self._script = named
        self._in_style = tag == "style"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.inline_styles.append(value or "")
            if not value:
                continue
            if name == "srcset":
                self.loads += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name in LOADING_ATTRIBUTES:
                self.loads.append(value)
            elif name == "href":
                (self.links if tag in {"a", "area"} else self.loads).append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and data.strip():
            self.inline_styles.append(data.strip())
        if self._script is None or not data.strip():
            return
        if (self._script.get("type") or "").lower() not in DATA_BLOCK_TYPES:
            self.inline_scripts.append(data.strip()[:80])
            return
        try:  # a data block the browser never runs: it must hold nothing but JSON
            json.loads(data)
        except ValueError:
            self.bad_data_blocks.append(data.strip()[:80])


def same_origin(base: str, url: str) -> bool:
    return urlsplit(url)[:2] == urlsplit(base)[:2]


@dataclass
class Crawl:
    """Everything reachable from the home page: pages through their links, and
    every file they load, modules imported by scripts, files named by stylesheets."""

    responses: dict[str, httpx.Response] = field(default_factory=dict)
    pages: dict[str, PageParts] = field(default_factory=dict)
    foreign_loads: list[str] = field(default_factory=list)


def crawl(base: str, limit: int = 300) -> Crawl:
    found = Crawl()
    waiting = [base + "/"]
    with httpx.Client(timeout=30) as http:
        while waiting and len(found.responses) < limit:
            url = urldefrag(waiting.pop(0))[0]
            if url in found.responses:
                continue
            response = found.responses[url] = http.get(url)
            kind = response.headers.get("content-type", "")
            loads: list[str] = []
            if response.is_redirect:
                loads = [response.headers["location"]]
            elif kind.startswith("text/html"):
                parts = found.pages[url] = PageParts()
                parts.feed(response.text)
                loads = parts.loads
                waiting += [
                    link
                    for link in (urljoin(url, ref) for ref in parts.links)
                    if same_origin(base, link)
                ]
            elif "javascript" in kind:
                loads = IMPORT.findall(response.text)
            elif kind.startswith("text/css"):
                loads = CSS_URL.findall(response.text) + CSS_IMPORT.findall(response.text)
            for ref in loads:
                target = urljoin(url, ref.strip())
                if target.startswith(("data:", "blob:")):
                    continue
                if same_origin(base, target):
                    waiting.append(target)
                else:
                    found.foreign_loads.append(f"{url} loads {ref}")
    return found


@pytest.fixture(scope="module")
def site(server: LiveServer) -> Crawl:
    return crawl(server.url)


def test_the_crawl_reaches_the_pages_the_scripts_and_the_crypto_module(site: Crawl) -> None:
    assert site.pages, "no HTML page was found"
    assert any(url.endswith("/static/crypto/pde-crypto.js") for url in site.responses)
    assert any("javascript" in r.headers.get("content-type", "") for r in site.responses.values())


def test_every_page_and_file_reachable_from_the_home_page_has_the_security_headers(
    site: Crawl,
) -> None:
    problems = []
    for url, response in site.responses.items():
        headers = response.headers
        directives = csp_directives(response)
        if directives.get("default-src") != ["'self'"] or "'unsafe-inline'" in str(directives):
            problems.append(f"{url}: CSP {headers['content-security-policy']}")
        for name, value in (
            ("referrer-policy", "no-referrer"),
            ("x-content-type-options", "nosniff"),
            ("cache-control", expected_cache_control(response)),
        ):
            if headers.get_list(name) != [value]:
                problems.append(f"{url}: {name} {headers.get_list(name)}")
    assert problems == []


def test_every_file_the_pages_refer_to_is_served(site: Crawl) -> None:
    broken = {url: r.status_code for url, r in site.responses.items() if r.status_code >= 400}
    assert broken == {}


def test_no_page_runs_inline_script_handlers_or_styles(site: Crawl) -> None:
    problems = {
        url: [*parts.inline_scripts, *parts.bad_data_blocks, *parts.handlers, *parts.inline_styles]
        for url, parts in site.pages.items()
    }
    assert {url: found for url, found in problems.items() if found} == {}
    for url, parts in site.pages.items():
        assert "base" not in parts.tags, url
        bad = [
            ref
            for ref in parts.loads + parts.links
            if ref.strip().lower().startswith(("javascript:", "vbscript:"))
        ]
        assert bad == [], url


def test_nothing_reachable_loads_anything_from_another_host(site: Crawl) -> None:
    assert site.foreign_loads == []


def test_the_page_checks_notice_inline_script_handlers_styles_and_foreign_loads() -> None:
    """Positive control of the parser the crawl relies on."""
    parts = PageParts()
    parts.feed(
        '<html><head><script>alert(1)</script><script type="application/json">{"a": 1}'
        '</script><script type="application/json">alert(2)</script>'
        '<link rel="stylesheet" href="https://cdn.example/x.css"><style>p{}</style></head>'
        '<body onload="go()"><img src="//evil.example/p.png" style="color:red">'
        '<a href="/fr/">fr</a></body></html>'
    )
    assert parts.inline_scripts == ["alert(1)"]
    assert parts.bad_data_blocks == ["alert(2)"]
    assert parts.handlers == ["<body onload>"]
    assert parts.inline_styles == ["p{}", "color:red"]
    assert parts.loads == ["https://cdn.example/x.css", "//evil.example/p.png"]
    assert parts.links == ["/fr/"]
    assert not same_origin("http://127.0.0.1:1", urljoin("http://127.0.0.1:1/", "//evil.example/"))
