"""The clusters stage: articles (or paragraphs) reduced, clustered, labelled and evaluated."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from toolkit.clusters import ClusterResult, Reduction, combine_vectors, fit_clusters
from toolkit.experiment.schema import ClustersConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.embeddings import EmbeddingsOutput, EmbeddingsStage
from toolkit.experiment.stages.text import TextStage


def cluster_input(cfg: ClustersConfig, emb: EmbeddingsOutput) -> np.ndarray:
    """The vectors the section asks to cluster, of articles or of paragraphs."""
    paragraphs = cfg.unit == "paragraph"
    model = np.asarray(
        emb.embeddings.paragraph_vectors if paragraphs else emb.embeddings.doc_vectors
    )
    lsa = np.asarray(emb.lsa_paragraph_vectors if paragraphs else emb.lsa_doc_vectors)
    if cfg.vectors == "embeddings":
        return model
    if cfg.vectors == "lsa":
        return lsa
    return combine_vectors([model, lsa], [1.0, 1.0])


def cluster_params(cfg: ClustersConfig) -> dict[str, Any]:
    """The ``clusters`` section as :func:`~toolkit.clusters.fit_clusters` parameters."""
    params = cfg.model_dump(exclude={"unit", "vectors", "reduce"})
    return {"reduction": Reduction(**cfg.reduce.model_dump()), **params}


class ClustersStage(Stage[ClusterResult]):
    name: ClassVar[str] = "clusters"
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ClusterResult:
        cfg = config.clusters
        documents = inputs[CorpusStage].documents
        tokens = inputs[TextStage].tokens
        labels = [d.label for d in documents]
        if cfg.unit == "paragraph":
            index, unit_tokens = tokens.paragraph_units()
            unit_ids = [f"{documents[d].id}#{p}" for d, p in index]
            labels = [labels[d] for d, _ in index]
        else:
            index, unit_ids, unit_tokens = None, [d.id for d in documents], tokens.documents()
        result = fit_clusters(
            unit_ids,
            cluster_input(cfg, inputs[EmbeddingsStage]),
            unit_tokens,
            **cluster_params(cfg),
            seed=config.seed,
            true_labels=labels if any(label is not None for label in labels) else None,
        )
        if index is not None:
            # clusters.csv keeps doc_id a real document id and says which paragraph
            result.assignments["doc_id"] = [documents[d].id for d, _ in index]
            result.assignments.insert(1, "paragraph", [p for _, p in index])
        return result

    def save(self, output: ClusterResult, folder: Path, config: ExperimentConfig) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ClusterResult:
        return ClusterResult.load(folder)

    def metrics(self, output: ClusterResult) -> dict[str, Any]:
        return output.metrics
