"""The standard plots of a run folder: one builder per figure, written to ``RUN/plots/``.

Each ``*_plot(run)`` builder returns a matplotlib figure, or None when the run has no data
for it or the figure would say nothing (a topic–theme heatmap of one article has identical
rows); :func:`write_run_plots` writes them, and the HTML report renders the same builders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from toolkit.plots.documents import document_map_figure, document_map_html
from toolkit.plots.style import save_html, save_png
from toolkit.plots.sweep import sweep_figure
from toolkit.plots.themes import (
    theme_profile_figure,
    themes_over_time_figure,
    topic_theme_heatmap,
    topic_theme_matrix,
)
from toolkit.plots.topics import lda_explorer_html, topic_words_figure, topics_over_time_figure
from toolkit.topics.over_time import period_of

MAP_COLOURINGS = ("cluster", "theme", "label")


def theme_names(run: object) -> list[str]:
    themes = run.config.themes  # type: ignore[attr-defined]
    return list(themes.definitions) if themes is not None else []


def theme_threshold(run: object) -> float | None:
    """The score below which a paragraph's theme is ``none``, as the run used it."""
    return run.metrics.get("themes", {}).get("settings", {}).get("threshold")  # type: ignore[attr-defined]


def most_mixed_document(theme_paragraphs: pd.DataFrame) -> str:
    """The article whose paragraphs cover the most themes (ties: more paragraphs, then order)."""
    named = theme_paragraphs[theme_paragraphs["theme"] != "none"]
    if named.empty:
        return str(theme_paragraphs["doc_id"].iloc[0])
    coverage = named.groupby("doc_id", sort=False)["theme"].nunique()
    sizes = theme_paragraphs.groupby("doc_id", sort=False).size()
    order = sorted(coverage.index, key=lambda d: (-coverage[d], -sizes[d]))
    return str(order[0])


def map_points(run: object) -> pd.DataFrame | None:
    """Layout points of articles (or paragraphs) with cluster, theme and label columns."""
    clusters = run.clusters  # type: ignore[attr-defined]
    if clusters[["x", "y"]].isna().all().all():
        return None
    docs = run.documents.set_index("id")  # type: ignore[attr-defined]
    points = clusters.copy()
    points["id"] = points["doc_id"]
    points["title"] = points["doc_id"].map(docs["title"])
    points["label"] = points["doc_id"].map(docs["label"]).fillna("none")
    names = run.cluster_names  # type: ignore[attr-defined]
    points["cluster"] = [
        f"{c}: {names.get(int(c), '')}" if int(c) >= 0 else "none" for c in points["cluster"]
    ]
    if run.has("themes"):  # type: ignore[attr-defined]
        if "paragraph" in points:
            par = run.theme_paragraphs.set_index(["doc_id", "paragraph"])["theme"]  # type: ignore[attr-defined]
            points["theme"] = [
                par.get((d, int(p)), "none")
                for d, p in zip(points["doc_id"], points["paragraph"], strict=True)
            ]
        else:
            points["theme"] = points["doc_id"].map(run.themes.set_index("doc_id")["theme"])  # type: ignore[attr-defined]
    if "paragraph" in points:
        points["id"] = [
            f"{d} ¶{p}" for d, p in zip(points["doc_id"], points["paragraph"], strict=True)
        ]
    return points


def map_colourings(points: pd.DataFrame) -> list[str]:
    """The columns a document map can be coloured by (``label`` only when documents have one)."""
    return [
        c
        for c in MAP_COLOURINGS
        if c in points and not (c == "label" and (points["label"] == "none").all())
    ]


def layout_axis(run: object) -> str:
    """Name of the 2-D layout's axes: UMAP, or the fallback the clusters stage used."""
    method = run.metrics.get("clusters", {}).get("layout_method", "umap")  # type: ignore[attr-defined]
    return "UMAP" if method == "umap" else str(method).upper()


def topic_theme_table(run: object) -> tuple[pd.DataFrame, str] | None:
    """Themes × topics: mean topic share of the paragraphs (or articles) of each theme.

    Paragraphs when the topics were fitted on paragraphs: each paragraph counts for its best
    theme. Otherwise articles, weighted by their share of each theme; None for fewer than two
    articles, where every row would be the same article's topic shares. Themes that no
    paragraph has are left out. Returns the matrix and what its rows average over.
    """
    result = run.topic_model  # type: ignore[attr-defined]
    names = theme_names(run)
    unit_index = np.asarray(result.unit_index)
    paragraph_units = np.flatnonzero(unit_index[:, 1] >= 0).tolist()
    if paragraph_units:
        best = run.theme_paragraphs.set_index(["doc_id", "paragraph"])["theme"]  # type: ignore[attr-defined]
        units_theme = [
            best.get((result.doc_ids[d], p), "none")
            for d, p in unit_index[paragraph_units].tolist()
        ]
        weights = pd.DataFrame({n: [float(t == n) for t in units_theme] for n in names})
        topics, unit = np.asarray(result.unit_topics)[paragraph_units], "paragraphs"
    else:
        if len(result.doc_ids) < 2:
            return None
        profiles = run.themes.set_index("doc_id").reindex(result.doc_ids)  # type: ignore[attr-defined]
        weights = profiles[names].fillna(0.0).reset_index(drop=True)
        topics, unit = np.asarray(result.doc_topics), "articles"
    present = [n for n in names if weights[n].sum() > 0]
    if not present:
        return None
    return topic_theme_matrix(topics, weights[present]), unit


def topic_words_plot(run: object) -> Figure | None:
    return topic_words_figure(run.topic_table, run.topic_labels)  # type: ignore[attr-defined]


