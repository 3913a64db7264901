"""Approximate nearest neighbours with hnswlib, with its recall measured when it is built.

An HNSW graph answers a query in well under a millisecond where exact search over millions of
vectors takes tens of milliseconds, at the price of occasionally missing a true neighbour. How
often is measured at build time: recall@10 against exact search on a sample of the documents
used as queries, stored with the index so a run's manifest can report it.

Recall counts a returned neighbour as found when it is as similar to the query as the exact
10th neighbour (:func:`recall_with_ties`), not only when it is one of the exact ten by id. News
archives hold exact duplicates (agency copy printed by several papers, an article updated under
a new id); among twenty copies of one text, which ten exact search lists is arbitrary, and an
index that returns ten other copies has lost nothing. Counted by id, such ties read as misses:
on 200,000 synthetic articles of recombined 10kGNAD paragraphs (16 % of them one paragraph, so
many copies) the by-id figure was 0.86-0.89 at every ``ef_search`` from 128 to 1,024, and this
one 0.997-1.0.

The graph's level assignment is seeded (``random_seed``), but hnswlib inserts with several
threads, so two builds can differ in a few edges; queries against one saved index are
deterministic.

Examples
--------
>>> import numpy as np
>>> from toolkit.search.dense import normalize_rows
>>> vectors = normalize_rows(np.random.default_rng(0).normal(size=(500, 16)))
>>> ann = AnnIndex().fit(vectors, seed=0)
>>> ann.recall_at_10 > 0.9
True
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import hnswlib
import numpy as np

from toolkit.io import atomic_path
from toolkit.search.dense import exact_top_k

RECALL_SAMPLE = 200
RECALL_K = 10


class AnnIndex:
    """An HNSW index over normalised vectors (cosine space).

    Parameters
    ----------
    M : int, default 16
        Links per node of the graph.
    ef_construction : int, default 200
        Candidate list size while building.
    ef_search : int, default 128
        Candidate list size while querying (at least ``k``); where the recall measured at
        build time is below ``target_recall``, doubled until it reaches it.
    target_recall : float or None, default 0.95
        The recall@10 the build aims for by raising ``ef_search`` (``None``: keep it).
    max_ef_search : int, default 1024
        Where the doubling stops; the recall reached there is what the index reports, and the
        search stage warns when it is below the target. (On the static vectors of 250,000
        synthetic articles whose nearest ten neighbours lie within 0.002 cosine, recall rose
        from 0.73 at 128 to 0.82 at 1,024: ``benchmarks/results/ann_given_249500.json``.
        Centred first, as the search stage builds it, the same kind of vectors gave 0.954 at
        128.)

    Attributes
    ----------
    recall_at_10 : float
        Share of the exact 10 nearest neighbours the index finds, on ``RECALL_SAMPLE`` documents,
        at the final ``ef_search``.
    """

    def __init__(
        self,
        M: int = 16,
        ef_construction: int = 200,
        ef_search: int = 128,
        target_recall: float | None = 0.95,
        max_ef_search: int = 1024,
    ) -> None:
        self.M = M
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.target_recall = target_recall
        self.max_ef_search = max_ef_search
        self.recall_at_10: float | None = None
        self._index: hnswlib.Index | None = None
        # a loaded index reads its file on the first query: the search stage only reports on
        # the shards it loads, and a graph holds a copy of its vectors (1.6 GB per million)
        self._file: tuple[Path, int] | None = None

    def fit(self, vectors: np.ndarray, seed: int = 0, num_threads: int = -1) -> AnnIndex:
        """Build the graph over ``vectors`` (N × d, normalised) and measure its recall."""
        n, dim = vectors.shape
        index = hnswlib.Index(space="ip", dim=dim)
        index.init_index(
            max_elements=n,
            M=self.M,
            ef_construction=self.ef_construction,
            random_seed=seed,
        )
        # adding in one call lets hnswlib use every thread; ids are document positions
        index.add_items(
            np.asarray(vectors, dtype=np.float32), np.arange(n), num_threads=num_threads
        )
        index.set_ef(self.ef_search)
        self._index = index
        # the exact neighbours of the recall sample are found once, for every ef_search tried
        rows, kth = _recall_sample(vectors, seed, RECALL_SAMPLE)
        self.recall_at_10 = self._recall(vectors, rows, kth)
        # articles that all lie close together (one subject, one agency's style) need a longer
        # candidate list than the default for the same recall; it costs query time only
        target = self.target_recall
        while target is not None and self.recall_at_10 < target:
            if self.ef_search >= self.max_ef_search:
                break
            self.ef_search = min(2 * self.ef_search, self.max_ef_search)
            self.recall_at_10 = self._recall(vectors, rows, kth)
        return self

    def measure_recall(
        self, vectors: np.ndarray, seed: int = 0, sample: int = RECALL_SAMPLE
    ) -> float:
        """Recall@10 of the index against exact search, with ``sample`` documents as queries."""
        return self._recall(vectors, *_recall_sample(vectors, seed, sample))

    def _recall(self, vectors: np.ndarray, rows: np.ndarray, kth: np.ndarray) -> float:
        """Recall@10 over the sample ``rows``, whose exact k-th neighbours score ``kth``."""
        if len(rows) == 0:
            return 1.0
        k = min(RECALL_K, len(vectors) - 1)
        approx, _ = self.query(np.asarray(vectors[rows], dtype=np.float32), k + 1)
        return recall_with_ties(vectors, rows, approx, k, kth)

    def query(
        self, queries: np.ndarray, k: int, mask: np.ndarray | None = None, num_threads: int = 1
    ) -> tuple[np.ndarray, np.ndarray]:
        """Approximate top-``k`` (indices, cosine scores) for each query row, best first.

        ``mask`` (boolean over documents) restricts the search to ``True`` documents.
        """
        graph = self._graph()
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        allowed = graph.get_current_count() if mask is None else int(np.count_nonzero(mask))
        k = min(k, allowed)
        if k <= 0:
            return np.empty((len(queries), 0), np.int64), np.empty((len(queries), 0), np.float32)
        # HNSW needs ef >= k to return k results
        graph.set_ef(max(self.ef_search, k))
        allow = None if mask is None else (lambda i: bool(mask[i]))
        labels, distances = graph.knn_query(queries, k=k, num_threads=num_threads, filter=allow)
        return labels.astype(np.int64), (1.0 - distances).astype(np.float32)

    def info(self) -> dict[str, Any]:
        """What a run reports of the index: its recall@10 and the ``ef_search`` it was
        measured at."""
        return {"recall_at_10": self.recall_at_10, "ef_search": self.ef_search}

    def _graph(self) -> hnswlib.Index:
        """The hnswlib index, read from its file on first use after :meth:`load`."""
        if self._index is None and self._file is not None:
            path, dim = self._file
            index = hnswlib.Index(space="ip", dim=dim)
            index.load_index(str(path))
            self._index, self._file = index, None
        if self._index is None:
            raise RuntimeError("AnnIndex is not fitted")
        return self._index

    def save(self, path: Path) -> None:
        """Write hnswlib's binary index file (rebuildable from the vectors) atomically."""
        with atomic_path(path) as tmp:
            if self._index is None and self._file is not None:
                # not read yet: the file is the index, copied without loading the graph
                shutil.copyfile(self._file[0], tmp)
            else:
                self._graph().save_index(str(tmp))

    @classmethod
    def load(
        cls, path: Path, dim: int, recall_at_10: float | None, ef_search: int = 128
    ) -> AnnIndex:
        """Open an index written by :meth:`save`; the graph is read on the first query."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"approximate index {path} is missing")
        ann = cls(ef_search=ef_search)
        ann._file = (path, dim)
        ann.recall_at_10 = recall_at_10
        return ann


def _recall_sample(vectors: np.ndarray, seed: int, sample: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents that serve as recall queries, and each one's exact k-th neighbour score."""
    n = len(vectors)
    k = min(RECALL_K, n - 1)
    if k < 1:
        return np.empty(0, np.int64), np.empty(0, np.float32)
    rows = np.sort(np.random.default_rng(seed).choice(n, size=min(sample, n), replace=False))
    return rows, kth_scores(vectors, rows, k)


