"""Clusters of documents: reduce (UMAP), cluster (k-means / HDBSCAN), label (class-based TF-IDF).

Examples
--------
>>> import numpy as np
>>> vecs = combine_vectors([np.eye(4), np.eye(4)], [1.0, 1.0])
>>> result = fit_clusters(list("abcd"), vecs, [["x"]] * 4, reduction=Reduction(method="none"),
...                       num_clusters=2, layout=False)
>>> result.metrics["num_clusters"]
2
"""

from toolkit.clusters.cluster import assign_outliers, auto_num_clusters, fit_cluster_labels
from toolkit.clusters.combine import combine_vectors
from toolkit.clusters.evaluate import cluster_metrics
from toolkit.clusters.label import cluster_names, label_clusters
from toolkit.clusters.reduce import Reduction, layout_2d, plan_reduction, reduce_vectors
from toolkit.clusters.stage import ClusterResult, fit_clusters

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
