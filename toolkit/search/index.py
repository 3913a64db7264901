"""``SearchIndex``: nearest articles to an article or to a free-text query.

Modes
-----
``dense``
    Cosine similarity of the embedding vectors: exact (chunked NumPy) up to ``ann.min_size``
    documents, an hnswlib graph above (its recall@10 measured at build time).
``lexical``
    BM25 (``bm25s``) over the text pipeline's lemmas. A document used as a query is cut to its
    ``DOC_QUERY_TERMS`` highest TF-IDF terms.
``lsa``
    Cosine similarity of LSA vectors, when given (not a config mode; fused in ``hybrid``).
``topics``
    Similarity of topic distributions, ``1 - Hellinger distance``: the square roots of the
    distributions are unit vectors whose dot product is the Bhattacharyya coefficient ``BC``,
    and ``Hellinger = sqrt(1 - BC)``, so the dense machinery serves this mode too.
``hybrid`` (default)
    Weighted reciprocal rank fusion of dense, lexical and lsa (whichever are present), with
    different default weights for article-to-article and free-text queries.

Evidence for the defaults: ``benchmarks/search_10kgnad.py --tune`` on the 10kgnad test split
(1,028 articles, 9 labels; MiniLM vectors of each article's first 256 wordpieces (the
paragraph-pooled ``embed_corpus`` vectors were too slow to compute on the shared 2-core machine
in time), 200-dimensional ``LsaEncoder`` vectors of the text pipeline's
lemmas, BM25 over the same lemmas with a document's 100 top TF-IDF terms as its query, 9-topic
NMF for ``topics``). Article to article, label precision@10 over all articles: dense 0.473,
topics 0.554, lexical 0.591, lsa 0.594; fusion weights dense/lexical/lsa 1/1/1 0.616, 1/1/2
0.623 (best of the grid), 0.5/2/1 0.618, and without LSA vectors 0.5/2/0 0.612 (1/1/0: 0.583,
worse than BM25 alone). Free text, 32 dev queries written for 32 articles
(``benchmarks/data/search_queries_dev.jsonl``), hit@1 / hit@10 / MRR: dense 0.406 / 0.625 /
0.484, lsa 0.531 / 0.906 / 0.673, lexical 0.656 / 0.844 / 0.714, fusion 1/1/1 0.562 / 0.906 /
0.713, 0/2/1 0.656 / 0.906 / 0.724 (any dense weight lowered hit@1). Hence the defaults:
``DOC_WEIGHTS`` 0.5/2/1 (within 0.005 of the grid's best, and still above BM25 alone when no
LSA vectors are given) and ``QUERY_WEIGHTS`` 0/2/1 (the MiniLM query vector is not needed).
With these defaults (``benchmarks/results/search_10kgnad.json``): label precision@10 hybrid
0.618; held-out free text (32 queries for 32 other articles, kept outside the repository, never
used for tuning) hit@1 / hit@10 / MRR: hybrid 0.688 / 0.906 / 0.747, lexical 0.625 / 0.906 /
0.720, lsa 0.625 / 0.844 / 0.695, dense 0.375 / 0.719 / 0.497. A config's ``weights`` replace
both defaults.

Examples
--------
>>> import numpy as np
>>> from toolkit.config import SearchConfig
>>> tokens = [["nato", "munition", "schweden"], ["wahl", "partei"], ["nato", "schweden"]]
>>> index = SearchIndex.build(["a", "b", "c"], tokens, SearchConfig(mode="lexical"))
>>> [hit.id for hit in index.similar("a", k=1)]
['c']
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit.config import SearchConfig
from toolkit.errors import RunError
from toolkit.io import read_json, read_npy, write_json, write_npy
from toolkit.progress import status
from toolkit.search.ann import AnnIndex
from toolkit.search.dense import cosine_scores, normalize_rows, top_k_of_scores
from toolkit.search.explain import shared_terms
from toolkit.search.fusion import weighted_rrf
from toolkit.search.lexical import LexicalIndex

FORMAT_VERSION = 1
VECTOR_MODES = ("dense", "lsa", "topics")
FUSED_MODES = ("dense", "lexical", "lsa")
# candidates each mode contributes to a fusion
FUSION_DEPTH = 100
DOC_WEIGHTS = {"dense": 0.5, "lexical": 2.0, "lsa": 1.0}
QUERY_WEIGHTS = {"dense": 0.0, "lexical": 2.0, "lsa": 1.0}


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
        Fused score in ``hybrid`` mode; cosine (dense, lsa), BM25 (lexical) or
        ``1 - Hellinger distance`` (topics) otherwise.
    rank : int
        1-based rank in the result list.
    components : dict of str to float
        In ``hybrid``: each fused mode's score (``"dense"``) and rank (``"dense_rank"``, absent
        when the document was outside that mode's candidates).
    shared_terms : list of str
        The most distinctive terms the query (or query document) and the hit share.
    """

    index: int
    id: str
    score: float
    rank: int
    components: dict[str, float] = field(default_factory=dict)
    shared_terms: list[str] = field(default_factory=list)


