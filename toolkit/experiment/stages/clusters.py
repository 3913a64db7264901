"""The clusters stage: articles (or paragraphs) reduced, clustered, labelled and evaluated.

Reduction, clustering and labels are fitted on the client, on the sample (every article of a
corpus that fits ``compute.sample``). Beyond the sample, each partition's units join the
cluster with the most similar mean vector (:class:`~toolkit.clusters.centroids.NearestCentroid`)
in a task; they have no place on the 2-D map (``x``, ``y`` and the reduced vectors are NaN), and
the metrics are those of the fitted sample.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from toolkit.clusters import ClusterResult, Reduction, combine_vectors, fit_clusters
from toolkit.clusters.centroids import NearestCentroid
from toolkit.clusters.combine import mean_direction
from toolkit.corpus.parquet import read_columns
from toolkit.experiment.partitions import Job, Once, jobs, sample_positions, stack_npy
from toolkit.experiment.schema import ClustersConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.experiment.stages.corpus import CorpusStage
from toolkit.experiment.stages.embeddings import EmbeddingsOutput, EmbeddingsStage
from toolkit.experiment.stages.text import TextStage
from toolkit.io import read_npy, write_npy


def vector_files(cfg: ClustersConfig, emb: EmbeddingsOutput) -> list[Path]:
    """The files of the vectors the section asks to cluster (of articles or of paragraphs)."""
    kind = "paragraph_vectors.npy" if cfg.unit == "paragraph" else "doc_vectors.npy"
    model, lsa = emb.folder / kind, emb.folder / "lsa" / kind
    return {"embeddings": [model], "lsa": [lsa], "combined": [model, lsa]}[cfg.vectors]


def model_centre(cfg: ClustersConfig, files: list[Path], rows: np.ndarray) -> np.ndarray | None:
    """The direction the model's vectors of the fitted ``rows`` share, taken out of every unit
    before clustering (``clusters.centre_embeddings``, :mod:`toolkit.clusters.combine`); None
    for LSA alone or when switched off."""
    if not cfg.centre_embeddings or cfg.vectors == "lsa":
        return None
    # a slice stays memory-mapped: mean_direction reads it a chunk at a time
    return mean_direction(read_npy(files[0], mmap=True)[rows])


def unit_vectors(
    files: list[str | Path], rows: slice | np.ndarray, centre: np.ndarray | None = None
) -> np.ndarray:
    """Rows ``rows`` of the cluster input: one kind of vectors, or both combined; ``centre``
    is taken out of the first kind (the model's)."""
    blocks = [np.asarray(read_npy(path, mmap=True)[rows]) for path in files]
    centres = [centre] + [None] * (len(blocks) - 1)
    return combine_vectors(blocks, [1.0] * len(blocks), centres)


def cluster_params(cfg: ClustersConfig) -> dict[str, Any]:
    """The ``clusters`` section as :func:`~toolkit.clusters.fit_clusters` parameters."""
    params = cfg.model_dump(exclude={"unit", "vectors", "reduce", "centre_embeddings"})
    return {"reduction": Reduction(**cfg.reduce.model_dump()), **params}


def assign_partition(
    job: Job,
    model: NearestCentroid,
    files: list[str],
    bounds: np.ndarray,
    centre: np.ndarray | None = None,
) -> dict[str, Any]:
    """Task: the nearest cluster of every unit of one partition (rows ``bounds[i]:bounds[i+1]``
    of the vector files, ``centre`` as in :func:`unit_vectors`), written as npy."""
    rows = slice(int(bounds[job.number]), int(bounds[job.number + 1]))
    write_npy(job.target, model.predict(unit_vectors(files, rows, centre)).astype(np.int64))
    return {"units": rows.stop - rows.start}


def unit_id(doc_ids: list[str], document: int, paragraph: int) -> str:
    """An article's id, or ``<id>#<paragraph>`` for a paragraph."""
    return doc_ids[document] if paragraph < 0 else f"{doc_ids[document]}#{paragraph}"


def _column(parts: Any, name: str) -> list[Any]:
    return [v for path in parts.paths for v in read_columns(path, [name]).column(name).to_pylist()]


class ClustersStage(Stage[ClusterResult]):
    name: ClassVar[str] = "clusters"
    version: ClassVar[int] = 4  # 3: label words chosen for co-occurrence; 4: centred model
    requires: ClassVar[tuple[str, ...]] = ("corpus", "text", "embeddings")

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        return {**super().settings(config), "sample": config.compute.sample}

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> ClusterResult:
        cfg, emb = config.clusters, inputs[EmbeddingsStage]
        parts = inputs[CorpusStage].partitions
        positions = sample_positions(len(parts), config.compute.sample, config.seed)
        doc_ids = _column(parts, "id")
        # the units, (document, paragraph or -1): articles, or the rows of paragraph vectors
        if cfg.unit == "paragraph":
            units = np.asarray(emb.embeddings.paragraph_index, dtype=np.int64)
        else:
            units = np.column_stack([np.arange(len(doc_ids)), np.full(len(doc_ids), -1)])
        chosen = np.ones(len(units), bool)
        if positions is not None:
            chosen = np.isin(units[:, 0], positions)
        files = vector_files(cfg, emb)
        centre = model_centre(cfg, files, np.flatnonzero(chosen))
        fitted = self._fit(config, inputs, positions, units[chosen], chosen, doc_ids, files, centre)
        if positions is not None:
            fitted = self._assign(inputs, fitted, chosen, files, units, doc_ids, centre)
        if cfg.unit == "paragraph":
            # clusters.csv keeps doc_id a real document id and says which paragraph
            fitted.assignments["doc_id"] = [doc_ids[d] for d in units[:, 0]]
            fitted.assignments.insert(1, "paragraph", units[:, 1])
        return fitted

    def _fit(
        self,
        config: ExperimentConfig,
        inputs: Inputs,
        positions: np.ndarray | None,
        units: np.ndarray,
        chosen: np.ndarray,
        doc_ids: list[str],
        files: list[Path],
        centre: np.ndarray | None,
    ) -> ClusterResult:
        """Reduction, clusters and labels of the sample's ``units`` (rows ``chosen`` of the
        vector files; every unit without a sample)."""
        text = inputs[TextStage].sample(positions)
        tokens = text.paragraph_units()[1] if config.clusters.unit == "paragraph" else None
        labels = _column(inputs[CorpusStage].partitions, "label")
        rows = slice(None) if positions is None else np.flatnonzero(chosen)
        return fit_clusters(
            [unit_id(doc_ids, d, p) for d, p in units],
            unit_vectors(files, rows, centre),
            tokens if tokens is not None else text.documents(),
            **cluster_params(config.clusters),
            seed=config.seed,
            true_labels=[labels[d] for d in units[:, 0]] if any(labels) else None,
        )

    def _assign(
        self,
        inputs: Inputs,
        fitted: ClusterResult,
        chosen: np.ndarray,
        files: list[Path],
        units: np.ndarray,
        doc_ids: list[str],
        centre: np.ndarray | None,
    ) -> ClusterResult:
        """The fitted sample's clusters carried to every unit beyond it, by partition."""
        sample_labels = fitted.assignments["cluster"].to_numpy()
        sample = unit_vectors(files, np.flatnonzero(chosen), centre)
        model = NearestCentroid().fit(sample, sample_labels)
        offsets = inputs[TextStage].partitions.offsets
        bounds = np.searchsorted(units[:, 0], offsets)
        work = inputs.work_folder()
        todo = jobs([inputs[TextStage].partitions], work / "parts", "clusters", ".npy")
        inputs.compute.map_partitions(
            Once(assign_partition),
            todo,
            desc="clusters: assigning",
            model=model,
            files=[str(f) for f in files],
            bounds=bounds,
            centre=centre,
        )
        stack_npy([job.target for job in todo], work / "clusters.npy")
        clusters = read_npy(work / "clusters.npy").copy()
        clusters[chosen] = sample_labels
        coords = np.full((len(units), 2), np.nan)
        coords[chosen] = fitted.assignments[["x", "y"]].to_numpy()
        outlier = np.zeros(len(units), bool)
        outlier[chosen] = fitted.assignments["outlier"].to_numpy()
        reduced = np.full((len(units), fitted.reduced.shape[1]), np.nan)
        reduced[chosen] = fitted.reduced
        assignments = pd.DataFrame(
            {
                "doc_id": pd.Series([unit_id(doc_ids, d, p) for d, p in units], dtype=str),
                "cluster": clusters,
                "outlier": outlier,
                "x": coords[:, 0],
                "y": coords[:, 1],
            }
        )
        metrics = {**fitted.metrics, "fitted_units": int(chosen.sum()), "units": len(units)}
        return ClusterResult(assignments, fitted.labels, reduced, metrics, fitted.cluster_names)

    def save(self, output: ClusterResult, folder: Path, config: ExperimentConfig) -> None:
        output.save(folder)

    def load(self, folder: Path, config: ExperimentConfig) -> ClusterResult:
        return ClusterResult.load(folder)

    def metrics(self, output: ClusterResult) -> dict[str, Any]:
        return output.metrics
