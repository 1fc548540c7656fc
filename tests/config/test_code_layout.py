"""The rooms of the code (README, "Code layout"): the calendar (``outages``) imports nothing
from ``claims``; the user model is reached by ``settings.AUTH_USER_MODEL``, roles through
``accounts``, the methodology's counting rule through ``settings.OUTAGES_COUNTING_RULE``.
Through other apps, the one way to ``claims`` is the doctors' corroboration counts the
calendar shows (``evidence.corroboration``, which counts doctors' slots by nature)."""

import ast
from pathlib import Path

from outages.figures import DEFAULT_RULE
from outages.selectors import counting_rule_current

ROOT = Path(__file__).resolve().parents[2]


def module_path(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module this file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from this package
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def reached_from(package: str, *, not_through: frozenset = frozenset()) -> dict[str, str]:
    """The project's modules reached from ``package`` (migrations aside), each with the
    module that imports it first; the imports of ``not_through`` are not followed."""
    start = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    seen = {name: "" for name in start}
    queue = list(start)
    while queue:
        name = queue.pop()
        path = module_path(name)
        if path is None or name in not_through:
            continue
        own_package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for imported in imported_modules(path, own_package):
            if module_path(imported) is not None and imported not in seen:
                seen[imported] = name
                queue.append(imported)
    return seen


def claims_modules(reached: dict[str, str]) -> dict[str, str]:
    return {name: by for name, by in reached.items() if name.split(".")[0] in {"claims"}}


def test_the_calendar_imports_nothing_from_claims_nor_the_methodology():
    direct = set()
    for path in (ROOT / "outages").rglob("*.py"):
        if "migrations" not in path.parts:
            direct |= imported_modules(path, "outages")
    assert {name for name in direct if name.split(".")[0] in {"claims", "methodology"}} == set()
    assert "accounts.permissions" in direct  # roles come from the accounts app


def test_through_other_apps_the_calendar_reaches_claims_only_for_the_doctor_counts():
    corroboration = "evidence.corroboration.selectors"
    assert claims_modules(reached_from("outages"))  # the counts read doctors' slots
    assert claims_modules(reached_from("outages", not_through=frozenset({corroboration}))) == {}


def test_without_a_counting_rule_setting_the_calendar_counts_by_absym_2024_1(
    db, settings, django_assert_num_queries
):
    settings.OUTAGES_COUNTING_RULE = ""
    with django_assert_num_queries(0):
        assert counting_rule_current() == DEFAULT_RULE
