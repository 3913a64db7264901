"""Clusters carried beyond a fitted sample by the nearest centroid."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.clusters.centroids import NearestCentroid


def test_every_vector_joins_the_cluster_with_the_most_similar_mean() -> None:
    rng = np.random.default_rng(0)
    centres = np.eye(3) * 5
    vectors = np.vstack([c + rng.normal(size=(20, 3)) for c in centres])
    labels = np.repeat([10, 20, 30], 20)
    labels[0] = -1  # an outlier is no cluster
    model = NearestCentroid().fit(vectors, labels)
    assert model.clusters_.tolist() == [10, 20, 30]
    assert np.allclose(np.linalg.norm(model.centroids_, axis=1), 1.0)
    fresh = np.vstack([c + rng.normal(size=(5, 3)) * 0.5 for c in centres])
    assert model.predict(fresh).tolist() == [10] * 5 + [20] * 5 + [30] * 5
    assert model.predict(np.zeros((0, 3))).shape == (0,)


def test_no_cluster_to_assign_to() -> None:
    with pytest.raises(ValueError, match="outlier"):
        NearestCentroid().fit(np.ones((2, 2)), np.array([-1, -1]))
    with pytest.raises(ValueError, match="2 vectors for 3 labels"):
        NearestCentroid().fit(np.ones((2, 2)), np.array([0, 1, 1]))
