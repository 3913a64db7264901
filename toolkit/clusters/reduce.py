"""Dimension reduction before clustering (UMAP, or a passthrough) and the 2-D layout for plots."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

#: Below this many documents UMAP's neighbour graph is too small to mean anything: skip it.
MIN_UMAP_DOCS = 10


@dataclass(frozen=True)
class Reduction:
    """How document vectors are reduced before clustering.

    Parameters
    ----------
    method : {"umap", "none"}, default "umap"
        UMAP, or pass the vectors through (unit rows for the cosine metric).
    n_components : int, default 5
        UMAP dimensions the clustering runs in.
    n_neighbors : int, default 30
        UMAP's neighbourhood size. UMAP's own 15 keeps the neighbourhoods small next to the
        clusters asked for (about 50 articles each on 10kGNAD at k = 20), and k-means then
        splits or merges them less well: k-means NMI at k = 20 of the default combined
        vectors, whole runs over config seeds 42, 0, 1, 2, 3, 0.5147 at 15, 0.5177 at 30; on
        one run's vectors over 16 UMAP seeds 0.5135 at 15, 0.519 at 30 (0.514 at 20 and at
        50, 8 seeds each). It costs 0.7 s of the 1,028-article run (two UMAP fits).
    min_dist : float, default 0.0
        UMAP's minimum distance (0 packs clusters tightly, good for clustering).
    metric : str, default "cosine"
        Distance between the input vectors.
    """

    method: Literal["umap", "none"] = "umap"
    n_components: int = 5
    n_neighbors: int = 30
    min_dist: float = 0.0
    metric: str = "cosine"


def plan_reduction(n_docs: int, reduction: Reduction = Reduction()) -> dict[str, Any]:
    """The reduction actually run for ``n_docs`` documents, with settings clamped to the corpus.

    Returns
    -------
    dict
        ``method`` (``"umap"`` or ``"none"``), ``n_neighbors`` and ``n_components`` as used
        (None without UMAP), ``metric``, and ``skipped_reason`` (None unless UMAP was
        configured but not run).

    Examples
    --------
    >>> plan_reduction(12, Reduction(n_neighbors=15, n_components=5))["n_neighbors"]
    11
    >>> plan_reduction(4)["skipped_reason"]
    'umap needs at least 10 documents, got 4'
    """
    plan: dict[str, Any] = {
        "method": reduction.method,
        "metric": reduction.metric,
        "n_neighbors": None,
        "n_components": None,
        "skipped_reason": None,
    }
    if reduction.method == "none":
        return plan
    if n_docs < MIN_UMAP_DOCS:
        plan["method"] = "none"
        plan["skipped_reason"] = f"umap needs at least {MIN_UMAP_DOCS} documents, got {n_docs}"
        return plan
    # UMAP's spectral initialisation needs n_components < n_docs - 1.
    plan["n_neighbors"] = min(reduction.n_neighbors, n_docs - 1)
    plan["n_components"] = min(reduction.n_components, n_docs - 2)
    return plan


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] == 0:
        raise ValueError(f"expected a non-empty 2-D array of vectors, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("vectors contain NaN or infinite values")
    return array


def _passthrough(vectors: np.ndarray, metric: str) -> np.ndarray:
    """Without UMAP, clustering is Euclidean: unit rows make that agree with cosine."""
    if metric != "cosine":
        return vectors.copy()
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def _umap(
    vectors: np.ndarray, n_components: int, plan: dict[str, Any], reduction: Reduction, seed: int
) -> np.ndarray:
    from toolkit.numba_cache import import_umap

    # imported lazily, with numba's disk cache on: its compile cost is paid once per machine
    umap = import_umap()

    from toolkit.clusters.neighbours import exact_neighbours

    # the neighbours UMAP would compute itself on a small corpus, in compiled code (same fit)
    neighbours = exact_neighbours(vectors, plan["n_neighbors"], reduction.metric)
    model = umap.UMAP(
        n_components=n_components,
        n_neighbors=plan["n_neighbors"],
        min_dist=reduction.min_dist,
        metric=reduction.metric,
        random_state=seed,
        # random_state forces one thread anyway; saying so avoids UMAP's warning about it.
        n_jobs=1,
        precomputed_knn=neighbours or (None, None, None),
        # without it UMAP ignores given neighbours below 4,096 vectors and computes its own
        force_approximation_algorithm=neighbours is not None,
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs.*")
        warnings.filterwarnings("ignore", message=".*precomputed_knn.*")
        return model.fit_transform(vectors).astype(np.float32)


def reduce_vectors(
    vectors: np.ndarray, reduction: Reduction = Reduction(), seed: int = 0
) -> np.ndarray:
    """Reduce document vectors to the space the clustering runs in.

    UMAP (``reduction.method="umap"``) with ``random_state=seed`` is reproducible (and therefore
    single-threaded); ``n_neighbors`` and ``n_components`` are clamped for small corpora and
    UMAP is skipped below :data:`MIN_UMAP_DOCS` documents (see :func:`plan_reduction`). Without
    UMAP the vectors pass through, rows L2-normalised when ``reduction.metric="cosine"``.

    Parameters
    ----------
    vectors : ndarray of shape (n_docs, dim)
    reduction : Reduction
    seed : int

    Returns
    -------
    ndarray of shape (n_docs, n_components) or (n_docs, dim), float32.

    Examples
    --------
    >>> import numpy as np
    >>> reduce_vectors(np.array([[3.0, 4.0]]), Reduction(method="none"), seed=0)
    array([[0.6, 0.8]], dtype=float32)
    """
    array = _as_matrix(vectors)
    plan = plan_reduction(array.shape[0], reduction)
    if plan["method"] == "none":
        return _passthrough(array, reduction.metric)
    return _umap(array, plan["n_components"], plan, reduction, seed)


def layout_2d(vectors: np.ndarray, reduction: Reduction = Reduction(), seed: int = 0) -> np.ndarray:
    """Two coordinates per document for scatter plots.

    A 2-D UMAP with the settings of ``reduction`` when UMAP runs for this corpus; otherwise (UMAP
    switched off, or too few documents) the first two principal components of the unit-length
    vectors, which needs no random state at all.

    Examples
    --------
    >>> import numpy as np
    >>> layout_2d(np.eye(3), Reduction(method="none"), seed=0).shape
    (3, 2)
    """
    array = _as_matrix(vectors)
    plan = plan_reduction(array.shape[0], reduction)
    if plan["method"] == "umap":
        return _umap(array, 2, plan, reduction, seed)
    unit = _passthrough(array, reduction.metric)
    n_components = min(2, unit.shape[0], unit.shape[1])
    coords = np.zeros((unit.shape[0], 2), dtype=np.float32)
    if unit.shape[0] > 1:
        from sklearn.decomposition import PCA  # here: reading a cached run reduces nothing

        pca = PCA(n_components=n_components, svd_solver="full")
        coords[:, :n_components] = pca.fit_transform(unit)
    return coords
