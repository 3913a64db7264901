"""The standard plots of a run folder, written to ``RUN/plots/``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.plots.documents import document_map_figure, document_map_html
from toolkit.plots.style import save_html, save_png
from toolkit.plots.sweep import sweep_figure
from toolkit.plots.themes import theme_profile_figure, topic_theme_heatmap, topic_theme_matrix
from toolkit.plots.topics import lda_explorer_html, topic_words_figure, topics_over_time_figure


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


def layout_axis(run: object) -> str:
    """Name of the 2-D layout's axes: UMAP, or the fallback the clusters stage used."""
    method = run.metrics.get("clusters", {}).get("layout_method", "umap")  # type: ignore[attr-defined]
    return "UMAP" if method == "umap" else str(method).upper()


def write_run_plots(run: Any, folder: Path) -> list[Path]:
    """Write every plot the run's stages allow into ``folder``; return the paths written.

    ``run`` is a :class:`toolkit.experiment.run.Run` (anything with its attributes). Files:
    ``topic_words.png``, ``topics_over_time.png``, ``topic_theme_heatmap.png``,
    ``lda_explorer.html``, ``document_map_<cluster|theme|label>.png``, ``document_map.html``,
    ``theme_profile.png``.
    """
    out = Path(folder)
    written: list[Path] = []
    if run.has("topics"):
        labels = run.topic_labels
        written.append(
            save_png(topic_words_figure(run.topic_table, labels), out / "topic_words.png")
        )
        over_time = run.topics_over_time
        if over_time is not None and len(over_time):
            written.append(
                save_png(topics_over_time_figure(over_time, labels), out / "topics_over_time.png")
            )
        result = run.topic_model
        written.append(
            save_html(
                lda_explorer_html(result.topic_word, result.vocabulary, result.doc_topics, labels),
                out / "lda_explorer.html",
                "lda-explorer",
            )
        )
        if run.has("themes"):
            names = theme_names(run)
            profiles = run.themes.set_index("doc_id").reindex(result.doc_ids)[names].fillna(0.0)
            matrix = topic_theme_matrix(np.asarray(result.doc_topics), profiles)
            written.append(
                save_png(topic_theme_heatmap(matrix, labels), out / "topic_theme_heatmap.png")
            )
    if run.has("clusters"):
        points = map_points(run)
        if points is not None:
            colourings = [
                c
                for c in ("cluster", "theme", "label")
                if c in points and not (c == "label" and (points["label"] == "none").all())
            ]
            for column in colourings:
                fig = document_map_figure(
                    points, column, f"Dokumentkarte nach {column}", layout_axis(run)
                )
                written.append(save_png(fig, out / f"document_map_{column}.png"))
            hover = [c for c in colourings]
            written.append(
                save_html(
                    document_map_html(points, colourings, hover, "Dokumentkarte", layout_axis(run)),
                    out / "document_map.html",
                    "document-map",
                )
            )
    if run.has("themes"):
        paragraphs = run.theme_paragraphs
        doc_id = most_mixed_document(paragraphs)
        title = run.documents.set_index("id").loc[doc_id, "title"]
        fig = theme_profile_figure(
            paragraphs[paragraphs["doc_id"] == doc_id],
            theme_names(run),
            f"Themenprofil: {title}",
            theme_threshold(run),
        )
        written.append(save_png(fig, out / "theme_profile.png"))
    return written


def write_sweep_plot(sweep_folder: Path, metric_columns: Sequence[str]) -> Path | None:
    """``sweep.png`` of a sweep folder: its ``metric_columns`` against the first swept key."""
    summary = pd.read_csv(sweep_folder / "summary.csv")
    keys = [c for c in summary.columns if c != "point" and c not in metric_columns]
    if not keys or not set(metric_columns) & set(summary.columns):
        return None
    return save_png(sweep_figure(summary, keys[0]), sweep_folder / "sweep.png")