def topics_over_time_plot(run: object) -> Figure | None:
    over_time = run.topics_over_time  # type: ignore[attr-defined]
    if over_time is None or not len(over_time):
        return None
    return topics_over_time_figure(over_time, run.topic_labels)  # type: ignore[attr-defined]


def topic_theme_plot(run: object) -> Figure | None:
    table = topic_theme_table(run)
    if table is None:
        return None
    matrix, unit = table
    title = f"Mean topic share of the {unit} of each theme"
    return topic_theme_heatmap(matrix, run.topic_labels, title)  # type: ignore[attr-defined]


def theme_profile_plot(run: object) -> Figure | None:
    paragraphs = run.theme_paragraphs  # type: ignore[attr-defined]
    if paragraphs.empty:
        return None
    doc_id = most_mixed_document(paragraphs)
    title = run.documents.set_index("id").loc[doc_id, "title"]  # type: ignore[attr-defined]
    return theme_profile_figure(
        paragraphs[paragraphs["doc_id"] == doc_id],
        theme_names(run),
        f"Themes paragraph by paragraph: {title}",
        theme_threshold(run),
    )


def dated_themes(run: object, period: str = "month") -> pd.DataFrame:
    """One row per dated article: ``period`` (of its date) and ``theme`` (its best theme)."""
    docs = run.documents  # type: ignore[attr-defined]
    best = run.themes.set_index("doc_id")["theme"]  # type: ignore[attr-defined]
    frame = pd.DataFrame(
        {
            "period": [period_of(d if isinstance(d, str) else None, period) for d in docs["date"]],
            "theme": docs["id"].map(best).fillna("none"),
        }
    )
    return frame.dropna(subset=["period"]).reset_index(drop=True)


def themes_over_time_plot(run: object) -> Figure | None:
    articles = dated_themes(run)
    if articles["period"].nunique() < 2:
        return None
    return themes_over_time_figure(articles, theme_names(run))


def document_map_plot(run: object, column: str) -> Figure | None:
    points = map_points(run)
    if points is None or column not in map_colourings(points):
        return None
    return document_map_figure(points, column, f"Document map by {column}", layout_axis(run))


# file name, the stages the figure needs ("?": reads it when the run has it), builder
RUN_FIGURES: tuple[tuple[str, str, Callable[[object], Figure | None]], ...] = (
    ("topic_words.png", "topics", topic_words_plot),
    ("topics_over_time.png", "topics", topics_over_time_plot),
    ("topic_theme_heatmap.png", "topics+themes", topic_theme_plot),
    ("themes_over_time.png", "themes", themes_over_time_plot),
    ("theme_profile.png", "themes", theme_profile_plot),
    *(
        (f"document_map_{c}.png", "clusters+themes?", lambda run, c=c: document_map_plot(run, c))
        for c in MAP_COLOURINGS
    ),
)
# the interactive figures, likewise
RUN_PAGES = (("lda_explorer.html", "topics"), ("document_map.html", "clusters+themes?"))


def run_has(run: object, stages: str) -> bool:
    """Whether ``run`` has every stage of ``stages`` (names joined by ``+``; ``?``: optional)."""
    needed = [stage for stage in stages.split("+") if not stage.endswith("?")]
    return all(run.has(stage) for stage in needed)  # type: ignore[attr-defined]


def reads_any(stages: str, names: Collection[str]) -> bool:
    """Whether a figure of ``stages`` reads any stage of ``names``.

    >>> reads_any("clusters+themes?", {"themes"}), reads_any("topics", {"themes"})
    (True, False)
    """
    return any(stage.rstrip("?") in names for stage in stages.split("+"))


def write_run_plots(
    run: Any, folder: Path, *, pending: Collection[str] = (), done: Collection[str] = ()
) -> list[str]:
    """Write every plot the run's stages allow into ``folder``; return the file names written.

    ``run`` is a :class:`toolkit.experiment.run.Run` (anything with its attributes). Files:
    the PNGs of :data:`RUN_FIGURES` whose builder has something to show, and the interactive
    ``lda_explorer.html`` and ``document_map.html``. ``pending``: stages still computing,
    whose figures are left for a later call (with ``done``: the names this one wrote), so
    that figures can be drawn while a stage is computed elsewhere.
    """
    out = Path(folder)
    written: list[str] = []
    for name, stages, build in RUN_FIGURES:
        if name in done or reads_any(stages, pending) or not run_has(run, stages):
            continue
        figure = build(run)
        if figure is not None:
            written.append(save_png(figure, out / name).name)
    pages = {
        name: stages
        for name, stages in RUN_PAGES
        if name not in done and not reads_any(stages, pending) and run_has(run, stages)
    }
    if "lda_explorer.html" in pages:
        result = run.topic_model
        explorer = lda_explorer_html(
            result.topic_word, result.vocabulary, result.doc_topics, run.topic_labels
        )
        written.append(save_html(explorer, out / "lda_explorer.html", "lda-explorer").name)
    points = map_points(run) if "document_map.html" in pages else None
    if points is not None:
        colourings = map_colourings(points)
        figure = document_map_html(points, colourings, colourings, "Document map", layout_axis(run))
        written.append(save_html(figure, out / "document_map.html", "document-map").name)
    return written


def write_sweep_plot(sweep_folder: Path, metric_columns: Sequence[str]) -> Path | None:
    """``sweep.png`` of a sweep folder: its ``metric_columns`` against the first swept key."""
    summary = pd.read_csv(sweep_folder / "summary.csv")
    keys = [c for c in summary.columns if c != "point" and c not in metric_columns]
    if not keys or not set(metric_columns) & set(summary.columns):
        return None
    return save_png(sweep_figure(summary, keys[0]), sweep_folder / "sweep.png")
