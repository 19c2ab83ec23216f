"""The browser's ES modules keep the order of docs/design.md §4, like the Python does.

Every module under the folders that pde/app.py serves is read (vendored
libraries are not ours to check, but an import of them must find the file),
its static `import … from '…'`, `export … from '…'` and dynamic `import('…')`
specifiers are resolved to files the way the browser would ask for them and the
app would serve them (pde.app.STATIC_MOUNTS, first match wins, as Starlette
does), and the graph must have: no import that finds no file, no loop, and no
edge against the order (the kit and crypto import nothing above them; the
kiosk and the share viewer meet only in the kit). No browser, no server: the
specifiers come from a small tokenizer (tests/unit/es_imports.py).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from pde.app import STATIC_MOUNTS
from tests.unit.es_imports import imports_of

ROOT = Path(__file__).resolve().parents[2]
MODULE_SUFFIXES = (".js", ".mjs")

# The folder of each part of the browser code, and what each may import. The
# depositor page belongs to kiosk_ui and reuses the kiosk's upload module.
PARTS: dict[str, Path] = {
    "crypto": ROOT / "crypto" / "web",
    "kit": ROOT / "page_kit" / "static",
    "deposit": ROOT / "kiosk_ui" / "deposit" / "static",
    "viewer": ROOT / "share_links" / "viewer" / "static",
    "kiosk": ROOT / "kiosk_ui" / "static",
}
MAY_IMPORT: dict[str, set[str]] = {
    "crypto": {"crypto"},
    "kit": {"kit", "crypto"},
    "kiosk": {"kiosk", "kit", "crypto"},
    "viewer": {"viewer", "kit", "crypto"},
    "deposit": {"deposit", "kiosk", "kit", "crypto"},
}


# The graph of our modules -----------------------------------------------------------


def url_of(path: Path) -> str:
    """The URL the app serves `path` at (the first mount whose folder holds it)."""
    for prefix, folder in STATIC_MOUNTS:
        if path.is_relative_to(folder):
            url = f"{prefix}/{path.relative_to(folder).as_posix()}"
            if file_of(url) == path:
                return url
    raise AssertionError(f"{path.relative_to(ROOT)} is served at no URL (pde.app.STATIC_MOUNTS)")


def file_of(url: str) -> Path | None:
    """The file the app serves at `url`: the first mount that matches, as Starlette does."""
    for prefix, folder in STATIC_MOUNTS:
        if url.startswith(prefix + "/"):
            path = folder / url.removeprefix(prefix + "/")
            return path if path.is_file() else None
    return None


def part_of(path: Path) -> str:
    """crypto, kit, kiosk, viewer or deposit: the first part whose folder holds `path`."""
    for part, folder in PARTS.items():
        if path.is_relative_to(folder):
            return part
    raise AssertionError(f"{path.relative_to(ROOT)} belongs to no part of the browser code")


def our_modules() -> Iterator[Path]:
    """Every module of ours: vendored libraries are checked by their integrity, not here."""
    for folder in dict.fromkeys(PARTS.values()):
        for path in sorted(folder.rglob("*")):
            if path.suffix in MODULE_SUFFIXES and "vendor" not in path.relative_to(folder).parts:
                yield path


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Edge:
    source: Path
    target: Path
    line: int
    dynamic: bool

    def __str__(self) -> str:
        how = "import()" if self.dynamic else "import"
        return f"{name(self.source)}:{self.line} {how} {name(self.target)}"


@cache
def graph() -> tuple[dict[Path, list[Edge]], tuple[str, ...]]:
    """Every module's resolved imports, and the imports that find no file."""
    edges: dict[Path, list[Edge]] = {}
    unresolved: list[str] = []
    for module in our_modules():
        base = url_of(module)
        edges[module] = []
        try:
            found = imports_of(module.read_text(encoding="utf-8"))
        except ValueError as error:
            raise AssertionError(f"{name(module)}: cannot read its imports: {error}") from None
        for item in found:
            where = f"{name(module)}:{item.line}"
            if item.computed:
                unresolved.append(f"{where} import(`{item.specifier}`) is computed: write it out")
                continue
            if not item.specifier.startswith(("/", "./", "../")):
                unresolved.append(f"{where} {item.specifier!r} is not a path on this server")
                continue
            url = posixpath.normpath(posixpath.join(posixpath.dirname(base), item.specifier))
            target = file_of(url)
            if target is None:
                unresolved.append(f"{where} {item.specifier!r} ({url}) is no file the app serves")
            else:
                edges[module].append(Edge(module, target, item.line, item.dynamic))
    return edges, tuple(unresolved)


