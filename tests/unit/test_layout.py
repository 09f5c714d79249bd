"""The layout shows the architecture: no file imports a file that imports it back, and no
file imports from a floor above its own (docs/architecture.md, "Floors")."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

import ossature

ROOT = Path(ossature.__file__).parent
# Bottom to top (docs/decisions/0027-floors-of-the-layout.md). A file may import from
# its own package, from a lower floor, and from another package of its own floor, except
# on the ground floor, whose packages stand alone: the kernel knows no module, and the SDK,
# a client, knows nothing of the server. Packages of one floor import each other one way.
FLOORS: Mapping[str, int] = {
    "ossature": 0,  # the package's own __init__: a docstring
    "kernel": 0,
    "sdk": 0,
    "modules": 1,
    "engines": 2,  # beside the runtime: it connects as the accounts engines/nats_auth.py names
    "runtime": 2,
    "gateway": 3,  # HTTP on top of the runtime: runtime/ never imports it
    "web": 3,  # the pages: a client of the API, beside the gateway (see the test below)
    "tools": 4,
    "cli": 4,
    "__main__": 4,
}
Graph = Mapping[str, set[str]]


def _module_name(path: Path, root: Path) -> str:
    parts = (root.name, *path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.AST, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """The modules an import statement loads (`from a import b`: a.b when b is a module)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            parts = module.split(".")
            package = parts[: len(parts) - node.level + is_package]
            base = ".".join([*package, *([node.module] if node.module else [])])
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in known else base


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each module under `root` and the modules under `root` it imports, wherever the import
    stands: in a function, or under TYPE_CHECKING, it is a dependency all the same."""
    files = {_module_name(path, root): path for path in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        graph[module] = {
            target
            for node in ast.walk(tree)
            for target in _targets(node, module, is_package, set(files))
            if target in files and target != module
        }
    return graph


def cycles(graph: Graph) -> list[set[str]]:
    """The groups of nodes that reach each other, of two nodes or more (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = {stack.pop()}
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package(module: str) -> str:
    """The top-level package of a module of ours: `runtime` for `ossature.runtime.system`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def may_import(importer: str, imported: str) -> bool:
    """Whether package `importer` may import from package `imported`, by their floors."""
    if importer == imported:
        return True
    below, level = FLOORS[imported], FLOORS[importer]
    return below < level or (below == level and level > 0)


@functools.cache
def _graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_the_graph_is_read_from_the_code() -> None:
    """Imports at the top, in a function and under TYPE_CHECKING are all edges."""
    graph = _graph()
    assert "ossature.runtime.pipeline" in graph["ossature.gateway.app"]
    assert "ossature.kernel.context" in graph["ossature.runtime.contexts"]


def test_a_cycle_is_found_however_long() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert [{"a", "b", "c"}] == cycles(graph)


def test_a_lower_floor_may_not_import_a_higher_one() -> None:
    assert (False, True) == (may_import("kernel", "runtime"), may_import("runtime", "kernel"))


def test_the_ground_floor_stands_alone() -> None:
    assert (False, False) == (may_import("kernel", "sdk"), may_import("sdk", "kernel"))


def test_every_package_stands_on_a_floor() -> None:
    assert set() == {package(module) for module in _graph()} - set(FLOORS)


def test_no_file_imports_a_file_that_imports_it_back() -> None:
    assert [] == cycles(_graph())


def test_no_file_imports_from_a_floor_above_its_own() -> None:
    upward = sorted(
        (module, target)
        for module, targets in _graph().items()
        for target in targets
        if not may_import(package(module), package(target))
    )
    assert [] == upward


def test_packages_import_each_other_one_way_only() -> None:
    """No cycle between top-level packages either (runtime and engines share a floor)."""
    packages: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        packages.setdefault(package(module), set()).update(map(package, targets))
    assert [] == cycles(packages)


def test_the_web_app_is_a_client_of_the_api() -> None:
    """The web app imports nothing of the server: only the SDK, as any client would
    (docs/decisions/0055-the-web-app-is-a-client.md)."""
    reached = {
        package(target)
        for module, targets in _graph().items()
        if package(module) == "web"
        for target in targets
    }
    assert reached <= {"web", "sdk"}
