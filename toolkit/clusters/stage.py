"""The clusters stage: reduce, cluster, label and evaluate document vectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.clusters.cluster import assign_outliers as assign_nearest
from toolkit.clusters.cluster import fit_cluster_labels
from toolkit.clusters.evaluate import cluster_metrics
from toolkit.clusters.label import cluster_names, label_clusters
from toolkit.clusters.reduce import Reduction, layout_2d, plan_reduction, reduce_vectors
from toolkit.io import (
    read_csv,
    read_json,
    read_npy,
    require_files,
    write_csv,
    write_json,
    write_npy,
)
from toolkit.progress import status

ASSIGNMENT_COLUMNS = ["doc_id", "cluster", "outlier", "x", "y"]


@dataclass
class ClusterResult:
    """What the clusters stage produces.

    Attributes
    ----------
    assignments : DataFrame
        One row per document: ``doc_id``, ``cluster`` (-1 for an unassigned outlier),
        ``outlier`` (HDBSCAN called it noise, before any assignment), ``x``, ``y`` (2-D layout;
        NaN when ``layout`` is off).
    labels : DataFrame
        ``cluster, rank, word, weight``: class-based TF-IDF words per cluster.
    reduced : ndarray of shape (n_docs, dim)
        The space the clustering ran in.
    metrics : dict
        ``num_clusters``, ``outlier_share``, ``outliers_assigned``, ``silhouette`` (or a
        ``silhouette_skipped_reason``), ``nmi`` / ``ari`` / ``v_measure`` with true labels, and
        the settings actually used under ``reduce`` and ``clustering``.
    cluster_names : dict of int to str
        Top three label words of each cluster (``"cluster <id>"`` for one without words).
    """

    assignments: pd.DataFrame
    labels: pd.DataFrame
    reduced: np.ndarray
    metrics: dict[str, Any]
    cluster_names: dict[int, str] = field(default_factory=dict)

    FILES = ("clusters.csv", "cluster_labels.csv", "reduced.npy", "metrics.json")

    def save(self, folder: str | Path) -> None:
        """Write ``clusters.csv``, ``cluster_labels.csv``, ``reduced.npy`` and ``metrics.json``."""
        folder = Path(folder)
        write_csv(folder / "clusters.csv", self.assignments)
        write_csv(folder / "cluster_labels.csv", self.labels)
        write_npy(folder / "reduced.npy", self.reduced)
        write_json(folder / "metrics.json", self.metrics)

    @classmethod
    def load(cls, folder: str | Path) -> ClusterResult:
        """Read a result written by :meth:`save`."""
        folder = Path(folder)
        require_files(folder, cls.FILES, "cluster results are")
        assignments = read_csv(folder / "clusters.csv", dtype={"cluster": "int64", "outlier": bool})
        assignments[["x", "y"]] = assignments[["x", "y"]].astype("float64")
        labels = read_csv(folder / "cluster_labels.csv", dtype={"word": str})
        return cls(
            assignments=assignments,
            labels=labels,
            reduced=read_npy(folder / "reduced.npy"),
            metrics=read_json(folder / "metrics.json"),
            cluster_names=cluster_names(labels, clusters=assignments["cluster"].unique().tolist()),
        )


def fit_clusters(
    doc_ids: list[str],
    vectors: np.ndarray,
    doc_tokens: list[list[str]],
    *,
    reduction: Reduction = Reduction(),
    method: Literal["kmeans", "hdbscan"] = "kmeans",
    num_clusters: int | Literal["auto"] = "auto",
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    assign_outliers: bool = False,
    layout: bool = True,
    label_words: int = 8,
    word_candidates: int = 30,
    seed: int = 0,
    true_labels: list[str | None] | None = None,
) -> ClusterResult:
    """Reduce, cluster, label and evaluate documents (or paragraphs: one id per vector).

    ``vectors`` may combine several kinds (:func:`~toolkit.clusters.combine.combine_vectors`);
    ``method`` … ``min_samples``: :func:`~toolkit.clusters.cluster.fit_cluster_labels`; HDBSCAN's
    outliers join their nearest cluster with ``assign_outliers``; ``layout``: 2-D coordinates;
    ``doc_tokens`` … ``word_candidates``: :func:`~toolkit.clusters.label.label_clusters`; ``seed``
    seeds UMAP, k-means, silhouette; ``true_labels`` (None: unknown) give NMI, ARI, V-measure.

    Examples
    --------
    >>> vecs = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> toks = [["nato"], ["nato"], ["fussball"], ["fussball"]]
    >>> result = fit_clusters(["a", "b", "c", "d"], vecs, toks, reduction=Reduction(method="none"),
    ...                       num_clusters=2, layout=False)
    >>> sorted(result.cluster_names.values())
    ['fussball', 'nato']
    """
    n_docs = len(doc_ids)
    if len(vectors) != n_docs or len(doc_tokens) != n_docs or len(set(doc_ids)) != n_docs:
        raise ValueError(
            f"fit_clusters got {n_docs} ids ({len(set(doc_ids))} distinct), {len(vectors)} "
            f"vectors and {len(doc_tokens)} token lists"
        )
    plan = plan_reduction(n_docs, reduction)
    status(f"clusters: reducing {n_docs} vectors ({plan['method']})")
    reduced = reduce_vectors(vectors, reduction, seed)
    how = {"num_clusters": num_clusters, "min_cluster_size": min_cluster_size}
    labels, clustering = fit_cluster_labels(
        reduced, method=method, **how, min_samples=min_samples, seed=seed
    )
    noise = labels == -1
    if assign_outliers:
        labels = assign_nearest(reduced, labels)
    coords = layout_2d(vectors, reduction, seed) if layout else np.full((n_docs, 2), np.nan)
    table = label_clusters(labels, doc_tokens, label_words, word_candidates)
    metrics = cluster_metrics(reduced, labels, true_labels, seed)
    layout_method = ("umap" if plan["method"] == "umap" else "pca") if layout else None
    metrics.update(num_docs=n_docs, outlier_share=float(noise.mean()), reduce=plan)
    metrics.update(clustering=clustering, layout_method=layout_method)
    metrics["outliers_assigned"] = bool(assign_outliers and (labels != -1).all())
    names = cluster_names(table, clusters=np.unique(labels).tolist())
    assignments = _assignments(doc_ids, labels, noise, np.asarray(coords, dtype=np.float64))
    return ClusterResult(assignments, table, reduced, metrics, names)


def _assignments(
    doc_ids: list[str], labels: np.ndarray, noise: np.ndarray, coords: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": pd.Series(list(doc_ids), dtype=str),
            "cluster": labels.astype(np.int64),
            "outlier": noise,
            "x": coords[:, 0],
            "y": coords[:, 1],
        }
    )
