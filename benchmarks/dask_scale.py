"""The toolkit on a Dask LocalCluster of this machine: synthetic corpora of 100,000 and 1,000,000
articles made from 10kGNAD at run time.

Corpus (never stored in the repository; written to a temporary folder): every 10kGNAD article
is cut at sentence ends into passages of about 60 words, pooled by label. A synthetic article
draws a label with the labels' frequencies, a number of paragraphs from the real articles'
numbers of passages, that many passages of its label at random, and a date in 2015-2024; the
articles are written as JSON lines. The same ``--seed`` gives the same corpus.

Run: the stages that scale (corpus, text, topics, embeddings, themes, search; the embeddings
on the fast path by default: static vectors of the English gloss terms, ``--input static``;
the themes' context then sends every paragraph's gloss through the whole-text model, unless
``--no-themes-gloss``: seeds, expansion and TF-IDF only, the fast path of the themes)
with a ``compute`` section (``--workers``, ``--sample``, ``--partition-size``, ``--shard-size``)
on a LocalCluster, one stage after the other: each stage is a new ``execute`` in a new client
process on a new cluster, and finds the earlier stages in the stage cache; so the peak memory of
the client (which fits the models) and of each worker is the stage's own (psutil, every half
second; for the client also its anonymous memory apart, ``RssAnon``, without the pages of the
files it maps). Per stage: wall seconds (the manifest's), of which the client waited for the
partitions' tasks (``partition_seconds``, the workers' share) and spent on its own work
(``client_seconds``: the fits on the sample, the joins), articles per second and those peaks. With
``--workers 2 1`` the same corpus runs on two and on one worker (separate caches, the
embedding cache of the term vectors too: :func:`own_cache_root`): the speed-up per stage.
After the run, query latency of ``similar`` and ``search`` (p50 over 50 queries each).

The machine has two cores shared with other jobs: times are upper bounds; memory is not
affected. Run niced:
``nice -n 10 .venv/bin/python benchmarks/dask_scale.py --docs 100000 --workers 1 2``;
writes ``benchmarks/results/dask_scale_<docs>.json`` (``--until STAGE`` stops after that stage:
``dask_scale_<docs>_until_<stage>.json``; ``--skip topics`` leaves a stage out:
``…_without_topics``).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the workers import the toolkit this script runs

from toolkit.corpus.document import split_into_passages  # noqa: E402
from toolkit.experiment import config_from_mapping, execute, load_run  # noqa: E402
from toolkit.experiment.compute import DaskCompute  # noqa: E402
from toolkit.io import cache_root, write_json  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# the user's cache root, read before own_cache_root points $TOOLKIT_CACHE at a run's own
USER_CACHE = cache_root()
GNAD = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared") / "corpora/10kgnad/test.csv"
STAGES = ["corpus", "text", "topics", "embeddings", "themes", "search"]
# the themes of experiments/10kgnad.yaml (the NATO subjects; rare in this news)
THEMES = yaml.safe_load((ROOT / "experiments" / "10kgnad.yaml").read_text("utf-8"))["themes"]


def passage_pools(path: Path) -> tuple[dict[str, list[str]], list[int], list[str]]:
    """Passages of about 60 words per label, the articles' passage counts, and their labels."""
    pools: dict[str, list[str]] = defaultdict(list)
    counts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for label, text in csv.reader(handle, delimiter=";", quotechar="'"):
            passages = split_into_passages(" ".join(text.split()), 60)
            pools[label] += passages
            counts.append(len(passages))
            labels.append(label)
    return dict(pools), counts, labels


