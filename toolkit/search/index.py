"""``SearchIndex``: nearest articles to an article or to a free-text query.

Modes
-----
``dense``
    Cosine similarity of the embedding vectors: exact (chunked NumPy) up to ``ann_min_size``
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
    Weighted reciprocal rank fusion of dense, lexical, lsa and topics (whichever are present;
    free text has no topic distribution), with different default weights for
    article-to-article and free-text queries.

Evidence for the defaults: ``benchmarks/gloss_10kgnad.py`` on the 10kgnad test split (1,028
articles, 9 labels), with the vectors the embeddings stage makes (static vectors of the English
gloss by default, see :mod:`toolkit.embeddings.static`), 200-dimensional LSA of the text
pipeline's lemmas and BM25 over the same lemmas (a document's 100 top TF-IDF terms as its
query). Article to article, label precision@10: fusion weights dense/lexical/lsa 1/1/2 gave
0.643 with static gloss vectors, 0.651 with the gloss through the full model and 0.637 with
German text through it (0.5/2/1, the earlier default: 0.635 / 0.636 / 0.629, with the gloss of
the time). Free text, 32 dev queries written for 32 articles
(``benchmarks/data/search_queries_dev.jsonl``), MRR: 1/2/0.5 gave 0.816 with static vectors
when chosen, 0.783 with today's gloss (BM25 alone 0.714; the earlier 0/2/1: 0.640). Hence
``DOC_WEIGHTS`` 1/1/2 and ``QUERY_WEIGHTS`` 1/2/0.5; the query weights were tuned on those 32
queries only. The topic distributions of a run (K = 9) fused with weight 1 lift label
precision@10 of a run's search from 0.647-0.652 to 0.670-0.673 over four config seeds
(``benchmarks/search_run_10kgnad.py``; 0.5: 0.665, 2: 0.672). Explicit ``weights`` replace both
defaults.

Examples
--------
>>> tokens = [["nato", "munition", "schweden"], ["wahl", "partei"], ["nato", "schweden"]]
>>> index = SearchIndex(mode="lexical").fit(["a", "b", "c"], tokens)
>>> [hit.id for hit in index.similar("a", k=1)]
['c']
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.errors import RunError
from toolkit.io import read_json, read_npy, write_json, write_npy
from toolkit.progress import status
from toolkit.search.ann import AnnIndex
from toolkit.search.dense import centred_rows, normalize_rows
from toolkit.search.lexical import LexicalIndex
from toolkit.search.ranking import FUSED_MODES, Hit, Ranker

FORMAT_VERSION = 2
MODES = ("hybrid", "dense", "lexical", "lsa", "topics")
DOC_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "lsa": 2.0, "topics": 1.0}
QUERY_WEIGHTS = {"dense": 1.0, "lexical": 2.0, "lsa": 0.5}

__all__ = ["DOC_WEIGHTS", "MODES", "QUERY_WEIGHTS", "Hit", "SearchIndex"]


class SearchIndex:
    """Nearest-article search over one corpus: configure, :meth:`fit`, query; or :meth:`load`.

    Parameters
    ----------
    mode : {"hybrid", "dense", "lexical", "lsa", "topics"}, default "hybrid"
        The mode queries use when they name none.
    rrf_k : int, default 60
        Reciprocal rank fusion's constant.
    weights : dict of str to float, optional
        Fusion weights of dense, lexical, lsa and topics for every query (default:
        ``DOC_WEIGHTS`` for article-to-article, ``QUERY_WEIGHTS`` for free text).
    bm25_k1, bm25_b : float
        BM25's parameters.
    ann_min_size : int, default 200000
        Build an approximate (HNSW) index for the dense vectors from this many documents on.
    ann_m, ann_ef_construction, ann_ef_search : int
        The HNSW graph's settings (see :class:`~toolkit.search.ann.AnnIndex`).
    ann_target_recall : float or None, default 0.95
        The build raises ``ef_search`` until the measured recall@10 reaches this; the value it
        chose is kept in ``index.json`` (``ann.ef_search``) and used when the index is loaded.
    seed : int, default 0
        Seed of the ANN graph and of its recall sample.

    Attributes
    ----------
    doc_ids : list of str
    lexical : LexicalIndex
    vectors : dict of str to ndarray
        Row-normalised ``dense``, ``lsa`` and ``topics`` (square roots) vectors, as given;
        ``dense`` with :attr:`dense_centre` taken out.
    dense_centre : ndarray (d,) or None
        The direction taken out of the dense vectors and of every dense query (the ``centre``
        given to :meth:`fit`).
    ann : AnnIndex or None
    """

    def __init__(
        self,
        *,
        mode: str = "hybrid",
        rrf_k: int = 60,
        weights: dict[str, float] | None = None,
        bm25_k1: float = 1.5,
        bm25_b: float = 0.75,
        ann_min_size: int = 200_000,
        ann_m: int = 16,
        ann_ef_construction: int = 200,
        ann_ef_search: int = 128,
        ann_target_recall: float | None = 0.95,
        seed: int = 0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.rrf_k = rrf_k
        self.weights = weights
        self.bm25_k1 = bm25_k1
        self.bm25_b = bm25_b
        self.ann_min_size = ann_min_size
        self.ann_m = ann_m
        self.ann_ef_construction = ann_ef_construction
        self.ann_ef_search = ann_ef_search
        self.ann_target_recall = ann_target_recall
        self.seed = seed
        self.doc_ids: list[str] = []
        self._positions: dict[str, int] = {}
        self.lexical = LexicalIndex(bm25_k1, bm25_b)
        self.vectors: dict[str, np.ndarray] = {}
        self.dense_centre: np.ndarray | None = None
        self.ann: AnnIndex | None = None

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters (JSON-ready)."""
        names = ("mode", "rrf_k", "weights", "bm25_k1", "bm25_b", "ann_min_size", "ann_m")
        names += ("ann_ef_construction", "ann_ef_search", "ann_target_recall", "seed")
        return {name: getattr(self, name) for name in names}

    # -----------------------------------------------------------------------------------------
    # building and storage

    def fit(
        self,
        doc_ids: list[str],
        doc_tokens: Iterable[Sequence[str]],
        dense: np.ndarray | None = None,
        lsa: np.ndarray | None = None,
        topics: np.ndarray | None = None,
        dense_centre: np.ndarray | None = None,
    ) -> SearchIndex:
        """Index a corpus.

        Parameters
        ----------
        doc_ids : list of str
            Unique document ids.
        doc_tokens : iterable of list of str
            Each document's tokens from the text pipeline, in the order of ``doc_ids``; read
            once, so a generator over partitions keeps one partition's strings at a time.
        dense, lsa : ndarray (N, d), optional
            Embedding / LSA vectors (normalised here if they are not).
        topics : ndarray (N, K), optional
            Topic distributions (rows sum to 1), for the ``topics`` mode.
        dense_centre : ndarray (d,), optional
            A direction to take out of the unit dense vectors and queries (the mean of the
            corpus's unit vectors: the search stage's ``search.centre_dense``).
        """
        n = len(doc_ids)
        if len(set(doc_ids)) != n:
            dupes = [d for d, c in Counter(doc_ids).items() if c > 1][:5]
            raise ValueError(f"duplicate document ids: {dupes}")
        arrays = {"dense": dense, "lsa": lsa, "topics": topics}
        for name, value in arrays.items():
            if value is not None and len(value) != n:
                raise ValueError(f"{name} has {len(value)} rows for {n} document ids")
        status(f"search: BM25 index over {n} documents")
        self.lexical = LexicalIndex(self.bm25_k1, self.bm25_b).fit(doc_tokens)
        if self.lexical.num_docs != n:
            raise ValueError(f"doc_tokens has {self.lexical.num_docs} rows for {n} document ids")
        self.doc_ids = list(doc_ids)
        self._positions = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        self.vectors = {}
        self.dense_centre = None
        if dense is not None:
            if dense_centre is not None:
                self.dense_centre = np.asarray(dense_centre, dtype=np.float32).reshape(-1)
                if self.dense_centre.shape != (np.shape(dense)[1],):
                    raise ValueError(
                        f"dense_centre of {self.dense_centre.size} dimensions for "
                        f"dense vectors of {np.shape(dense)[1]}"
                    )
            self.vectors["dense"] = centred_rows(dense, self.dense_centre)
        if lsa is not None:
            self.vectors["lsa"] = normalize_rows(lsa)
        if topics is not None:
            topics = np.asarray(topics, dtype=np.float64)
            if (topics < 0).any():
                raise ValueError("topics must be non-negative distributions")
            self.vectors["topics"] = normalize_rows(np.sqrt(topics))
        self.ann = self._fit_ann() if "dense" in self.vectors and n >= self.ann_min_size else None
        return self

    def _fit_ann(self) -> AnnIndex:
        """The HNSW graph over the dense vectors, its recall measured."""
        n = len(self.doc_ids)
        status(f"search: HNSW index over {n} vectors (from {self.ann_min_size} documents on)")
        ann = AnnIndex(
            self.ann_m, self.ann_ef_construction, self.ann_ef_search, self.ann_target_recall
        ).fit(self.vectors["dense"], seed=self.seed)
        status(f"search: HNSW recall@10 {ann.recall_at_10:.3f} at ef_search {ann.ef_search}")
        return ann

    def info(self) -> dict[str, Any]:
        """Parameters, sizes and ANN recall (the content of ``index.json``)."""
        return {
            "format_version": FORMAT_VERSION,
            "params": self.get_params(),
            "num_docs": len(self.doc_ids),
            "vocabulary_size": len(self.lexical.vocabulary),
            "vectors": {name: list(v.shape) for name, v in self.vectors.items()},
            "modes": self.available_modes(),
            "ann": None if self.ann is None else self.ann.info(),
            "dense_centred": self.dense_centre is not None,
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
        if self.dense_centre is not None:
            write_npy(folder / "dense_centre.npy", self.dense_centre)
        write_json(folder / "doc_ids.json", self.doc_ids)
        write_json(folder / "index.json", self.info())

    @classmethod
    def load(cls, folder: Path) -> SearchIndex:
        """Read an index written by :meth:`save`; vectors and BM25 arrays are memory-mapped."""
        folder = Path(folder)
        if not (folder / "index.json").is_file():
            raise RunError(f"no search index in {folder} (index.json missing)")
        info = read_json(folder / "index.json")
        if info.get("format_version") != FORMAT_VERSION:
            raise RunError(
                f"{folder / 'index.json'}: search index format {info.get('format_version')}, "
                f"not {FORMAT_VERSION}: written by another version; re-run the experiment"
            )
        index = cls(**info["params"])
        index.vectors = {n: read_npy(folder / f"{n}.npy", mmap=True) for n in info["vectors"]}
        if info.get("dense_centred"):
            index.dense_centre = read_npy(folder / "dense_centre.npy")
        if info["ann"] is not None:
            dim = index.vectors["dense"].shape[1]
            recall = info["ann"]["recall_at_10"]
            # the ef_search the build chose for its recall (older indexes: the configured one)
            ef_search = info["ann"].get("ef_search", index.ann_ef_search)
            index.ann = AnnIndex.load(folder / "ann.bin", dim, recall, ef_search)
        index.lexical = LexicalIndex.load(folder / "lexical", index.bm25_k1, index.bm25_b)
        index.doc_ids = [str(i) for i in read_json(folder / "doc_ids.json")]
        index._positions = {doc_id: i for i, doc_id in enumerate(index.doc_ids)}
        return index

    # -----------------------------------------------------------------------------------------
    # queries

    def vector_queries(
        self, query_dense: np.ndarray | None, query_lsa: np.ndarray | None
    ) -> dict[str, np.ndarray]:
        """A free-text query's vectors as the index compares them: unit rows, the dense one
        with :attr:`dense_centre` taken out like the articles'."""
        queries = {}
        if query_dense is not None and "dense" in self.vectors:
            queries["dense"] = centred_rows(np.reshape(query_dense, (1, -1)), self.dense_centre)[0]
        if query_lsa is not None and "lsa" in self.vectors:
            queries["lsa"] = normalize_rows(np.reshape(query_lsa, (1, -1)))[0]
        return queries

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
            One of :meth:`available_modes` (default: ``self.mode``).
        mask : ndarray of bool, optional
            One flag per document; only ``True`` documents are returned (filters by date,
            label, theme ... applied by the caller).
        """
        i = self.position(doc_id)
        mode = self.check_mode(mode)
        queries = {name: np.asarray(v[i], dtype=np.float32) for name, v in self.vectors.items()}
        term_ids, term_counts = self.lexical.doc_terms(i)
        queries["lexical"] = self.lexical.doc_query(i)
        weights = self.weights or DOC_WEIGHTS
        return self._ranker().run(mode, queries, (term_ids, term_counts), weights, k, mask, i)

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
        mode = self.check_mode(mode)
        if mode == "topics":
            raise ValueError(
                "the topics mode compares articles, not free text: ask for the articles like "
                "one article (similar, mode topics)"
            )
        queries = self.vector_queries(query_dense, query_lsa)
        ids = self.lexical.term_ids(list(query_tokens))
        if len(ids):
            queries["lexical"] = ids
        if not any(m in queries for m in FUSED_MODES) or (
            mode in FUSED_MODES and mode not in queries
        ):
            terms = list(query_tokens)[:10]
            raise ValueError(
                f"nothing to search for: none of the query's words {terms} occur in the corpus"
                if terms
                else "nothing to search for: the query has no words left after stopword removal"
            )
        distinct, counts = np.unique(ids, return_counts=True)
        weights = self.weights or QUERY_WEIGHTS
        unknown = len({t for t in query_tokens if t not in self.lexical.vocabulary})
        ranker = self._ranker()
        return ranker.run(mode, queries, (distinct, counts), weights, k, mask, None, unknown)

    def query_weights(self) -> dict[str, float]:
        """The fusion weights of a free-text query."""
        return self.weights or QUERY_WEIGHTS

    def check_mode(self, mode: str | None) -> str:
        """``mode`` (default ``self.mode``) if this index can answer it, else a RunError."""
        mode = mode or self.mode
        if mode not in self.available_modes():
            raise RunError(
                f"search mode {mode!r} is not available in this index; available: "
                f"{', '.join(self.available_modes())}"
            )
        return mode

    def _ranker(self) -> Ranker:
        return Ranker(self.doc_ids, self.lexical, self.vectors, self.ann, self.rrf_k)
