"""``ShardedIndex``: nearest-article search over an index cut into shards of consecutive articles.

Building one index over millions of articles needs every token count in one process, so a
large corpus is indexed as shards, each a :class:`~toolkit.search.index.SearchIndex` built by
its own task from memory-mapped vectors. A query asks every shard for its best candidates per
mode and merges them by score:

* the vector modes (``dense``, ``lsa``, ``topics``) score by cosine, which means the same in
  every shard: the merged top-k is exactly one index's top-k (within a shard large enough for
  an HNSW graph, as approximate as that graph);
* ``lexical``: BM25 weighs terms by each shard's own statistics (IDF, mean length), so across
  shards the merge approximates one index's ranking (the agreement is measured by
  ``benchmarks/dask_scale.py``);
* ``hybrid``: reciprocal rank fusion of the merged rankings of each mode.

Examples
--------
>>> tokens = [["nato", "munition"], ["wahl", "partei"], ["nato", "munition", "gipfel"]]
>>> vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]])
>>> shards = [SearchIndex(mode="dense").fit(["a", "b"], tokens[:2], dense=vectors[:2]),
...           SearchIndex(mode="dense").fit(["c"], tokens[2:], dense=vectors[2:])]
>>> [hit.id for hit in ShardedIndex(shards).similar("a", k=2)]
['c', 'b']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.errors import RunError
from toolkit.io import read_json, write_json
from toolkit.search.fusion import weighted_rrf
from toolkit.search.index import DOC_WEIGHTS, QUERY_WEIGHTS, SearchIndex
from toolkit.search.ranking import FUSED_MODES, FUSION_DEPTH, Hit

SHARDS_FILE = "shards.json"


def write_listing(folder: Path, names: list[str]) -> None:
    """``shards.json``: the shards' folders below ``folder``, in corpus order."""
    write_json(Path(folder) / SHARDS_FILE, {"shards": list(names)})


@dataclass
class _Query:
    """A query in words and vectors, which every shard translates into its own term ids."""

    vectors: dict[str, np.ndarray]
    terms: list[str]  # what BM25 searches for (repeats count; words no shard knows included)
    explain: dict[str, int]  # the query's terms and counts, for the shared terms of a hit


