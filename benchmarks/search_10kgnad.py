"""Search quality and latency on 10kgnad (test split: 1,028 labelled German news articles).

Measures, per mode (dense = MiniLM, lexical = BM25 over the text pipeline's lemmas, lsa = TF-IDF
+ SVD 200 dims, topics = 9-topic NMF distributions, hybrid = weighted reciprocal rank fusion):

* label precision@10 of article-to-article search (share of an article's 10 nearest articles
  with its label), over every article;
* free-text queries (``benchmarks/data/search_queries_dev.jsonl``, and the held-out file
  ``/work/heldout/search_queries_heldout.jsonl`` when present): hit@1, hit@10 and MRR of the
  intended article;
* warm query latency p50/p99 of ``similar`` and ``search`` (vectors already encoded).

``--tune`` adds a grid over the fusion weights and the number of terms a document sends to BM25.
The machine is shared with other jobs: latencies are noisy.

Run: ``.venv/bin/python benchmarks/search_10kgnad.py [--tune]``; writes
``benchmarks/results/search_10kgnad.json``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import time
from pathlib import Path

import numpy as np

from toolkit.corpus.document import Document
from toolkit.embeddings import LsaEncoder, SentenceTransformerEncoder, embed_corpus
from toolkit.io import read_jsonl, read_npy, write_json
from toolkit.search import SearchIndex
from toolkit.search.dense import cosine_scores, normalize_rows, top_k_of_scores
from toolkit.search.fusion import weighted_rrf
from toolkit.search.index import DOC_WEIGHTS, QUERY_WEIGHTS
from toolkit.search.ranking import FUSION_DEPTH
from toolkit.text import TextPipeline

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
DEV_QUERIES = ROOT / "benchmarks" / "data" / "search_queries_dev.jsonl"
HELDOUT_QUERIES = Path("/work/heldout/search_queries_heldout.jsonl")
RESULTS = ROOT / "benchmarks" / "results" / "search_10kgnad.json"
CACHE = Path(os.environ.get("TOOLKIT_CACHE") or ROOT / ".cache" / "toolkit")


def load_docs() -> list[Document]:
    path = DATA / "corpora" / "10kgnad" / "test.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    return [
        Document.from_text(f"test/{i}", text, split_long=150, label=label)
        for i, (label, text) in enumerate(rows)
    ]


def label_precision(index: SearchIndex, labels: np.ndarray, mode: str, k: int = 10) -> float:
    precisions = []
    for i, doc_id in enumerate(index.doc_ids):
        hits = index.similar(doc_id, k=k, mode=mode)
        precisions.append(np.mean([labels[h.index] == labels[i] for h in hits]) if hits else 0.0)
    return float(np.mean(precisions))


def lexical_precision(index: SearchIndex, labels: np.ndarray, num_terms: int | None) -> float:
    """Label precision@10 of BM25 with each article's top ``num_terms`` TF-IDF terms as query."""
    lex = index.lexical
    precisions = []
    for i in range(len(labels)):
        scores = lex.scores(lex.doc_query(i, num_terms))
        scores[i] = -np.inf
        top = np.argsort(-scores, kind="stable")[:10]
        precisions.append(np.mean(labels[top] == labels[i]))
    return float(np.mean(precisions))


def free_text(index: SearchIndex, queries: list[dict], mode: str) -> dict[str, float]:
    ranks = []
    for q in queries:
        hits = index.search(q["tokens"], q["dense"], q["lsa"], k=100, mode=mode)
        found = [h.rank for h in hits if h.id == q["id"]]
        ranks.append(found[0] if found else None)
    return {
        "hit@1": float(np.mean([r == 1 for r in ranks])),
        "hit@10": float(np.mean([r is not None and r <= 10 for r in ranks])),
        "mrr": float(np.mean([1.0 / r if r else 0.0 for r in ranks])),
        "queries": len(ranks),
    }


