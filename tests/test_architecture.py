"""The shape of the code: core imports no domain, and no module imports itself in a circle.

Both read the source with ``ast``, so they hold without importing anything. An import
under ``if TYPE_CHECKING:`` only names a type for readers and type checkers; it runs
nothing, so it neither counts as a core module using a domain nor makes a circle.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACKAGE = PROJECT / "yoc"

CORE = {
    f"yoc.{name}"
    for name in (
        "settings db http mail i18n templating security errors middleware cache ratelimit "
        "timeutil forms audit permissions enums roles qrcodes apidoc redaction privacy_notice "
        "metrics health richtext paging tally"
    ).split()
}
DOMAINS = {
    f"yoc.{name}"
    for name in (
        "accounts members curriculum soapbox events tickets payments api family impact "
        "participation volunteers"
    ).split()
}
# The operator's commands (`yoc check`, `yoc backup`, `yoc restore`) know no domain either:
# a backup is the whole database, and a check reads only the settings and the services.
CORE |= {
    "yoc.backup",
    *(f"yoc.checks.{m}" for m in "findings config database services report".split()),
}

# Why an import may wait inside a function; the list in pyproject.toml, next to ruff's
# settings, says what each means.
LOCAL_IMPORT_REASONS = {"circular import", "command only", "optional service", "heavy, rarely used"}


@dataclass(frozen=True)
class Import:
    module: str  # the yoc module that imports
    target: str  # the yoc module imported
    line: int
    top_level: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = all_modules()
# "# noqa: PLC0415 -- <reason>" on the line of a function-local import.
_NOQA = re.compile(r"#\s*noqa:\s*PLC0415\b(?:\s*-+\s*(?P<reason>[^#]*))?")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The yoc modules an import statement loads (``from yoc.a import b`` may load yoc.a.b)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = importer.split(".")
            if MODULES[importer].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = []
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            names.append(submodule if submodule in MODULES else base)
    return [name for name in names if name == "yoc" or name.startswith("yoc.")]


def imports_of(module: str) -> list[Import]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[Import] = []

    def visit(node: ast.AST, *, top_level: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for orelse in child.orelse:
                    visit(orelse, top_level=top_level)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _targets(child, module):
                    found.append(Import(module, target, child.lineno, top_level))
            inside_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            visit(child, top_level=top_level and not inside_function)

    visit(tree, top_level=True)
    return found


def _domain_of(target: str) -> str | None:
    for domain in DOMAINS:
        if target == domain or target.startswith(f"{domain}."):
            return domain
    return None


def test_core_modules_import_no_domain() -> None:
    offending = [
        f"{MODULES[i.module].relative_to(PROJECT)}:{i.line} imports {i.target}"
        for module in sorted(CORE & MODULES.keys())
        for i in imports_of(module)
        if _domain_of(i.target)
    ]
    assert offending == [], "\n".join(offending)
    # A core module that moves or is renamed must be named here again.
    assert sorted(CORE - MODULES.keys()) == []


def _is_route_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return bool(_domain_of(module)) and (last in ("routes", "api") or last.endswith("_routes"))


def test_route_and_api_modules_query_no_model() -> None:
    """Routes are thin: they call services. A model imported at run time is a query
    waiting to happen in a route (a type named under TYPE_CHECKING is fine)."""
    offending = [
        f"{MODULES[i.module].relative_to(PROJECT)}:{i.line} imports {i.target}"
        for module in sorted(MODULES)
        if _is_route_module(module)
        for i in imports_of(module)
        if i.target.endswith(".models") or ".models." in i.target
    ]
    assert offending == [], "\n".join(offending)


def _graph(*, in_functions: bool) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module in MODULES:
        for i in imports_of(module):
            if not i.top_level and not (in_functions and _counts_in_functions(i)):
                continue
            # Importing yoc.a.b runs yoc/a/__init__.py first: an edge to each package on the way.
            parts = i.target.split(".")
            for end in range(2, len(parts) + 1):
                target = ".".join(parts[:end])
                if target in MODULES and target != module:
                    graph[module].add(target)
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of more than one module, as one circle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_one_circle(graph, group) for group in groups]


def _one_circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(f"no circle through {start}")


def _counts_in_functions(i: Import) -> bool:
    """A function-local import makes a circle too, only later: count it, unless it says it
    closes a circle on purpose."""
    line = MODULES[i.module].read_text(encoding="utf-8").splitlines()[i.line - 1]
    match = _NOQA.search(line)
    return not (match and (match["reason"] or "").strip() == "circular import")


def test_no_import_circles_at_module_level() -> None:
    circles = [" -> ".join(circle) for circle in _circles(_graph(in_functions=False))]
    assert circles == [], "\n".join(circles)


def test_no_import_circles_hidden_in_functions() -> None:
    circles = [" -> ".join(circle) for circle in _circles(_graph(in_functions=True))]
    assert circles == [], "\n".join(circles)


def test_circle_finder_reports_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c", "a"]]


def test_every_function_local_import_says_why() -> None:
    unexplained = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").splitlines()
        for line in _function_local_import_lines(path):
            match = _NOQA.search(lines[line - 1])
            reason = (match["reason"] or "").strip() if match else ""
            if reason not in LOCAL_IMPORT_REASONS:
                unexplained.append(f"{path.relative_to(PROJECT)}:{line}: {reason or '(none)'}")
    assert unexplained == [], "\n".join(unexplained)


def _function_local_import_lines(path: Path) -> list[int]:
    """Where a function imports anything, from yoc or elsewhere."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(
        {
            node.lineno
            for function in ast.walk(tree)
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(function)
            if isinstance(node, (ast.Import, ast.ImportFrom))
        }
    )
