"""``ThemeSpec``: what a user says about a theme — a one-line description and a few seed terms.

Examples
--------
>>> spec = ThemeSpec("Beitritt neuer Mitglieder zur NATO", ["Beitritt", "NATO-Beitritt"])
>>> spec.seeds
('Beitritt', 'NATO-Beitritt')
>>> check_themes({"none": spec})
Traceback (most recent call last):
...
ValueError: theme name 'none': use letters, digits, _ or -, not 'none'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

NONE = "none"
"""The label of a paragraph (or article) about none of the themes."""

_NAME = re.compile(r"[A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class ThemeSpec:
    """A theme as configured: a one-line ``description`` and its ``seeds`` (German terms).

    Parameters
    ----------
    description : str
        What the theme is about, in a line (it is glossed into English and compared with every
        paragraph, so say what the theme *is*, not only its keywords).
    seeds : sequence of str
        A few terms that name the theme (compounds welcome: ``NATO-Beitritt``).
    """

    description: str
    seeds: tuple[str, ...]

    def __init__(self, description: str, seeds: Sequence[str]) -> None:
        if not isinstance(description, str):
            raise TypeError(f"description must be a string, not {type(description).__name__}")
        if isinstance(seeds, str) or not all(isinstance(s, str) for s in seeds):
            raise TypeError("seeds must be a list of strings")
        cleaned = tuple(s.strip() for s in seeds if s.strip())
        if not cleaned:
            raise ValueError("a theme needs at least one seed term")
        object.__setattr__(self, "description", description.strip())
        object.__setattr__(self, "seeds", cleaned)


def check_themes(themes: Mapping[str, ThemeSpec]) -> list[str]:
    """The theme names in order, after checking them (letters, digits, ``_``, ``-``; not none).

    >>> check_themes({"arms": ThemeSpec("Rüstung", ["Munition"])})
    ['arms']
    """
    if not themes:
        raise ValueError("define at least one theme: {name: ThemeSpec(description, seeds)}")
    for name, spec in themes.items():
        if name == NONE or not _NAME.fullmatch(name):
            raise ValueError(f"theme name {name!r}: use letters, digits, _ or -, not 'none'")
        if not isinstance(spec, ThemeSpec):
            raise TypeError(f"theme {name!r}: expected a ThemeSpec, not {type(spec).__name__}")
    return list(themes)
