"""The whole run of ``experiments/10kgnad.yaml`` against BERTopic: per machine, cold, warm, scale.

One invocation measures, for each corpus size (``--sizes``; 1028 is the 10kGNAD test split
itself, any other size a synthetic corpus made at benchmark time by recombining 10kGNAD
paragraphs within a label, written to a temporary folder and never stored):

* ``toolkit run experiments/10kgnad.yaml`` with every stage of that config on, each point in a
  new process, wall seconds, CPU seconds and peak resident memory (sampled, as the peers suite
  samples it), and the stage times of the run's ``manifest.json``:

  - ``new_machine`` (first size only): everything from nothing, the machine cache empty too
    (dictionary parse, ONNX export, term vectors, numba's UMAP compile into an empty
    ``NUMBA_CACHE_DIR``);
  - ``cold``: an empty run cache (stages and paragraph vectors) on a machine that has paid its
    once-per-machine costs: this is the run a user repeats for every new corpus or setting;
  - ``warm``: the same command again (every stage from the cache);
  - ``before`` (sizes in ``--before-sizes``): cold with ``--set embeddings.input=german``, the
    full model on every German passage (the default before the static gloss vectors);

* BERTopic end to end (the peers suite's runner: its defaults, the same MiniLM, K = 9), right
  after the toolkit's points of the same size so the ratio is taken under the same load
  (``--bertopic-max`` skips it above a size).

Once per machine, timed apart in new processes on the empty machine cache before the runs:
parsing the dictionary (cached by the file's hash), the fp32 ONNX export the term vectors come
from, and with ``--table`` the vectors of every English term of the dictionary (then a run
encodes only the names and rare words the dictionary lacks). Everything else is paid per run.

The machine is shared with other jobs: say what the load was (``load_average`` before and after
each point is in the JSON); times are upper bounds and the ratios are what to read.

Run: ``TOOLKIT_DATA=../shared python benchmarks/whole_run.py [--sizes 1028,100000]``; writes
``benchmarks/results/whole_run.json``. ``--set KEY=VALUE`` (repeatable) runs the cold and warm
points with config overrides (``--set embeddings.backend=onnx --set embeddings.quantize=false``:
the fp32 ONNX model), ``--out`` names another JSON file.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.peers.suite import peak_rss, run_job  # noqa: E402
from toolkit.io import read_json, write_json  # noqa: E402

CONFIG = ROOT / "experiments" / "10kgnad.yaml"
RESULTS = ROOT / "benchmarks" / "results" / "whole_run.json"
GNAD_SIZE = 1028
SPLIT_LONG = 150  # the corpus section's split_long_paragraphs: the units recombined


def gnad_path() -> Path:
    data = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
    return data / "corpora" / "10kgnad" / "test.csv"


def synthetic_corpus(n_docs: int, seed: int, out: Path, unit: str = "paragraph") -> Path:
    """``n_docs`` articles, each a label's article length (in paragraphs) of that label's
    paragraphs drawn at random: labels and lengths follow 10kGNAD's, the texts are its own
    paragraphs recombined within a label. Written as 10kGNAD is (``;``, ``'``, no header).

    With ``unit="sentence"`` every paragraph is itself new: a label's paragraph length (in
    sentences) of that label's sentences drawn at random. Recombined paragraphs repeat the 3,140
    of 10kGNAD, which the embedding cache encodes once per run, so only new paragraphs show
    what encoding a large archive of distinct articles costs."""
    from toolkit.corpus import Document
    from toolkit.text.boilerplate import split_sentences

    with open(gnad_path(), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    pools: dict[str, list[str]] = {}
    lengths: dict[str, list[int]] = {}
    sentences: dict[str, list[str]] = {}
    sentence_counts: dict[str, list[int]] = {}
    for label, text in rows:
        paragraphs = Document.from_text("x", text, split_long=SPLIT_LONG).paragraphs
        pools.setdefault(label, []).extend(paragraphs)
        lengths.setdefault(label, []).append(len(paragraphs))
        for paragraph in paragraphs:
            parts = split_sentences(paragraph)
            sentences.setdefault(label, []).extend(parts)
            sentence_counts.setdefault(label, []).append(len(parts))
    rng = np.random.default_rng(seed)
    labels = [label for label, _ in rows]

    def sentence_paragraph(label: str) -> str:
        pool = sentences[label]
        count = sentence_counts[label][rng.integers(len(sentence_counts[label]))]
        return " ".join(pool[i] for i in rng.integers(len(pool), size=count))

    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quotechar="'", lineterminator="\n")
        for _ in range(n_docs):
            label = labels[rng.integers(len(labels))]
            count = lengths[label][rng.integers(len(lengths[label]))]
            if unit == "paragraph":
                picked = rng.integers(len(pools[label]), size=count)
                texts = [pools[label][i] for i in picked]
            else:
                texts = [sentence_paragraph(label) for _ in range(count)]
            writer.writerow([label, "\n\n".join(texts)])
    return out


def measured(command: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run ``command`` in a new process: wall and CPU seconds, peak memory, load averages."""
    load_before = os.getloadavg()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    tick = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = peak_rss(process)
    wall = time.perf_counter() - tick
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        tail = log.read_text("utf-8", errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(command[:6])} … failed:\n" + "\n".join(tail))
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, 2),
        "peak_mb": round(peak / 2**20, 1),
        "load_average": [list(load_before), list(os.getloadavg())],
    }


