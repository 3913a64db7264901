"""Cluster quality: silhouette in the clustered space, agreement with known labels."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Silhouette is quadratic in the number of points; above this it runs on a seeded sample.
SILHOUETTE_SAMPLE = 5000


def silhouette(
    reduced: np.ndarray, labels: np.ndarray, seed: int
) -> tuple[float | None, str | None]:
    """Euclidean silhouette of the clustered (non-outlier) points, or ``(None, reason)``.

    Examples
    --------
    >>> import numpy as np
    >>> points = np.array([[0.0], [0.1], [5.0], [5.1]])
    >>> score, _ = silhouette(points, np.array([0, 0, 1, 1]), seed=0)
    >>> round(score, 2)
    0.98
    """
    labels = np.asarray(labels)
    keep = labels != -1
    n_clusters = len(set(labels[keep].tolist()))
    if n_clusters < 2:
        return None, f"silhouette needs at least 2 clusters, got {n_clusters}"
    if keep.sum() <= n_clusters:
        return None, f"silhouette needs more points than clusters ({int(keep.sum())} points)"
    sample = SILHOUETTE_SAMPLE if keep.sum() > SILHOUETTE_SAMPLE else None
    from sklearn import metrics  # here: reading a cached run computes no score

    score = metrics.silhouette_score(
        reduced[keep], labels[keep], metric="euclidean", sample_size=sample, random_state=seed
    )
    return float(score), None


def cluster_metrics(
    reduced: np.ndarray,
    labels: np.ndarray,
    true_labels: list[str | None] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Quality figures of a clustering.

    Parameters
    ----------
    reduced : ndarray of shape (n_docs, dim)
        The space the clustering ran in (silhouette is Euclidean there).
    labels : array of int, shape (n_docs,)
        Cluster per document, -1 for outliers.
    true_labels : list of str or None, optional
        Known category per document (None where unknown). Documents without a label are left
        out; outliers count as one group of their own, so a clustering cannot score well by
        declaring hard documents noise.
    seed : int
        Seeds the silhouette sample on large corpora.

    Returns
    -------
    dict
        ``num_clusters``, ``outliers`` (count of -1), ``silhouette`` (or None with
        ``silhouette_skipped_reason``); with labels also ``labelled_docs``, ``nmi``, ``ari``,
        ``v_measure``, ``homogeneity`` and ``completeness``.

    Examples
    --------
    >>> import numpy as np
    >>> m = cluster_metrics(np.array([[0.0], [0.1], [5.0], [5.1]]), np.array([0, 0, 1, 1]),
    ...                     ["a", "a", "b", None])
    >>> m["nmi"], m["labelled_docs"]
    (1.0, 3)
    """
    labels = np.asarray(labels)
    if len(labels) != len(reduced):
        raise ValueError(f"got {len(labels)} cluster labels for {len(reduced)} vectors")
    result: dict[str, Any] = {
        "num_clusters": len(set(labels.tolist()) - {-1}),
        "outliers": int((labels == -1).sum()),
    }
    score, reason = silhouette(reduced, labels, seed)
    result["silhouette"] = score
    if reason is not None:
        result["silhouette_skipped_reason"] = reason
    if true_labels is not None:
        result.update(label_agreement(labels, true_labels))
    return result


def label_agreement(labels: np.ndarray, true_labels: list[str | None]) -> dict[str, Any]:
    """``labelled_docs``, and NMI, ARI, V-measure, homogeneity, completeness against them.

    >>> label_agreement(np.array([0, 0, 1]), ["a", "a", None])["labelled_docs"]
    2
    """
    if len(true_labels) != len(labels):
        raise ValueError(f"got {len(true_labels)} true labels for {len(labels)} documents")
    known = [i for i, label in enumerate(true_labels) if label is not None]
    if not known:
        return {"labelled_docs": 0}
    truth = [str(true_labels[i]) for i in known]
    found = np.asarray(labels)[known]
    from sklearn import metrics

    homogeneity, completeness, v_measure = metrics.homogeneity_completeness_v_measure(truth, found)
    return {
        "labelled_docs": len(known),
        "nmi": float(metrics.normalized_mutual_info_score(truth, found)),
        "ari": float(metrics.adjusted_rand_score(truth, found)),
        "v_measure": float(v_measure),
        "homogeneity": float(homogeneity),
        "completeness": float(completeness),
    }
