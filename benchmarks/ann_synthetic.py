"""Exact NumPy search vs an hnswlib index on synthetic, embedding-like vectors.

Generator (seeded): ``--centres`` cluster centres drawn uniformly on the unit sphere in ``--dim``
dimensions; each vector picks a centre uniformly, adds isotropic Gaussian noise whose total
length is the cluster's spread (drawn per cluster, uniform in [0.5, 1.0]) and is normalised.
A vector's cosine to its centre is then about ``1 / sqrt(1 + spread²)``, and nearest-neighbour
cosines land between about 0.5 and 0.9, as with MiniLM news vectors; the measured distribution
of the exact top-1 cosine is part of the output. Queries are fresh draws from the same mixture.

Measures: exact search p50 latency (one query, chunked matrix product + argpartition), hnswlib
build time (``AnnIndex``'s default M, ef_construction, ef_search: the search stage's defaults),
index size (hnswlib's file), p50 query latency and recall@10 against exact search, and the
process's peak resident memory. The machine is shared with other jobs: timings are noisy.

Run: ``.venv/bin/python benchmarks/ann_synthetic.py [--n 100000]``; writes
``benchmarks/results/ann_synthetic[_<n>].json``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from toolkit.io import write_json
from toolkit.search.ann import AnnIndex
from toolkit.search.dense import cosine_scores, exact_top_k, top_k_of_scores

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="indexed vectors")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--centres", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    ann = AnnIndex()
    rng = np.random.default_rng(args.seed)
    centres = rng.standard_normal((args.centres, args.dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    spreads = rng.uniform(0.5, 1.0, size=args.centres).astype(np.float32)
    t0 = time.perf_counter()
    vectors = mixture(args.n, centres, spreads, rng)
    queries = mixture(args.queries, centres, spreads, rng)
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
    approx_idx, _ = ann.query(queries, 10, num_threads=-1)
    pairs = zip(approx_idx, exact_idx, strict=True)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in pairs])
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
        "hnsw_recall@10_build_sample": ann.recall_at_10,
        # Linux reports ru_maxrss in KiB: vectors, queries, exact scores and the graph together
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(result)
    name = "ann_synthetic.json" if args.n == 1_000_000 else f"ann_synthetic_{args.n}.json"
    write_json(RESULTS / name, result)
    print(f"wrote {RESULTS / name}")


if __name__ == "__main__":
    main()