class SearchIndex:
    """Nearest-article search over one corpus; build with :meth:`build`, or :meth:`load`."""

    def __init__(
        self,
        doc_ids: list[str],
        config: SearchConfig,
        lexical: LexicalIndex,
        vectors: dict[str, np.ndarray],
        ann: AnnIndex | None = None,
        seed: int = 0,
    ) -> None:
        self.doc_ids = list(doc_ids)
        self.config = config
        self.lexical = lexical
        self.vectors = vectors
        self.ann = ann
        self.seed = seed
        self._positions = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}

    # -----------------------------------------------------------------------------------------
    # building and storage

    @classmethod
    def build(
        cls,
        doc_ids: list[str],
        doc_tokens: list[list[str]],
        config: SearchConfig,
        dense: np.ndarray | None = None,
        lsa: np.ndarray | None = None,
        topics: np.ndarray | None = None,
        seed: int = 0,
    ) -> SearchIndex:
        """Index a corpus.

        Parameters
        ----------
        doc_ids : list of str
            Unique document ids.
        doc_tokens : list of list of str
            Each document's tokens from the text pipeline.
        config : SearchConfig
            The search section of the experiment config.
        dense, lsa : ndarray (N, d), optional
            Embedding / LSA vectors (normalised here if they are not).
        topics : ndarray (N, K), optional
            Topic distributions (rows sum to 1), for the ``topics`` mode.
        seed : int
            Seed of the ANN graph and of its recall sample.
        """
        n = len(doc_ids)
        if len(set(doc_ids)) != n:
            dupes = [d for d, c in Counter(doc_ids).items() if c > 1][:5]
            raise ValueError(f"duplicate document ids: {dupes}")
        arrays = {"doc_tokens": doc_tokens, "dense": dense, "lsa": lsa, "topics": topics}
        for name, value in arrays.items():
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} rows for {n} document ids")
        status(f"search: BM25 index over {n} documents")
        lexical = LexicalIndex(config).fit(doc_tokens)
        vectors: dict[str, np.ndarray] = {}
        if dense is not None:
            vectors["dense"] = normalize_rows(dense)
        if lsa is not None:
            vectors["lsa"] = normalize_rows(lsa)
        if topics is not None:
            topics = np.asarray(topics, dtype=np.float64)
            if (topics < 0).any():
                raise ValueError("topics must be non-negative distributions")
            vectors["topics"] = normalize_rows(np.sqrt(topics))
        ann = None
        if "dense" in vectors and n >= config.ann.min_size:
            status(f"search: HNSW index over {n} vectors (ann.min_size={config.ann.min_size})")
            ann = AnnIndex(config.ann).fit(vectors["dense"], seed=seed)
            status(f"search: HNSW recall@10 {ann.recall_at_10:.3f}")
        return cls(doc_ids, config, lexical, vectors, ann, seed)

    def info(self) -> dict:
        """Settings, sizes and ANN recall (the content of ``index.json``)."""
        return {
            "format_version": FORMAT_VERSION,
            "config": self.config.model_dump(mode="json"),
            "seed": self.seed,
            "num_docs": len(self.doc_ids),
            "vocabulary_size": len(self.lexical.vocabulary),
            "vectors": {name: list(v.shape) for name, v in self.vectors.items()},
            "modes": self.available_modes(),
            "ann": None
            if self.ann is None
            else {
                "recall_at_10": self.ann.recall_at_10,
                "M": self.config.ann.M,
                "ef_construction": self.config.ann.ef_construction,
                "ef_search": self.config.ann.ef_search,
            },
        }

    def save(self, folder: Path) -> None:
        """Write the index to ``folder``: npy vectors, the BM25 index, ``doc_ids.json``,
        ``index.json`` and, when one was built, hnswlib's ``ann.bin``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in self.vectors.items():
            write_npy(folder / f"{name}.npy", array)
        self.lexical.save(folder / "lexical")
        if self.ann is not None:
            self.ann.save(folder / "ann.bin")
        write_json(folder / "doc_ids.json", self.doc_ids)
        write_json(folder / "index.json", self.info())

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        """Read an index written by :meth:`save`; vectors and BM25 arrays are memory-mapped."""
        folder = Path(folder)
        if not (folder / "index.json").is_file():
            raise RunError(f"no search index in {folder} (index.json missing)")
        info = read_json(folder / "index.json")
        config = SearchConfig.model_validate(info["config"])
        vectors = {name: read_npy(folder / f"{name}.npy", mmap=True) for name in info["vectors"]}
        ann = None
        if info["ann"] is not None:
            ann = AnnIndex.load(
                folder / "ann.bin",
                vectors["dense"].shape[1],
                config.ann,
                info["ann"]["recall_at_10"],
            )
        lexical = LexicalIndex.load(folder / "lexical", config)
        return cls(read_json(folder / "doc_ids.json"), config, lexical, vectors, ann, info["seed"])

    # -----------------------------------------------------------------------------------------
    # queries

    def available_modes(self) -> list[str]:
        """Modes this index can answer: hybrid, dense, lexical, lsa and topics as built."""
        present = [m for m in ("dense", "lsa") if m in self.vectors]
        modes = ["hybrid", *present[:1], "lexical", *present[1:]]
        return [*modes, "topics"] if "topics" in self.vectors else modes

    def position(self, doc_id: str) -> int:
        """Position of ``doc_id``; an unknown id is a :class:`RunError` suggesting close ids."""
        try:
            return self._positions[doc_id]
        except KeyError:
            close = difflib.get_close_matches(doc_id, self.doc_ids, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise RunError(f"unknown document id {doc_id!r}{hint}") from None

    def similar(
        self, doc_id: str, k: int = 10, mode: str | None = None, mask: np.ndarray | None = None
    ) -> list[Hit]:
        """The ``k`` articles nearest to article ``doc_id`` (itself excluded).

        Parameters
        ----------
        doc_id : str
            The query article.
        k : int
            Number of results.
        mode : str, optional
            One of :meth:`available_modes` (default: the config's mode).
        mask : ndarray of bool, optional
            One flag per document; only ``True`` documents are returned (filters by date,
            label, theme ... applied by the caller).
        """
        i = self.position(doc_id)
        mode = self._check_mode(mode)
        queries = {name: np.asarray(v[i], dtype=np.float32) for name, v in self.vectors.items()}
        term_ids, term_counts = self.lexical.doc_terms(i)
        queries["lexical"] = self.lexical.doc_query(i)
        weights = self.config.weights or DOC_WEIGHTS
        return self._run(mode, queries, (term_ids, term_counts), weights, k, mask, exclude=i)

    def search(
        self,
        query_tokens: list[str],
        query_dense: np.ndarray | None = None,
        query_lsa: np.ndarray | None = None,
        k: int = 10,
        mode: str | None = None,
        mask: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``k`` articles nearest to a free-text query.

        Parameters
        ----------
        query_tokens : list of str
            The query through the text pipeline (``TextPipeline.transform_text``).
        query_dense, query_lsa : ndarray (d,), optional
            The query's embedding / LSA vector, for the modes that use them.
        k, mode, mask
            As in :meth:`similar`. The ``topics`` mode needs an article: use :meth:`similar`.
        """
        mode = self._check_mode(mode)
        if not query_tokens and query_dense is None and query_lsa is None:
            raise ValueError("empty query: no tokens (after stopword removal) and no vectors")
        if mode == "topics":
            raise ValueError(
                "the topics mode compares articles: use similar(doc_id, mode='topics')"
            )
        queries: dict[str, np.ndarray] = {}
        for name, vector in (("dense", query_dense), ("lsa", query_lsa)):
            if vector is not None and name in self.vectors:
                queries[name] = normalize_rows(np.reshape(vector, (1, -1)))[0]
        ids = self.lexical.term_ids(list(query_tokens))
        if len(ids):
            queries["lexical"] = ids
        if mode in FUSED_MODES and mode not in queries:
            if mode == "lexical":
                terms = list(query_tokens)[:10]
                raise ValueError(f"empty query: none of the query terms {terms} occur in the index")
            raise ValueError(f"empty query: mode {mode!r} needs query_{mode}")
        if mode == "hybrid" and not any(m in queries for m in FUSED_MODES):
            raise ValueError(
                f"empty query: none of the query terms {list(query_tokens)[:10]} occur in the index"
                " and no query vector was given"
            )
        distinct, counts = np.unique(ids, return_counts=True)
        weights = self.config.weights or QUERY_WEIGHTS
        return self._run(mode, queries, (distinct, counts), weights, k, mask, exclude=None)

    # -----------------------------------------------------------------------------------------
    # internals

    def _check_mode(self, mode: str | None) -> str:
        mode = mode or self.config.mode
        if mode not in self.available_modes():
            raise RunError(
                f"search mode {mode!r} is not available in this index; available: "
                f"{', '.join(self.available_modes())}"
            )
        return mode

    def _scores(self, mode: str, query: np.ndarray) -> np.ndarray:
        if mode == "lexical":
            return np.asarray(self.lexical.scores(query), dtype=np.float64)
        return cosine_scores(self.vectors[mode], query).astype(np.float64)

    def _ranking(
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

    def _score_of(
        self, mode: str, query: np.ndarray, index: int, scores: np.ndarray | None
    ) -> float:
        if scores is not None:
            value = float(scores[index])
        else:
            value = float(np.asarray(self.vectors[mode][index], dtype=np.float32) @ query)
        if mode == "topics":
            return float(1.0 - np.sqrt(max(0.0, 1.0 - value)))
        return value

    def _run(
        self,
        mode: str,
        queries: dict[str, np.ndarray],
        query_terms: tuple[np.ndarray, np.ndarray],
        weights: dict[str, float],
        k: int,
        mask: np.ndarray | None,
        exclude: int | None,
    ) -> list[Hit]:
        if mask is not None:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != (len(self.doc_ids),):
                raise ValueError(f"mask has shape {mask.shape}; expected ({len(self.doc_ids)},)")
        if mode != "hybrid":
            ranked, scores = self._ranking(mode, queries[mode], k, mask, exclude)
            results = [
                (int(i), self._score_of(mode, queries[mode], int(i), scores), {}) for i in ranked
            ]
        else:
            depth = max(FUSION_DEPTH, k)
            fused_modes = [m for m in FUSED_MODES if m in queries and weights.get(m, 0.0) > 0]
            if not fused_modes:
                # e.g. a query given only as a vector whose mode has no default weight
                fused_modes = [m for m in FUSED_MODES if m in queries]
                weights = dict.fromkeys(fused_modes, 1.0)
            rankings: dict[str, np.ndarray] = {}
            all_scores: dict[str, np.ndarray | None] = {}
            for m in fused_modes:
                rankings[m], all_scores[m] = self._ranking(m, queries[m], depth, mask, exclude)
            fused = weighted_rrf(rankings, weights, self.config.rrf_k)
            best = sorted(fused, key=lambda i: (-fused[i], i))[:k]
            rank_of = {
                m: {int(i): r for r, i in enumerate(ranked.tolist(), 1)}
                for m, ranked in rankings.items()
            }
            results = []
            for i in best:
                components: dict[str, float] = {}
                for m in fused_modes:
                    components[m] = self._score_of(m, queries[m], i, all_scores[m])
                    if i in rank_of[m]:
                        components[f"{m}_rank"] = float(rank_of[m][i])
                results.append((i, fused[i], components))
        q_ids, q_counts = query_terms
        terms = self.lexical.terms
        hits = []
        for rank, (i, score, components) in enumerate(results, start=1):
            d_ids, d_counts = self.lexical.doc_terms(i)
            shared = shared_terms(q_ids, q_counts, d_ids, d_counts, self.lexical.idf, terms)
            hits.append(Hit(i, self.doc_ids[i], float(score), rank, components, shared))
        return hits
