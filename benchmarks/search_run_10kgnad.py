"""The default search of a whole run, as a user gets it: ``experiments/10kgnad.yaml`` per seed.

For each config seed (``--seeds``; every stage refitted with it, the embeddings from the
cache), ``toolkit run`` writes a run folder and its search index is measured as
``Run.similar`` and ``Run.search`` answer:

* label precision@10 of article-to-article search (share of an article's 10 nearest articles
  with its label, over all 1,028 articles): the default hybrid fusion, and the same without the
  topics channel (``DOC_WEIGHTS`` with ``topics: 0``, the default before it was fused);
* free-text MRR of the intended article over the 32 dev queries
  (``benchmarks/data/search_queries_dev.jsonl``; free text has no topic distribution, so the
  topics channel does not enter) and of BM25 alone;
* the NMI of the run's clusters against the labels (k = 20, ``num_clusters: auto``).

Run: ``TOOLKIT_DATA=../shared python benchmarks/search_run_10kgnad.py [--seeds 42,0,1,2]``;
writes ``benchmarks/results/search_run_10kgnad.json``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.experiment import Run, execute, load_config  # noqa: E402
from toolkit.io import read_jsonl, write_json  # noqa: E402
from toolkit.search.index import DOC_WEIGHTS  # noqa: E402

CONFIG = ROOT / "experiments" / "10kgnad.yaml"
QUERIES = ROOT / "benchmarks" / "data" / "search_queries_dev.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "search_run_10kgnad.json"


def precision_at_10(run: Run, weights: dict[str, float] | None) -> float:
    """Mean share of each article's 10 nearest (hybrid, ``weights``) that share its label."""
    index = run.index
    index.weights = weights
    labels = run.documents["label"].to_numpy()
    shares = []
    for position, doc_id in enumerate(run.documents["id"]):
        hits = index.similar(doc_id, k=10, mode="hybrid")
        shares.append(np.mean([labels[index.position(h.id)] == labels[position] for h in hits]))
    index.weights = None
    return float(np.mean(shares))


def mean_reciprocal_rank(run: Run, mode: str | None) -> float:
    """MRR of the intended article of each dev query (0 when not in the first 100)."""
    ranks = []
    for row in read_jsonl(QUERIES):
        found = run.search(row["query"], k=100, mode=mode)["id"].tolist()
        ranks.append(1.0 / (found.index(row["id"]) + 1) if row["id"] in found else 0.0)
    return float(np.mean(ranks))


def measure(seed: int, folder: Path) -> dict[str, Any]:
    config = load_config(CONFIG).model_copy(update={"seed": seed})
    run = Run(execute(config, folder / f"run-{seed}"))
    return {
        "p10_hybrid": round(precision_at_10(run, None), 4),
        "p10_hybrid_without_topics": round(precision_at_10(run, {**DOC_WEIGHTS, "topics": 0}), 4),
        "mrr_hybrid": round(mean_reciprocal_rank(run, None), 4),
        "mrr_bm25": round(mean_reciprocal_rank(run, "lexical"), 4),
        # the run's own clusters (k-means at k = 20 on the default combined vectors)
        "clusters_nmi": round(float(run.metrics["clusters"]["nmi"]), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="42,0,1,2", help="config seeds, comma-separated")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    results: dict[str, Any] = {"config": str(CONFIG.relative_to(ROOT)), "seeds": {}}
    with tempfile.TemporaryDirectory(prefix="search-run-") as scratch:
        for seed in seeds:
            results["seeds"][str(seed)] = measure(seed, Path(scratch))
            print(f"seed {seed}: {results['seeds'][str(seed)]}", flush=True)
    per_seed = list(results["seeds"].values())
    results["mean"] = {
        key: round(float(np.mean([r[key] for r in per_seed])), 4) for key in per_seed[0]
    }
    results["min"] = {key: min(r[key] for r in per_seed) for key in per_seed[0]}
    print(f"mean {results['mean']}\nmin {results['min']}")
    write_json(RESULTS, results)


if __name__ == "__main__":
    main()
