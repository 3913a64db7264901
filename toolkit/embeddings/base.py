"""The encoder interface shared by every embedding backend."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into fixed-size float32 vectors.

    Implementations split a text longer than the model's limit into passages and pool the
    passage vectors, so nothing past the limit is silently cut off.

    Attributes
    ----------
    name : str
        Human-readable model name (for manifests and errors).
    dim : int
        Vector dimension.
    """

    name: str
    dim: int

    def fingerprint(self) -> str:
        """Hash of the model weights and every setting that changes the vectors (a cache key)."""
        ...

    def encode(self, texts: list[str]) -> np.ndarray:
        """Encode ``texts`` into a ``(len(texts), dim)`` float32 array (L2-normalised if set)."""
        ...
