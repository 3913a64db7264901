"""The benchmark suite: every system on the same data, one subprocess each, one evaluator.

Quality runs on 10kGNAD (every system, seeds 0-2 for stability); scale runs on synthetic LDA
corpora (:mod:`benchmarks.peers.synthetic`) of the requested sizes, topics-only systems, seed 0.
Cost is measured per subprocess: wall time, peak resident memory (the RSS of the child and its
children, sampled every 0.1 s) and the stage times each system reports. The results are written to
``peers.json`` and ``peers.md`` and the Markdown is printed.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.peers.evaluator import Evaluator, diversity, stability
from benchmarks.peers.report import markdown
from benchmarks.peers.synthetic import gnad_vocabulary, write_lda_csv
from benchmarks.peers.systems import ROOT, read_labelled_csv
from toolkit.io import read_json, write_json, write_text
from toolkit.progress import status

K = 9
NEIGHBOURS = 10
PACKAGES = (
    "toolkit", "gensim", "scikit-learn", "tomotopy", "bertopic", "sentence-transformers",
    "transformers", "torch", "umap-learn", "hdbscan", "numpy", "scipy", "pandas", "simplemma",
    "spacy", "psutil",
)  # fmt: skip
# (label, runner, options, seeds on 10kGNAD): the quality block
QUALITY_SYSTEMS = (
    ("toolkit", "toolkit", {"variant": "full", "neighbours": NEIGHBOURS}),
    ("toolkit_topics", "toolkit", {"variant": "topics"}),
    ("toolkit_nmf", "toolkit", {"variant": "nmf"}),
    ("gensim_lda", "gensim_lda", {}),
    ("sklearn_nmf", "sklearn_nmf", {}),
    ("sklearn_lda", "sklearn_lda", {}),
    ("tomotopy_lda", "tomotopy_lda", {}),
    ("bertopic", "bertopic", {}),
)
SCALE_SYSTEMS = (
    ("gensim_lda", "gensim_lda", {}),
    ("sklearn_nmf", "sklearn_nmf", {}),
    ("sklearn_lda", "sklearn_lda", {}),
    ("tomotopy_lda", "tomotopy_lda", {}),
    ("toolkit_topics", "toolkit", {"variant": "topics"}),
)
BERTOPIC_SCALE_LIMIT = 10_000


@dataclass
class Measured:
    """One subprocess: its outputs, wall seconds, peak memory, and an error if it failed."""

    label: str
    seed: int
    output: dict[str, Any] = field(default_factory=dict)
    wall: float = float("nan")
    peak_mb: float = float("nan")
    error: str | None = None


def peak_rss(process: subprocess.Popen, interval: float = 0.1) -> int:
    """Largest resident set (bytes) of ``process`` and its children, sampled until it exits.

    Sampled rather than read from ``ru_maxrss``: Linux carries the parent's peak into a child
    across fork and exec, so a small child would report the suite's own memory.
    """
    import psutil

    peak = 0
    root = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            # a process of the tree ended between listing and reading: sample again
            continue
        peak = max(peak, rss)
        time.sleep(interval)
    return peak


def run_job(
    label: str, runner: str, corpus: Path, seed: int, options: dict[str, Any], workdir: Path
) -> Measured:
    """Run one system in a fresh Python process and measure it."""
    workdir.mkdir(parents=True, exist_ok=True)
    stem = f"{label}-{corpus.stem}-{seed}"
    job_file, out_file, log_file = (
        workdir / f"{stem}.{ext}" for ext in ("job.json", "out.json", "log")
    )
    write_json(job_file, {"system": label, "runner": runner, "corpus": str(corpus), "seed": seed,
                          "k": K, "workdir": str(workdir), "options": options})  # fmt: skip
    # the toolkit's embedding cache follows TOOLKIT_CACHE: never the user's, fresh per system
    cache = options.get("cache") or str(workdir / f"cache-{stem}")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOOLKIT_QUIET": "1", "TOOLKIT_CACHE": cache,
           "TOKENIZERS_PARALLELISM": "false"}  # fmt: skip
    status(f"[peers] {label} on {corpus.name}, seed {seed} …")
    tick = time.perf_counter()
    with open(log_file, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.peers.worker", str(job_file), str(out_file)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        peak = peak_rss(process)
    measured = Measured(label, seed, wall=round(time.perf_counter() - tick, 2))
    measured.peak_mb = round(peak / 2**20, 1)
    if process.returncode != 0 or not out_file.is_file():
        tail = log_file.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        measured.error = " | ".join(tail) or f"exit code {process.returncode}"
        status(f"[peers] {label} failed: {measured.error}")
    else:
        measured.output = read_json(out_file)
        status(f"[peers] {label} done in {measured.wall:.1f} s, {measured.peak_mb:.0f} MB")
    return measured


def _topic_scores(ev: Evaluator, fits: list[Measured], key: str | None = None) -> dict[str, Any]:
    """Coherence, diversity, partition scores and stability of one system's seed fits."""

    def part(m: Measured) -> dict[str, Any]:
        return m.output[key] if key else m.output

    ok = [m for m in fits if not m.error and (not key or key in m.output)]
    if not ok or ok[0].seed != 0:
        return {}
    first = part(ok[0])
    mapped = [ev.map_topics(part(m)["top_words"]) for m in ok]
    scores: dict[str, Any] = {
        "topics": len(mapped[0].topics),
        "c_npmi": ev.coherence(mapped[0].topics, "c_npmi"),
        "c_v": ev.coherence(mapped[0].topics, "c_v"),
        "diversity": diversity(mapped[0].topics, 25),
        "dropped_words": mapped[0].dropped_share,
        "dropped_examples": mapped[0].dropped_examples,
        "stability": stability([m.topics for m in mapped]) if len(mapped) > 1 else None,
        "stability_seeds": len(mapped),
    }
    if ev.labels is not None:
        scores.update(ev.partition(first["assignment"], first.get("outlier")))
    return scores


