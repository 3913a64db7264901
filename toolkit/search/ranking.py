"""Ranking the documents of an index for one query: one mode, or the weighted fusion of several.

Examples
--------
>>> from toolkit.search.lexical import LexicalIndex
>>> lexical = LexicalIndex().fit([["nato", "munition"], ["wahl"], ["nato"]])
>>> ranker = Ranker(["a", "b", "c"], lexical, {}, None, rrf_k=60)
>>> query = lexical.term_ids(["munition"])
>>> [hit.id for hit in ranker.run("lexical", {"lexical": query}, (query, [1]), {}, 2, None, None)]
['a']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from toolkit.search.ann import AnnIndex
from toolkit.search.dense import cosine_scores, top_k_of_scores
from toolkit.search.explain import SHARED_TERMS, coverage, shared_terms
from toolkit.search.fusion import weighted_rrf
from toolkit.search.lexical import LexicalIndex

FUSED_MODES = ("dense", "lexical", "lsa", "topics")
# candidates each mode contributes to a fusion
FUSION_DEPTH = 100


@dataclass
class Hit:
    """One search result.

    Attributes
    ----------
    index : int
        Position of the document in the index.
    id : str
        Document id.
    score : float
        In ``hybrid`` mode the fused score relative to the best possible one (1.0: ranked first
        by every fused mode); cosine (dense, lsa), BM25 (lexical) or ``1 - Hellinger distance``
        (topics) otherwise.
    rank : int
        1-based rank in the result list.
    components : dict of str to float
        In ``hybrid``: each fused mode's score (``"dense"``) and rank (``"dense_rank"``, absent
        when the document was outside that mode's candidates).
    shared_terms : list of str
        The most distinctive terms the query (or query document) and the hit share, best first
        (up to ten: a caller may prefer some, e.g. nouns, and show five).
    match : float or None
        What a reader can check: for a free-text query the share of its words (IDF-weighted)
        the article contains; for a query article the mean cosine of the two articles' vectors.
    """

    index: int
    id: str
    score: float
    rank: int
    components: dict[str, float] = field(default_factory=dict)
    shared_terms: list[str] = field(default_factory=list)
    match: float | None = None


class Ranker:
    """Scores and ranks the documents of one index for a query (see :class:`SearchIndex`)."""

    def __init__(
        self,
        doc_ids: list[str],
        lexical: LexicalIndex,
        vectors: dict[str, np.ndarray],
        ann: AnnIndex | None,
        rrf_k: int,
    ) -> None:
        self.doc_ids = doc_ids
        self.lexical = lexical
        self.vectors = vectors
        self.ann = ann
        self.rrf_k = rrf_k

    def _scores(self, mode: str, query: np.ndarray) -> np.ndarray:
        if mode == "lexical":
            return np.asarray(self.lexical.scores(query), dtype=np.float64)
        return cosine_scores(self.vectors[mode], query).astype(np.float64)

    def ranking(
        self, mode: str, query: np.ndarray, depth: int, mask: np.ndarray | None, exclude: int | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Top ``depth`` documents of one mode and, for exact modes, every document's score."""
        if mode == "dense" and self.ann is not None:
            try:
                labels, _ = self.ann.query(query, depth + 1, mask=mask)
                labels = labels[0]
                return labels[labels != exclude][:depth], None
            except RuntimeError:
                # a narrow mask can leave the graph walk with fewer than k reachable documents
                pass
        scores = self._scores(mode, query)
        allowed = mask
        if mode == "lexical":
            # documents sharing no query term are not ranked by BM25 at all
            allowed = scores > 0 if mask is None else mask & (scores > 0)
        return top_k_of_scores(scores, depth, allowed, exclude), scores

    def score_of(
        self, mode: str, query: np.ndarray, index: int, scores: np.ndarray | None
    ) -> float:
        """One document's score in one mode (from ``scores`` when computed)."""
        if scores is not None:
            value = float(scores[index])
        else:
            value = float(np.asarray(self.vectors[mode][index], dtype=np.float32) @ query)
        if mode == "topics":
            return float(1.0 - np.sqrt(max(0.0, 1.0 - value)))
        return value

    def fuse(
        self,
        queries: dict[str, np.ndarray],
        weights: dict[str, float],
        k: int,
        mask: np.ndarray | None,
        exclude: int | None,
    ) -> list[tuple[int, float, dict[str, float]]]:
        """Weighted reciprocal rank fusion of the fused modes the query has."""
        depth = max(FUSION_DEPTH, k)
        modes = [m for m in FUSED_MODES if m in queries and weights.get(m, 0.0) > 0]
        if not modes:
            # e.g. a query given only as a vector whose mode has no default weight
            modes = [m for m in FUSED_MODES if m in queries]
            weights = dict.fromkeys(modes, 1.0)
        rankings: dict[str, np.ndarray] = {}
        all_scores: dict[str, np.ndarray | None] = {}
        for m in modes:
            rankings[m], all_scores[m] = self.ranking(m, queries[m], depth, mask, exclude)
        fused = weighted_rrf(rankings, weights, self.rrf_k)
        # the best possible fused score: first in every mode, so a score reads as a share of it
        best_possible = sum(weights[m] for m in modes) / (self.rrf_k + 1)
        best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        rank_of = {
            m: {int(i): r for r, i in enumerate(ranked.tolist(), 1)}
            for m, ranked in rankings.items()
        }
        results = []
        for i in best:
            components: dict[str, float] = {}
            for m in modes:
                components[m] = self.score_of(m, queries[m], i, all_scores[m])
                if i in rank_of[m]:
                    components[f"{m}_rank"] = float(rank_of[m][i])
            results.append((i, fused[i] / best_possible, components))
        return results

    def run(
        self,
        mode: str,
        queries: dict[str, np.ndarray],
        query_terms: tuple[np.ndarray, np.ndarray],
        weights: dict[str, float],
        k: int,
        mask: np.ndarray | None,
        exclude: int | None,
        unknown_terms: int = 0,
    ) -> list[Hit]:
        """The ``k`` best documents for ``queries`` in ``mode``, explained by shared terms.

        ``exclude`` is the query article (None for free text, whose ``unknown_terms`` words
        occur nowhere in the corpus).
        """
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (len(self.doc_ids),):
                raise ValueError(f"mask has shape {mask.shape}; expected ({len(self.doc_ids)},)")
        if mode == "hybrid":
            results = self.fuse(queries, weights, k, mask, exclude)
        else:
            ranked, scores = self.ranking(mode, queries[mode], k, mask, exclude)
            results = [
                (int(i), self.score_of(mode, queries[mode], int(i), scores), {}) for i in ranked
            ]
        hits = []
        for rank, (i, score, components) in enumerate(results, start=1):
            article = exclude is not None
            shared, match = self.explain(i, query_terms, queries, article, unknown_terms)
            hits.append(Hit(i, self.doc_ids[i], float(score), rank, components, shared, match))
        return hits

    def explain(
        self,
        index: int,
        query_terms: tuple[np.ndarray, np.ndarray],
        queries: dict[str, np.ndarray],
        article: bool,
        unknown_terms: int = 0,
    ) -> tuple[list[str], float | None]:
        """The terms the query and document ``index`` share, and the match a reader can check
        (coverage of a free-text query's words, or the cosine to a query ``article``)."""
        q_ids, q_counts = query_terms
        d_ids, d_counts = self.lexical.doc_terms(index)
        shared = shared_terms(
            np.asarray(q_ids), np.asarray(q_counts), d_ids, d_counts, self.lexical.idf,
            self.lexical.terms, top=2 * SHARED_TERMS,
        )  # fmt: skip
        if article:
            return shared, self.similarity(queries, index)
        return shared, coverage(np.asarray(q_ids), unknown_terms, d_ids, self.lexical.idf)

    def similarity(self, queries: dict[str, np.ndarray], index: int) -> float | None:
        """Mean cosine of the query article and article ``index`` in the vector modes."""
        cosines = [
            float(np.asarray(self.vectors[m][index], dtype=np.float32) @ queries[m])
            for m in ("dense", "lsa")
            if m in self.vectors and m in queries
        ]
        return float(np.mean(cosines)) if cosines else None
