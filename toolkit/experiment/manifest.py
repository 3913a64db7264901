"""What a run records about where it came from: versions, commit, platform, inputs."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "gensim",
    "torch",
    "transformers",
    "sentence-transformers",
    "umap-learn",
    "numba",
    "pynndescent",
    "simplemma",
    "stopwordsiso",
    "bm25s",
    "hnswlib",
    "onnxruntime",
    "pydantic",
    "pyyaml",
    "matplotlib",
    "plotly",
)


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape a run's results."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(path: Path | None = None) -> dict[str, Any]:
    """Commit and dirty flag of the toolkit's checkout (None outside a git checkout)."""
    where = path or Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def environment() -> dict[str, Any]:
    """Toolkit version, git state, Python, platform and package versions."""
    return {
        "toolkit": metadata.version("toolkit"),
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": package_versions(),
    }
