"""Group reduced document vectors: k-means (with an automatic k) or HDBSCAN with outliers."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans

from toolkit.config import ClustersConfig

#: Largest k that ``num_clusters: auto`` picks: more clusters than this are hard to read.
AUTO_K_MAX = 20


def default_min_cluster_size(n_docs: int) -> int:
    """HDBSCAN's smallest cluster when the config leaves it unset: 1 % of the corpus, 2 to 50.

    Examples
    --------
    >>> default_min_cluster_size(1028), default_min_cluster_size(13)
    (10, 2)
    """
    return int(min(50, max(2, round(0.01 * n_docs))))


def auto_num_clusters(n_docs: int) -> int:
    """The k of ``num_clusters: auto``: the rule of thumb ``sqrt(n / 2)``, within 2..20 and < n.

    Silhouette is no guide on news vectors: after UMAP it peaks at k = 2 (one small, well
    separated island against the rest), without UMAP it grows with k. The square-root rule
    grows with the corpus but slowly, and the cap keeps cluster tables readable.

    Examples
    --------
    >>> auto_num_clusters(1028), auto_num_clusters(100), auto_num_clusters(13), auto_num_clusters(2)
    (20, 7, 3, 1)
    """
    k = min(AUTO_K_MAX, max(2, round(np.sqrt(n_docs / 2))))
    return max(1, min(k, n_docs - 1))


def _kmeans(reduced: np.ndarray, k: int, seed: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(reduced)


def fit_cluster_labels(
    reduced: np.ndarray, config: ClustersConfig, seed: int
) -> tuple[np.ndarray, dict[str, Any]]:
    """Cluster ``reduced`` as ``config`` says; also report the settings actually used.

    Returns
    -------
    (labels, info)
        ``labels`` has one int per document, -1 for HDBSCAN outliers. ``info`` holds ``method``
        and either ``num_clusters_requested`` / ``k`` (plus ``num_clusters_note`` when k was
        clamped) or ``min_cluster_size`` / ``min_samples`` (plus ``hdbscan_note`` when HDBSCAN
        found no cluster at all).
    """
    reduced = np.asarray(reduced, dtype=np.float32)
    n_docs = len(reduced)
    if n_docs < 2:
        raise ValueError(
            f"clustering needs at least 2 documents, got {n_docs}: use a larger corpus, set "
            "clusters.unit: paragraph, or remove the 'clusters' section from the config"
        )
    info: dict[str, Any] = {"method": config.method}
    if config.method == "kmeans":
        info["num_clusters_requested"] = config.num_clusters
        if config.num_clusters == "auto":
            k = auto_num_clusters(n_docs)
        else:
            if config.num_clusters < 1:
                raise ValueError(
                    f"clusters.num_clusters must be 'auto' or at least 1, got {config.num_clusters}"
                )
            k = min(config.num_clusters, n_docs)
            if k < config.num_clusters:
                info["num_clusters_note"] = (
                    f"clusters.num_clusters={config.num_clusters} exceeds the {n_docs} documents;"
                    f" used k={k}"
                )
        info["k"] = k
        return _kmeans(reduced, k, seed).astype(np.int64), info

    min_cluster_size = config.min_cluster_size or default_min_cluster_size(n_docs)
    if min_cluster_size > n_docs:
        info["min_cluster_size_note"] = (
            f"clusters.min_cluster_size={min_cluster_size} exceeds the {n_docs} documents;"
            f" used {n_docs}"
        )
        min_cluster_size = n_docs
    min_samples = config.min_samples
    if min_samples is not None and min_samples > n_docs:
        min_samples = n_docs
    info["min_cluster_size"] = min_cluster_size
    info["min_samples"] = min_samples if min_samples is not None else min_cluster_size
    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        # When the corpus cannot hold two clusters, one cluster is the answer, not "all noise".
        allow_single_cluster=n_docs < 2 * min_cluster_size,
        copy=True,
    )
    labels = model.fit_predict(reduced).astype(np.int64)
    if (labels == -1).all():
        info["hdbscan_note"] = (
            "hdbscan found no cluster: lower clusters.min_cluster_size or clusters.min_samples,"
            " or use clusters.method=kmeans"
        )
    return labels, info


def cluster_vectors(reduced: np.ndarray, config: ClustersConfig, seed: int) -> np.ndarray:
    """Cluster labels of the reduced vectors: k-means, or HDBSCAN with -1 for outliers.

    ``num_clusters: auto`` takes k from :func:`auto_num_clusters`; an explicit k above the
    number of documents is clamped to it. HDBSCAN's ``min_cluster_size`` defaults to 1 % of
    the corpus (:func:`default_min_cluster_size`). Outliers are not assigned here:
    see :func:`assign_outliers`.

    Parameters
    ----------
    reduced : ndarray of shape (n_docs, dim)
        Vectors from :func:`~toolkit.clusters.reduce.reduce_vectors` (Euclidean space).
    config : ClustersConfig
    seed : int
        Seeds k-means (HDBSCAN is deterministic).

    Examples
    --------
    >>> import numpy as np
    >>> from toolkit.config import ClustersConfig
    >>> points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> cluster_vectors(points, ClustersConfig(method="kmeans", num_clusters=2), seed=0).tolist()
    [1, 1, 0, 0]
    """
    return fit_cluster_labels(reduced, config, seed)[0]


def assign_outliers(reduced: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Give every outlier (-1) the cluster whose centroid is nearest in the reduced space.

    Returns a new label array; without any cluster the labels come back unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> points = np.array([[0.0], [0.2], [5.0], [5.2], [4.0]])
    >>> assign_outliers(points, np.array([0, 0, 1, 1, -1])).tolist()
    [0, 0, 1, 1, 1]
    """
    labels = np.asarray(labels).copy()
    clusters = sorted(set(labels.tolist()) - {-1})
    outliers = labels == -1
    if not clusters or not outliers.any():
        return labels
    centroids = np.vstack([reduced[labels == c].mean(axis=0) for c in clusters])
    distances = np.linalg.norm(reduced[outliers][:, None, :] - centroids[None, :, :], axis=2)
    labels[outliers] = np.asarray(clusters)[distances.argmin(axis=1)]
    return labels