def toolkit_point(
    corpus: Path, machine: Path, run_cache: Path, out: Path, overrides: list[str], numba: Path
) -> dict[str, Any]:
    """``toolkit run experiments/10kgnad.yaml`` on ``corpus`` in a new process."""
    settings = [f"corpus.path={corpus}", f"output.cache_dir={run_cache}", *overrides]
    command = [sys.executable, "-m", "toolkit", "--quiet", "run", str(CONFIG), "--out", str(out)]
    command += [part for setting in settings for part in ("--set", setting)]
    env = {**os.environ, "TOOLKIT_CACHE": str(machine), "PYTHONPATH": str(ROOT)}
    env |= {"NUMBA_CACHE_DIR": str(numba), "TOKENIZERS_PARALLELISM": "false"}
    result = measured(command, env, out.parent / f"{out.name}.log")
    manifest = read_json(out / "manifest.json")
    metrics = read_json(out / "metrics.json")
    result["stages"] = {name: rec["seconds"] for name, rec in manifest["stages"].items()}
    result["cache_hits"] = [n for n, rec in manifest["stages"].items() if rec.get("cache_hit")]
    result["run_seconds"] = manifest.get("seconds")
    result["clusters_nmi"] = metrics.get("clusters", {}).get("nmi")
    print(
        f"toolkit {out.name}: {result['wall_seconds']:.1f}s wall, {result['cpu_seconds']:.1f}s "
        f"CPU, {result['peak_mb']:.0f} MB, NMI {result['clusters_nmi']}",
        flush=True,
    )
    return result


def bertopic_point(corpus: Path, workdir: Path) -> dict[str, Any]:
    """BERTopic end to end with the peers suite's runner (K = 9, seed 0), in a new process."""
    load_before = os.getloadavg()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    job = run_job("bertopic", "bertopic", corpus, 0, {}, workdir)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if job.error:
        raise RuntimeError(f"BERTopic failed: {job.error}")
    print(f"bertopic: {job.wall:.1f}s wall, {job.peak_mb:.0f} MB", flush=True)
    return {
        "wall_seconds": job.wall,
        "cpu_seconds": round(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, 2),
        "peak_mb": job.peak_mb,
        "stages": job.output["stages"],
        "load_average": [list(load_before), list(os.getloadavg())],
    }


def machine_setup(machine: Path, numba: Path, table: bool, log_dir: Path) -> dict[str, Any]:
    """The once-per-machine costs, each in a new process on the (empty) machine cache."""
    steps = {
        "dictionary_parse": "from toolkit.lexicon import load_lexicon; load_lexicon()",
        "onnx_export": (
            "from toolkit.embeddings import resolve_model\n"
            "from toolkit.embeddings.onnx_export import onnx_model_path\n"
            "onnx_model_path(resolve_model('all-MiniLM-L6-v2'), quantize=False)"
        ),
        # numba compiles UMAP's functions once per machine into NUMBA_CACHE_DIR: 1,000 points
        # take the exact neighbours of small corpora, 5,000 the approximate search (pynndescent)
        "numba_compile": (
            "import numpy as np\n"
            "from toolkit.clusters import reduce_vectors\n"
            "for n in (1000, 5000):\n"
            "    reduce_vectors(np.random.default_rng(0).random((n, 20)), seed=0)"
        ),
    }
    if table:
        steps["term_table"] = (
            "from toolkit.experiment.schema import EmbeddingsConfig\n"
            "from toolkit.experiment.stages.embeddings import encoder_for\n"
            "from toolkit.lexicon import load_lexicon\n"
            "encoder_for(EmbeddingsConfig()).term_vectors(load_lexicon().english_terms())"
        )
    env = {**os.environ, "TOOLKIT_CACHE": str(machine), "PYTHONPATH": str(ROOT)}
    env |= {"NUMBA_CACHE_DIR": str(numba), "TOOLKIT_QUIET": "1"}
    out = {}
    for name, code in steps.items():
        out[name] = measured([sys.executable, "-c", code], env, log_dir / f"{name}.log")
        print(f"once per machine, {name}: {out[name]['wall_seconds']:.1f}s", flush=True)
    return out


