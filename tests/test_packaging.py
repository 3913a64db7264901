"""The packaging stays consistent: environment.yml mirrors pyproject.toml; entry points work."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from conftest import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_environment_yml_matches_pyproject() -> None:
    project = _pyproject()
    expected = set(project["dependencies"])
    for extra in ("dev", "notebooks"):
        expected |= set(project["optional-dependencies"][extra])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    assert set(pip_section) == expected
    assert "python=3.11" in env["dependencies"]


def test_torch_is_pinned_to_the_cpu_build() -> None:
    assert "torch==2.13.0" in _pyproject()["dependencies"]


def test_seed_article_is_in_the_repository() -> None:
    assert (ROOT / "seeds" / "000_f8d3ef48d24ec83a.txt").is_file()


def test_console_script_and_module_help() -> None:
    script = Path(sys.executable).parent / "toolkit"
    commands = [[sys.executable, "-m", "toolkit", "--help"]]
    if script.exists():
        commands.append([str(script), "--help"])
    for command in commands:
        out = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        for name in (
            "run",
            "runs",
            "corpus",
            "topics",
            "similar",
            "search",
            "duplicates",
            "report",
        ):
            assert name in out.stdout


def test_every_command_has_help() -> None:
    commands = [
        ["run"],
        ["runs", "list"],
        ["runs", "show"],
        ["corpus", "info"],
        ["topics"],
        ["similar"],
        ["search"],
        ["duplicates"],
        ["report"],
    ]
    for command in commands:
        out = subprocess.run(
            [sys.executable, "-m", "toolkit", *command, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, (command, out.stderr)
        assert "Usage" in out.stdout