def write_corpus(path: Path, n_docs: int, seed: int) -> dict[str, Any]:
    """Write ``n_docs`` synthetic articles as JSON lines; returns what was written."""
    pools, counts, labels = passage_pools(GNAD)
    rng = random.Random(seed)
    words = 0
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n_docs):
            label = rng.choice(labels)
            pool = pools[label]
            paragraphs = [pool[rng.randrange(len(pool))] for _ in range(rng.choice(counts))]
            words += sum(len(p.split()) for p in paragraphs)
            date = (
                f"{rng.randrange(2015, 2025)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
            row = {"id": f"s{i:07d}", "text": "\n\n".join(paragraphs), "label": label, "date": date}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return {"documents": n_docs, "words": words, "bytes": path.stat().st_size, "seed": seed}


def anonymous_bytes(pid: int) -> int:
    """The process's anonymous resident memory (``RssAnon``): what it holds itself, without
    the pages of files it maps, which the system can drop and read again."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


class MemoryWatch:
    """Peak resident memory of some processes (``pids()``, asked again at every poll): all
    resident pages, and the anonymous ones apart."""

    def __init__(self, pids: Any, interval: float = 0.5) -> None:
        self.pids = pids
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self.anonymous: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids():
                try:
                    rss = psutil.Process(pid).memory_info().rss
                    anonymous = anonymous_bytes(pid)
                except (psutil.Error, OSError):
                    continue
                self.peaks[pid] = max(self.peaks.get(pid, 0), rss)
                self.anonymous[pid] = max(self.anonymous.get(pid, 0), anonymous)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mb(self, pids: set[int], anonymous: bool = False) -> list[int]:
        """The peaks of ``pids`` in MB (of the anonymous pages only), largest first."""
        peaks = self.anonymous if anonymous else self.peaks
        return sorted((round(peaks[p] / 2**20) for p in pids if p in peaks), reverse=True)


def config(corpus: Path, args: argparse.Namespace, stages: list[str]) -> dict[str, Any]:
    """The experiment with the sections of ``stages`` (the others absent)."""
    sections = {
        "text": {"extra_stopwords": ["standard", "derstandard"]},
        "topics": {"num_topics": 9, "seeded": False, "stability_seeds": 1},
        "embeddings": {"backend": args.backend, "input": args.input},
        "themes": THEMES if args.themes_gloss else {**THEMES, "settings": {"gloss": False}},
        "search": {"mode": "hybrid"},
    }
    return {
        "name": f"scale{len(stages)}",
        "seed": 42,
        "corpus": {"path": str(corpus), "format": "jsonl"},
        **{name: sections[name] for name in stages if name in sections},
        "compute": {
            "sample": args.sample,
            "partition_size": args.partition_size,
            "shard_size": args.shard_size,
        },
        "output": {"plots": False, "gensim_model": False},
    }


def stage_in_a_new_client(spec: dict[str, Any], workers: set[int]) -> dict[str, Any]:
    """Run ``execute`` for ``spec`` in a new client process on the running cluster; the peak
    memory of that client and of every worker while it runs."""
    path = Path(spec["out"]).with_suffix(".json")
    path.write_text(json.dumps(spec))
    child = subprocess.Popen([sys.executable, __file__, "--child", str(path)])
    with MemoryWatch(lambda: {child.pid, *workers}) as watch:
        if child.wait():
            raise RuntimeError(f"the client of {spec['out']} exited with {child.returncode}")
    return {
        "client_peak_mb": watch.peak_mb({child.pid})[0],
        "client_anonymous_peak_mb": watch.peak_mb({child.pid}, anonymous=True)[0],
        "worker_peak_mb": watch.peak_mb(workers),
        # apart: what a worker holds itself, not the pages of files it maps (the 2.3 GB
        # embeddings peak at 1,000,000 articles was resident pages of both kinds)
        "worker_anonymous_peak_mb": watch.peak_mb(workers, anonymous=True),
    }


def run_stages(
    corpus: Path, args: argparse.Namespace, workers: int, work: Path, results: dict, report: Any
) -> None:
    """Every stage on a LocalCluster of ``workers``, one more per run, into ``results``
    (``report()`` after each stage: a run that does not finish keeps what it reached).

    Each run is a new client process (``--child``) on a new cluster, so every peak is that
    stage's own (a stage finds the earlier ones in the cache). A new cluster, not a restart of
    the workers: after the text stage a restart waited for the workers for 120 s in vain."""
    cache = work / f"cache-{workers}"
    own_cache_root(work / f"toolkit-cache-{workers}")
    stages = [s for s in STAGES[: STAGES.index(args.until) + 1] if s not in args.skip]
    last = len(stages)
    for count in range(1, last + 1):
        stage = stages[count - 1]
        compute = DaskCompute("local", workers=workers, memory_limit=args.memory_limit)
        try:
            pids = set(compute.client.run(os.getpid).values())
            spec = config(corpus, args, stages[:count])
            spec["compute"]["scheduler"] = compute.client.scheduler.address
            folder = work / f"run-{workers}-{stage}"
            run = {"config": spec, "out": str(folder), "cache": str(cache)}
            memory = stage_in_a_new_client(run, pids)
        finally:
            compute.close()
        manifest = json.loads((folder / "manifest.json").read_text())
        seconds = manifest["stages"][stage]["seconds"]
        # the workers' share of the stage (waiting for its partitions' tasks) and the client's
        on_workers = manifest["stages"][stage].get("partition_seconds", 0.0)
        results[stage] = {
            "seconds": seconds,
            "partition_seconds": on_workers,
            "client_seconds": round(seconds - on_workers, 3),
            "docs_per_second": round(args.docs / seconds, 1),
            **memory,
        }
        print(f"workers {workers} {stage}: {results[stage]}", flush=True)
        report()
        if count < last:
            shutil.rmtree(folder)
    if stage == "search":
        results["queries"] = query_latency(folder)
        report()


def own_cache_root(folder: Path) -> None:
    """Point ``$TOOLKIT_CACHE`` (this process's, so the cluster's workers' and the client's)
    at ``folder``: each run with its own embedding cache (the static input's term vectors
    live there, not in the stage cache), so a second run does not find the first run's
    terms encoded. What does not depend on the corpus (the parsed dictionary, the exported
    term model) is linked from the user's cache root, as on a machine that ran the toolkit
    before."""
    shared = USER_CACHE
    folder.mkdir(parents=True, exist_ok=True)
    for entry in shared.iterdir() if shared.is_dir() else []:
        if entry.name != "embeddings" and not (folder / entry.name).exists():
            (folder / entry.name).symlink_to(entry)
    os.environ["TOOLKIT_CACHE"] = str(folder)


def child(spec_path: Path) -> None:
    """``--child``: one ``execute`` of the spec written by :func:`stage_in_a_new_client`."""
    spec = json.loads(spec_path.read_text())
    execute(config_from_mapping(spec["config"]), Path(spec["out"]), Path(spec["cache"]))


def query_latency(folder: Path) -> dict[str, float]:
    """p50 milliseconds of ``similar`` (50 articles; with the hits' snippets and the index
    alone) and ``search`` (50 short queries)."""
    run = load_run(folder)
    ids = run.documents["id"].tolist()
    rng = random.Random(0)
    words = ["Regierung", "Fußball Trainer", "Aktien Börse", "Flüchtlinge", "Wahl Partei"]
    timings: dict[str, list[float]] = {"similar": [], "search": [], "index_similar": []}
    run.similar(ids[0], k=10)  # loads the index
    for _ in range(50):
        tick = time.perf_counter()
        run.similar(rng.choice(ids), k=10)
        timings["similar"].append(time.perf_counter() - tick)
        tick = time.perf_counter()
        run.index.similar(rng.choice(ids), k=10)  # the index alone, without snippets
        timings["index_similar"].append(time.perf_counter() - tick)
        tick = time.perf_counter()
        run.search(rng.choice(words), k=10)
        timings["search"].append(time.perf_counter() - tick)
    return {f"{name}_p50_ms": round(1000 * float(np.median(t)), 1) for name, t in timings.items()}


def write_results(args: argparse.Namespace, written: dict, runs: dict[str, Any]) -> None:
    """``benchmarks/results/dask_scale_<docs>.json`` with the runs done so far."""
    result = {
        "docs": args.docs,
        "corpus": written,
        "settings": {k: str(v) for k, v in vars(args).items() if k not in ("work", "keep")},
        "cores": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "runs": runs,
    }
    one, two = runs.get("1", {}), runs.get("2", {})
    result["speedup_1_to_2"] = {
        s: round(one[s]["seconds"] / two[s]["seconds"], 2) for s in STAGES if s in one and s in two
    }
    until = "" if args.until == STAGES[-1] else f"_until_{args.until}"
    until += "".join(f"_without_{stage}" for stage in args.skip)
    write_json(RESULTS / f"dask_scale_{args.docs}{until}.json", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--partition-size", type=int, default=5_000)
    parser.add_argument("--shard-size", type=int, default=250_000)
    parser.add_argument("--backend", default="sentence-transformers")
    parser.add_argument("--input", default="static", help="static: the fast path (gloss terms)")
    parser.add_argument(
        "--no-themes-gloss",
        dest="themes_gloss",
        action="store_false",
        help="themes without the English-gloss context (no whole-text model over every paragraph)",
    )
    parser.add_argument(
        "--until",
        choices=STAGES,
        default=STAGES[-1],
        help="the last stage to run (results in dask_scale_<docs>_until_<stage>.json)",
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=[s for s in STAGES if s not in ("corpus", "text", "embeddings", "search")],
        help="stages left out (topics or themes: no later stage needs them)",
    )
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=None, help="temporary folder (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    work = Path(tempfile.mkdtemp(prefix="dask-scale-", dir=args.work))
    try:
        corpus = work / "corpus.jsonl"
        tick = time.perf_counter()
        written = write_corpus(corpus, args.docs, args.seed)
        written["seconds"] = round(time.perf_counter() - tick, 1)
        print(f"corpus: {written}", flush=True)
        runs: dict[str, Any] = {}
        for workers in args.workers:
            runs[str(workers)] = {}
            report = functools.partial(write_results, args, written, runs)
            run_stages(corpus, args, workers, work, runs[str(workers)], report)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
