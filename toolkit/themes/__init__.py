"""Themes: score paragraphs and articles against configured themes (description + seed terms).

Examples
--------
>>> from toolkit.themes import ThemeScorer, ThemeSpec, assign_themes
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.themes.diagnostics import format_seed_diagnostics, seed_warnings
    from toolkit.themes.scorer import ThemeScorer
    from toolkit.themes.spec import NONE, ThemeSpec
    from toolkit.themes.stage import ThemeResult, assign_themes

_WHERE = {
    "NONE": "spec",
    "ThemeResult": "stage",
    "ThemeScorer": "scorer",
    "ThemeSpec": "spec",
    "assign_themes": "stage",
    "format_seed_diagnostics": "diagnostics",
    "seed_warnings": "diagnostics",
}

__all__ = [
    "NONE",
    "ThemeResult",
    "ThemeScorer",
    "ThemeSpec",
    "assign_themes",
    "format_seed_diagnostics",
    "seed_warnings",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
