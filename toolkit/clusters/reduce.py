"""Dimension reduction before clustering (UMAP, or a passthrough) and the 2-D layout for plots."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.decomposition import PCA

from toolkit.config import ReduceConfig

#: Below this many documents UMAP's neighbour graph is too small to mean anything: skip it.
MIN_UMAP_DOCS = 10


def plan_reduction(n_docs: int, config: ReduceConfig) -> dict[str, Any]:
    """The reduction actually run for ``n_docs`` documents, with settings clamped to the corpus.

    Returns
    -------
    dict
        ``method`` (``"umap"`` or ``"none"``), ``n_neighbors`` and ``n_components`` as used
        (None without UMAP), ``metric``, and ``skipped_reason`` (None unless UMAP was
        configured but not run).

    Examples
    --------
    >>> plan_reduction(12, ReduceConfig(n_neighbors=15, n_components=5))["n_neighbors"]
    11
    >>> plan_reduction(4, ReduceConfig())["skipped_reason"]
    'umap needs at least 10 documents, got 4'
    """
    plan: dict[str, Any] = {
        "method": config.method,
        "metric": config.metric,
        "n_neighbors": None,
        "n_components": None,
        "skipped_reason": None,
    }
    if config.method == "none":
        return plan
    if n_docs < MIN_UMAP_DOCS:
        plan["method"] = "none"
        plan["skipped_reason"] = f"umap needs at least {MIN_UMAP_DOCS} documents, got {n_docs}"
        return plan
    # UMAP's spectral initialisation needs n_components < n_docs - 1.
    plan["n_neighbors"] = min(config.n_neighbors, n_docs - 1)
    plan["n_components"] = min(config.n_components, n_docs - 2)
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
    vectors: np.ndarray, n_components: int, plan: dict[str, Any], config: ReduceConfig, seed: int
) -> np.ndarray:
    from toolkit.numba_cache import import_umap

    # imported lazily, with numba's disk cache on: its compile cost is paid once per machine
    umap = import_umap()

    model = umap.UMAP(
        n_components=n_components,
        n_neighbors=plan["n_neighbors"],
        min_dist=config.min_dist,
        metric=config.metric,
        random_state=seed,
        # random_state forces one thread anyway; saying so avoids UMAP's warning about it.
        n_jobs=1,
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs.*")
        return model.fit_transform(vectors).astype(np.float32)


def reduce_vectors(vectors: np.ndarray, config: ReduceConfig, seed: int) -> np.ndarray:
    """Reduce document vectors to the space the clustering runs in.

    UMAP (``config.method="umap"``) with ``random_state=seed`` is reproducible (and therefore
    single-threaded); ``n_neighbors`` and ``n_components`` are clamped for small corpora and
    UMAP is skipped below :data:`MIN_UMAP_DOCS` documents (see :func:`plan_reduction`). Without
    UMAP the vectors pass through, rows L2-normalised when ``config.metric="cosine"``.

    Parameters
    ----------
    vectors : ndarray of shape (n_docs, dim)
    config : ReduceConfig
    seed : int

    Returns
    -------
    ndarray of shape (n_docs, n_components) or (n_docs, dim), float32.

    Examples
    --------
    >>> import numpy as np
    >>> reduce_vectors(np.array([[3.0, 4.0]]), ReduceConfig(method="none"), seed=0)
    array([[0.6, 0.8]], dtype=float32)
    """
    array = _as_matrix(vectors)
    plan = plan_reduction(array.shape[0], config)
    if plan["method"] == "none":
        return _passthrough(array, config.metric)
    return _umap(array, plan["n_components"], plan, config, seed)


def layout_2d(vectors: np.ndarray, config: ReduceConfig, seed: int) -> np.ndarray:
    """Two coordinates per document for scatter plots.

    A 2-D UMAP with the settings of ``config`` when UMAP runs for this corpus; otherwise (UMAP
    switched off, or too few documents) the first two principal components of the unit-length
    vectors, which needs no random state at all.

    Examples
    --------
    >>> import numpy as np
    >>> layout_2d(np.eye(3), ReduceConfig(method="none"), seed=0).shape
    (3, 2)
    """
    array = _as_matrix(vectors)
    plan = plan_reduction(array.shape[0], config)
    if plan["method"] == "umap":
        return _umap(array, 2, plan, config, seed)
    unit = _passthrough(array, config.metric)
    n_components = min(2, unit.shape[0], unit.shape[1])
    coords = np.zeros((unit.shape[0], 2), dtype=np.float32)
    if unit.shape[0] > 1:
        pca = PCA(n_components=n_components, svd_solver="full")
        coords[:, :n_components] = pca.fit_transform(unit)
    return coords
