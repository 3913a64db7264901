"""Themes: score paragraphs and articles against configured themes (description + seed terms).

Examples
--------
>>> from toolkit.themes import ThemeScorer, assign_themes  # doctest: +SKIP
"""

from toolkit.themes.scorer import ThemeScorer
from toolkit.themes.stage import ThemeResult, assign_themes

__all__ = ["ThemeResult", "ThemeScorer", "assign_themes"]
