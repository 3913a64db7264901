"""Exact NumPy search vs an hnswlib index on synthetic, embedding-like vectors.

Generator (seeded): ``--centres`` cluster centres drawn uniformly on the unit sphere in ``--dim``
dimensions; each vector picks a centre uniformly, adds isotropic Gaussian noise whose total
length is the cluster's spread (drawn per cluster, uniform in [0.5, 1.0]) and is normalised.
A vector's cosine to its centre is then about ``1 / sqrt(1 + spread²)``, and nearest-neighbour
cosines land between about 0.5 and 0.9, as with MiniLM news vectors; the measured distribution
of the exact top-1 cosine is part of the output. Queries are fresh draws from the same mixture.

With ``--copies SHARE``, that share of the vectors are then replaced by exact copies of others
(picked at random): news archives hold agency copy printed by several papers and articles
re-published under new ids, and the synthetic corpora of ``dask_scale.py`` hold repeated
one-paragraph articles. There the exact ten neighbours are one arbitrary choice among tied
copies; the benchmark gives the build-time recall both ways, by id (a tied copy counts as a
miss) and with ties (:func:`toolkit.search.ann.recall_with_ties`, what the index reports), for
``ef_search`` 128 to 1,024.

With ``--vectors FILE`` (an npy of article vectors, e.g. a run folder's
``embeddings/doc_vectors.npy``) the benchmark indexes those instead, less the last ``--queries``
rows, which are the fresh queries. ``dask_scale.py --docs 250000 --until embeddings --keep``
leaves the static vectors of one search shard's worth of its synthetic articles in its folder.

Measures: exact search p50 latency (one query, chunked matrix product + argpartition), hnswlib
build time (``AnnIndex``'s defaults, which are the search stage's: M 16, ef_construction 200,
ef_search raised from 128 towards recall 0.95), index size (hnswlib's file), p50 query latency
and recall@10 against exact search, and the process's peak resident memory. The machine is
shared with other jobs: timings are noisy.

Run: ``.venv/bin/python benchmarks/ann_synthetic.py [--n 100000] [--copies 0.2]``; writes
``benchmarks/results/ann_synthetic[_<n>][_copies<share>].json``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from toolkit.io import write_json
from toolkit.search.ann import AnnIndex, recall_with_ties
from toolkit.search.dense import cosine_scores, exact_top_k, normalize_rows, top_k_of_scores

RESULTS = Path(__file__).resolve().parent / "results"


def mixture(
    n: int, centres: np.ndarray, spreads: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``n`` normalised float32 vectors from the Gaussian mixture on the sphere."""
    dim = centres.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        size = min(100_000, n - start)
        which = rng.integers(len(centres), size=size)
        noise = rng.standard_normal((size, dim), dtype=np.float32) / np.sqrt(dim, dtype=np.float32)
        block = centres[which] + noise * spreads[which, None]
        out[start : start + size] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def with_copies(vectors: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    """``vectors`` with ``share`` of the rows replaced by copies of other rows (in place)."""
    n = len(vectors)
    targets = rng.choice(n, size=int(share * n), replace=False)
    keep = np.setdiff1d(np.arange(n), targets)
    vectors[targets] = vectors[rng.choice(keep, size=len(targets))]
    return vectors


def recall_by_id(ann: AnnIndex, vectors: np.ndarray, rows: np.ndarray, k: int = 10) -> float:
    """Recall@k counting only the exact ``k`` ids as found (a tied copy is a miss)."""
    exact, _ = exact_top_k(vectors, vectors[rows], k + 1)
    approx, _ = ann.query(vectors[rows], k + 1)
    found = [
        len(set(e[e != r][:k]) & set(a[a != r][:k])) / k
        for r, e, a in zip(rows, exact, approx, strict=True)
    ]
    return float(np.mean(found))


def recall_by_ef(ann: AnnIndex, vectors: np.ndarray, seed: int) -> dict[str, dict[str, float]]:
    """Build-sample recall@10 by id and with ties at ``ef_search`` 128 to 1,024."""
    rows = np.sort(np.random.default_rng(seed).choice(len(vectors), size=200, replace=False))
    out, chosen = {}, ann.ef_search
    for ef in (128, 256, 512, 1024):
        ann.ef_search = ef
        approx, _ = ann.query(vectors[rows], 11)
        out[str(ef)] = {
            "by_id": round(recall_by_id(ann, vectors, rows), 4),
            "with_ties": round(recall_with_ties(vectors, rows, approx, 10), 4),
        }
        print(f"ef_search {ef}: recall@10 {out[str(ef)]}", flush=True)
    ann.ef_search = chosen
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="indexed vectors")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--centres", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--copies", type=float, default=0.0, help="share of exact copies")
    parser.add_argument("--vectors", type=Path, help="index these (npy) instead of a mixture")
    args = parser.parse_args()
    ann = AnnIndex()
    rng = np.random.default_rng(args.seed)
    centres = rng.standard_normal((args.centres, args.dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    spreads = rng.uniform(0.5, 1.0, size=args.centres).astype(np.float32)
    t0 = time.perf_counter()
    if args.vectors:
        given = normalize_rows(np.load(args.vectors, mmap_mode="r", allow_pickle=False))
        vectors, queries = given[: -args.queries], given[-args.queries :]
        args.n, args.dim = vectors.shape
    else:
        vectors = mixture(args.n, centres, spreads, rng)
        queries = mixture(args.queries, centres, spreads, rng)
    vectors = with_copies(vectors, args.copies, rng)
    print(f"generated {args.n} x {args.dim} in {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    exact_idx, exact_scores = exact_top_k(vectors, queries, 10)
    t_exact_batch = time.perf_counter() - t0
    top1 = exact_scores[:, 0]
    print(f"exact top-1 cosine p10/p50/p90: {np.percentile(top1, [10, 50, 90]).round(3)}")
    single = []
    for q in queries[:30]:
        start = time.perf_counter()
        top_k_of_scores(cosine_scores(vectors, q), 10)
        single.append((time.perf_counter() - start) * 1000)
    print(f"exact single-query p50 {np.median(single):.1f} ms")

    t0 = time.perf_counter()
    ann = ann.fit(vectors, seed=args.seed)
    t_build = time.perf_counter() - t0
    print(f"hnswlib build {t_build:.1f}s, build-time recall@10 {ann.recall_at_10:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        ann.save(Path(tmp) / "ann.bin")
        index_bytes = (Path(tmp) / "ann.bin").stat().st_size
    by_ef = recall_by_ef(ann, vectors, args.seed)
    approx_idx, _ = ann.query(queries, 10, num_threads=-1)
    pairs = zip(approx_idx, exact_idx, strict=True)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in pairs])
    # with ties: a neighbour as similar as the exact 10th is found (the scores recomputed)
    approx_scores = np.einsum("qkd,qd->qk", vectors[approx_idx], queries)
    recall_ties = np.mean(approx_scores >= exact_scores[:, -1:] - 1e-5)
    ann_times = []
    for q in queries:
        start = time.perf_counter()
        ann.query(q, 10)
        ann_times.append((time.perf_counter() - start) * 1000)
    result = {
        "n": args.n,
        "dim": args.dim,
        "centres": args.centres,
        "queries": args.queries,
        "seed": args.seed,
        "copies": args.copies,
        "vectors": None if args.vectors is None else args.vectors.name,
        "ann_config": {
            "M": ann.M,
            "ef_construction": ann.ef_construction,
            "ef_search": ann.ef_search,
        },
        "exact_top1_cosine_p10_p50_p90": np.percentile(top1, [10, 50, 90]).tolist(),
        "exact_p50_ms": float(np.median(single)),
        "exact_batch_seconds": t_exact_batch,
        "hnsw_build_seconds": t_build,
        "hnsw_index_mb": index_bytes / 2**20,
        "vectors_mb": vectors.nbytes / 2**20,
        "hnsw_p50_ms": float(np.median(ann_times)),
        "hnsw_p99_ms": float(np.percentile(ann_times, 99)),
        "hnsw_recall@10_fresh_queries": float(recall),
        "hnsw_recall@10_fresh_queries_with_ties": float(recall_ties),
        "hnsw_recall@10_build_sample": ann.recall_at_10,
        "build_sample_recall@10_by_ef_search": by_ef,
        # Linux reports ru_maxrss in KiB: vectors, queries, exact scores and the graph together
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(result)
    name = "ann_synthetic" if args.n == 1_000_000 else f"ann_synthetic_{args.n}"
    name = f"ann_given_{args.n}" if args.vectors else name
    name += f"_copies{args.copies:g}.json" if args.copies else ".json"
    write_json(RESULTS / name, result)
    print(f"wrote {RESULTS / name}")


if __name__ == "__main__":
    main()
