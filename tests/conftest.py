"""Shared fixtures: the seed article, the 10kgnad file from ../shared (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = ROOT / "seeds"
SEED_FILE = SEED_DIR / "000_f8d3ef48d24ec83a.txt"


def shared_dir() -> Path:
    """``$TOOLKIT_DATA`` if set, else ``../shared`` beside the repository."""
    return Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared").resolve()


GNAD_CSV = shared_dir() / "corpora" / "10kgnad" / "test.csv"


@pytest.fixture
def seed_file() -> Path:
    return SEED_FILE


@pytest.fixture
def gnad_csv() -> Path:
    if not GNAD_CSV.is_file():
        pytest.skip(f"10kgnad not found at {GNAD_CSV} (set TOOLKIT_DATA to the shared folder)")
    return GNAD_CSV


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test session gets its own stage/embedding cache, never the user's."""
    cache = tmp_path_factory.getbasetemp() / "toolkit-cache"
    monkeypatch.setenv("TOOLKIT_CACHE", str(cache))
    monkeypatch.setenv("TOOLKIT_QUIET", "1")


@pytest.fixture(scope="session")
def seed_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of experiments/seed.yaml for the whole session (read-only for tests)."""
    from toolkit.experiment import execute, load_config
    from toolkit.progress import set_quiet

    set_quiet(True)
    base = tmp_path_factory.mktemp("seed-run")
    # a distinctive folder name, so a test can check that no file names its own folder
    return execute(
        load_config(ROOT / "experiments" / "seed.yaml"), base / "seedrun-7f3a", base / "cache"
    )