def latency(call, repeats: int) -> dict[str, float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": float(np.percentile(times, 50)), "p99_ms": float(np.percentile(times, 99))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tune", action="store_true", help="grid over fusion weights")
    parser.add_argument(
        "--dense-npy",
        type=Path,
        help="precomputed article vectors (N x d .npy in corpus order) instead of embed_corpus",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="result JSON")
    args = parser.parse_args()

    docs = load_docs()
    labels = np.array([d.label for d in docs])
    t0 = time.perf_counter()
    pipeline = TextPipeline()
    doc_tokens = pipeline.fit_transform(docs).documents()
    t_text = time.perf_counter() - t0
    encoder = SentenceTransformerEncoder()
    t0 = time.perf_counter()
    if args.dense_npy is not None:
        dense = read_npy(args.dense_npy)
    else:
        dense = embed_corpus(docs, encoder, CACHE / "embeddings").doc_vectors
    t_dense = time.perf_counter() - t0
    lsa_encoder = LsaEncoder(200, seed=0).fit(doc_tokens)
    lsa = lsa_encoder.transform(doc_tokens)
    topics = nmf_topics(doc_tokens, 9)
    print(f"text {t_text:.1f}s, embeddings {t_dense:.1f}s, {len(docs)} documents")

    ids = [d.id for d in docs]
    t0 = time.perf_counter()
    index = SearchIndex().fit(ids, doc_tokens, dense, lsa=lsa, topics=topics)
    t_build = time.perf_counter() - t0

    query_sets = {"dev": list(read_jsonl(DEV_QUERIES))}
    if HELDOUT_QUERIES.is_file():
        query_sets["heldout"] = list(read_jsonl(HELDOUT_QUERIES))
    for queries in query_sets.values():
        vectors = encoder.encode([q["query"] for q in queries])
        for q, vector in zip(queries, vectors, strict=True):
            q["tokens"] = pipeline.transform_text(q["query"])
            q["dense"] = vector
            q["lsa"] = lsa_encoder.transform([q["tokens"]])[0]

    result: dict = {
        "documents": len(docs),
        "build_seconds": t_build,
        "default_weights": {"doc": DOC_WEIGHTS, "query": QUERY_WEIGHTS},
        "label_precision@10": {},
        "free_text": {name: {} for name in query_sets},
    }
    if args.tune:
        result["tuning"] = tune(index, labels, query_sets["dev"])
    for mode in ["dense", "lexical", "lsa", "topics", "hybrid"]:
        result["label_precision@10"][mode] = label_precision(index, labels, mode)
        print(f"label precision@10 {mode:8s} {result['label_precision@10'][mode]:.3f}")
    for name, queries in query_sets.items():
        for mode in ["dense", "lexical", "lsa", "hybrid"]:
            scores = free_text(index, queries, mode)
            result["free_text"][name][mode] = scores
            print(
                f"free text {name:7s} {mode:8s} hit@1 {scores['hit@1']:.3f} "
                f"hit@10 {scores['hit@10']:.3f} MRR {scores['mrr']:.3f}"
            )

    dev = query_sets["dev"]
    result["latency"] = {
        "similar_hybrid": latency(lambda i: index.similar(ids[i * 7 % len(ids)]), 300),
        "search_hybrid": latency(
            lambda i: index.search(dev[i % len(dev)]["tokens"], dev[i % len(dev)]["dense"]), 300
        ),
        "encode_query_minilm": latency(lambda i: encoder.encode([dev[i % len(dev)]["query"]]), 30),
    }
    print("latency (ms)", result["latency"])

    result["dense_vectors"] = str(args.dense_npy or "embed_corpus(SentenceTransformerEncoder())")
    write_json(args.out, result)
    print(f"wrote {args.out}")


