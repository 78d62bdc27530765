"""The package's shape: no import cycles, no module reaching into another's private names, no module over 600 lines,
no record module that makes every start compile its annotations."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "hamhung_cli"


def imports() -> dict[str, set[tuple[str, str]]]:
    """Each module's imports of the package's own modules (at any depth: lazy imports count), with the names imported."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in PACKAGE.glob("*.py"):
        edges = found.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                for alias in node.names:
                    edges.add((node.module, alias.name) if node.module else (alias.name, ""))
    return found


def test_no_import_cycles() -> None:
    graph = {module: {target for target, _ in edges if (PACKAGE / f"{target}.py").exists()} for module, edges in imports().items()}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in graph.get(module, ()):
            assert state.get(target) != 1, " → ".join([*trail, module, target])
            if target not in state:
                visit(target, [*trail, module])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


def test_no_module_imports_another_modules_private_names() -> None:
    reaching = [(module, target, name) for module, edges in imports().items() for target, name in edges if name.startswith("_") and name != "__version__"]
    assert reaching == []


def test_no_module_is_over_600_lines() -> None:
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in PACKAGE.glob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 600} == {}


def test_no_module_defining_a_named_tuple_postpones_its_annotations() -> None:
    """typing.NamedTuple compiles every annotation string when its module loads: a few milliseconds of every start."""
    postponing = []
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        future = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)
        named_tuples = any(isinstance(n, ast.ClassDef) and any(getattr(b, "id", None) == "NamedTuple" for b in n.bases) for n in tree.body)
        if future and named_tuples:
            postponing.append(path.name)
    assert postponing == []
