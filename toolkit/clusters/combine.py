"""Combine several vector spaces (e.g. model embeddings and LSA) into one for clustering.

A sentence model's vectors of one corpus share a common direction: on 10kGNAD the mean of the
unit-length article vectors (MiniLM over the English gloss) has length 0.5, so every pair of
articles has a high cosine and the differences that separate subjects are squeezed into what
is left. Taking that mean out (:func:`mean_direction`, ``centres`` of :func:`combine_vectors`)
spreads them: k-means NMI at k = 20 of the combined vectors rose from 0.493 to 0.512, mean of 5
seeds (the README's *Clusters: the model's vectors centred*). LSA's vectors are not centred:
that cost 0.008 there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _unit_rows(block: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(block, axis=1, keepdims=True)
    # An all-zero row (an empty document) stays zero instead of becoming NaN.
    return block / np.where(norms > 0, norms, 1.0)


def mean_direction(block: np.ndarray, chunk_size: int = 65_536) -> np.ndarray:
    """The mean of ``block``'s unit rows: the direction its vectors share.

    ``block`` may be a memory map: it is read ``chunk_size`` rows at a time.

    >>> mean_direction(np.array([[2.0, 0.0], [0.0, 1.0]])).tolist()
    [0.5, 0.5]
    """
    block = block if isinstance(block, np.ndarray) else np.asarray(block, dtype=np.float64)
    if block.ndim != 2 or len(block) == 0:
        raise ValueError(f"mean_direction needs a non-empty 2-D block, got shape {block.shape}")
    total = np.zeros(block.shape[1], dtype=np.float64)
    for start in range(0, len(block), chunk_size):
        total += _unit_rows(np.asarray(block[start : start + chunk_size], np.float64)).sum(0)
    return total / len(block)


def combine_vectors(
    blocks: list[np.ndarray],
    weights: list[float],
    centres: Sequence[np.ndarray | None] | None = None,
) -> np.ndarray:
    """Concatenate row-aligned vector blocks so each contributes ``weight`` to cosine similarity.

    Each block is L2-normalised per row, its centre (if any) subtracted and the rows normalised
    again, then scaled by ``sqrt(weight)``; the concatenation is normalised again. The cosine
    similarity of two combined rows is then the weighted mean of the blocks' cosine
    similarities, whatever the blocks' dimensions.

    Parameters
    ----------
    blocks : list of ndarray
        Arrays of shape ``(n_docs, dim_i)``, one row per document in the same order.
    weights : list of float
        One non-negative weight per block, not all zero.
    centres : list of (ndarray of shape (dim_i,) or None), optional
        Per block, a direction to take out of its unit rows (:func:`mean_direction` of the
        fitted rows), or None to leave the block as it is.

    Returns
    -------
    ndarray of shape (n_docs, sum of dim_i), float32, rows of unit length.

    Examples
    --------
    >>> a = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> b = np.array([[3.0], [3.0]])
    >>> combined = combine_vectors([a, b], [1.0, 1.0])
    >>> float(np.round(combined[0] @ combined[1], 3))  # mean of cosines 0 and 1
    0.5
    >>> shared = np.array([[1.0, 0.2], [1.0, -0.2]])  # alike but for the second component
    >>> centred = combine_vectors([shared], [1.0], centres=[mean_direction(shared)])
    >>> float(np.round(centred[0] @ centred[1], 3))  # what is left of them is opposite
    -1.0
    """
    if not blocks:
        raise ValueError("combine_vectors needs at least one block of vectors")
    centres = [None] * len(blocks) if centres is None else list(centres)
    if len(blocks) != len(weights) or len(blocks) != len(centres):
        raise ValueError(
            f"combine_vectors got {len(blocks)} blocks, {len(weights)} weights "
            f"and {len(centres)} centres"
        )
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise ValueError(f"combine_vectors weights must be >= 0 and not all zero, got {weights}")
    arrays = [np.asarray(b, dtype=np.float64) for b in blocks]
    rows = {a.shape[0] for a in arrays}
    if any(a.ndim != 2 for a in arrays) or len(rows) != 1:
        shapes = [a.shape for a in arrays]
        raise ValueError(f"combine_vectors needs 2-D blocks with equal row counts, got {shapes}")
    scaled = [
        _centred(_unit_rows(a), centre) * np.sqrt(w)
        for a, w, centre in zip(arrays, weights, centres, strict=True)
    ]
    return _unit_rows(np.hstack(scaled)).astype(np.float32)


def _centred(unit: np.ndarray, centre: np.ndarray | None) -> np.ndarray:
    """Unit rows without ``centre``, normalised again (as they are without one)."""
    if centre is None:
        return unit
    centre = np.asarray(centre, dtype=np.float64)
    if centre.shape != (unit.shape[1],):
        raise ValueError(
            f"combine_vectors: a centre of shape {centre.shape} for a block of "
            f"{unit.shape[1]} dimensions"
        )
    return _unit_rows(unit - centre)