class ShardedIndex:
    """Shards of one corpus's index, queried as one (the interface of ``SearchIndex``).

    Parameters
    ----------
    shards : list of SearchIndex
        Indexes of consecutive runs of documents, in corpus order, built with equal parameters.
    """

    def __init__(self, shards: list[SearchIndex]) -> None:
        if not shards:
            raise ValueError("a sharded index needs at least one shard")
        self.shards = shards
        first = shards[0]
        self.mode, self.rrf_k, self.weights = first.mode, first.rrf_k, first.weights
        self.offsets = np.concatenate([[0], np.cumsum([len(s.doc_ids) for s in shards])])
        self.doc_ids = [doc_id for shard in shards for doc_id in shard.doc_ids]
        self._positions = {doc_id: i for i, doc_id in enumerate(self.doc_ids)}
        self._rankers = [shard._ranker() for shard in shards]

    # -- what SearchIndex offers -------------------------------------------------------------

    def available_modes(self) -> list[str]:
        return self.shards[0].available_modes()

    def check_mode(self, mode: str | None) -> str:
        return self.shards[0].check_mode(mode)

    def query_weights(self) -> dict[str, float]:
        return self.shards[0].query_weights()

    def position(self, doc_id: str) -> int:
        """Position of ``doc_id`` in the corpus; an unknown id is a :class:`RunError`."""
        try:
            return self._positions[doc_id]
        except KeyError:
            raise RunError(f"unknown document id {doc_id!r}") from None

    def info(self) -> dict[str, Any]:
        """Parameters, sizes and modes, and every shard's own ``info``."""
        return {
            "num_docs": len(self.doc_ids),
            "modes": self.available_modes(),
            "shards": [shard.info() for shard in self.shards],
        }

    def save(self, folder: Path) -> None:
        """Each shard into ``folder/shard-00000`` …, and ``shards.json`` listing them."""
        names = [f"shard-{i:05d}" for i in range(len(self.shards))]
        for name, shard in zip(names, self.shards, strict=True):
            shard.save(Path(folder) / name)
        write_listing(Path(folder), names)

    @classmethod
    def load(cls, folder: Path) -> ShardedIndex:
        names = read_json(Path(folder) / SHARDS_FILE)["shards"]
        return cls([SearchIndex.load(Path(folder) / name) for name in names])

    # -- queries -----------------------------------------------------------------------------

    def similar(
        self, doc_id: str, k: int = 10, mode: str | None = None, mask: np.ndarray | None = None
    ) -> list[Hit]:
        """The ``k`` articles nearest to article ``doc_id`` (as :meth:`SearchIndex.similar`)."""
        position = self.position(doc_id)
        mode = self.check_mode(mode)
        number, local = self._locate(position)
        shard = self.shards[number]
        vectors = {
            name: np.asarray(v[local], dtype=np.float32) for name, v in shard.vectors.items()
        }
        terms = [shard.lexical.terms[i] for i in shard.lexical.doc_query(local)]
        ids, counts = shard.lexical.doc_terms(local)
        explain = {shard.lexical.terms[i]: int(c) for i, c in zip(ids, counts, strict=True)}
        query = _Query(vectors, terms, explain)
        return self._run(mode, query, self.weights or DOC_WEIGHTS, k, mask, position)

    def search(
        self,
        query_tokens: list[str],
        query_dense: np.ndarray | None = None,
        query_lsa: np.ndarray | None = None,
        k: int = 10,
        mode: str | None = None,
        mask: np.ndarray | None = None,
    ) -> list[Hit]:
        """The ``k`` articles nearest to a free-text query (as :meth:`SearchIndex.search`)."""
        mode = self.check_mode(mode)
        if mode == "topics":
            raise ValueError(
                "the topics mode compares articles: use similar(doc_id, mode='topics')"
            )
        # every shard was built with the same centre: the first one's turns the query
        vectors = self.shards[0].vector_queries(query_dense, query_lsa)
        tokens = list(query_tokens)
        known = [t for t in tokens if any(t in s.lexical.vocabulary for s in self.shards)]
        searchable = {*vectors, *(["lexical"] if known else [])}
        if not searchable or (mode in FUSED_MODES and mode not in searchable):
            raise ValueError(
                f"nothing to search for: none of the query's words {tokens[:10]} occur in the "
                "corpus"
                if tokens
                else "nothing to search for: the query has no words left after stopword removal"
            )
        explain = {t: known.count(t) for t in dict.fromkeys(known)}
        query = _Query(vectors, tokens, explain)
        return self._run(mode, query, self.weights or QUERY_WEIGHTS, k, mask, None)

    # -- merging the shards ------------------------------------------------------------------

    def _locate(self, position: int) -> tuple[int, int]:
        number = int(np.searchsorted(self.offsets, position, side="right")) - 1
        return number, position - int(self.offsets[number])

    def _shard_query(self, number: int, query: _Query) -> tuple[dict[str, np.ndarray], Any, int]:
        """The query in shard ``number``'s term ids: the mode queries, the explanation terms
        (ids, counts) and how many distinct query words the shard does not know."""
        lexical = self.shards[number].lexical
        queries = dict(query.vectors)
        ids = lexical.term_ids(query.terms)
        if len(ids):
            queries["lexical"] = ids
        known = [t for t in query.explain if t in lexical.vocabulary]
        explain_ids = lexical.term_ids(known)
        counts = np.array([query.explain[t] for t in known], dtype=np.int64)
        order = np.argsort(explain_ids, kind="stable")
        unknown = len({t for t in query.terms if t not in lexical.vocabulary})
        return queries, (explain_ids[order], counts[order]), unknown

    def _window(self, number: int, mask: np.ndarray | None, exclude: int | None) -> tuple:
        start, stop = int(self.offsets[number]), int(self.offsets[number + 1])
        local_mask = None if mask is None else np.asarray(mask, dtype=bool)[start:stop]
        local_exclude = exclude - start if exclude is not None and start <= exclude < stop else None
        return start, local_mask, local_exclude

    def _candidates(
        self, mode: str, queries: list[dict[str, np.ndarray]], depth: int, mask: Any, exclude: Any
    ) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
        """The ``depth`` best documents of one mode over all shards (global positions, scores),
        and each shard's full score array where the mode computed one."""
        positions, scores, full = [], [], {}
        for number, ranker in enumerate(self._rankers):
            if mode not in queries[number]:
                continue
            start, local_mask, local_exclude = self._window(number, mask, exclude)
            query = queries[number][mode]
            ranked, every = ranker.ranking(mode, query, depth, local_mask, local_exclude)
            if every is not None:
                full[number] = every
            positions.append(np.asarray(ranked, dtype=np.int64) + start)
            scores.append([ranker.score_of(mode, query, int(i), every) for i in ranked])
        if not positions:
            return np.empty(0, np.int64), np.empty(0), full
        merged, values = np.concatenate(positions), np.concatenate(scores)
        order = np.lexsort((merged, -values))[:depth]
        return merged[order], values[order], full

    def _run(
        self,
        mode: str,
        query: _Query,
        weights: dict[str, float],
        k: int,
        mask: np.ndarray | None,
        exclude: int | None,
    ) -> list[Hit]:
        if mask is not None and np.shape(mask) != (len(self.doc_ids),):
            raise ValueError(f"mask has shape {np.shape(mask)}; expected ({len(self.doc_ids)},)")
        translated = [self._shard_query(n, query) for n in range(len(self.shards))]
        queries = [q for q, _, _ in translated]
        if mode == "hybrid":
            results = self._fuse(queries, weights, k, mask, exclude)
        else:
            ranked, values, _ = self._candidates(mode, queries, k, mask, exclude)
            results = [(int(i), float(v), {}) for i, v in zip(ranked, values, strict=True)]
        hits = []
        for rank, (position, score, components) in enumerate(results, start=1):
            number, local = self._locate(position)
            mode_queries, terms, unknown = translated[number]
            ranker = self._rankers[number]
            shared, match = ranker.explain(local, terms, mode_queries, exclude is not None, unknown)
            doc_id = self.doc_ids[position]
            hits.append(Hit(position, doc_id, score, rank, components, shared, match))
        return hits

    def _fuse(
        self,
        queries: list[dict[str, np.ndarray]],
        weights: dict[str, float],
        k: int,
        mask: Any,
        exclude: Any,
    ) -> list[tuple[int, float, dict[str, float]]]:
        """Weighted reciprocal rank fusion of the merged rankings (as ``Ranker.fuse``)."""
        depth = max(FUSION_DEPTH, k)
        present = [m for m in FUSED_MODES if any(m in q for q in queries)]
        modes = [m for m in present if weights.get(m, 0.0) > 0]
        if not modes:
            modes, weights = present, dict.fromkeys(present, 1.0)
        rankings, full = {}, {}
        for m in modes:
            rankings[m], _, full[m] = self._candidates(m, queries, depth, mask, exclude)
        fused = weighted_rrf(rankings, weights, self.rrf_k)
        best_possible = sum(weights[m] for m in modes) / (self.rrf_k + 1)
        rank_of = {
            m: {int(i): r for r, i in enumerate(ranked, 1)} for m, ranked in rankings.items()
        }
        results = []
        for position in sorted(fused, key=lambda i: (-fused[i], i))[:k]:
            number, local = self._locate(position)
            components: dict[str, float] = {}
            for m in modes:
                query = queries[number].get(m)
                ranker = self._rankers[number]
                components[m] = (
                    0.0 if query is None else ranker.score_of(m, query, local, full[m].get(number))
                )
                if position in rank_of[m]:
                    components[f"{m}_rank"] = float(rank_of[m][position])
            results.append((position, fused[position] / best_possible, components))
        return results
