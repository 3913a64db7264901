"""Combine several vector spaces (e.g. model embeddings and LSA) into one for clustering."""

from __future__ import annotations

import numpy as np


def _unit_rows(block: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    # An all-zero row (an empty document) stays zero instead of becoming NaN.
    return block / np.where(norms > 0, norms, 1.0)


def combine_vectors(blocks: list[np.ndarray], weights: list[float]) -> np.ndarray:
    """Concatenate row-aligned vector blocks so each contributes ``weight`` to cosine similarity.

    Each block is L2-normalised per row and scaled by ``sqrt(weight)``; the concatenation is
    normalised again. The cosine similarity of two combined rows is then the weighted mean of
    the blocks' cosine similarities, whatever the blocks' dimensions.

    Parameters
    ----------
    blocks : list of ndarray
        Arrays of shape ``(n_docs, dim_i)``, one row per document in the same order.
    weights : list of float
        One non-negative weight per block, not all zero.

    Returns
    -------
    ndarray of shape (n_docs, sum of dim_i), float32, rows of unit length.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> b = np.array([[3.0], [3.0]])
    >>> combined = combine_vectors([a, b], [1.0, 1.0])
    >>> float(np.round(combined[0] @ combined[1], 3))  # mean of cosines 0 and 1
    0.5
    """
    if not blocks:
        raise ValueError("combine_vectors needs at least one block of vectors")
    if len(blocks) != len(weights):
        raise ValueError(f"combine_vectors got {len(blocks)} blocks but {len(weights)} weights")
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError(f"combine_vectors weights must be >= 0 and not all zero, got {weights}")
    arrays = [np.asarray(b, dtype=np.float64) for b in blocks]
    rows = {a.shape[0] for a in arrays}
    if any(a.ndim != 2 for a in arrays) or len(rows) != 1:
        shapes = [a.shape for a in arrays]
        raise ValueError(f"combine_vectors needs 2-D blocks with equal row counts, got {shapes}")
    scaled = [_unit_rows(a) * np.sqrt(w) for a, w in zip(arrays, weights, strict=True)]
    return _unit_rows(np.hstack(scaled)).astype(np.float32)
