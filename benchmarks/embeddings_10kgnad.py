"""Embeddings on 10kgnad: encoding throughput (cold and cached) and k-means agreement with labels.

Encodes the 1,028 labelled articles of the 10kgnad test file with MiniLM (paragraphs split
into passages, pooled into articles by :func:`toolkit.embeddings.embed_corpus`), builds LSA
vectors over the text pipeline's tokens, and clusters the article vectors with k-means
(k = 9, several seeds) to compare NMI and V-measure of MiniLM, LSA and their concatenation.
A "first passage" row shows what cutting every article at the model's 256 wordpieces costs.

Run ``.venv/bin/python benchmarks/embeddings_10kgnad.py [--limit N]``; writes
``benchmarks/results/embeddings_10kgnad.json``. Timings are wall-clock on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score, v_measure_score

from toolkit.corpus.document import Document
from toolkit.embeddings import (
    EmbeddingCache,
    LsaEncoder,
    SentenceTransformerEncoder,
    embed_corpus,
    embed_tokens,
    encode_cached,
)
from toolkit.embeddings.passages import l2_normalize
from toolkit.io import write_json
from toolkit.text import TextPipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
GNAD = DATA / "corpora" / "10kgnad" / "test.csv"
SEEDS = (0, 1, 2, 3, 4)


def read_gnad(path: Path, limit: int | None) -> list[Document]:
    docs = []
    with open(path, encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'")):
            if limit is not None and i >= limit:
                break
            docs.append(Document.from_text(f"gnad/{i}", row[1], split_long=150, label=row[0]))
    return docs


def kmeans_scores(vectors: np.ndarray, labels: list[str], k: int) -> dict[str, float]:
    nmi, vm = [], []
    for seed in SEEDS:
        predicted = KMeans(k, n_init=4, random_state=seed).fit_predict(vectors)
        nmi.append(normalized_mutual_info_score(labels, predicted))
        vm.append(v_measure_score(labels, predicted))
    return {
        "nmi_mean": float(np.mean(nmi)),
        "nmi_std": float(np.std(nmi)),
        "v_measure_mean": float(np.mean(vm)),
        "v_measure_std": float(np.std(vm)),
    }


def combine(dense: np.ndarray, lsa: np.ndarray, lsa_weight: float) -> np.ndarray:
    """Both blocks unit-length, the LSA block scaled, so cosine mixes the two similarities."""
    return np.hstack([l2_normalize(dense), lsa_weight * l2_normalize(lsa)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args()

    docs = read_gnad(GNAD, args.limit)
    labels = [doc.label or "" for doc in docs]
    k = len(set(labels))
    paragraphs = [p for doc in docs for p in doc.paragraphs]
    print(f"{len(docs)} articles, {len(paragraphs)} paragraphs, {k} labels ({GNAD})")

    encoder = SentenceTransformerEncoder("all-MiniLM-L6-v2", batch_size=32)
    start = time.perf_counter()
    _ = encoder.model
    load_s = time.perf_counter() - start
    n_passages = len(encoder.passages(paragraphs))

    results: dict[str, object] = {
        "corpus": {"articles": len(docs), "paragraphs": len(paragraphs), "passages": n_passages},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "note": "wall-clock timings on a 2-core machine shared with other jobs: noisy",
    }
    with tempfile.TemporaryDirectory() as cache_dir:
        start = time.perf_counter()
        dense = embed_corpus(docs, encoder, Path(cache_dir))
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        cached = embed_corpus(docs, encoder, Path(cache_dir))
        warm_s = time.perf_counter() - start
        assert cached.stats["encoded"] == 0
        assert np.array_equal(cached.doc_vectors, dense.doc_vectors)
        # Baseline: each article cut to its first passage, as a plain model call would do.
        first_by_doc: dict[int, str] = {}
        for passage in encoder.passages([doc.text for doc in docs]):
            first_by_doc.setdefault(passage.text_index, passage.text)
        firsts = [first_by_doc[i] for i in range(len(docs))]
        truncated = encode_cached(encoder, firsts, EmbeddingCache(Path(cache_dir), "first"))

    results["throughput"] = {
        "model_load_s": load_s,
        "cold_s": cold_s,
        "cold_docs_per_s": len(docs) / cold_s,
        "cold_passages_per_s": n_passages / cold_s,
        "cached_s": warm_s,
        "cached_docs_per_s": len(docs) / warm_s,
    }

    start = time.perf_counter()
    tokenized = TextPipeline().fit_transform(docs)
    text_s = time.perf_counter() - start
    start = time.perf_counter()
    lsa = embed_tokens(tokenized, LsaEncoder(dims=200, seed=0))
    lsa_s = time.perf_counter() - start
    lsa_all = embed_tokens(tokenized, LsaEncoder(dims=200, seed=0), use_dictionary=False)
    results["lsa"] = {"text_pipeline_s": text_s, "fit_transform_s": lsa_s, "dims": lsa.info["dim"]}

    variants = {
        "minilm (pooled passages)": dense.doc_vectors,
        "minilm (first passage only)": truncated,
        "lsa-200 (all tokens)": lsa_all.doc_vectors,
        "lsa-200 (dictionary tokens)": lsa.doc_vectors,
    }
    for weight in (0.5, 1.0, 1.5):
        variants[f"minilm + {weight} x lsa"] = combine(dense.doc_vectors, lsa.doc_vectors, weight)
    scores = {}
    print(f"\nk-means (k={k}, seeds {list(SEEDS)}) against the labels")
    print(f"{'vectors':32} {'NMI':>14} {'V-measure':>14}")
    for name, vectors in variants.items():
        score = kmeans_scores(np.asarray(vectors), labels, k)
        scores[name] = score
        print(
            f"{name:32} {score['nmi_mean']:.3f} ± {score['nmi_std']:.3f}"
            f"   {score['v_measure_mean']:.3f} ± {score['v_measure_std']:.3f}"
        )
    results["kmeans"] = scores

    t = results["throughput"]
    print(
        f"\nMiniLM: model load {load_s:.1f} s; cold {cold_s:.1f} s "
        f"({t['cold_docs_per_s']:.1f} docs/s, {t['cold_passages_per_s']:.1f} passages/s, "
        f"{n_passages} passages); cached {warm_s:.2f} s ({t['cached_docs_per_s']:.0f} docs/s)"
    )
    print(f"LSA: text pipeline {text_s:.1f} s, fit+transform {lsa_s:.1f} s")
    print("(timings are wall-clock on a shared 2-core machine: noisy)")
    out = ROOT / "benchmarks" / "results" / "embeddings_10kgnad.json"
    write_json(out, results)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
