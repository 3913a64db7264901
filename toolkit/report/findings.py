"""What a run found, as plain rows: corpus, topics, themes, clusters and duplicates.

Every function takes the run's tables (pandas and NumPy, as :class:`~toolkit.experiment.run.Run`
exposes them) and returns dicts or DataFrames for the report to format; nothing here knows HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from toolkit.plots.periods import sparse_mapping
from toolkit.topics.over_time import period_of

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def display_date(date: str | None) -> str:
    """``2023-01-12`` as ``12 Jan 2023``, ``2023-06`` as ``Jun 2023``; other text unchanged.

    Examples
    --------
    >>> [display_date(d) for d in ("2023-01-12", "2023-06", "2023", None)]
    ['12 Jan 2023', 'Jun 2023', '2023', '–']
    """
    if not isinstance(date, str) or not date:
        return "–"
    parts = date.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {month}" if len(parts) == 3 and parts[2].isdigit() else month
    return date


def top_counts(values: pd.Series, n: int = 3) -> str:
    """The ``n`` most frequent values with their counts, e.g. ``politik (9), wirtschaft (2)``.

    Examples
    --------
    >>> top_counts(pd.Series(["politik", "sport", "politik", None]))
    'politik (2), sport (1)'
    """
    counts = values.dropna().astype(str).value_counts()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{value} ({count})" for value, count in ordered[:n])


@dataclass(frozen=True)
class CorpusFacts:
    """Size, dates and composition of a corpus."""

    documents: int
    first_date: str | None
    last_date: str | None
    months: int | None
    undated: int
    labels: pd.Series
    sources: pd.Series


def corpus_facts(documents: pd.DataFrame) -> CorpusFacts:
    """Counts, date range (and its length in calendar months), labels and sources.

    Examples
    --------
    >>> docs = pd.DataFrame({"date": ["2023-01-12", "2024-06-19", None],
    ...                      "label": ["politik", "sport", "politik"], "source": [None] * 3})
    >>> facts = corpus_facts(docs)
    >>> facts.first_date, facts.last_date, facts.months, facts.undated, facts.labels.to_dict()
    ('2023-01-12', '2024-06-19', 18, 1, {'politik': 2, 'sport': 1})
    """
    dates = documents["date"].dropna().astype(str)
    dates = dates[dates != ""]
    first, last = (dates.min(), dates.max()) if len(dates) else (None, None)
    months = None
    if first and last and len(first) >= 7 and len(last) >= 7:
        months = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1
    counts = {
        column: documents[column].dropna().astype(str).value_counts()
        if column in documents
        else pd.Series(dtype=int)
        for column in ("label", "source")
    }
    return CorpusFacts(
        documents=len(documents),
        first_date=first,
        last_date=last,
        months=months,
        undated=len(documents) - len(dates),
        labels=counts["label"],
        sources=counts["source"],
    )


def topic_rows(
    topic_table: pd.DataFrame,
    labels: list[str],
    doc_topics: pd.DataFrame,
    titles: pd.Series,
    n_words: int = 8,
    n_examples: int = 2,
) -> list[dict]:
    """Per topic: label, top words, mean share, units it leads, and its most typical units.

    ``doc_topics`` is units (articles or paragraphs) × topics, indexed by unit id;
    ``titles`` maps a unit id to the text that names it (an article's title).
    """
    shares = doc_topics.to_numpy(dtype=float)
    leading = np.bincount(shares.argmax(axis=1), minlength=shares.shape[1]) if len(shares) else []
    rows = []
    for topic in range(shares.shape[1]):
        words = topic_table[topic_table["topic"] == topic].sort_values("rank")["word"]
        order = np.argsort(-shares[:, topic], kind="stable")[:n_examples]
        rows.append(
            {
                "topic": topic,
                "label": labels[topic],
                "words": ", ".join(words.head(n_words).astype(str)),
                "share": float(shares[:, topic].mean()),
                "articles": int(leading[topic]),
                "examples": [str(titles.get(doc_topics.index[i], "")) for i in order],
            }
        )
    return rows


def theme_rows(
    themes: pd.DataFrame,
    theme_paragraphs: pd.DataFrame,
    documents: pd.DataFrame,
    descriptions: dict[str, str],
) -> list[dict]:
    """Per theme (and ``none``): articles and paragraphs, their shares, where and when.

    ``where`` lists the sections (labels) and sources of the theme's articles, ``when`` the
    periods with the most of them (months merged into quarters or years when sparse).
    """
    docs = documents.set_index("id")
    best = themes.set_index("doc_id")["theme"]
    periods = pd.Series(
        [period_of(d if isinstance(d, str) else None, "month") for d in docs["date"]],
        index=docs.index,
    ).dropna()
    mapping = sparse_mapping(periods.value_counts()) if len(periods) else {}
    periods = periods.map(mapping)
    rows = []
    for theme in [*descriptions, "none"]:
        ids = best.index[best == theme]
        paragraphs = int((theme_paragraphs["theme"] == theme).sum())
        when = periods.reindex(ids).dropna()
        rows.append(
            {
                "theme": theme,
                "description": descriptions.get(theme, "no theme above the threshold"),
                "articles": len(ids),
                "article_share": len(ids) / max(len(best), 1),
                "paragraphs": paragraphs,
                "paragraph_share": paragraphs / max(len(theme_paragraphs), 1),
                "sections": top_counts(docs["label"].reindex(ids)) if "label" in docs else "",
                "sources": top_counts(docs["source"].reindex(ids)) if "source" in docs else "",
                "when": top_counts(when, 2),
            }
        )
    return rows


def theme_articles(
    themes: pd.DataFrame, documents: pd.DataFrame, theme: str, n: int = 8
) -> pd.DataFrame:
    """The ``n`` articles with the highest score for their best theme ``theme``: id, title,
    date, label, score and the share of their paragraphs that carry the theme."""
    docs = documents.set_index("id")
    chosen = themes[themes["theme"] == theme].sort_values(
        ["score", "doc_id"], ascending=[False, True]
    )
    chosen = chosen.head(n)
    return pd.DataFrame(
        {
            "id": chosen["doc_id"].to_numpy(),
            "title": docs["title"].reindex(chosen["doc_id"]).to_numpy(),
            "date": docs["date"].reindex(chosen["doc_id"]).to_numpy(),
            "label": docs["label"].reindex(chosen["doc_id"]).to_numpy(),
            "score": chosen["score"].to_numpy(dtype=float),
            "paragraph_share": chosen[theme].to_numpy(dtype=float),
        }
    )


def cluster_rows(
    clusters: pd.DataFrame,
    names: dict[int, str],
    documents: pd.DataFrame,
    unit_text: Callable[[str, int | None], str],
    n_examples: int = 3,
) -> list[dict]:
    """Per cluster: its words, size, share, main sections, and its most central members.

    Central members are those nearest to the cluster's mean in the 2-D layout (first members
    when the run has no layout). ``unit_text(doc_id, paragraph)`` names a member: an
    article's title, or a paragraph's opening words when the clusters are paragraphs.
    """
    labels = documents.set_index("id")["label"] if "label" in documents else None
    paragraphs = "paragraph" in clusters
    rows = []
    for cluster in sorted(int(c) for c in clusters["cluster"].unique()):
        members = clusters[clusters["cluster"] == cluster]
        xy = members[["x", "y"]].to_numpy(dtype=float)
        if np.isfinite(xy).all() and len(xy):
            order = np.argsort(np.linalg.norm(xy - xy.mean(axis=0), axis=1), kind="stable")
        else:
            order = np.arange(len(members))
        examples = [
            unit_text(
                str(members["doc_id"].iloc[i]),
                int(members["paragraph"].iloc[i]) if paragraphs else None,
            )
            for i in order[:n_examples]
        ]
        rows.append(
            {
                "cluster": "outliers" if cluster < 0 else cluster,
                "name": names.get(cluster, "") if cluster >= 0 else "not in any cluster",
                "size": len(members),
                "share": len(members) / max(len(clusters), 1),
                "sections": ""
                if labels is None
                else top_counts(members["doc_id"].drop_duplicates().map(labels)),
                "examples": examples,
            }
        )
    return rows


def duplicate_rows(pairs: pd.DataFrame, documents: pd.DataFrame) -> list[dict]:
    """Near-duplicate pairs with each side's title, source and date."""
    docs = documents.set_index("id")
    rows = []
    for pair in pairs.itertuples(index=False):
        row = {"score": float(pair.score), "jaccard": getattr(pair, "jaccard", None)}
        for side, doc_id in (("a", pair.id_a), ("b", pair.id_b)):
            doc = docs.loc[doc_id] if doc_id in docs.index else pd.Series(dtype=object)
            row[side] = {
                "id": doc_id,
                "title": doc.get("title", ""),
                "source": doc.get("source"),
                "date": doc.get("date"),
            }
        rows.append(row)
    return rows
