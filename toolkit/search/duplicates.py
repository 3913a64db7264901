"""Near-duplicate article pairs: very high cosine similarity, checked against shared wording.

Two reports on the same event can be as close in embedding space as one agency text published
twice. The optional ``jaccard`` column (overlap of the two token sequences' 3-word shingles)
tells them apart: a copy shares most of its shingles, an independent report almost none.

Examples
--------
>>> import numpy as np
>>> vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
>>> near_duplicates(vectors, ["a", "b", "c"], threshold=0.9)[["id_a", "id_b"]].values.tolist()
[['a', 'b']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.search.dense import normalize_rows

SHINGLE = 3


def shingles(tokens: list[str], size: int = SHINGLE) -> set[tuple[str, ...]]:
    """The set of ``size``-token windows of ``tokens`` (the tokens themselves if shorter)."""
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(a: set, b: set) -> float:
    """``|a ∩ b| / |a ∪ b|`` (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def near_duplicates(
    vectors: np.ndarray,
    doc_ids: list[str],
    threshold: float = 0.95,
    chunk_size: int = 4096,
    doc_tokens: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Pairs of documents whose cosine similarity is at least ``threshold``.

    Parameters
    ----------
    vectors : ndarray (N, d)
        Document vectors (normalised here if they are not); may be memory-mapped.
    doc_ids : list of str
        Id of each row.
    threshold : float
        Minimum cosine similarity of a pair.
    chunk_size : int
        Rows per block: similarities are computed ``chunk_size × chunk_size`` at a time over
        the upper triangle, so memory never holds an N × N matrix.
    doc_tokens : list of list of str, optional
        Token sequences of the documents; adds a ``jaccard`` column (3-word shingles).

    Returns
    -------
    DataFrame
        ``id_a``, ``id_b``, ``score`` (and ``jaccard``), each pair once (``id_a`` is the
        earlier document), sorted by score descending.
    """
    if len(doc_ids) != len(vectors):
        raise ValueError(f"{len(doc_ids)} ids for {len(vectors)} vectors")
    a, b, score = _similar_pairs(vectors, threshold, chunk_size)
    order = np.lexsort((b, a, -score))
    a, b, score = a[order], b[order], score[order]
    ids = np.asarray(doc_ids, dtype=object)
    frame = pd.DataFrame(
        {
            "id_a": pd.array(ids[a], dtype="string"),
            "id_b": pd.array(ids[b], dtype="string"),
            "score": score.astype(np.float64),
        }
    )
    if doc_tokens is not None:
        sets = {i: shingles(list(doc_tokens[i])) for i in {*a.tolist(), *b.tolist()}}
        frame["jaccard"] = [jaccard(sets[i], sets[j]) for i, j in zip(a, b, strict=True)]
    return frame


def _similar_pairs(
    vectors: np.ndarray, threshold: float, chunk_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pairs ``i < j`` with cosine at least ``threshold``, block by block."""
    n = len(vectors)
    rows_a: list[np.ndarray] = []
    rows_b: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for start_a in range(0, n, chunk_size):
        block_a = normalize_rows(vectors[start_a : start_a + chunk_size])
        for start_b in range(start_a, n, chunk_size):
            block_b = normalize_rows(vectors[start_b : start_b + chunk_size])
            sims = block_a @ block_b.T
            if start_a == start_b:
                # each pair once, never a document with itself
                sims = np.triu(sims, k=1)
            a, b = np.nonzero(sims >= threshold)
            rows_a.append(a + start_a)
            rows_b.append(b + start_b)
            scores.append(sims[a, b])
    if not rows_a:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    return np.concatenate(rows_a), np.concatenate(rows_b), np.concatenate(scores)