def import_cycles(edges: dict[Path, list[Edge]]) -> list[list[Edge]]:
    """One loop through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    stack: list[Path] = []
    groups: list[set[Path]] = []

    def visit(node: Path) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for edge in edges.get(node, []):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            self_loop = any(edge.target == node for edge in edges.get(node, []))
            if len(group) > 1 or self_loop:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [_loop_in(group, edges) for group in groups]


def _loop_in(group: set[Path], edges: dict[Path, list[Edge]]) -> list[Edge]:
    """A shortest loop from the group's first module back to it, inside the group."""
    start = min(group)
    paths: dict[Path, list[Edge]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in edges.get(node, []):
                if edge.target == start:
                    return [*paths[node], edge]
                if edge.target in group and edge.target not in paths:
                    paths[edge.target] = [*paths[node], edge]
                    following.append(edge.target)
        frontier = following
    raise AssertionError("a strongly connected group without a loop")


# The tests ------------------------------------------------------------------------


def test_the_tokenizer_finds_every_kind_of_import() -> None:
    source = """
    // import { no } from './comment.js';
    /* import('./block-comment.js') */
    import * as pde from '/static/crypto/pde-crypto.js';
    import './side-effect.js';
    import a, {
      b,
      c as d,
    } from "../multi-line.js";
    export { e } from './re-export.js';
    export * from './everything.js';
    export const f = 1;
    const pattern = /['"`]import\\('x'\\)/g;
    const text = 'import("./in-a-string.js")';
    const later = () => import('./later.js');
    const chosen = (name) => import(`./${name}.js`);
    const size = a / 2 / 1; import.meta.url;
    """
    found = [(item.specifier, item.dynamic, item.computed) for item in imports_of(source)]
    assert found == [
        ("/static/crypto/pde-crypto.js", False, False),
        ("./side-effect.js", False, False),
        ("../multi-line.js", False, False),
        ("./re-export.js", False, False),
        ("./everything.js", False, False),
        ("./later.js", True, False),
        ("./${…}.js", True, True),
    ]


def test_a_loop_is_found_and_named_edge_by_edge() -> None:
    a, b, c = (ROOT / "kiosk_ui" / "static" / "js" / f"{x}.js" for x in "abc")
    edges = {
        a: [Edge(a, b, 3, dynamic=False)],
        b: [Edge(b, c, 5, dynamic=True)],
        c: [Edge(c, a, 7, dynamic=False)],
    }
    assert import_cycles(edges) == [[*edges[a], *edges[b], *edges[c]]]
    assert str(edges[b][0]) == "kiosk_ui/static/js/b.js:5 import() kiosk_ui/static/js/c.js"
    assert import_cycles({a: [Edge(a, b, 3, dynamic=False)], b: []}) == []


def test_every_part_has_modules_and_every_module_a_url() -> None:
    modules = list(our_modules())
    assert {part_of(module) for module in modules} == set(PARTS)
    for module in modules:
        assert file_of(url_of(module)) == module


def test_every_import_finds_a_file_the_app_serves() -> None:
    _, unresolved = graph()
    assert not unresolved, "imports that find no file:\n  " + "\n  ".join(unresolved)


def test_no_module_imports_itself_through_others() -> None:
    edges, _ = graph()
    cycles = import_cycles(edges)
    described = [
        " → ".join([name(cycle[0].source), *(name(edge.target) for edge in cycle)])
        + "\n      "
        + "\n      ".join(str(edge) for edge in cycle)
        for cycle in cycles
    ]
    assert not cycles, "import loops (dynamic imports count too):\n  " + "\n  ".join(described)


@pytest.mark.parametrize("part", sorted(PARTS))
def test_each_part_imports_only_what_is_below_it_or_beside_it(part: str) -> None:
    edges, _ = graph()
    against = [
        f"{edge}  ({part} may import only {', '.join(sorted(MAY_IMPORT[part]))})"
        for module, found in edges.items()
        if part_of(module) == part
        for edge in found
        if part_of(edge.target) not in MAY_IMPORT[part]
    ]
    assert not against, "imports against the order of docs/design.md §4:\n  " + "\n  ".join(against)
