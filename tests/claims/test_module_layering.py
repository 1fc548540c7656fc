"""The claims app's modules form layers: no import cycle, pure modules stay pure.

Every module under ``claims/`` is imported (so each one loads on its own), and the graph
of which claims module imports which is read from each file's syntax tree, imports inside
functions included: hiding an import in a function does not hide the cycle. The only
cycle allowed is a task ↔ service pair: a ``tasks*`` module runs a service, and that
service enqueues the task (an import at call time, with a comment saying so).

The package is walked, never listed, so modules may move (``claims/review/``) freely.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path

import claims

#: The pure modules: no ORM, so they can be read, tested and reused without a database.
PURE_MODULES = ["claims.snapshot", "claims.week_grid"]
#: Top-level packages of this project (an import of anything else is a library's).
PROJECT_PACKAGES = {"claims", "outages", "notifications", "methodology", "evidence", "filestore"}
PROJECT_PACKAGES |= {"ops", "config"}


def claims_modules() -> dict[str, Path]:
    """Every module of the claims package (migrations aside), imported: name → file."""
    modules = {"claims": Path(claims.__file__)}
    for info in pkgutil.walk_packages(claims.__path__, "claims."):
        if ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        modules[info.name] = Path(module.__file__)
    return modules


def imported_names(name: str, path: Path) -> set[str]:
    """The dotted names a module imports, anywhere in the file: ``import a.b`` gives
    ``a.b``; ``from a import b`` gives ``a.b`` and ``a`` (``b`` may be a module or a name)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """claims module → the claims modules it imports (``from claims.x import y`` names
    ``claims.x``, and ``claims.x.y`` as well when that is a module)."""
    return {
        name: {target for target in imported_names(name, path) if target in modules} - {name}
        for name, path in modules.items()
    }


def is_task_module(name: str) -> bool:
    return name.rpartition(".")[2].startswith("tasks")


def without_task_service_pairs(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph less each service's import of the task it enqueues (when that task
    module imports the service back): the one cycle the layering allows."""
    return {
        name: {
            target
            for target in targets
            if not (is_task_module(target) and name in graph.get(target, set()))
        }
        for name, targets in graph.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


@cache
def _project_file(name: str) -> Path | None:
    if name.partition(".")[0] not in PROJECT_PACKAGES:
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def project_closure(name: str) -> set[str]:
    """Every name imported by ``name`` and, transitively, by the project modules it
    imports (libraries' own imports are not followed)."""
    seen: set[str] = set()
    todo = [name]
    visited: set[str] = set()
    while todo:
        module = todo.pop()
        if module in visited:
            continue
        visited.add(module)
        path = _project_file(module)
        if path is None:
            continue
        for imported in imported_names(module, path):
            seen.add(imported)
            if _project_file(imported) is not None:
                todo.append(imported)
    return seen


# --- the tests ---------------------------------------------------------------------------------


def test_every_claims_module_imports_and_the_walk_finds_them():
    modules = claims_modules()
    assert {"claims.selectors", "claims.models", *PURE_MODULES} <= set(modules)
    assert any(is_task_module(name) for name in modules)


def test_no_import_cycle_among_claims_modules_but_task_service_pairs():
    graph = import_graph(claims_modules())
    assert cycles(without_task_service_pairs(graph)) == []


def test_the_checker_sees_a_cycle_hidden_in_a_function_and_allows_task_service(tmp_path):
    hidden = tmp_path / "hidden.py"
    hidden.write_text("def f():\n    from claims.selectors import claim_page\n")
    assert "claims.selectors.claim_page" in imported_names("claims.hidden", hidden)

    graph = {
        "claims.selectors": {"claims.review.selectors"},
        "claims.review.selectors": {"claims.review.services.checks"},
        "claims.review.services.checks": {"claims.selectors"},
        "claims.review.services.batches": {"claims.review.tasks"},
        "claims.review.tasks": {"claims.review.services.batches"},
    }
    assert cycles(without_task_service_pairs(graph)) == [
        ["claims.review.selectors", "claims.review.services.checks", "claims.selectors"]
    ]


def test_the_pure_modules_import_no_orm_even_indirectly():
    for name in PURE_MODULES:
        imported = project_closure(name)
        orm = sorted(
            module
            for module in imported
            if module.startswith("django.db")
            or module == "models"
            or module.endswith(".models")
            or ".models." in module
        )
        assert orm == [], f"{name} reaches the ORM through {orm}"
        # What it does use: the calculation and the intervals, both pure as well.
        assert "claims.calculation" in imported
