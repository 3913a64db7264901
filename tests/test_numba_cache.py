"""UMAP's numba functions are compiled once per machine, not once per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import time, numpy as np
    from toolkit.numba_cache import import_umap
    umap = import_umap()
    x = np.random.default_rng(0).normal(size=(60, 8)).astype("float32")
    start = time.perf_counter()
    umap.UMAP(n_neighbors=5, n_components=2, random_state=0).fit_transform(x)
    print(time.perf_counter() - start)
    """
)


def fit_seconds(env: dict[str, str]) -> float:
    """Seconds of the first UMAP fit in a new process."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=900,
    )
    return float(out.stdout.split()[-1])


@pytest.mark.slow
def test_second_process_reuses_compiled_umap(tmp_path: Path) -> None:
    env = {"NUMBA_CACHE_DIR": str(tmp_path / "numba"), "PATH": "/usr/bin:/bin"}
    first, second = (fit_seconds(env) for _ in range(2))
    assert any((tmp_path / "numba").rglob("*.nbi")), "nothing was cached"
    assert second < first / 3, (first, second)


@pytest.mark.slow
def test_import_umap_restores_numba_decorators() -> None:
    import numba

    from toolkit.numba_cache import import_umap

    before = numba.njit
    import_umap()
    assert numba.njit is before