def _cost(m: Measured, n_docs: int) -> dict[str, Any]:
    return {
        "wall_seconds": m.wall,
        "peak_mb": m.peak_mb,
        "docs_per_second": round(n_docs / m.wall, 2) if m.wall else None,
        "stages": m.output.get("stages", {}),
        "cache_hits": m.output.get("cache_hits", []),
    }


def quality(corpus: Path, seeds: int, workdir: Path, limit_note: str) -> dict[str, Any]:
    """Every system on a labelled corpus: quality by the common evaluator, and cost."""
    texts, labels = read_labelled_csv(corpus)
    ev = Evaluator.fit(texts, labels)
    results: dict[str, Any] = {"corpus": str(corpus), "documents": len(texts), "note": limit_note}
    systems: dict[str, Any] = {}
    for label, runner, options in QUALITY_SYSTEMS:
        fits = []
        for seed in range(seeds):
            opts = {**options, "seeds": seeds}
            if label.startswith("toolkit"):
                # seed 0 starts from an empty cache so its stage times are real; the other seeds
                # share it (only their topics, clusters and search depend on the seed) and only
                # serve the stability score
                opts["cache"] = str(workdir / f"cache-{label}")
                if seed:
                    opts.pop("neighbours", None)
                    opts["drop"] = [*opts.get("drop", []), "search"]
            fits.append(run_job(label, runner, corpus, seed, opts, workdir))
            if fits[0].error:
                break
        entry = {
            "cost": _cost(fits[0], len(texts)),
            "error": fits[0].error,
            **_topic_scores(ev, fits),
        }
        entry["stability_error"] = next((m.error for m in fits[1:] if m.error), None)
        systems[label] = entry
        if label == "toolkit" and not fits[0].error:
            systems["toolkit_clusters"] = {
                "cost": {"stages": {"clusters": fits[0].output["stages"].get("clusters")}},
                **_topic_scores(ev, fits, key="clusters"),
            }
            results["search"] = _search_scores(ev, fits[0])
    search = run_job(
        "semantic_search", "semantic_search", corpus, 0, {"neighbours": NEIGHBOURS}, workdir
    )
    results.setdefault("search", {})["semantic_search"] = {
        "precision_at_10": None if search.error else ev.precision_at_k(
            search.output["neighbours"]["semantic_search"], NEIGHBOURS),
        "cost": _cost(search, len(texts)),
        "error": search.error,
        "note": "reuses BERTopic's MiniLM vectors of seed 0 when present (encode time is there)",
    }  # fmt: skip
    results["systems"] = systems
    return results


