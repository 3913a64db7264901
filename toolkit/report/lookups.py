"""The report's look-up sections: nearest articles, free-text search, near-duplicates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.report.collect import Findings, named_theme_rows, theme_descriptions
from toolkit.report.findings import display_date
from toolkit.report.format import Column, html_table, number, percent
from toolkit.report.sections import de, esc, plural

HIT_COLUMNS = [
    Column("rank", "#", "num", width="2.5em"),
    Column("title", "article", "de"),
    Column("date", "date", "num", display_date, "7.5em"),
    Column("label", "section", "de", width="8.5em"),
    Column("theme", "theme", width="10.5em"),
    Column("shared_terms", "shared terms", "de", width="17em"),
    Column("score", "score", "num", lambda v: number(v, 2), "4.5em"),
]


def hits_table(hits: pd.DataFrame) -> str:
    """A search or similarity result as a table (rank, title, date, section, theme …)."""
    rows = hits.assign(rank=range(1, len(hits) + 1)).to_dict("records")
    columns = [c for c in HIT_COLUMNS if c.key == "rank" or c.key in hits]
    return html_table(rows, columns)


def example_articles(run: Any, findings: Findings) -> list[str]:
    """One article per theme: the one with the highest score for its best theme (without
    themes: the first article)."""
    if not run.has("themes"):
        return [str(run.documents["id"].iloc[0])]
    themes = run.themes
    chosen = []
    for row in named_theme_rows(findings):
        own = themes[themes["theme"] == row["theme"]].sort_values(
            ["score", "doc_id"], ascending=[False, True]
        )
        if len(own):
            chosen.append(str(own["doc_id"].iloc[0]))
    return chosen or [str(run.documents["id"].iloc[0])]


def nearest_section(run: Any, findings: Findings, k: int = 5) -> str:
    """For an example article per theme, the ``k`` nearest articles (``toolkit similar``)."""
    if findings.corpus.documents < 2:
        return "<p>The corpus has a single article: there is nothing to compare it with.</p>"
    titles = run.documents.set_index("id")["title"]
    which = "the strongest article of each theme" if run.has("themes") else "an example article"
    parts = [
        f"<p>The articles nearest to {which}, by the run's search index (the same as "
        "<code>toolkit similar RUN --doc ID</code>). <i>Shared terms</i> are the words that "
        "link the two articles; the score is the fused rank score (higher is nearer).</p>"
    ]
    for doc_id in example_articles(run, findings):
        try:
            hits = run.similar(doc_id, k=k)
        except (ToolkitError, ValueError) as exc:
            parts.append(f"<p class=muted>No neighbours for {esc(doc_id)}: {esc(exc)}</p>")
            continue
        parts.append(f"<h3>Nearest to „{de(titles.get(doc_id, doc_id))}“</h3>")
        parts.append(hits_table(hits))
    return "\n".join(parts)


def search_section(run: Any, k: int = 3) -> str:
    """Free-text search with each theme's description as the query (``toolkit search``);
    nothing for a corpus of one article, where every query finds that article."""
    queries = list(theme_descriptions(run).values())
    if not queries or len(run.documents) < 2:
        return ""
    parts = [
        "<p>Each theme's description used as a free-text query "
        '(<code>toolkit search RUN "…"</code>).</p>'
    ]
    for query in queries:
        try:
            hits = run.search(query, k=k)
        except (ToolkitError, ValueError) as exc:
            parts.append(f"<p class=muted>„{de(query)}“: {esc(exc)}</p>")
            continue
        parts.append(f"<h3>„{de(query)}“</h3>")
        parts.append(hits_table(hits))
    return "\n".join(parts)


def duplicates_section(findings: Findings) -> str:
    """Every near-duplicate pair with both titles, sources and dates."""
    if findings.duplicates is None:
        return ""
    pairs = findings.duplicates
    threshold = findings.duplicate_threshold
    at = f" at cosine ≥ {number(threshold)}" if threshold is not None else ""
    if not pairs:
        return f"<p>No pair of articles is this close{at}.</p>"
    rows = [
        {
            "a": pair["a"],
            "b": pair["b"],
            "score": pair["score"],
            "jaccard": pair["jaccard"],
        }
        for pair in pairs
    ]

    def side(doc: dict) -> str:
        meta = ", ".join(esc(v) for v in (doc["id"], doc["source"], display_date(doc["date"])) if v)
        return f'<span lang="de">{esc(doc["title"])}</span><br><span class=muted>{meta}</span>'

    columns = [
        Column("a", "article", render=side),
        Column("b", "near-duplicate", render=side),
        Column("score", "cosine", "num", lambda v: number(v, 3), "5em"),
        Column("jaccard", "shared shingles", "num", percent, "8em"),
    ]
    lead = (
        f"<p>{plural(len(pairs), 'pair')} of articles{at}: the same text published twice, "
        "e.g. agency copy in two outlets. <i>Shared shingles</i> is the share of three-word "
        "sequences the two texts have in common.</p>"
    )
    return lead + html_table(rows, columns)
