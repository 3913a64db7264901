"""The README's examples run as written: every command of "Using it" on a run of the main job,
and its Python blocks."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"


def section(title: str) -> str:
    """The README's text from heading ``title`` to the next heading of the same level."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 4)
    return text[start : end if end != -1 else len(text)]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def commands(text: str) -> list[str]:
    """The ``toolkit`` command lines of the bash blocks, comments removed."""
    lines = [
        line.split("  #")[0].strip()
        for block in blocks(text, "bash")
        for line in block.splitlines()
    ]
    return [line for line in lines if line.startswith("toolkit ")]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.experiment import execute, load_config
    from toolkit.progress import set_quiet

    set_quiet(True)
    base = tmp_path_factory.mktemp("readme")
    return execute(load_config(ROOT / "experiments" / "demo.yaml"), base / "run", base / "cache")


@pytest.mark.slow
def test_every_command_of_using_it_runs(demo_run: Path, tmp_path: Path) -> None:
    lines = commands(section("Using it (on the demo run)"))
    assert len(lines) >= 10 and any(line.startswith("toolkit themes") for line in lines)
    env = {**os.environ, "TOOLKIT_QUIET": "1"}
    for line in lines:
        args = shlex.split(line.replace("RUN", str(demo_run)))[1:]
        if args[0] == "run":  # into this test's folder, not the repository's runs/
            args += ["--set", f"output.dir={tmp_path}"]
        if args[:2] == ["runs", "list"]:
            args.append(str(demo_run.parent))
        result = subprocess.run(
            [sys.executable, "-m", "toolkit", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert result.returncode == 0, f"{line}\n{result.stderr[-2000:]}"
        assert result.stdout.strip(), f"{line} printed nothing"


@pytest.mark.slow
def test_the_python_blocks_run(demo_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = blocks(section("Using it (on the demo run)"), "python")
    assert len(code) == 2
    # the first block's run is the demo run already made (not a new folder under runs/)
    first = code[0].replace(
        'toolkit.run_experiment("experiments/demo.yaml")', f"toolkit.load_run({str(demo_run)!r})"
    )
    namespace: dict = {}
    exec(first, namespace)  # the README's own example
    exec(code[1], namespace)
    assert set(namespace["labels"]) <= {"membership", "none"}
    assert "membership" in namespace["labels"]
