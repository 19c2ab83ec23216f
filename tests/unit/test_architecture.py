"""The packages' dependency order (docs/design.md §4, docs/architecture.md), checked
on the source: an import may only point down, the Python client stands on
`crypto` alone, and no module imports itself back through others. Imports
inside functions count the same as those at the top."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each package and what it may import, besides itself and third-party libraries.
ALLOWED: dict[str, set[str]] = {
    "pde": {"kiosk_ui", "share_links", "day_centres", "page_kit", "wallet", "crypto", "client"},
    "kiosk_ui": {"share_links", "day_centres", "page_kit", "wallet", "crypto"},
    "share_links": {"page_kit", "wallet", "crypto"},
    "day_centres": {"page_kit", "wallet", "crypto"},
    "page_kit": {"wallet", "crypto"},
    "wallet": {"crypto"},
    "client": {"crypto"},
    "crypto": set(),
}
PACKAGES = [name for name in ALLOWED if (ROOT / name).is_dir()]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    """Every module of the product's packages, by dotted name."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported_modules(path: Path, modules: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(module of ours, line) for each import in `path`; `from package import name`
    counts as the submodule when `name` is one."""
    tree = ast.parse(path.read_text(encoding="utf-8-sig"))
    current = module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = current if path.name == "__init__.py" else current.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{node.module}" if node.module else package
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if candidate in modules else base), node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """module → {module of ours it imports: line}."""
    modules = source_modules()
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in imported_modules(path, modules):
            if target.split(".")[0] in ALLOWED and target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checked_packages_are_the_product():
    assert {"pde", "kiosk_ui", "share_links", "wallet", "crypto", "client"} <= set(PACKAGES)
    assert len(source_modules()) > 50


def imports_against_the_order(graph: dict[str, dict[str, int]], package: str) -> list[str]:
    """`module:line imports target` for each import of `package` that points up or aside."""
    allowed = ALLOWED[package] | {package}
    return [
        f"{name}:{line} imports {target}"
        for name, edges in graph.items()
        if name.split(".")[0] == package
        for target, line in edges.items()
        if target.split(".")[0] not in allowed
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_down_the_dependency_order(package):
    against = imports_against_the_order(import_graph(), package)
    assert against == [], f"{package} may import only {sorted(ALLOWED[package])}: {against}"


def test_no_module_imports_itself_back_through_others():
    assert cycles(import_graph()) == []


def test_the_checks_see_a_loop_and_an_import_against_the_order():
    graph = {
        "wallet.a": {"wallet.b": 1},
        "wallet.b": {"wallet.c": 2, "crypto.keys": 5},
        "wallet.c": {"wallet.a": 3, "share_links.service": 4},
        "client.http": {"wallet.models": 7},
    }
    assert cycles(graph) == [["wallet.a", "wallet.b", "wallet.c"]]
    assert imports_against_the_order(graph, "wallet") == ["wallet.c:4 imports share_links.service"]
    assert imports_against_the_order(graph, "client") == ["client.http:7 imports wallet.models"]


def test_imports_inside_functions_and_from_packages_count():
    modules = source_modules()
    found = dict(imported_modules(ROOT / "pde" / "cli.py", modules))
    assert "pde.app" in found  # imported inside `_serve`
    api = dict(imported_modules(ROOT / "wallet" / "api" / "accounts.py", modules))
    assert "wallet.services.accounts" in api  # `from wallet.services import accounts`


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): count
        for path in source_modules().values()
        if (count := len(path.read_text(encoding="utf-8-sig").splitlines())) > 400
    }
    assert long == {}
