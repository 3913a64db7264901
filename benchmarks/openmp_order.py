"""What a UMAP fit before the first encoding does to the sentence encoder, per numba layer.

Numba's default threading layer is OpenMP, through the system's ``libgomp.so.1``; torch ships
its own copy under the same name, and a process that loads numba's first binds torch to the
system's (``toolkit/numba_cache.py``). Three fresh processes each encode the same 10kGNAD
articles with :class:`~toolkit.embeddings.sentence_transformers.SentenceTransformerEncoder`:

``encoder only``
    no UMAP in the process (the reference vectors);
``UMAP first, numba's default layer``
    a seeded UMAP fit (the toolkit's :func:`~toolkit.clusters.reduce.reduce_vectors`) before
    the encoding, ``NUMBA_THREADING_LAYER=default``: what the toolkit did before it set the
    layer;
``UMAP first, the toolkit's layer``
    the same with the toolkit's setting (``workqueue``).

Each row gives the encoding's seconds (the UMAP fit is not timed), the threading layer numba
launched, the OpenMP libraries mapped, and how many vector values differ from the reference.
The processes run one after the other, so a quiet machine is needed for the ratio of times.

Run: ``.venv/bin/python benchmarks/openmp_order.py [--articles N]``; prints a Markdown table
and writes ``benchmarks/results/openmp_order.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from toolkit.io import write_json

ROOT = Path(__file__).resolve().parents[1]

DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
GNAD = DATA / "corpora" / "10kgnad" / "test.csv"
CASES = {
    "encoder only": (False, None),
    "UMAP first, numba's default layer": (True, "default"),
    "UMAP first, the toolkit's layer": (True, None),
}

# one case, in its own process: argv = articles, umap (0/1), where to write the vectors, the
# repository, the 10kGNAD file
CASE = """
import json, sys, time
import numpy as np
articles, umap_first, out = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
sys.path.insert(0, sys.argv[4])
from benchmarks.peers.systems import read_labelled_csv
texts = read_labelled_csv(sys.argv[5])[0][:articles]
layer = "-"
if umap_first:
    import numba
    from toolkit.clusters.reduce import reduce_vectors
    reduce_vectors(np.random.default_rng(0).normal(size=(400, 32)).astype(np.float32), seed=1)
    layer = numba.threading_layer()
from toolkit.embeddings.sentence_transformers import SentenceTransformerEncoder
encoder = SentenceTransformerEncoder()
encoder.encode(texts[:2])  # the model loaded before the clock starts
start = time.perf_counter()
vectors = encoder.encode(texts)
seconds = time.perf_counter() - start
np.save(out, vectors)
with open("/proc/self/maps") as maps:
    gomp = sorted({line.split()[-1] for line in maps if "libgomp" in line})
print(json.dumps({"seconds": seconds, "layer": layer, "openmp": gomp}))
"""


def run_case(articles: int, umap_first: bool, layer: str | None, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    env["TOOLKIT_QUIET"] = "1"
    if layer:
        env["NUMBA_THREADING_LAYER"] = layer
    args = [str(articles), "1" if umap_first else "0", str(out), str(ROOT), str(GNAD)]
    done = subprocess.run(
        [sys.executable, "-c", CASE, *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    if not GNAD.is_file():
        sys.exit(f"10kGNAD not found at {GNAD} (set TOOLKIT_DATA to the shared folder)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (name, (umap_first, layer)) in enumerate(CASES.items()):
            out = Path(tmp) / f"case{number}.npy"
            row = {"case": name, **run_case(args.articles, umap_first, layer, out)}
            vectors = np.load(out, allow_pickle=False)
            if number == 0:
                reference = vectors
            row["values_differing"] = int((vectors != reference).sum())
            row["max_difference"] = float(np.abs(vectors - reference).max())
            rows.append(row)
    base = rows[0]["seconds"]
    print(f"{args.articles} 10kGNAD articles through all-MiniLM-L6-v2, each case a new process\n")
    print("| case | numba layer | encoding | vs encoder only | values differing | max diff |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['case']} | {row['layer']} | {row['seconds']:.1f} s | "
            f"{row['seconds'] / base:.2f}x | {row['values_differing']} | "
            f"{row['max_difference']:.2g} |"
        )
    for row in rows:
        print(f"{row['case']}: OpenMP mapped {', '.join(row['openmp'])}")
    write_json(
        ROOT / "benchmarks" / "results" / "openmp_order.json",
        {"articles": args.articles, "dimensions": int(reference.shape[1]), "cases": rows},
    )


if __name__ == "__main__":
    main()
