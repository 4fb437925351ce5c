"""No import cycle anywhere in ``fieldsync_tui/`` (DESIGN §1; issue 7).

Every module's imports are read from its syntax tree — ``TYPE_CHECKING`` and function-level
imports count — and the module graph must have no strongly connected component of more
than one module (nor a module importing itself).
"""

from __future__ import annotations

import ast
from pathlib import Path

import fieldsync_tui

PACKAGE = Path(fieldsync_tui.__file__).parent
ROOT = "fieldsync_tui"


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports (``from pkg import mod`` names ``mod``)."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                mod = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                mod = node.module or ""
            # ``from pkg import mod`` imports the module; ``from mod import name`` the module
            targets = [
                f"{mod}.{alias.name}" if f"{mod}.{alias.name}" in known else mod
                for alias in node.names
            ]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != ROOT:
                found.add(target)
    found.discard(name)
    return found


def graph(package: Path) -> dict[str, set[str]]:
    paths = {module_name(p, package): p for p in package.rglob("*.py")}
    known = set(paths)
    return {name: imports_of(path, name, known) for name, path in paths.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
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
                    work.append((child, iter(sorted(edges.get(child, ())))))
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
                    out.append(sorted(component))
    return out


def test_the_package_has_no_import_cycle() -> None:
    edges = graph(PACKAGE)
    assert len(edges) > 80
    found = cycles(edges)
    assert not found, "import cycles: " + "; ".join(" ⇄ ".join(c) for c in found)


def test_the_cycle_finder_sees_type_checking_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "fieldsync_tui"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from fieldsync_tui.sub import b\n")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import C\n"
    )
    (pkg / "sub" / "c.py").write_text("def f():\n    import fieldsync_tui.sub.a\n")
    (pkg / "d.py").write_text("from fieldsync_tui.sub import a\n")
    assert cycles(graph(pkg)) == [
        ["fieldsync_tui.sub.a", "fieldsync_tui.sub.b", "fieldsync_tui.sub.c"]
    ]
