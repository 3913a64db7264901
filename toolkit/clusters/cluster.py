"""Group reduced document vectors: k-means (with an automatic k) or HDBSCAN with outliers."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from toolkit.errors import ToolkitWarning

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
    from sklearn.cluster import KMeans  # here: a run read from the cache clusters nothing

    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(reduced)


def _choose_k(num_clusters: int | Literal["auto"], n_docs: int) -> int:
    if num_clusters == "auto":
        return auto_num_clusters(n_docs)
    if isinstance(num_clusters, bool) or not isinstance(num_clusters, int) or num_clusters < 1:
        raise ValueError(f"num_clusters must be 'auto' or an integer >= 1, not {num_clusters!r}")
    if num_clusters > n_docs:
        # a user who asked for k gets told, not silently fewer clusters
        warnings.warn(
            f"num_clusters={num_clusters} exceeds the {n_docs} documents; using k={n_docs}",
            ToolkitWarning,
            stacklevel=3,
        )
        return n_docs
    return num_clusters


def _hdbscan(
    reduced: np.ndarray, min_cluster_size: int | None, min_samples: int | None, info: dict
) -> np.ndarray:
    n_docs = len(reduced)
    size = min_cluster_size or default_min_cluster_size(n_docs)
    if size > n_docs:
        warnings.warn(
            f"min_cluster_size={size} exceeds the {n_docs} documents; using {n_docs}",
            ToolkitWarning,
            stacklevel=3,
        )
        size = n_docs
    if min_samples is not None and min_samples > n_docs:
        min_samples = n_docs
    info["min_cluster_size"] = size
    info["min_samples"] = min_samples if min_samples is not None else size
    from sklearn.cluster import HDBSCAN

    model = HDBSCAN(
        min_cluster_size=size,
        min_samples=min_samples,
        # When the corpus cannot hold two clusters, one cluster is the answer, not "all noise".
        allow_single_cluster=n_docs < 2 * size,
        copy=True,
    )
    labels = model.fit_predict(reduced).astype(np.int64)
    if (labels == -1).all():
        warnings.warn(
            "hdbscan found no cluster: lower min_cluster_size or min_samples, or use k-means",
            ToolkitWarning,
            stacklevel=3,
        )
    return labels


def fit_cluster_labels(
    reduced: np.ndarray,
    *,
    method: Literal["kmeans", "hdbscan"] = "kmeans",
    num_clusters: int | Literal["auto"] = "auto",
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Cluster ``reduced`` with k-means or HDBSCAN; also report the settings actually used.

    ``num_clusters="auto"`` takes k from :func:`auto_num_clusters`; a k above the number of
    documents is lowered to it with a :class:`~toolkit.errors.ToolkitWarning`. HDBSCAN's
    ``min_cluster_size`` defaults to 1 % of the corpus (:func:`default_min_cluster_size`).
    Outliers (-1) are not assigned here: see :func:`assign_outliers`.

    Parameters
    ----------
    reduced : ndarray of shape (n_docs, dim)
        Vectors from :func:`~toolkit.clusters.reduce.reduce_vectors` (Euclidean space).
    method : {"kmeans", "hdbscan"}
    num_clusters : int or "auto"
        k-means' k.
    min_cluster_size, min_samples : int, optional
        HDBSCAN's settings.
    seed : int
        Seeds k-means (HDBSCAN is deterministic).

    Returns
    -------
    (labels, info)
        ``labels`` has one int per document, -1 for HDBSCAN outliers; ``info`` holds
        ``method`` and either ``num_clusters_requested`` / ``k`` or ``min_cluster_size`` /
        ``min_samples``.

    Examples
    --------
    >>> points = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> fit_cluster_labels(points, num_clusters=2)[0].tolist()
    [1, 1, 0, 0]
    """
    reduced = np.asarray(reduced, dtype=np.float32)
    n_docs = len(reduced)
    if n_docs < 2:
        raise ValueError(
            f"clustering needs at least 2 documents, got {n_docs}: use a larger corpus, "
            "cluster paragraphs instead of articles, or leave clustering out"
        )
    info: dict[str, Any] = {"method": method}
    if method == "kmeans":
        k = _choose_k(num_clusters, n_docs)
        info.update(num_clusters_requested=num_clusters, k=k)
        return _kmeans(reduced, k, seed).astype(np.int64), info
    if method != "hdbscan":
        raise ValueError(f"method must be 'kmeans' or 'hdbscan', not {method!r}")
    return _hdbscan(reduced, min_cluster_size, min_samples, info), info


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
