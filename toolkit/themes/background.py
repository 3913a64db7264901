"""The background a theme must stand out from: ordinary news, and similarities standardised to it.

A paragraph is about a theme only if it is closer to the theme than ordinary news is. Every
similarity (to the glossed description, to the theme's member paragraphs, in TF-IDF space) is
therefore expressed as a *z-score against a background sample*: ``(s - centre) / scale``, with
the centre and scale of the same similarity over the background paragraphs.

The background is fixed, not the corpus itself: standardising against the corpus would make a
paragraph's theme depend on what else the corpus holds (in a collection about NATO, the NATO
paragraphs set the bar and half of them fall below it; in general news the bar is low). With
a fixed sample the same paragraph gets the same z-score alone or among 3,000 unrelated ones, and
only the self-trained evidence depends on the corpus. The bundled sample,
``toolkit/themes/data/background_de.jsonl``, is 149 short German news paragraphs written for
this toolkit (sport, culture, business, domestic politics, international news including a few on
the war in Ukraine, local news, science, technology, health, transport, schools), none of them
about arms production, alliance membership or defence budgets. A user can pass a sample of
their own general news instead (``ThemeScorer(background=[...])``).

Examples
--------
>>> background = np.array([[0.1, 0.0], [0.2, 0.1], [0.3, 0.2]])
>>> standardizer = Standardizer(robust=False).fit(background)
>>> standardizer.transform(np.array([[0.3, 0.5]])).round(2).tolist()
[[1.22, 4.9]]
>>> len(bundled_background()) >= 100
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from toolkit.io import read_jsonl

BACKGROUND_FILE = Path(__file__).parent / "data" / "background_de.jsonl"

MIN_SCALE = 1e-3
"""Smallest scale: a similarity that never varies over the background (all zero) still maps."""


@lru_cache(maxsize=1)
def _bundled() -> tuple[str, ...]:
    return tuple(row["text"] for row in read_jsonl(BACKGROUND_FILE))


def bundled_background() -> list[str]:
    """The texts of the bundled background sample (see the module docstring)."""
    return list(_bundled())


class Standardizer:
    """Per-column centre and scale of background similarities; z-scores of new ones.

    Parameters
    ----------
    robust : bool, default True
        Median and 1.4826 * median absolute deviation (the standard deviation for normal data,
        unmoved by a few background paragraphs that resemble a theme); False: mean and standard
        deviation (for sparse similarities such as TF-IDF cosines, which are mostly 0 and whose
        median absolute deviation is 0).

    Attributes
    ----------
    center_, scale_ : ndarray of shape (n_columns,)
    """

    def __init__(self, robust: bool = True) -> None:
        self.robust = robust

    def fit(self, background: np.ndarray) -> Standardizer:
        """Learn centre and scale from ``(n_background, n_columns)`` similarities."""
        background = np.asarray(background, dtype=np.float64)
        if background.ndim != 2 or len(background) < 2:
            raise ValueError("the background needs at least two paragraphs")
        if self.robust:
            center = np.median(background, axis=0)
            scale = 1.4826 * np.median(np.abs(background - center), axis=0)
        else:
            center, scale = background.mean(axis=0), background.std(axis=0)
        self.center_ = center
        self.scale_ = np.maximum(scale, MIN_SCALE)
        return self

    def transform(self, similarities: np.ndarray) -> np.ndarray:
        """z-scores of ``(n, n_columns)`` similarities against the background."""
        return (np.asarray(similarities, dtype=np.float64) - self.center_) / self.scale_

    def state(self) -> dict:
        """Centre and scale, JSON-ready."""
        return {
            "robust": self.robust,
            "center": [float(v) for v in self.center_],
            "scale": [float(v) for v in self.scale_],
        }

    @classmethod
    def from_state(cls, state: dict) -> Standardizer:
        """Inverse of :meth:`state`."""
        standardizer = cls(bool(state["robust"]))
        standardizer.center_ = np.asarray(state["center"], dtype=np.float64)
        standardizer.scale_ = np.asarray(state["scale"], dtype=np.float64)
        return standardizer
