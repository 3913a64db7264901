"""A package's public names imported on first use (PEP 562), not when the package is imported.

Importing ``toolkit.text.tokenize`` runs ``toolkit/text/__init__.py`` first. Were that file to
import every module of the package, a warm re-run (every stage read from the cache) would load
gensim, scikit-learn, scipy.stats and bm25s only to compute cache keys: 1.2 s of a 2.3 s re-run
on 10kGNAD. A package lists where each name lives instead, and a name's module is imported when
the name is first read.

Examples
--------
>>> getattr_, dir_ = lazy_attributes("json", {"dumps": "json"})
>>> getattr_("dumps")([1])
'[1]'
>>> getattr_("nothing")
Traceback (most recent call last):
...
AttributeError: module 'json' has no attribute 'nothing'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_attributes(
    package: str, where: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose name ``n`` lives in
    ``package.where[n]`` (a module of the package; the package itself when it equals its name).
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = where[name]
        full = module if module == package else f"{package}.{module}"
        return getattr(importlib.import_module(full), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__
