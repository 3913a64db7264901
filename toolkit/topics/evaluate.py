"""Topic quality: coherence, diversity, stability across seeds, held-out likelihood."""

from __future__ import annotations

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel
from scipy.optimize import linear_sum_assignment


def topic_coherence(
    top_words: list[list[str]],
    texts: list[list[str]],
    dictionary: Dictionary,
    measure: str = "c_npmi",
    top_n: int = 10,
) -> tuple[float, list[float]]:
    """Coherence of each topic's ``top_n`` words with gensim's ``CoherenceModel``.

    Parameters
    ----------
    top_words : list of list of str
        Each topic's words, best first (words outside ``dictionary`` are ignored).
    texts : list of list of str
        The token lists co-occurrences are counted in.
    dictionary : gensim Dictionary
    measure : {"c_npmi", "c_v", "u_mass"}
    top_n : int

    Returns
    -------
    mean, per_topic : float, list of float

    Examples
    --------
    >>> texts = [["nato", "munition"], ["nato", "munition"], ["schweden", "beitritt"]] * 3
    >>> mean, per_topic = topic_coherence([["nato", "munition"]], texts, Dictionary(texts), top_n=2)
    >>> round(mean, 3)
    1.0
    """
    known = [[w for w in words if w in dictionary.token2id][:top_n] for words in top_words]
    model = CoherenceModel(
        topics=known, texts=texts, dictionary=dictionary, coherence=measure, topn=top_n, processes=1
    )
    per_topic = [float(v) for v in model.get_coherence_per_topic()]
    return float(np.mean(per_topic)), per_topic


def topic_diversity(top_words: list[list[str]], n: int = 25) -> float:
    """Share of distinct words among the top ``n`` words of all topics (1: no word repeats).

    Examples
    --------
    >>> topic_diversity([["a", "b"], ["b", "c"]], n=2)
    0.75
    """
    words = [w for topic in top_words for w in topic[:n]]
    return len(set(words)) / len(words) if words else 0.0


def jaccard_matrix(first: list[list[str]], second: list[list[str]]) -> np.ndarray:
    """Jaccard similarity of every topic of ``first`` with every topic of ``second``.

    Examples
    --------
    >>> jaccard_matrix([["a", "b"]], [["b", "c"], ["a", "b"]]).round(3).tolist()
    [[0.333, 1.0]]
    """
    sets_a, sets_b = [set(t) for t in first], [set(t) for t in second]
    return np.array([[len(a & b) / len(a | b) if a | b else 0.0 for b in sets_b] for a in sets_a])


def match_topics(first: list[list[str]], second: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one matching of topics by top-word Jaccard (Hungarian algorithm).

    Returns
    -------
    match, similarity : ndarray
        ``match[k]`` is the topic of ``second`` paired with topic ``k`` of ``first`` and
        ``similarity[k]`` their Jaccard similarity.

    Examples
    --------
    >>> match_topics([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "x"]])[0].tolist()
    [1, 0]
    """
    sim = jaccard_matrix(first, second)
    rows, cols = linear_sum_assignment(-sim)
    match = np.empty(len(first), dtype=int)
    match[rows] = cols
    return match, sim[rows, cols][np.argsort(rows)]


def topic_stability(
    reference: list[list[str]], others: list[list[list[str]]]
) -> tuple[float, list[float]]:
    """How well the topics of other fits (other seeds) reproduce those of ``reference``.

    Each fit in ``others`` is matched one-to-one to ``reference`` by top-word Jaccard; a
    reference topic's stability is its mean matched similarity over the other fits.

    Returns
    -------
    mean, per_topic : float, list of float

    Examples
    --------
    >>> others = [[["c", "d"], ["a", "b"]], [["a", "b"], ["c", "x"]]]
    >>> mean, per_topic = topic_stability([["a", "b"], ["c", "d"]], others)
    >>> round(mean, 3), [round(v, 3) for v in per_topic]
    (0.833, [1.0, 0.667])
    """
    if not others:
        raise ValueError("topic_stability needs at least one other fit")
    sims = np.array([match_topics(reference, other)[1] for other in others])
    per_topic = sims.mean(axis=0)
    return float(per_topic.mean()), [float(v) for v in per_topic]


def completion_split(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split a text into alternating tokens: the first half estimates, the second is scored.

    Examples
    --------
    >>> completion_split(["a", "b", "c"])
    (['a', 'c'], ['b'])
    """
    return tokens[0::2], tokens[1::2]


def heldout_log_likelihood(
    doc_topics: np.ndarray, topic_word: np.ndarray, bows: list[list[tuple[int, int]]]
) -> float:
    """Mean log-likelihood per token of ``bows`` under ``p(w | d) = Σ_k θ_dk φ_kw``.

    Examples
    --------
    >>> theta, topic_word = np.array([[1.0, 0.0]]), np.array([[0.5, 0.5], [1.0, 0.0]])
    >>> round(heldout_log_likelihood(theta, topic_word, [[(0, 2)]]), 4)
    -0.6931
    """
    total, count = 0.0, 0
    for theta, bow in zip(doc_topics, bows, strict=True):
        if not bow:
            continue
        ids = np.array([i for i, _ in bow])
        counts = np.array([c for _, c in bow], dtype=np.float64)
        probs = theta @ topic_word[:, ids]
        total += float(counts @ np.log(np.maximum(probs, np.finfo(np.float64).tiny)))
        count += int(counts.sum())
    return total / count if count else float("nan")
