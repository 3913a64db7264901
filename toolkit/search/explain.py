"""Why a result matched: the distinctive terms a query and a hit share, and how much of the query
the hit covers.

Each shared term is weighted by its inverse document frequency times the smaller of its two
counts, so a rare name mentioned in both outranks a common word mentioned often. The coverage
of a free-text query is the IDF-weighted share of its distinct terms that the hit contains: a
number a reader can check against the text (1.0: every query word is in the article).

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


def coverage(query_ids: np.ndarray, unknown: int, doc_ids: np.ndarray, idf: np.ndarray) -> float:
    """IDF-weighted share of the query's distinct terms found in the document.

    ``unknown`` query words occur nowhere in the corpus; each weighs as much as the rarest term.

    >>> round(coverage(np.array([0, 1]), 0, np.array([1]), np.array([1.0, 3.0])), 2)
    0.75
    """
    query_ids = np.unique(query_ids)
    rarest = float(idf.max()) if len(idf) else 1.0
    total = float(idf[query_ids].sum()) + unknown * rarest
    if total <= 0:
        return 0.0
    return float(idf[np.intersect1d(query_ids, doc_ids)].sum()) / total