def growth(points: dict[str, Any], system: str, key: str) -> dict[str, Any]:
    """How ``key`` of ``system`` grows between consecutive sizes: factor and exponent
    (``log(ratio) / log(size ratio)``: 1 is linear)."""
    sizes = sorted(int(s) for s in points if system in points[s])
    out = {}
    for small, large in itertools.pairwise(sizes):
        a, b = points[str(small)][system][key], points[str(large)][system][key]
        out[f"{small}->{large}"] = {
            "factor": round(b / a, 2),
            "exponent": round(math.log(b / a) / math.log(large / small), 2),
        }
    return out


def size_points(
    size: int, folder: Path, machine: Path, numba: Path, args: Any, new_machine: bool
) -> dict[str, Any]:
    """Every point of one corpus size (see the module docstring), in that order."""
    corpus = gnad_path()
    if size != GNAD_SIZE:
        corpus = synthetic_corpus(size, args.seed, folder / f"synthetic-{size}.csv", args.unit)
    out: dict[str, Any] = {"documents": size, "synthetic": size != GNAD_SIZE}
    if new_machine:
        # a machine cache and a numba cache of its own, both empty: everything from nothing
        empty = folder / "new-machine"
        out["new_machine"] = toolkit_point(
            corpus, empty / "cache", empty / "runs", folder / f"new-{size}", [], empty / "numba"
        )
    run_cache = folder / f"cache-{size}"
    sets = args.overrides
    out["cold"] = toolkit_point(corpus, machine, run_cache, folder / f"cold-{size}", sets, numba)
    out["warm"] = toolkit_point(corpus, machine, run_cache, folder / f"warm-{size}", sets, numba)
    out["warm_over_cold"] = round(out["warm"]["wall_seconds"] / out["cold"]["wall_seconds"], 3)
    if args.bertopic_max is None or size <= args.bertopic_max:
        out["bertopic"] = bertopic_point(corpus, folder / f"bertopic-{size}")
        for name in ("new_machine", "cold", "warm"):
            if name in out:
                out[f"{name}_over_bertopic"] = {
                    unit: round(out[name][unit] / out["bertopic"][unit], 3)
                    for unit in ("wall_seconds", "cpu_seconds", "peak_mb")
                }
    if size in args.before_sizes:
        german = ["embeddings.input=german"]
        before = folder / f"before-{size}"
        out["before"] = toolkit_point(
            corpus, machine, folder / f"cache-before-{size}", before, german, numba
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1028,100000", help="comma-separated corpus sizes")
    parser.add_argument("--before-sizes", default="1028", help="sizes with the German point")
    parser.add_argument("--bertopic-max", type=int, default=None, help="no BERTopic above")
    parser.add_argument("--table", action="store_true", help="term table once per machine")
    parser.add_argument("--no-new-machine", dest="new_machine", action="store_false")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic corpora")
    parser.add_argument(
        "--unit",
        choices=["paragraph", "sentence"],
        default="paragraph",
        help="what the synthetic corpora recombine (sentence: every paragraph new text)",
    )
    parser.add_argument("--scratch", type=Path, default=None, help="parent of the work folder")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="config override of every cold and warm toolkit point (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    args.before_sizes = {int(s) for s in args.before_sizes.split(",") if s}
    sizes = [int(s) for s in args.sizes.split(",")]
    result: dict[str, Any] = {"config": str(CONFIG.relative_to(ROOT)), "cpus": os.cpu_count()}
    result["term_table"] = args.table
    result["synthetic_unit"] = args.unit
    result["overrides"] = args.overrides
    with tempfile.TemporaryDirectory(prefix="whole-run-", dir=args.scratch) as scratch:
        folder = Path(scratch)
        machine, numba = folder / "machine", folder / "numba"
        # paid once into the machine cache every later point uses (except new_machine)
        result["once_per_machine"] = machine_setup(machine, numba, args.table, folder)
        points: dict[str, Any] = {}
        for i, size in enumerate(sizes):
            new_machine = args.new_machine and i == 0
            points[str(size)] = size_points(size, folder, machine, numba, args, new_machine)
            result["points"] = points
            write_json(args.out, result)
    result["growth"] = {
        f"{system} {key}": growth(points, system, key)
        for system in ("cold", "bertopic")
        for key in ("wall_seconds", "peak_mb")
    }
    write_json(args.out, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