def _search_scores(ev: Evaluator, run: Measured) -> dict[str, Any]:
    neighbours = run.output.get("neighbours", {})
    return {
        f"toolkit_{mode}": {
            "precision_at_10": ev.precision_at_k(rows, NEIGHBOURS),
            "cost": {"query_seconds": neighbours.get(f"{mode}_seconds")},
        }
        for mode, rows in neighbours.items()
        if not mode.endswith("_seconds")
    }


def scale(
    sizes: list[int],
    vocabulary: list[str],
    workdir: Path,
    points: dict[str, Any],
    saved: Callable[[], Any],
) -> None:
    """Topics-only systems on synthetic corpora of each size: cost, and NMI on the truth.

    Fills ``points`` (size -> results) and calls ``saved`` after every system, so a long run
    that is stopped still leaves every finished measurement on disk.
    """
    for n in sizes:
        path = workdir / f"synthetic-{n}.csv"
        tick = time.perf_counter()
        write_lda_csv(path, vocabulary, n, n_topics=K, seed=0)
        status(f"[peers] synthetic corpus of {n} documents in {time.perf_counter() - tick:.1f} s")
        _, labels = read_labelled_csv(path)
        systems: dict[str, Any] = {}
        points[str(n)] = {"documents": n, "systems": systems}
        runs = list(SCALE_SYSTEMS)
        if n <= BERTOPIC_SCALE_LIMIT:
            runs.append(("bertopic", "bertopic", {}))
        for label, runner, options in runs:
            m = run_job(label, runner, path, 0, options, workdir)
            entry: dict[str, Any] = {"cost": _cost(m, n), "error": m.error}
            if not m.error:
                pred = np.asarray(m.output["assignment"])
                entry["nmi"] = Evaluator([], labels).partition(pred, m.output.get("outlier"))["nmi"]
            systems[label] = entry
            saved()
        path.unlink()


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def run_suite(
    corpus: Path,
    sizes: list[int],
    out: Path,
    workdir: Path,
    quick: bool,
    command: str,
    with_quality: bool = True,
) -> dict[str, Any]:
    """Run quality on ``corpus`` and scale at ``sizes``; write and return the results."""
    tick = time.perf_counter()
    seeds = 2 if quick else 3
    quality_corpus = corpus
    note = "all documents"
    if quick:
        # the quick check: the first 300 articles, so the whole suite takes a few minutes
        texts, labels = read_labelled_csv(corpus)
        quality_corpus = workdir / "gnad-quick.csv"
        write_lda_like_subset(quality_corpus, texts[:300], labels[:300])
        note = "--quick: first 300 documents, 2 seeds"
    results: dict[str, Any] = {
        "command": command,
        "machine": machine(),
        "versions": versions(),
        "k": K,
        "noise": "timings taken while other CPU-heavy jobs shared the 2 cores: indicative only",
    }
    if with_quality:
        results["quality"] = quality(quality_corpus, seeds, workdir, note)
    texts, _ = read_labelled_csv(corpus)
    vocabulary = gnad_vocabulary(Evaluator.fit(texts).tokens, min_count=2)
    results["synthetic"] = {
        "vocabulary": len(vocabulary),
        "generator": "LDA: theta~Dir(0.1), length~Poisson(120), Zipf(1.07) topic-word, K=9, seed 0",
    }
    results["scale"] = {}

    def saved() -> str:
        results["seconds"] = round(time.perf_counter() - tick, 1)
        write_json(out / "peers.json", results)
        text = markdown(results)
        write_text(out / "peers.md", text)
        return text

    saved()
    scale(sizes, vocabulary, workdir, results["scale"], saved)
    print(saved())
    return results


def write_lda_like_subset(path: Path, texts: list[str], labels: list[str]) -> None:
    """Write documents in the 10kGNAD CSV dialect (label;'text', no header)."""
    import csv

    from toolkit.io import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quotechar="'", lineterminator="\n")
        writer.writerows(zip(labels, texts, strict=True))
