"""The seed run's time by stage: first run on a fresh machine, cold run, warm run.

Three runs of ``experiments/seed.yaml``, each in a new process (``python -m toolkit run``):

1. **first**: empty toolkit cache and empty numba cache — what every cold run cost before
   numba's compiled UMAP / pynndescent code and the theme stage's German lemma list were
   cached on disk (each process compiled and collected them);
2. **cold**: nothing tokenised, encoded or fitted yet (empty stage and embedding caches), the
   corpus-independent caches kept (numba's compiled code, the lemma list) — what a new corpus
   or new settings cost now;
3. **warm**: both caches kept — every stage is a cache hit.

Per stage it prints the manifest's seconds (and whether the stage came from the cache), the
run's total, and the process's wall time (Python start-up and imports included). The seed corpus
is too small for UMAP (its clusters run on the vectors directly), so the numba compile the cache
removes is measured on its own as well: a first UMAP fit (500 × 50 random vectors) in a new
process with an empty numba cache, then in another new process with the filled cache. The
caches live in a temporary folder, so the user's own caches are neither used nor touched.

Run: ``.venv/bin/python benchmarks/seed_stages.py``; writes
``benchmarks/results/seed_stages.json``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.io import read_json, write_json  # noqa: E402

CONFIG = ROOT / "experiments" / "seed.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "seed_stages.json"


def timed_run(work: Path, label: str, toolkit_cache: Path, numba_cache: Path) -> dict:
    """Run the seed config once in a new process; its manifest's timings and the wall time."""
    out = work / f"runs-{label}"
    env = {
        **os.environ,
        "TOOLKIT_CACHE": str(toolkit_cache),
        "NUMBA_CACHE_DIR": str(numba_cache),
    }
    command = [sys.executable, "-m", "toolkit", "run", str(CONFIG), "--out", str(out), "--quiet"]
    # stdout (the run folder's path) is not needed; errors still reach stderr
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    manifest = read_json(out / "manifest.json")
    return {
        "run": label,
        "process_seconds": round(wall, 2),
        "run_seconds": manifest["seconds"],
        "plot_seconds": manifest["plot_seconds"],
        "stages": {
            name: {"seconds": record["seconds"], "cache_hit": record["cache_hit"]}
            for name, record in manifest["stages"].items()
        },
    }


UMAP_FIT = """
import time
import numpy as np
start = time.perf_counter()
from toolkit.numba_cache import import_umap
umap = import_umap()
vectors = np.random.default_rng(0).normal(size=(500, 50)).astype(np.float32)
umap.UMAP(n_components=5, random_state=0).fit(vectors)
print(time.perf_counter() - start)
"""


def umap_first_fit(numba_cache: Path) -> float:
    """Seconds for import + first UMAP fit in a new process using ``numba_cache``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_cache)}
    result = subprocess.run(
        [sys.executable, "-c", UMAP_FIT],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return round(float(result.stdout.strip().splitlines()[-1]), 2)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="seed-stages-") as tmp:
        work = Path(tmp)
        numba_cache = work / "numba"
        runs = [timed_run(work, "first", work / "toolkit-first", numba_cache)]
        # the cold cache starts with the corpus-independent lemma list the first run left
        shutil.copytree(work / "toolkit-first" / "lexicon", work / "toolkit-cold" / "lexicon")
        runs.append(timed_run(work, "cold", work / "toolkit-cold", numba_cache))
        runs.append(timed_run(work, "warm", work / "toolkit-cold", numba_cache))
        umap_cache = work / "numba-umap"
        umap_fit = {
            "empty numba cache": umap_first_fit(umap_cache),
            "filled numba cache": umap_first_fit(umap_cache),
        }
    stages = list(runs[0]["stages"])
    print("| stage | " + " | ".join(run["run"] for run in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for name in stages:
        cells = []
        for run in runs:
            record = run["stages"][name]
            cells.append(f"{record['seconds']:.1f}" + (" (cached)" if record["cache_hit"] else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")
    for key in ("plot_seconds", "run_seconds", "process_seconds"):
        print(f"| {key} | " + " | ".join(f"{run[key]:.1f}" for run in runs) + " |")
    print(
        "\nimport + first UMAP fit in a new process: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in umap_fit.items())
    )
    load = os.getloadavg()
    write_json(
        RESULTS,
        {
            "command": ".venv/bin/python benchmarks/seed_stages.py",
            "config": str(CONFIG.relative_to(ROOT)),
            "cpu_count": os.cpu_count(),
            "load_average": load,
            "runs": runs,
            "umap_import_and_first_fit_seconds": umap_fit,
        },
    )
    print(f"\nload average (1/5/15 min): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