def nmf_topics(doc_tokens: list[list[str]], num_topics: int) -> np.ndarray:
    """Row-normalised NMF document-topic weights (a cheap stand-in for the topic stage)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(analyzer=lambda tokens: tokens, min_df=2).fit_transform(doc_tokens)
    weights = NMF(num_topics, init="nndsvda", random_state=0, max_iter=400).fit_transform(tfidf)
    weights = weights + 1e-9
    return weights / weights.sum(axis=1, keepdims=True)


def tune(index: SearchIndex, labels: np.ndarray, dev: list[dict]) -> dict:
    """Grid over the fusion weights and over the terms a document sends to BM25.

    Each mode's ranking is computed once per query (as ``SearchIndex`` computes it, with the
    same depth) and the weighted fusions are evaluated on those rankings.
    """
    out: dict = {"doc_query_terms": {}, "weights": []}
    lex = index.lexical
    for num_terms in [10, 20, 30, 50, 100, None]:
        out["doc_query_terms"][str(num_terms)] = lexical_precision(index, labels, num_terms)
        print(f"BM25 doc query terms {num_terms}: {out['doc_query_terms'][str(num_terms)]:.3f}")

    def ranked(scores: np.ndarray, exclude: int | None, lexical: bool) -> np.ndarray:
        allowed = scores > 0 if lexical else None
        return top_k_of_scores(scores, FUSION_DEPTH, allowed, exclude)

    doc_rankings = []
    for i in range(len(labels)):
        doc_rankings.append(
            {
                "dense": ranked(
                    cosine_scores(index.vectors["dense"], index.vectors["dense"][i]), i, False
                ),
                "lsa": ranked(
                    cosine_scores(index.vectors["lsa"], index.vectors["lsa"][i]), i, False
                ),
                "lexical": ranked(lex.scores(lex.doc_query(i)), i, True),
            }
        )
    query_rankings = []
    for q in dev:
        dense = normalize_rows(q["dense"][None])[0]
        lsa = normalize_rows(q["lsa"][None])[0]
        query_rankings.append(
            {
                "dense": ranked(cosine_scores(index.vectors["dense"], dense), None, False),
                "lsa": ranked(cosine_scores(index.vectors["lsa"], lsa), None, False),
                "lexical": ranked(lex.scores(q["tokens"]), None, True),
            }
        )
    targets = [index.doc_ids.index(q["id"]) for q in dev]
    grid = [0.0, 0.5, 1.0, 2.0]
    for w_dense, w_lex, w_lsa in itertools.product(grid, grid, grid):
        # weights are relative: fix the largest at 2 (plus the plain, unweighted fusion)
        plain = (w_dense, w_lex, w_lsa) == (1.0, 1.0, 1.0)
        if max(w_dense, w_lex, w_lsa) != 2.0 and not plain:
            continue
        weights = {"dense": w_dense, "lexical": w_lex, "lsa": w_lsa}
        precisions = []
        for i, rankings in enumerate(doc_rankings):
            top = fused_top(rankings, weights, 10)
            precisions.append(np.mean(labels[top] == labels[i]) if top else 0.0)
        ranks = []
        for target, rankings in zip(targets, query_rankings, strict=True):
            top = fused_top(rankings, weights, 100)
            ranks.append(top.index(target) + 1 if target in top else None)
        row = {
            "weights": weights,
            "label_precision@10": float(np.mean(precisions)),
            "dev_hit@1": float(np.mean([r == 1 for r in ranks])),
            "dev_hit@10": float(np.mean([r is not None and r <= 10 for r in ranks])),
            "dev_mrr": float(np.mean([1.0 / r if r else 0.0 for r in ranks])),
        }
        out["weights"].append(row)
        print(
            f"weights {w_dense}/{w_lex}/{w_lsa}: P@10 {row['label_precision@10']:.3f} "
            f"dev hit@1 {row['dev_hit@1']:.3f} hit@10 {row['dev_hit@10']:.3f} "
            f"MRR {row['dev_mrr']:.3f}"
        )
    return out


def fused_top(rankings: dict[str, np.ndarray], weights: dict[str, float], k: int) -> list[int]:
    fused = weighted_rrf(rankings, weights, SearchIndex().rrf_k)
    return sorted(fused, key=lambda i: (-fused[i], i))[:k]


if __name__ == "__main__":
    main()
