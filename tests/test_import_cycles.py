"""The import graph of ``evalkit`` has no cycle, counting imports inside functions too.

Every ``import`` statement of every module is read with :mod:`ast`: at module
level, inside functions and methods, and under ``if TYPE_CHECKING``. An import
of a name from a package (``from evalkit.study import load_study``) is an edge
to the package's ``__init__``; an import of a submodule (``from evalkit.study
import coders``) an edge to the submodule. Modules named only as strings
(``evalkit.cli`` dispatching to a command with :func:`importlib.import_module`)
are not edges: the command layer sits above everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import evalkit

PACKAGE_DIR = Path(evalkit.__file__).parent


def module_names() -> dict[str, Path]:
    """Every module of the evalkit package by dotted name (a package by its own name)."""
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = ("evalkit",) + path.relative_to(PACKAGE_DIR).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The evalkit modules that module ``name`` imports anywhere in its source."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # ``import evalkit.a.b`` also names evalkit.a.b when b is a module
                target = target.rpartition(".")[0]
            if target.startswith("evalkit") and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_scan_sees_function_local_imports():
    graph = import_graph()
    # coders imports the validator's records only inside agreed_unknown_notes
    assert "evalkit.study.validate.records" in graph["evalkit.study.coders"]
    assert "evalkit.study.validate" in graph["evalkit.study.load"]
    assert "evalkit.study.completeness" in graph["evalkit.commands.validate"]


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_import_graph_has_no_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" -> ".join(component) for component in found)


def test_no_library_module_imports_a_command():
    graph = import_graph()
    offenders = {
        name: sorted(t for t in targets if t.startswith("evalkit.commands"))
        for name, targets in graph.items()
        if not name.startswith("evalkit.commands")
    }
    assert {name: targets for name, targets in offenders.items() if targets} == {}