def kth_scores(vectors: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    """The cosine of each document ``rows[i]`` with its exact ``k``-th nearest other document."""
    _, scores = exact_top_k(vectors, np.asarray(vectors[rows], dtype=np.float32), k + 1)
    # the document is its own best match (cosine 1, or tied with a copy): the k-th other is at k
    return scores[:, min(k, scores.shape[1] - 1)]


def recall_with_ties(
    vectors: np.ndarray,
    rows: np.ndarray,
    approx: np.ndarray,
    k: int,
    kth: np.ndarray | None = None,
    tolerance: float = 1e-5,
) -> float:
    """Recall@``k`` of approximate neighbours of documents ``rows``, ties counted as found.

    A neighbour in ``approx[i]`` (ids, best first; the query document itself is skipped) is
    found when its cosine with document ``rows[i]`` reaches that of the exact ``k``-th
    neighbour (``kth[i]``, computed when not given), less ``tolerance`` (float32 rounding).
    For vectors without ties this is the usual share of the exact ``k`` ids returned.

    Examples
    --------
    >>> v = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    >>> recall_with_ties(v, np.array([0]), np.array([[0, 2, 3]]), k=1)  # 2 ties with 1
    1.0
    >>> recall_with_ties(v, np.array([0]), np.array([[0, 3, 2]]), k=1)
    0.0
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if kth is None:
        kth = kth_scores(vectors, rows, k)
    found = []
    for row, bar, returned in zip(rows, kth, approx, strict=True):
        others = [int(i) for i in returned if i != row][:k]
        found.append(np.count_nonzero(vectors[others] @ vectors[row] >= bar - tolerance) / k)
    return float(np.mean(found))
