"""Why a result matched: the distinctive terms a query and a hit share.

Each shared term is weighted by its inverse document frequency times the smaller of its two
counts, so a rare name mentioned in both outranks a common word mentioned often.

Examples
--------
>>> import numpy as np
>>> shared_terms(np.array([0, 1, 2]), np.array([1, 1, 1]), np.array([1, 2]), np.array([3, 1]),
...              idf=np.array([0.1, 0.5, 3.0]), terms=["jahr", "nato", "schweden"])
['schweden', 'nato']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SHARED_TERMS = 5


def shared_terms(
    query_ids: np.ndarray,
    query_counts: np.ndarray,
    doc_ids: np.ndarray,
    doc_counts: np.ndarray,
    idf: np.ndarray,
    terms: Sequence[str],
    top: int = SHARED_TERMS,
) -> list[str]:
    """The ``top`` shared terms by ``idf × min(query count, document count)``, best first.

    Parameters
    ----------
    query_ids, query_counts : ndarray
        Distinct term ids of the query and their counts.
    doc_ids, doc_counts : ndarray
        Distinct term ids of the hit and their counts.
    idf : ndarray
        Inverse document frequency per term id.
    terms : sequence of str
        Term per term id (anything indexable by id).
    """
    common, q_pos, d_pos = np.intersect1d(query_ids, doc_ids, return_indices=True)
    if len(common) == 0:
        return []
    weight = idf[common] * np.minimum(query_counts[q_pos], doc_counts[d_pos])
    order = np.lexsort((common, -weight))[:top]
    return [terms[int(i)] for i in common[order]]
