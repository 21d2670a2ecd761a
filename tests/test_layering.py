"""Every layer imports only the layers below it, and ``game``'s top-level units form no cycle.

The layers, lowest first: ``core`` (rules) <- ``input`` and ``vision`` <- ``render`` (drawing) <-
``scenes`` <- ``app`` and ``commands``. Imports are read from the source with ``ast``, lazy ones
inside functions included; imports under ``if TYPE_CHECKING:`` are left out (they never run).
A last check imports the rules in a fresh interpreter and finds no pygame, OpenCV or TensorFlow.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

GAME = Path(__file__).resolve().parents[1] / "game"

#: Everything a screen may use: the layers below it and the plain root modules.
_SCREEN_DEPS = frozenset({"core", "input", "vision", "render", "config", "files", "audio", "highscore"})

#: What each top-level unit of ``game`` may import from ``game`` (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "config": frozenset(),
    "files": frozenset(),
    "highscore": frozenset({"files"}),
    "input": frozenset({"core", "vision"}),  # the vocabulary only: see the test below
    "vision": frozenset({"config", "files"}),
    "audio": frozenset({"core"}),
    "render": frozenset({"core", "input", "vision", "config", "files"}),
    "scenes": _SCREEN_DEPS,
    "app": frozenset({"core", "render", "scenes", "config", "files"}),
    "bench": _SCREEN_DEPS | {"scenes", "app"},
    "commands": _SCREEN_DEPS | {"scenes", "app", "bench"},
    # The top: parses the command line (option limits come from the layers that own them).
    "cli": _SCREEN_DEPS | {"scenes", "app", "bench", "commands"},
    "__main__": frozenset({"cli"}),
    "__init__": frozenset(),
}

#: Libraries a layer must not import, even lazily.
FORBIDDEN_LIBRARIES: dict[str, frozenset[str]] = {
    "core": frozenset({"pygame", "cv2", "tensorflow", "keras", "ai_edge_litert"}),
    "input": frozenset({"cv2", "tensorflow", "keras", "ai_edge_litert"}),
    "vision": frozenset({"pygame"}),
}

MAX_ROOT_MODULES = 8


def unit_of(module: str) -> str:
    """``game.scenes.calibration.view`` -> ``scenes``; ``game.cli`` -> ``cli``; ``game`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(GAME.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those inside an ``if TYPE_CHECKING:`` block."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def imports_of(path: Path, module: str | None = None) -> set[str]:
    """Absolute names of the modules ``path`` (the module ``module``) imports at run time."""
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            # ``from game import audio`` imports the module ``game.audio``.
            found.update(f"{name}.{alias.name}" for alias in node.names if name == "game")
        elif isinstance(node, ast.Call) and _is_import_module_call(node):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                # f"game.commands.{name}": the fixed prefix names the package.
                found.add(str(arg.values[0].value).rstrip("."))
    return found


def _is_import_module_call(node: ast.Call) -> bool:
    func = node.func
    named = isinstance(func, ast.Attribute) and func.attr == "import_module"
    return named and bool(node.args)


def unit_graph() -> dict[str, set[str]]:
    """Top-level unit -> the other top-level units it imports at run time."""
    graph: dict[str, set[str]] = {}
    for path in sorted(GAME.rglob("*.py")):
        unit = unit_of(module_name(path))
        edges = graph.setdefault(unit, set())
        for name in imports_of(path):
            if name == "game" or name.startswith("game."):
                target = unit_of(name)
                if target != unit and name != "game":
                    edges.add(target)
    return graph


def test_every_unit_has_a_rule() -> None:
    assert set(unit_graph()) <= set(ALLOWED), "a new top-level module or package needs a rule here"


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(unit: str) -> None:
    bad = unit_graph().get(unit, set()) - ALLOWED[unit]
    assert not bad, f"game.{unit} imports {sorted(bad)}; it may import only {sorted(ALLOWED[unit])}"


@pytest.mark.parametrize("unit", sorted(FORBIDDEN_LIBRARIES))
def test_lower_layers_keep_out_heavy_libraries(unit: str) -> None:
    offenders = []
    for path in sorted((GAME / unit).rglob("*.py")):
        for name in imports_of(path):
            if name.split(".")[0] in FORBIDDEN_LIBRARIES[unit]:
                offenders.append(f"{path.relative_to(GAME.parent)} imports {name}")
    assert not offenders, offenders


def test_input_uses_only_the_vision_vocabulary() -> None:
    # Gesture class names and prediction protocols are defined once, in game.vision.types; the
    # rest of vision (OpenCV, LiteRT, TensorFlow) stays out of the input layer.
    for path in sorted((GAME / "input").rglob("*.py")):
        vision = {name for name in imports_of(path) if unit_of(name) == "vision"}
        assert vision <= {"game.vision.types"}, f"{path.name} imports {sorted(vision)}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path that starts and ends at the same node, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle is not None:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle is not None:
            return cycle
    return None


def test_no_import_cycle_between_top_level_units() -> None:
    cycle = find_cycle(unit_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_type_checking_imports_are_left_out(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import game.core.types\n"
        "if TYPE_CHECKING:\n"
        "    from game.scenes.base import Scene\n"
        "def f():\n"
        "    from ..render import text\n",
        encoding="utf-8",
    )
    names = imports_of(source, "game.scenes.probe")
    assert "game.core.types" in names and "game.render" in names
    assert "game.scenes.base" not in names


def test_few_modules_at_the_root() -> None:
    root = sorted(p.name for p in GAME.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_core_imports_no_heavy_libraries_at_run_time() -> None:
    # A fresh interpreter: other tests in this process may already have imported pygame.
    code = (
        "import importlib, pkgutil, sys\n"
        "import game.core\n"
        "for info in pkgutil.iter_modules(game.core.__path__, 'game.core.'):\n"
        "    importlib.import_module(info.name)\n"
        "import game.input.autopilot\n"
        "from game.core.simulate import simulate\n"
        "simulate(2.0, 1, game.input.autopilot.Autopilot(1))\n"
        "bad = sorted(m for m in ('pygame', 'cv2', 'tensorflow', 'keras') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == ""
