"""Exact nearest neighbours for UMAP's small-corpus path, computed in compiled code.

Below :data:`SMALL_DATA` vectors UMAP computes every pairwise distance exactly, by handing its
numba distance function to scikit-learn's ``pairwise_distances`` as a Python callable: one
interpreted call per pair (half a million for 1,028 articles, 2.3 s per fit on two cores).
:func:`exact_neighbours` computes the same matrix in one compiled loop over the same numba
function (0.2 s), and picks the neighbours as UMAP does from a precomputed matrix; handed to
UMAP as ``precomputed_knn``, the fit is the same to the last bit (a test compares the two).

Importing it imports UMAP (through :func:`toolkit.numba_cache.import_umap`); its own compiled
code is kept in numba's on-disk cache, so a later process loads it.
"""

from __future__ import annotations

import numba
import numpy as np

from toolkit.numba_cache import import_umap

# through import_umap: numba kept off OpenMP before any of UMAP's code runs in this process
umap = import_umap()
named_distances = umap.distances.named_distances
nearest_neighbors = umap.umap_.nearest_neighbors
DISCONNECTION_DISTANCES = umap.umap_.DISCONNECTION_DISTANCES

#: UMAP computes exact distances below this many vectors (``umap_.UMAP.fit``'s own threshold)
SMALL_DATA = 4096

_COSINE = named_distances["cosine"]
_EUCLIDEAN = named_distances["euclidean"]


# One function per metric, alike on purpose: numba caches a function that calls a global
# jitted function, but not one that takes the metric as an argument or closes over it (those
# compile again in every process: 0.8-0.9 s, most of what the loop saves).
@numba.njit(cache=True)
def _cosine_matrix(vectors: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n = vectors.shape[0]
    out = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = _COSINE(vectors[i], vectors[j])
            out[j, i] = out[i, j]
    return out


@numba.njit(cache=True)
def _euclidean_matrix(vectors: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n = vectors.shape[0]
    out = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = _EUCLIDEAN(vectors[i], vectors[j])
            out[j, i] = out[i, j]
    return out


MATRICES = {"cosine": _cosine_matrix, "euclidean": _euclidean_matrix}


def distance_matrix(vectors: np.ndarray, metric: str) -> np.ndarray:
    """Every pairwise distance under UMAP's own ``metric`` function, float32 as UMAP keeps it.

    The diagonal is 0: UMAP's cosine and Euclidean distance of a vector to itself.

    Examples
    --------
    >>> distance_matrix(np.array([[3.0, 4.0], [4.0, 3.0]], dtype=np.float32), "euclidean")
    array([[0.       , 1.4142135],
           [1.4142135, 0.       ]], dtype=float32)
    """
    if metric not in MATRICES:
        raise ValueError(f"no compiled distance for metric {metric!r}; have {sorted(MATRICES)}")
    return MATRICES[metric](np.ascontiguousarray(vectors, dtype=np.float32))


def exact_neighbours(
    vectors: np.ndarray, n_neighbors: int, metric: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """UMAP's exact neighbour indices and distances of ``vectors``, or None where UMAP would
    search approximately (:data:`SMALL_DATA` vectors or more) or the metric has no compiled
    matrix here (UMAP then computes its neighbours itself, as always).

    Examples
    --------
    >>> points = np.array([[0.0, 1.0], [0.0, 2.0], [5.0, 0.0]], dtype=np.float32)
    >>> indices, distances = exact_neighbours(points, 2, "euclidean")
    >>> indices.tolist(), distances[:, 1].tolist()
    ([[0, 1], [1, 0], [2, 0]], [1.0, 1.0, 5.099019527435303])
    """
    if len(vectors) >= SMALL_DATA or metric not in MATRICES:
        return None
    matrix = distance_matrix(vectors, metric)
    # as UMAP does: pairs at the metric's bound (cosine 2: opposite vectors) are not neighbours
    matrix[matrix >= DISCONNECTION_DISTANCES.get(metric, np.inf)] = np.inf
    # UMAP's own selection from a precomputed matrix (stable order among equal distances);
    # with a matrix it draws nothing from the random state
    indices, distances, _ = nearest_neighbors(
        matrix, n_neighbors, "precomputed", {}, False, np.random.RandomState(0)
    )
    return indices, distances
