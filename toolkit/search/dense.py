"""Exact nearest neighbours by cosine similarity over L2-normalised float32 vectors.

The vectors may be a read-only memory map: they are read one chunk of documents at a time, so
a query costs one matrix product per chunk and memory stays bounded by ``chunk_size × queries``.

Examples
--------
>>> import numpy as np
>>> vectors = normalize_rows(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]))
>>> indices, scores = exact_top_k(vectors, vectors[:1], k=2)
>>> indices.tolist()
[[0, 1]]
"""

from __future__ import annotations

import numpy as np

DEFAULT_CHUNK_SIZE = 65_536


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 copy of ``vectors`` with unit-length rows (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0).astype(np.float32)


def centred_rows(vectors: np.ndarray, centre: np.ndarray | None) -> np.ndarray:
    """Unit rows of ``vectors`` with the direction ``centre`` taken out, normalised again.

    A sentence model's vectors of one corpus share a direction (the mean of the unit article
    vectors of 10kGNAD's gloss has length 0.5); taken out, what separates subjects is what the
    cosine compares. ``centre`` None: the unit rows.

    >>> centred_rows(np.array([[3.0, 4.0], [3.0, -4.0]]), np.array([0.6, 0.0])).tolist()
    [[0.0, 1.0], [0.0, -1.0]]
    """
    rows = normalize_rows(vectors)
    if centre is None:
        return rows
    return normalize_rows(rows - np.asarray(centre, dtype=np.float32))


def cosine_scores(
    vectors: np.ndarray, query: np.ndarray, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> np.ndarray:
    """Cosine similarity of one normalised ``query`` (d,) to every row of ``vectors`` (N × d)."""
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    out = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), chunk_size):
        out[start : start + chunk_size] = vectors[start : start + chunk_size] @ query
    return out


def top_k_of_scores(
    scores: np.ndarray, k: int, mask: np.ndarray | None = None, exclude: int | None = None
) -> np.ndarray:
    """Indices of the ``k`` highest ``scores`` (best first) among allowed documents.

    ``mask`` (boolean, one per document) keeps only ``True`` documents; ``exclude`` drops one index.
    """
    scores = np.array(scores, dtype=np.float64)
    if mask is not None:
        scores[~mask] = -np.inf
    if exclude is not None:
        scores[exclude] = -np.inf
    allowed = int(np.isfinite(scores).sum())
    k = min(k, allowed)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    # ties broken by position so results are reproducible across runs and platforms
    order = np.lexsort((part, -scores[part]))
    return part[order].astype(np.int64)


def exact_top_k(
    vectors: np.ndarray,
    queries: np.ndarray,
    k: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    exclude_self: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` rows of ``vectors`` for each of several normalised ``queries``.

    Parameters
    ----------
    vectors : ndarray (N, d)
        Normalised float32 document vectors (may be memory-mapped).
    queries : ndarray (Q, d)
        Normalised float32 query vectors.
    k : int
        Neighbours per query.
    chunk_size : int
        Documents per matrix product; bounds the temporary to ``Q × chunk_size`` floats.
    exclude_self : bool
        The queries are rows of ``vectors``: drop each query's best match (itself).

    Returns
    -------
    indices, scores : ndarray (Q, k)
        Best first.
    """
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    want = min(k + int(exclude_self), len(vectors))
    best_idx = np.empty((len(queries), 0), dtype=np.int64)
    best_scores = np.empty((len(queries), 0), dtype=np.float32)
    for start in range(0, len(vectors), chunk_size):
        block = queries @ np.asarray(vectors[start : start + chunk_size]).T
        take = min(want, block.shape[1])
        part = np.argpartition(-block, take - 1, axis=1)[:, :take]
        cand_idx = np.concatenate([best_idx, part + start], axis=1)
        cand_scores = np.concatenate([best_scores, np.take_along_axis(block, part, axis=1)], axis=1)
        keep = np.argsort(-cand_scores, axis=1, kind="stable")[:, :want]
        best_idx = np.take_along_axis(cand_idx, keep, axis=1)
        best_scores = np.take_along_axis(cand_scores, keep, axis=1)
    if exclude_self:
        best_idx, best_scores = best_idx[:, 1:], best_scores[:, 1:]
    return best_idx[:, :k], best_scores[:, :k]
