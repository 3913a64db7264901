"""Plots of a run: static PNGs (matplotlib) for papers, interactive HTML (plotly) for exploring.

Every function returns a figure and writes nothing; :func:`write_run_plots` writes a run's
standard set into ``RUN/plots/``. Labels keep German umlauts (DejaVu Sans covers them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.plots.documents import document_map_figure, document_map_html
    from toolkit.plots.run import write_run_plots, write_sweep_plot
    from toolkit.plots.sweep import sweep_figure
    from toolkit.plots.themes import (
        theme_profile_figure,
        themes_over_time_figure,
        topic_theme_heatmap,
    )
    from toolkit.plots.topics import lda_explorer_html, topic_words_figure, topics_over_time_figure

_WHERE = {
    "document_map_figure": "documents",
    "document_map_html": "documents",
    "lda_explorer_html": "topics",
    "sweep_figure": "sweep",
    "theme_profile_figure": "themes",
    "themes_over_time_figure": "themes",
    "topic_theme_heatmap": "themes",
    "topic_words_figure": "topics",
    "topics_over_time_figure": "topics",
    "write_run_plots": "run",
    "write_sweep_plot": "run",
}

__all__ = [
    "document_map_figure",
    "document_map_html",
    "lda_explorer_html",
    "sweep_figure",
    "theme_profile_figure",
    "themes_over_time_figure",
    "topic_theme_heatmap",
    "topic_words_figure",
    "topics_over_time_figure",
    "write_run_plots",
    "write_sweep_plot",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
