"""Self-training: which paragraphs represent a theme, and the prototypes learnt from them.

Members need evidence that does not come from what they will teach: the first members carry a
seed of one theme only *and* a context (gloss similarity to the description) that stands out
from ordinary news by ``member_z``; later members score at least ``member_score`` on all the
evidence *and* pass the same context test. Without it, a large corpus recruits news that
merely shares a word with the themes, and the prototypes drift towards it.

Examples
--------
>>> lexical = np.array([[0.63, 0.0], [0.63, 0.63], [0.63, 0.0]])
>>> context = np.array([[3.5, 0.0], [3.5, 3.5], [1.0, 0.0]])
>>> first_members(lexical, context, min_lexical=0.5, member_z=3.0).tolist()
[[True, False], [False, False], [False, False]]
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from toolkit.themes.semantic import SimilarityEvidence, centroids


def first_members(
    lexical: np.ndarray, context: np.ndarray | None, min_lexical: float, member_z: float
) -> np.ndarray:
    """Paragraphs whose seeds point at one theme only, and whose context agrees."""
    lexical = np.asarray(lexical, dtype=np.float64)
    if lexical.shape[0] == 0:
        return np.zeros(lexical.shape, dtype=bool)
    top = lexical.max(axis=1, keepdims=True)
    unique = (lexical == top).sum(axis=1, keepdims=True) == 1
    members = (lexical == top) & unique & (top >= min_lexical)
    return members if context is None else members & (context >= member_z)


def members_from_scores(
    scores: np.ndarray, context: np.ndarray | None, member_score: float, member_z: float
) -> np.ndarray:
    """Each paragraph's best theme, where its score and its context are both high enough.

    >>> members_from_scores(np.array([[4.0, 1.0], [2.0, 1.0]]), None, 3.0, 3.0).tolist()
    [[True, False], [False, False]]
    """
    best = scores.argmax(axis=1)
    rows = np.arange(len(scores))
    keep = scores[rows, best] >= member_score
    if context is not None:
        keep &= context[rows, best] >= member_z
    members = np.zeros(scores.shape, dtype=bool)
    members[rows[keep], best[keep]] = True
    return members


def fit_prototypes(
    vectors: dict[str, np.ndarray | sparse.spmatrix | None],
    background: dict[str, np.ndarray | sparse.spmatrix],
    members: np.ndarray,
    anchors: np.ndarray | None,
) -> dict[str, SimilarityEvidence]:
    """Member centroids per kind of evidence, standardised against the background's rows.

    Parameters
    ----------
    vectors : dict
        Kind (``prototype``, ``embedding``, ``tfidf``) -> the corpus paragraphs' rows.
    background : dict
        Kind -> the background paragraphs' rows; only these kinds are fitted.
    members : ndarray of bool, shape (n_paragraphs, n_themes)
    anchors : ndarray of shape (n_themes, dim), optional
        The glossed descriptions: the ``prototype`` of a theme without members.
    """
    out = {}
    for kind, rows in background.items():
        fallback = anchors if kind == "prototype" else None
        protos = centroids(vectors[kind], members, fallback)
        # TF-IDF cosines are mostly 0: their median absolute deviation says nothing
        out[kind] = SimilarityEvidence(robust=kind != "tfidf").fit(protos, rows)
    return out
