"""Clusters of documents: reduce (UMAP), cluster (k-means / HDBSCAN), label (class-based TF-IDF).

Examples
--------
>>> import numpy as np
>>> from toolkit.clusters import Reduction, combine_vectors, fit_clusters
>>> vecs = combine_vectors([np.eye(4), np.eye(4)], [1.0, 1.0])
>>> result = fit_clusters(list("abcd"), vecs, [["x"]] * 4, reduction=Reduction(method="none"),
...                       num_clusters=2, layout=False)
>>> result.metrics["num_clusters"]
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.clusters.cluster import assign_outliers, auto_num_clusters, fit_cluster_labels
    from toolkit.clusters.combine import combine_vectors
    from toolkit.clusters.evaluate import cluster_metrics
    from toolkit.clusters.label import cluster_names, label_clusters
    from toolkit.clusters.reduce import Reduction, layout_2d, plan_reduction, reduce_vectors
    from toolkit.clusters.stage import ClusterResult, fit_clusters

_WHERE = {
    "ClusterResult": "stage",
    "Reduction": "reduce",
    "assign_outliers": "cluster",
    "auto_num_clusters": "cluster",
    "cluster_metrics": "evaluate",
    "cluster_names": "label",
    "combine_vectors": "combine",
    "fit_cluster_labels": "cluster",
    "fit_clusters": "stage",
    "label_clusters": "label",
    "layout_2d": "reduce",
    "plan_reduction": "reduce",
    "reduce_vectors": "reduce",
}

__all__ = [
    "ClusterResult",
    "Reduction",
    "assign_outliers",
    "auto_num_clusters",
    "cluster_metrics",
    "cluster_names",
    "combine_vectors",
    "fit_cluster_labels",
    "fit_clusters",
    "label_clusters",
    "layout_2d",
    "plan_reduction",
    "reduce_vectors",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
