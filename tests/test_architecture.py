"""The shape of the code: the library knows nothing of configs, imports run one way, modules and
functions stay small, and every stage reads back exactly what it wrote."""

from __future__ import annotations

import ast
import filecmp
from pathlib import Path

import pytest
from conftest import ROOT

from toolkit.experiment.loading import load_config
from toolkit.experiment.stages import STAGES

PACKAGE = ROOT / "toolkit"
DOMAIN = ("corpus", "text", "lexicon", "topics", "embeddings", "clusters", "themes", "search")
FACES = ("toolkit.experiment", "toolkit.config", "toolkit.cli", "toolkit.report", "toolkit.plots")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every ``toolkit`` module ``path`` imports, at module level or inside a function."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names if a.name.startswith("toolkit"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (ROOT / Path(*candidate.split("."))).with_suffix(".py").is_file()
                modules.add(candidate if is_module else node.module)
    return modules


SOURCES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: imports_of(path) & set(SOURCES) for name, path in SOURCES.items()}


def test_domain_packages_know_nothing_of_configs_runs_or_faces() -> None:
    offending = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[1:2] and name.split(".")[1] in DOMAIN
        for target in targets
        if target.startswith(FACES)
    ]
    assert offending == []


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components of the import graph are all single modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    # a package's __init__ re-exporting its own modules is not a cycle of the code
    real = [c for c in cycles if not all(m.startswith(c[0].rsplit(".", 1)[0]) for m in c)]
    assert real == []


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in SOURCES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(lines)} lines")
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []


def test_the_stage_order_is_written_once() -> None:
    order = ["corpus", "text", "topics", "embeddings", "clusters", "themes", "search"]
    assert [stage.name for stage in STAGES] == order
    for name, path in SOURCES.items():
        text = path.read_text(encoding="utf-8")
        assert '"corpus", "text", "topics"' not in text, name


@pytest.mark.parametrize("stage", STAGES, ids=lambda stage: stage.name)
def test_every_stage_reads_back_what_it_wrote(
    stage: object, seed_run_dir: Path, tmp_path: Path
) -> None:
    """``load`` then ``save`` gives the same files, byte for byte (``Run`` uses ``load``)."""
    config = load_config(ROOT / "experiments" / "seed.yaml")
    original = seed_run_dir / stage.name  # type: ignore[attr-defined]
    output = stage.load(original, config)  # type: ignore[attr-defined]
    stage.save(output, tmp_path, config)  # type: ignore[attr-defined]
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    # gensim's own (pickle) files are an extra of a fitted model, never read back
    expected = sorted(
        p.relative_to(original)
        for p in original.rglob("*")
        if p.is_file() and "gensim" not in p.relative_to(original).parts
    )
    assert written == expected
    different = [p for p in written if not filecmp.cmp(tmp_path / p, original / p, shallow=False)]
    assert different == []


@pytest.mark.parametrize("package", [*DOMAIN, "experiment", "report", "plots"])
def test_every_name_a_package_exports_resolves(package: str) -> None:
    # the packages import their names on first use (toolkit.lazy): a name listed for the
    # wrong module would only fail when a user first reached for it
    import importlib

    module = importlib.import_module(f"toolkit.{package}")
    lazy = getattr(module, "_WHERE", {})
    assert set(lazy) <= set(module.__all__)
    for name in module.__all__:
        value = getattr(module, name)
        assert not isinstance(value, type(module)), f"toolkit.{package}.{name} is a module"
