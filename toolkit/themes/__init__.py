"""Themes: score paragraphs and articles against configured themes (description + seed terms).

Examples
--------
>>> from toolkit.themes import ThemeScorer, ThemeSpec, assign_themes
"""

from toolkit.themes.diagnostics import format_seed_diagnostics, seed_warnings
from toolkit.themes.scorer import ThemeScorer
from toolkit.themes.spec import NONE, ThemeSpec
from toolkit.themes.stage import ThemeResult, assign_themes

__all__ = [
    "NONE",
    "ThemeResult",
    "ThemeScorer",
    "ThemeSpec",
    "assign_themes",
    "format_seed_diagnostics",
    "seed_warnings",
]
