"""Clusters of a fitted sample carried to other documents: the nearest centroid by cosine.

Reduction and clustering (UMAP, k-means, HDBSCAN) are fitted on a sample of a corpus too large
to cluster at once; every other document joins the cluster whose mean vector in the original
space (before any reduction) is most similar to its own. That needs only the centroids, a few
rows per cluster, wherever the documents are.

Examples
--------
>>> vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
>>> model = NearestCentroid().fit(vectors, np.array([3, 3, 7, -1]))
>>> model.predict(np.array([[0.2, 0.8], [0.7, 0.3]])).tolist()
[7, 3]
"""

from __future__ import annotations

import numpy as np


class NearestCentroid:
    """Assign vectors to the cluster with the most similar mean vector (cosine).

    Attributes
    ----------
    clusters_ : ndarray of int
        The cluster ids (outliers, ``-1``, are not a cluster).
    centroids_ : ndarray of shape (n_clusters, dim)
        Each cluster's mean vector, of unit length.
    """

    def fit(self, vectors: np.ndarray, labels: np.ndarray) -> NearestCentroid:
        """The centroids of the clusters in ``labels`` (one per row of ``vectors``)."""
        vectors, labels = np.asarray(vectors, dtype=np.float64), np.asarray(labels)
        if len(vectors) != len(labels):
            raise ValueError(f"{len(vectors)} vectors for {len(labels)} labels")
        self.clusters_ = np.array(sorted(set(labels.tolist()) - {-1}), dtype=np.int64)
        if not len(self.clusters_):
            raise ValueError("no cluster to assign to: every label is an outlier (-1)")
        means = np.vstack([vectors[labels == c].mean(axis=0) for c in self.clusters_])
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        self.centroids_ = means / np.where(norms > 0, norms, 1.0)
        return self

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """The cluster of each row of ``vectors`` (ties: the smaller cluster id)."""
        similarity = np.asarray(vectors, dtype=np.float64) @ self.centroids_.T
        return self.clusters_[similarity.argmax(axis=1)] if len(similarity) else self.clusters_[:0]
