"""Gather what the report shows from a run, once, through the public ``Run`` API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.report.findings import (
    CorpusFacts,
    cluster_rows,
    corpus_facts,
    duplicate_rows,
    theme_rows,
    topic_rows,
)


@dataclass
class Findings:
    """The run's results in report form; a field is empty when its stage did not run."""

    corpus: CorpusFacts
    topics: list[dict] = field(default_factory=list)
    themes: list[dict] = field(default_factory=list)
    topic_unit: str = "articles"
    clusters: list[dict] = field(default_factory=list)
    cluster_unit: str = "articles"
    duplicates: list[dict] | None = None
    duplicate_threshold: float | None = None


def theme_descriptions(run: Any) -> dict[str, str]:
    """Theme name -> its description from the run's config, in config order."""
    themes = run.config.themes
    if themes is None:
        return {}
    return {name: spec.description for name, spec in themes.definitions.items()}


def opening_words(text: str, words: int = 12) -> str:
    """The first ``words`` words of ``text``, with an ellipsis when cut.

    Examples
    --------
    >>> opening_words("Die NATO berät in Brüssel über Munition", 4)
    'Die NATO berät in …'
    """
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def unit_namer(run: Any) -> Any:
    """``(doc_id, paragraph) -> text``: an article's title, or ``¶n`` and the paragraph's
    opening words when clusters are paragraphs."""
    titles = run.documents.set_index("id")["title"]

    def name(doc_id: str, paragraph: int | None) -> str:
        if paragraph is None:
            return str(titles.get(doc_id, doc_id))
        paragraphs = run.document(doc_id).paragraphs
        text = paragraphs[paragraph] if 0 <= paragraph < len(paragraphs) else ""
        return f"¶{paragraph}: {opening_words(text)}"

    return name


def topic_shares(run: Any) -> tuple[pd.DataFrame, dict[str, str], str]:
    """Topic shares of the modelling units (paragraphs or articles), a text naming each unit,
    and the unit's name."""
    result = run.topic_model
    units = np.asarray(result.unit_index).tolist()
    if units and all(p >= 0 for _, p in units):
        name = unit_namer(run)
        keys = [f"{result.doc_ids[d]} ¶{p}" for d, p in units]
        texts = {k: name(result.doc_ids[d], p) for k, (d, p) in zip(keys, units, strict=True)}
        frame = pd.DataFrame(result.unit_topics, index=keys, columns=result.labels)
        return frame, texts, "paragraphs"
    titles = run.documents.set_index("id")["title"]
    return run.doc_topics, titles.astype(str).to_dict(), "articles"


def collect(run: Any) -> Findings:
    """Everything the summary and the sections need, computed once."""
    documents = run.documents
    findings = Findings(corpus=corpus_facts(documents))
    if run.has("topics"):
        shares, names, findings.topic_unit = topic_shares(run)
        findings.topics = topic_rows(run.topic_table, run.topic_labels, shares, pd.Series(names))
    if run.has("themes"):
        findings.themes = theme_rows(
            run.themes, run.theme_paragraphs, documents, theme_descriptions(run)
        )
    if run.has("clusters"):
        clusters = run.clusters
        findings.cluster_unit = "paragraphs" if "paragraph" in clusters else "articles"
        findings.clusters = cluster_rows(clusters, run.cluster_names, documents, unit_namer(run))
    if run.has("embeddings") and run.has("text") and len(documents) > 1:
        search = run.config.search
        threshold = search.duplicate_threshold if search is not None else None
        pairs = run.duplicates(threshold)
        findings.duplicates = duplicate_rows(pairs, documents)
        findings.duplicate_threshold = threshold
    return findings


def named_theme_rows(findings: Findings) -> list[dict]:
    """The theme rows without the ``none`` row."""
    return [row for row in findings.themes if row["theme"] != "none"]


def themed_articles(findings: Findings) -> tuple[int, int]:
    """Articles whose best theme is a named theme, and all articles with a theme row."""
    named = sum(row["articles"] for row in named_theme_rows(findings))
    return named, sum(row["articles"] for row in findings.themes)
