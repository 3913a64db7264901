"""UMAP's numba functions are compiled once per machine, not once per process."""

from __future__ import annotations

import json
import os
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


def last_line(script: str, env: dict[str, str]) -> str:
    """The last line ``script`` prints, run in a new process with ``env``."""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=900,  # a first UMAP compile on two cores takes about a minute
    )
    return out.stdout.splitlines()[-1]


def fit_seconds(env: dict[str, str]) -> float:
    """Seconds of the first UMAP fit in a new process."""
    return float(last_line(SCRIPT, env))


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


# UMAP's numba runs a parallel function, then torch is imported: the OpenMP libraries mapped
OPENMP_SCRIPT = textwrap.dedent(
    """
    import json, numba
    from toolkit.numba_cache import import_umap
    import_umap()

    @numba.njit(parallel=True)
    def total(n):
        s = 0
        for i in numba.prange(n):
            s += i
        return s

    total(100)
    import torch
    with open("/proc/self/maps") as maps:
        gomp = sorted({line.split()[-1] for line in maps if "libgomp" in line})
    print(json.dumps({"layer": numba.threading_layer(), "gomp": gomp, "torch": torch.__file__}))
    """
)


def openmp_after_umap(layer: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    if layer:
        env["NUMBA_THREADING_LAYER"] = layer
    return json.loads(last_line(OPENMP_SCRIPT, env))


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="reads /proc/self/maps")
def test_numba_leaves_torch_the_openmp_it_ships() -> None:
    """After UMAP's numba ran, torch still binds to its own libgomp, not the system's: bound to
    the system's, it encoded 13x slower and gave other vectors (numba_cache docstring)."""
    ours = openmp_after_umap(None)
    assert ours["layer"] == "workqueue"
    torch_dir = str(Path(ours["torch"]).parent)
    assert any(path.startswith(torch_dir) for path in ours["gomp"]), ours
    assert [path for path in ours["gomp"] if "site-packages" not in path] == []
    # numba's own choice (a user's NUMBA_THREADING_LAYER is kept): OpenMP, the system's library
    numba_omp = openmp_after_umap("default")
    assert numba_omp["layer"] == "omp"
    assert [path for path in numba_omp["gomp"] if "site-packages" not in path] != []
