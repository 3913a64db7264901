"""Clustering 10kgnad articles: which vectors, with or without UMAP, k-means or HDBSCAN.

Reads ``$TOOLKIT_DATA/corpora/10kgnad/test.csv`` (default ``../shared/...``: 1,028 articles,
9 categories), builds LSA vectors (text pipeline tokens) and all-MiniLM-L6-v2 vectors (the
embedding cache under ``$TOOLKIT_CACHE`` makes a second run fast), and compares clusterings
against the categories. Prints a Markdown table and writes
``benchmarks/results/clusters_10kgnad.json``.

Run: ``.venv/bin/python benchmarks/clusters_10kgnad.py``
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.clusters import (
    Reduction,
    assign_outliers,
    cluster_metrics,
    combine_vectors,
    fit_cluster_labels,
    reduce_vectors,
)
from toolkit.corpus import Document
from toolkit.embeddings import (
    LsaEncoder,
    SentenceTransformerEncoder,
    default_cache_root,
    embed_corpus,
    embed_tokens,
)
from toolkit.io import write_json
from toolkit.text import TextPipeline

ROOT = Path(__file__).resolve().parents[1]
SEED = 0


def read_gnad() -> list[Document]:
    data = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
    path = data / "corpora" / "10kgnad" / "test.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    return [
        Document.from_text(f"gnad/{i}", text, split_long=150, label=label)
        for i, (label, text) in enumerate(rows)
    ]


def vector_sets(docs: list[Document]) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """LSA, MiniLM and combined article vectors, and how long each took."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    tokenized = TextPipeline().fit_transform(docs)
    lsa = embed_tokens(tokenized, LsaEncoder(dims=200, seed=SEED)).doc_vectors
    seconds["text_and_lsa"] = time.perf_counter() - start
    start = time.perf_counter()
    minilm = embed_corpus(docs, SentenceTransformerEncoder(), default_cache_root()).doc_vectors
    seconds["minilm (cached after the first run)"] = time.perf_counter() - start
    sets = {
        "lsa": lsa,
        "minilm": minilm,
        "combined": combine_vectors([minilm, lsa], [1.0, 1.0]),
        "combined_lsa2": combine_vectors([minilm, lsa], [1.0, 2.0]),
    }
    return sets, seconds


def run_clusterings(reduced: np.ndarray, truth: list[str | None]) -> list[dict[str, Any]]:
    setups: list[tuple[str, dict[str, Any], bool]] = [
        ("kmeans auto", {"method": "kmeans", "num_clusters": "auto"}, False),
        ("kmeans k=9", {"method": "kmeans", "num_clusters": 9}, False),
        ("hdbscan", {"method": "hdbscan"}, False),
        ("hdbscan + assign", {"method": "hdbscan"}, True),
    ]
    rows = []
    for name, config, assign in setups:
        start = time.perf_counter()
        labels, info = fit_cluster_labels(reduced, **config, seed=SEED)
        outlier_share = float((labels == -1).mean())
        if assign:
            labels = assign_outliers(reduced, labels)
        seconds = time.perf_counter() - start
        scores = cluster_metrics(reduced, labels, truth, SEED)
        rows.append(
            {
                "clustering": name,
                "cluster_seconds": seconds,
                "num_clusters": scores["num_clusters"],
                "outlier_share": outlier_share,
                "nmi": scores["nmi"],
                "v_measure": scores["v_measure"],
                "ari": scores["ari"],
                "silhouette": scores["silhouette"],
                "settings": info,
            }
        )
    return rows


def main() -> None:
    docs = read_gnad()
    truth = [doc.label for doc in docs]
    sets, vector_seconds = vector_sets(docs)
    results: list[dict[str, Any]] = []
    for vectors_name, vectors in sets.items():
        for reduce in (Reduction(method="none"), Reduction()):
            start = time.perf_counter()
            reduced = reduce_vectors(vectors, reduce, SEED)
            reduce_seconds = time.perf_counter() - start
            for row in run_clusterings(reduced, truth):
                results.append(
                    {
                        "vectors": vectors_name,
                        "reduce": reduce.method,
                        "reduce_seconds": reduce_seconds,
                        **row,
                    }
                )

    print(f"10kgnad: {len(docs)} articles, {len(set(truth))} categories; seed {SEED}")
    print("Timings are wall-clock on a shared 2-core machine with other jobs running: noisy.")
    for name, seconds in vector_seconds.items():
        print(f"- {name}: {seconds:.1f} s")
    print()
    print(
        "| vectors | reduce | clustering | k | outliers | NMI | V-measure | ARI | reduce s "
        "| cluster s |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['vectors']} | {r['reduce']} | {r['clustering']} | {r['num_clusters']} "
            f"| {r['outlier_share']:.0%} | {r['nmi']:.3f} | {r['v_measure']:.3f} "
            f"| {r['ari']:.3f} | {r['reduce_seconds']:.1f} | {r['cluster_seconds']:.1f} |"
        )
    out = ROOT / "benchmarks" / "results" / "clusters_10kgnad.json"
    write_json(
        out,
        {
            "dataset": "10kgnad test.csv",
            "num_docs": len(docs),
            "seed": SEED,
            "note": "timings are wall-clock on a busy shared 2-core machine",
            "vector_seconds": vector_seconds,
            "defaults": {"reduction": vars(Reduction()), "method": "kmeans", "k": "auto"},
            "results": results,
        },
    )
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
