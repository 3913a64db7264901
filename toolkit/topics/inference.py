"""Topic shares of new texts from a fitted model's saved arrays alone (no pickled model)."""

from __future__ import annotations

import numpy as np
from scipy.special import psi

from toolkit.topics.base import normalize_rows


def _bows(tokens: list[list[str]], vocabulary: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    index = {word: i for i, word in enumerate(vocabulary)}
    out = []
    for text in tokens:
        ids, counts = np.unique([index[t] for t in text if t in index], return_counts=True)
        out.append((ids.astype(int), counts.astype(np.float64)))
    return out


def _lda_e_step(
    ids: np.ndarray,
    counts: np.ndarray,
    topic_word: np.ndarray,
    alpha: np.ndarray,
    iterations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    # Variational E-step of online LDA (Hoffman et al. 2010), as gensim runs it:
    # gamma = alpha + exp(E[log theta]) * ((counts / phinorm) @ beta.T).
    beta = topic_word[:, ids]
    gamma = rng.gamma(100.0, 1.0 / 100.0, len(alpha))
    exp_elog_theta = np.exp(psi(gamma) - psi(gamma.sum()))
    eps = np.finfo(np.float64).eps
    for _ in range(iterations):
        last = gamma
        phinorm = exp_elog_theta @ beta + eps
        gamma = alpha + exp_elog_theta * ((counts / phinorm) @ beta.T)
        exp_elog_theta = np.exp(psi(gamma) - psi(gamma.sum()))
        # gensim's convergence test: mean absolute change below 0.001
        if np.mean(np.abs(gamma - last)) < 0.001:
            break
    return gamma


def infer_topics(
    tokens: list[list[str]],
    topic_word: np.ndarray,
    alpha: np.ndarray,
    vocabulary: list[str],
    iterations: int = 100,
    seed: int = 0,
    idf: np.ndarray | None = None,
) -> np.ndarray:
    """Topic shares of new token lists from a fitted model's arrays.

    Parameters
    ----------
    tokens : list of list of str
        Texts in the model's token space (the text pipeline's ``transform_text``).
    topic_word : ndarray of shape (K, V)
        Rows sum to 1; columns follow ``vocabulary``.
    alpha : ndarray of shape (K,)
        The document-topic prior (LDA).
    vocabulary : list of str
        Word of each column; other tokens are ignored.
    iterations : int
        Maximum E-step iterations per text (LDA).
    seed : int
        Seeds the random start of the E-step (LDA).
    idf : ndarray of shape (V,), optional
        Given for an NMF model: a text's shares are then the non-negative least-squares fit
        of its unit-length TF-IDF vector on ``topic_word``, normalised.

    Returns
    -------
    ndarray of shape (len(tokens), K)
        Rows sum to 1. A text without known tokens gets the prior's shares (LDA) or uniform
        shares (NMF).

    Examples
    --------
    >>> tw = np.array([[0.9, 0.1], [0.1, 0.9]])
    >>> infer_topics([["nato", "nato"]], tw, np.array([0.5, 0.5]), ["nato", "schweden"]).round(1)
    array([[0.8, 0.2]])
    """
    from scipy.optimize import nnls  # here: 0.2 s to import, and only NMF needs it

    topic_word = np.asarray(topic_word, dtype=np.float64)
    alpha = np.asarray(alpha, dtype=np.float64)
    k = topic_word.shape[0]
    out = np.zeros((len(tokens), k))
    rng = np.random.default_rng(seed)
    for row, (ids, counts) in enumerate(_bows(tokens, vocabulary)):
        if len(ids) == 0:
            continue
        if idf is None:
            out[row] = _lda_e_step(ids, counts, topic_word, alpha, iterations, rng)
        else:
            weights = counts * idf[ids]
            target = np.zeros(topic_word.shape[1])
            target[ids] = weights / np.linalg.norm(weights)
            out[row] = nnls(topic_word.T, target)[0]
    return normalize_rows(out, fallback=alpha if idf is None else None)
