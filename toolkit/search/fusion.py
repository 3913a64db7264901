"""Weighted reciprocal rank fusion of several rankings of the same documents.

A document ranked ``r`` (1-based) by a mode gets ``weight / (rrf_k + r)`` from it; documents a
mode did not rank get nothing from that mode. Ranks, not scores, are fused, so cosines and BM25
scores need no common scale.

Examples
--------
>>> import numpy as np
>>> fused = weighted_rrf({"a": np.array([2, 0]), "b": np.array([0, 1])}, {"a": 1.0, "b": 1.0}, 3)
>>> sorted(fused, key=fused.get, reverse=True)
[0, 2, 1]
"""

from __future__ import annotations

import numpy as np


def weighted_rrf(
    rankings: dict[str, np.ndarray], weights: dict[str, float], rrf_k: int
) -> dict[int, float]:
    """Fuse rankings (document indices, best first) into ``{document index: fused score}``.

    Parameters
    ----------
    rankings : dict of str to ndarray
        Per mode, the indices of its top documents, best first.
    weights : dict of str to float
        Per mode, its weight; modes without a weight (or weight 0) are ignored.
    rrf_k : int
        The damping constant of reciprocal rank fusion (60 in Cormack et al., 2009).
    """
    fused: dict[int, float] = {}
    for mode, ranked in rankings.items():
        weight = weights.get(mode, 0.0)
        if weight <= 0:
            continue
        for rank, index in enumerate(np.asarray(ranked).tolist(), start=1):
            fused[index] = fused.get(index, 0.0) + weight / (rrf_k + rank)
    return fused
