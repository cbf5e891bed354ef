"""The package's shape: stages as packages, imports that only run down the pipeline, no
import cycles, and WeasyPrint reached only through its seam (README: How pamphlet is built)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pamphlet"

# Each package (or top-level module) and the ones it may import, down the pipeline.
FOUNDATION = {"diagnostics", "progress"}
MAY_IMPORT = {
    "store": set(),
    "locale": set(),
    "project": {"store", "locale"},
    "text": {"project", "store", "locale"},
    "book": {"text", "project", "store", "locale"},
    "engine": {"book", "text", "project", "store", "locale"},
    "outputs": {"engine", "book", "text", "project", "store", "locale"},
    "build": {"outputs", "engine", "book", "text", "project", "store", "locale"},
    "importers": {"text", "project", "store", "locale"},
    "site": {"build", "outputs", "engine", "book", "text", "project", "store", "locale"},
    "serve": {"build", "outputs", "engine", "book", "text", "project", "store", "locale"},
    "cli": {"build", "outputs", "engine", "book", "text", "project", "store", "locale",
            "importers", "serve", "site"},
}
SEAM = "pamphlet.engine.weasy"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """Every module of the package that `name` imports, anywhere in it (functions too),
    with the line; and other top-level packages as themselves (weasyprint, ...)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                child = f"{target}.{alias.name}"
                found.append((child if child in known else target, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def stage(module: str) -> str | None:
    """The package (or foundation module) a module of pamphlet belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[str, int]]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def test_the_top_of_the_package_holds_only_stages_and_foundations():
    loose = sorted(path.name for path in PACKAGE.glob("*.py")
                   if path.stem not in FOUNDATION | {"__init__", "__main__"})
    assert loose == []
    folders = {path.name for path in PACKAGE.iterdir()
               if path.is_dir() and (path / "__init__.py").exists()}
    assert folders == set(MAY_IMPORT)


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_package_says_what_it_holds_and_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
    assert doc and "May import:" in doc, package


def test_imports_run_only_down_the_pipeline(graph):
    wrong = []
    for module, targets in graph.items():
        here = stage(module)
        for target, line in targets:
            there = stage(target) if target.startswith("pamphlet.") else None
            if here in (None, *FOUNDATION) and target.startswith("pamphlet."):
                if here in FOUNDATION and there not in (None, *FOUNDATION):
                    wrong.append(f"{module}:{line} -> {target}")
                continue
            if there is None or there == here or there in FOUNDATION:
                continue
            if there not in MAY_IMPORT.get(here, set()):
                wrong.append(f"{module}:{line} -> {target}")
    assert wrong == []


def test_no_module_imports_itself_back(graph):
    """No cycle among the modules, counting the imports made inside functions too."""
    edges = {module: {target for target, _ in targets if target in graph and target != module}
             for module, targets in graph.items()}
    cycles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_only_the_seam_imports_weasyprint(graph):
    reaching = sorted(f"{module}:{line}" for module, targets in graph.items()
                      for target, line in targets
                      if target.split(".")[0] == "weasyprint"
                      and not (module == SEAM or module.startswith(SEAM + ".")))
    assert reaching == []
