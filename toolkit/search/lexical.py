"""BM25 over the text pipeline's lemmas (``bm25s``), plus the per-document term counts.

The term counts (a document × term CSR matrix) serve two purposes: a document used as a query
is reduced to its most distinctive terms, and a hit is explained by the distinctive terms it
shares with the query.

Examples
--------
>>> lex = LexicalIndex().fit([["nato", "munition"], ["wahl", "partei"], ["nato"]])
>>> lex.scores(["munition"]).argmax()
np.int64(0)
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from toolkit.io import copy_tree_atomic, read_npy, write_npy

if TYPE_CHECKING:
    import bm25s

# A document used as a query is cut to its top TF-IDF terms. On 10kgnad (label precision@10 of
# BM25 alone) 10 terms: 0.470, 30: 0.531, 50: 0.573, 100: 0.591, the whole text: 0.588; 100
# terms match the whole text's quality at a bounded query cost for long articles.
DOC_QUERY_TERMS = 100


class LexicalIndex:
    """BM25 scores and document term counts.

    Parameters
    ----------
    k1 : float, default 1.5
        BM25's term-frequency saturation.
    b : float, default 0.75
        BM25's length normalisation.

    Attributes
    ----------
    vocabulary : dict of str to int
        Term -> term id.
    idf : ndarray (V,)
        Smoothed inverse document frequency ``log(1 + (N - df + 0.5) / (df + 0.5))`` per term id.
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._bm25: bm25s.BM25 | None = None
        self.vocabulary: dict[str, int] = {}
        self.idf = np.empty(0)
        self._terms: list[str] | None = None
        self._indptr = np.zeros(1, dtype=np.int64)
        self._term_ids = np.empty(0, dtype=np.int32)
        self._counts = np.empty(0, dtype=np.int32)

    def fit(self, doc_tokens: Iterable[Sequence[str]]) -> LexicalIndex:
        """Index the token lists of the documents, read once, one document at a time.

        Each document is turned into term ids as it is read, so a stream of documents (a
        search shard reads its partitions one by one) never holds every token string: on
        50,000 synthetic articles the strings took 11 KB an article, their ids 1 KB.
        """
        import bm25s  # here: it loads numba, which a run read from the cache does not need

        bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        # term ids in order of first appearance: bm25s's own vocabulary comes from a set, whose
        # order changes with Python's hash seed, i.e. from one process to the next
        vocabulary: dict[str, int] = {}
        ids: list[list[int]] = []
        indptr = [0]
        term_ids: list[int] = []
        counts: list[int] = []
        for tokens in doc_tokens:
            doc = [vocabulary.setdefault(t, len(vocabulary)) for t in tokens]
            ids.append(doc)
            tf = Counter(doc)
            distinct = sorted(tf)
            term_ids.extend(distinct)
            counts.extend(tf[i] for i in distinct)
            indptr.append(len(term_ids))
        bm25.index((ids, vocabulary), show_progress=False)
        del ids
        self._bm25 = bm25
        # bm25s adds the empty token to the vocabulary it was given, after the corpus's terms
        self.vocabulary = dict(bm25.vocab_dict)
        self._indptr = np.asarray(indptr, dtype=np.int64)
        self._term_ids = np.asarray(term_ids, dtype=np.int32)
        self._counts = np.asarray(counts, dtype=np.int32)
        df = np.bincount(self._term_ids, minlength=len(self.vocabulary))
        n = self.num_docs
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5))
        return self

    @property
    def num_docs(self) -> int:
        return len(self._indptr) - 1

    def term_ids(self, tokens: list[str]) -> np.ndarray:
        """Ids of the known ``tokens`` (unknown ones dropped, repeats kept)."""
        return np.asarray(
            [self.vocabulary[t] for t in tokens if t in self.vocabulary], dtype=np.int64
        )

    @property
    def terms(self) -> list[str]:
        """Term per term id (built on first use)."""
        if self._terms is None:
            self._terms = [""] * len(self.vocabulary)
            for term, i in self.vocabulary.items():
                self._terms[i] = term
        return self._terms

    def doc_terms(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """``(term ids, counts)`` of document ``index``."""
        start, end = self._indptr[index], self._indptr[index + 1]
        return np.asarray(self._term_ids[start:end]), np.asarray(self._counts[start:end])

    def scores(self, query_ids: np.ndarray | list[str]) -> np.ndarray:
        """BM25 score of every document for a query given as tokens or term ids."""
        if self._bm25 is None:
            raise RuntimeError("LexicalIndex is not fitted")
        if len(query_ids) and isinstance(query_ids[0], str):
            query_ids = self.term_ids(list(query_ids))
        if len(query_ids) == 0:
            return np.zeros(self.num_docs, dtype=np.float32)
        return self._bm25.get_scores_from_ids(np.asarray(query_ids).tolist())

    def doc_query(self, index: int, num_terms: int | None = DOC_QUERY_TERMS) -> np.ndarray:
        """Term ids of document ``index``'s ``num_terms`` highest TF-IDF terms (all if None)."""
        ids, counts = self.doc_terms(index)
        if num_terms is None or len(ids) <= num_terms:
            return ids
        weight = counts * self.idf[ids]
        # ties broken by term id so the query is the same on every run
        order = np.lexsort((ids, -weight))[:num_terms]
        return ids[order]

    def save(self, folder: Path) -> None:
        """Write bm25s's own format (npy + JSON, no pickle) and the term counts (npy)."""
        if self._bm25 is None:
            raise RuntimeError("LexicalIndex is not fitted")
        folder = Path(folder)
        with tempfile.TemporaryDirectory(
            dir=folder.parent if folder.parent.exists() else None
        ) as tmp:
            self._bm25.save(tmp, allow_pickle=False)
            copy_tree_atomic(tmp, folder / "bm25")
        write_npy(folder / "doc_term_indptr.npy", self._indptr)
        write_npy(folder / "doc_term_ids.npy", self._term_ids)
        write_npy(folder / "doc_term_counts.npy", self._counts)
        write_npy(folder / "idf.npy", self.idf)

    @classmethod
    def load(cls, folder: Path, k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        """Read an index written by :meth:`save`, memory-mapping its arrays."""
        folder = Path(folder)
        lex = cls(k1=k1, b=b)
        import bm25s

        lex._bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, allow_pickle=False)
        lex.vocabulary = dict(lex._bm25.vocab_dict)
        lex._indptr = read_npy(folder / "doc_term_indptr.npy", mmap=True)
        lex._term_ids = read_npy(folder / "doc_term_ids.npy", mmap=True)
        lex._counts = read_npy(folder / "doc_term_counts.npy", mmap=True)
        lex.idf = read_npy(folder / "idf.npy", mmap=True)
        return lex
