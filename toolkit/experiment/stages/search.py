"""The search stage: the index for nearest articles (BM25, LSA, dense vectors, topics)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.experiment.schema import ExperimentConfig, SearchConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.embeddings import EmbeddingsStage
from toolkit.experiment.stages.text import TextStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.search import SearchIndex


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
        "seed": seed,
    }


class SearchStage(Stage[SearchIndex]):
    name: ClassVar[str] = "search"
    version: ClassVar[int] = 2
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text")
    optional: ClassVar[tuple[str, ...]] = ("embeddings", "topics")

    def needs(self, config: ExperimentConfig) -> tuple[str, ...]:
        # the dense and hybrid modes need model vectors; the others use what ran
        if config.search.mode in ("dense", "hybrid"):
            return (*self.requires, "embeddings")
        return self.requires

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> SearchIndex:
        text = inputs[TextStage]
        emb = inputs.get(EmbeddingsStage)
        topics = inputs.get(TopicsStage)
        return SearchIndex(**search_params(config.search, config.seed)).fit(
            list(text.tokens.doc_ids),
            text.tokens.documents(),
            dense=None if emb is None else np.asarray(emb.embeddings.doc_vectors),
            lsa=None if emb is None else np.asarray(emb.lsa_doc_vectors),
            topics=None if topics is None else np.asarray(topics.doc_topics),
        )

    def save(self, output: SearchIndex, folder: Path, config: ExperimentConfig) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> SearchIndex:
        return SearchIndex.load(folder)

    def metrics(self, output: SearchIndex) -> dict[str, Any]:
        info = output.info()
        return {"documents": info["num_docs"], "modes": info["modes"], "ann": info["ann"]}
