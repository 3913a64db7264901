"""Pay numba's compile cost once per machine, not once per process.

UMAP and pynndescent compile dozens of numba functions on their first fit in every process
(35–70 s on two cores), and most of them are declared without ``cache=True``, so numba
throws the machine code away when the process ends. :func:`import_umap` makes ``cache=True``
the default for the functions those packages define while they are imported, so the compiled
code lands in numba's on-disk cache (``__pycache__`` beside the package, or
``$NUMBA_CACHE_DIR``) and later processes load it in a fraction of the time. Functions numba
cannot cache (closures over dynamic globals) are compiled as before.

It also keeps numba off OpenMP. Numba's default OpenMP threading layer loads the system's
``libgomp.so.1``; torch, imported later in the same process, then binds to that library
instead of the one it ships. Measured (``benchmarks/openmp_order.py``): sentence-transformers
encoded 13x slower after a UMAP fit in such a process and its vectors differed at 1e-7, so a
run's themes depended on whether UMAP or the encoder ran first in the process. Numba's
``workqueue`` layer loads no OpenMP; UMAP runs on one thread here anyway (a seeded UMAP is
single-threaded).
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any


def _caching(decorator: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(decorator)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cache", True)
        return decorator(*args, **kwargs)

    return wrapper


def keep_numba_off_openmp(numba: ModuleType) -> None:
    """Numba's threading layer set to ``workqueue`` (module docstring), unless the user chose
    one with ``$NUMBA_THREADING_LAYER``. Numba reads the setting at its first parallel launch;
    once a layer runs, it stays."""
    if "NUMBA_THREADING_LAYER" not in os.environ:
        numba.config.THREADING_LAYER = "workqueue"


def import_umap() -> ModuleType:
    """Import ``umap`` with numba's on-disk cache on by default for its functions.

    Examples
    --------
    >>> umap = import_umap()  # doctest: +SKIP
    >>> umap.UMAP(random_state=0)  # doctest: +SKIP
    """
    import numba

    keep_numba_off_openmp(numba)
    if "umap" in sys.modules:
        return sys.modules["umap"]
    original = numba.njit, numba.jit
    numba.njit, numba.jit = _caching(numba.njit), _caching(numba.jit)
    try:
        with warnings.catch_warnings():
            # numba warns for the few functions it cannot cache; they simply compile as before
            warnings.simplefilter("ignore", category=numba.NumbaWarning)
            import umap
    finally:
        numba.njit, numba.jit = original
    return umap
