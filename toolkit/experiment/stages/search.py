"""The search stage: the index for nearest articles (BM25, LSA, dense vectors, topics).

The index is built by tasks, one per shard of at most ``compute.shard_size`` articles (whole
partitions), each from its partitions' tokens and its rows of the memory-mapped vectors. A
corpus that fits one shard gets one :class:`~toolkit.search.SearchIndex` in ``search/``; a
larger one gets ``search/shard-00000/`` … and ``shards.json``, queried across the shards by
:class:`~toolkit.search.sharded.ShardedIndex`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.clusters.combine import mean_direction
from toolkit.errors import ToolkitWarning
from toolkit.experiment.partitions import Once, sample_positions
from toolkit.experiment.schema import ExperimentConfig, SearchConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.embeddings import EmbeddingsStage
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.io import read_npy
from toolkit.search import SearchIndex
from toolkit.search.sharded import SHARDS_FILE, ShardedIndex, write_listing
from toolkit.text.parquet import read_token_ids, read_tokens

# below this many articles their mean is more the articles themselves than the direction a
# model's vectors of the corpus share (one article would be centred to nothing)
CENTRE_MIN_DOCS = 20


def search_params(cfg: SearchConfig, seed: int) -> dict[str, Any]:
    """The ``search`` section as :class:`~toolkit.search.SearchIndex` parameters."""
    return {
        "mode": cfg.mode,
        "rrf_k": cfg.rrf_k,
        "weights": cfg.weights,
        "bm25_k1": cfg.bm25_k1,
        "bm25_b": cfg.bm25_b,
        "ann_min_size": cfg.ann.min_size,
        "ann_m": cfg.ann.M,
        "ann_ef_construction": cfg.ann.ef_construction,
        "ann_ef_search": cfg.ann.ef_search,
        "ann_target_recall": cfg.ann.target_recall,
        "seed": seed,
    }


@dataclass(frozen=True)
class ShardJob:
    """One shard: its token partitions, its rows ``[start, stop)`` and its folder."""

    number: int
    tokens: tuple[Path, ...]
    start: int
    stop: int
    target: Path


def shard_jobs(counts: list[int], tokens: list[Path], size: int, out: Path) -> list[ShardJob]:
    """Consecutive partitions grouped into shards of at most ``size`` articles (at least one
    partition each); a single shard is written to ``out`` itself.

    >>> [(j.start, j.stop) for j in shard_jobs([3, 3, 3], [Path(str(i)) for i in range(3)], 6,
    ...                                         Path("out"))]
    [(0, 6), (6, 9)]
    """
    groups: list[list[int]] = [[]]
    for number, count in enumerate(counts):
        if groups[-1] and sum(counts[i] for i in groups[-1]) + count > size:
            groups.append([])
        groups[-1].append(number)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return [
        ShardJob(
            n,
            tuple(tokens[i] for i in group),
            int(starts[group[0]]),
            int(starts[group[-1] + 1]),
            out if len(groups) == 1 else out / f"shard-{n:05d}",
        )
        for n, group in enumerate(groups)
    ]


def shard_tokens(paths: Sequence[Path]) -> Iterator[list[str]]:
    """Each article's tokens, one partition read at a time.

    A shard of 250,000 articles held as token strings took 2.8 GB (11 KB an article): read
    this way, only one partition's strings are alive while the index turns them into ids.
    """
    for path in paths:
        for doc in read_tokens(path)[1]:
            yield [t for par in doc for t in par]


def build_shard(
    job: ShardJob,
    params: dict[str, Any],
    vectors: dict[str, str],
    topics: np.ndarray | None,
    dense_centre: np.ndarray | None = None,
) -> dict[str, Any]:
    """Task: the index of one shard, from its tokens and its rows of the vector files (and of
    the topic shares of every document, ``topics``); ``dense_centre`` is the same for all."""
    doc_ids = [doc_id for path in job.tokens for doc_id in read_token_ids(path)]
    rows = {name: read_npy(path, mmap=True)[job.start : job.stop] for name, path in vectors.items()}
    shard_topics = None if topics is None else topics[job.start : job.stop]
    index = SearchIndex(**params)
    tokens = shard_tokens(job.tokens)
    index.fit(doc_ids, tokens, topics=shard_topics, dense_centre=dense_centre, **rows)
    index.save(job.target)
    return {"documents": len(doc_ids)}


def dense_centre(path: str, total: int, config: ExperimentConfig) -> np.ndarray | None:
    """The mean of the sample's unit article vectors (every article's in a corpus that fits
    the sample), read from the memory-mapped file; every shard takes it out of its vectors.

    On 10kGNAD (the gloss vectors) it raised the dense channel's label precision@10 from
    0.616 to 0.656 (README, *Search*). None where the search does not centre: switched off
    (``search.centre_dense``), for LSA as the model (its vectors share no such direction:
    centring them cost the clusters), and below :data:`CENTRE_MIN_DOCS` fitted articles.
    """
    if not config.search.centre_dense or config.embeddings.backend == "lsa":
        return None
    positions = sample_positions(total, config.compute.sample, config.seed)
    if (total if positions is None else len(positions)) < CENTRE_MIN_DOCS:
        return None
    vectors = read_npy(path, mmap=True)
    return mean_direction(vectors if positions is None else vectors[positions])


def shard_anns(info: dict[str, Any]) -> list[dict[str, Any] | None]:
    """Each shard's approximate-index report (``None`` where search is exact), from the
    ``info()`` of one index or of a sharded one."""
    return [shard["ann"] for shard in info.get("shards", [info])]


def warn_below_target_recall(index: SearchIndex | ShardedIndex, target: float | None) -> None:
    """A warning for each approximate index whose measured recall stayed below ``target``
    (the shards are built on the workers: the run hears of it here, on the client)."""
    anns = shard_anns(index.info())
    for number, ann in enumerate(anns):
        if ann is None or target is None or ann["recall_at_10"] >= target:
            continue
        where = "" if len(anns) == 1 else f" of shard {number}"
        warnings.warn(
            f"search: the approximate index{where} finds {ann['recall_at_10']:.3f} of the "
            f"exact 10 nearest articles at ef_search {ann['ef_search']}, below "
            f"search.ann.target_recall {target}: its articles' neighbours lie close together. "
            "Raise search.ann.M (slower to build) or search.ann.min_size (exact search)",
            ToolkitWarning,
            stacklevel=2,
        )


class SearchStage(Stage[SearchIndex | ShardedIndex]):
    name: ClassVar[str] = "search"
    # 5: the dense vectors centred (search.centre_dense)
    version: ClassVar[int] = 5
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")
    optional: ClassVar[tuple[str, ...]] = ("embeddings", "topics")

    def needs(self, config: ExperimentConfig) -> tuple[str, ...]:
        # the dense and hybrid modes need model vectors; the others use what ran
        if config.search.mode in ("dense", "hybrid"):
            return (*self.requires, "embeddings")
        return self.requires

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return {**super().settings(config), "shard_size": config.compute.shard_size}

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> SearchIndex | ShardedIndex:
        text = inputs[TextStage]
        emb = inputs.get(EmbeddingsStage)
        topics = inputs.get(TopicsStage)
        vectors = {}
        if emb is not None:
            vectors = {
                "dense": str(emb.folder / "doc_vectors.npy"),
                "lsa": str(emb.folder / "lsa" / "doc_vectors.npy"),
            }
        total = len(text.partitions)
        centre = None if emb is None else dense_centre(vectors["dense"], total, config)
        out = inputs.work_folder() / "out"
        counts = list(text.partitions.counts)
        todo = shard_jobs(counts, text.partitions.paths, config.compute.shard_size, out)
        inputs.compute.map_partitions(
            Once(build_shard),
            todo,
            desc="search: indexing",
            params=search_params(config.search, config.seed),
            vectors=vectors,
            topics=None if topics is None else np.asarray(topics.doc_topics),
            dense_centre=centre,
        )
        if len(todo) > 1:
            write_listing(out, [job.target.name for job in todo])
        index = self.load(out, config)
        warn_below_target_recall(index, config.search.ann.target_recall)
        return index

    def save(self, output: SearchIndex | ShardedIndex, folder: Path, config: Any) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> SearchIndex | ShardedIndex:
        if (folder / SHARDS_FILE).is_file():
            return ShardedIndex.load(folder)
        return SearchIndex.load(folder)

    def metrics(self, output: SearchIndex | ShardedIndex) -> dict[str, Any]:
        info = output.info()
        ann = shard_anns(info)
        return {
            "documents": info["num_docs"],
            "modes": info["modes"],
            "ann": ann[0] if len(ann) == 1 else ann,
            **({"shards": len(ann)} if len(ann) > 1 else {}),
        }
