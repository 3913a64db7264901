"""The report's reading sections: summary, corpus, topics, themes and clusters.

Each ``*_section`` returns the section's HTML body (headings below ``h2`` included) or None
when the run lacks the stage. Interface text is English; article titles, topic words and
theme descriptions are the corpus's German, marked ``lang="de"``.
"""

from __future__ import annotations

import base64
import html
from typing import Any

from matplotlib.figure import Figure

from toolkit.plots.run import (
    layout_axis,
    map_colourings,
    map_points,
    theme_profile_plot,
    themes_over_time_plot,
    topic_theme_table,
    topic_words_plot,
    topics_over_time_plot,
)
from toolkit.plots.style import png_bytes
from toolkit.plots.themes import topic_theme_heatmap
from toolkit.report.collect import Findings, named_theme_rows, themed_articles
from toolkit.report.findings import display_date, theme_articles
from toolkit.report.format import Column, html_table, number, percent, share_bar
from toolkit.report.seeds import seeds_section
from toolkit.report.svg import scatter_svg

METHOD_NAMES = {"kmeans": "k-means", "hdbscan": "HDBSCAN"}


def esc(value: Any) -> str:
    return html.escape(str(value))


def de(text: Any) -> str:
    """German content inside English prose."""
    return f'<span lang="de">{esc(text)}</span>'


# PNGs are rendered at 150 dpi and shown at 100 px per inch: sharp on high-density screens,
# with the figures' 9-point labels as large as the page's small print
PNG_DPI, SHOWN_DPI = 150, 100


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's header."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def figure(fig: Figure | None, alt: str, caption: str = "") -> str:
    """A matplotlib figure as an embedded PNG with a caption ("" when there is no figure)."""
    if fig is None:
        return ""
    data = png_bytes(fig)
    width, height = (round(v * SHOWN_DPI / PNG_DPI) for v in png_size(data))
    encoded = base64.b64encode(data).decode("ascii")
    note = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img alt="{esc(alt)}" width="{width}" height="{height}" '
        f'src="data:image/png;base64,{encoded}">{note}</figure>'
    )


def titles_list(titles: list[str]) -> str:
    """Article titles (or paragraph openings) as a compact German list."""
    items = "".join(f"<li>{esc(title)}</li>" for title in titles)
    return f'<ul class="titles">{items}</ul>'


def date_range(findings: Findings) -> str:
    corpus = findings.corpus
    if corpus.first_date is None:
        return "undated"
    if corpus.first_date == corpus.last_date:
        return display_date(corpus.first_date)
    span = f" ({corpus.months} months)" if corpus.months and corpus.months > 1 else ""
    return f"{display_date(corpus.first_date)} – {display_date(corpus.last_date)}{span}"


def plural(count: int, word: str) -> str:
    """``1 article``, ``2 articles``.

    Examples
    --------
    >>> plural(1, "article"), plural(1234, "paragraph")
    ('1 article', '1,234 paragraphs')
    """
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def corpus_sentence(findings: Findings) -> str:
    corpus = findings.corpus
    sources = f" from {plural(len(corpus.sources), 'source')}" if len(corpus.sources) else ""
    text = f"<b>{plural(corpus.documents, 'article')}</b>{sources}, {date_range(findings)}."
    if len(corpus.labels):
        sections = ", ".join(f"{de(k)} {v}" for k, v in corpus.labels.items())
        text += f" Sections: {sections}."
    if corpus.undated and corpus.first_date is not None:
        text += f" {plural(corpus.undated, 'article')} without a date."
    return text


def words_beyond_label(row: dict) -> str:
    """A topic's top words without those its label already shows.

    Examples
    --------
    >>> words_beyond_label({"label": "kiew · ukraine", "words": "kiew, ukraine, front, stadt"})
    'front, stadt'
    """
    shown = {w.strip() for w in row["label"].split("·")}
    return ", ".join(w for w in row["words"].split(", ") if w not in shown)


def topics_sentence(findings: Findings) -> str:
    items = "".join(
        f"<li><b>{de(row['label'])}</b>: {de(words_beyond_label(row))} "
        f"<span class=muted>({percent(row['share'])} of the corpus)</span></li>"
        for row in findings.topics
    )
    return f"<b>{plural(len(findings.topics), 'topic')}</b>:<ol start=0>{items}</ol>"


def themes_sentence(findings: Findings) -> str:
    named, total = themed_articles(findings)
    paragraphs = sum(r["paragraphs"] for r in findings.themes)
    themed_paragraphs = sum(r["paragraphs"] for r in named_theme_rows(findings))
    lead = (
        f"<b>Themes</b>: {named:,} of {plural(total, 'article')} ({percent(named / max(total, 1))})"
        f" {'has' if total == 1 else 'have'} a best theme; {themed_paragraphs:,} of "
        f"{plural(paragraphs, 'paragraph')} ({percent(themed_paragraphs / max(paragraphs, 1))}) "
        f"{'carries' if paragraphs == 1 else 'carry'} one."
    )
    items = []
    for row in named_theme_rows(findings):
        where = f"; sections: {de(row['sections'])}" if row["sections"] else ""
        when = f"; most in: {esc(row['when'])}" if row["when"] else ""
        items.append(
            f"<li><b>{esc(row['theme'])}</b>: {plural(row['articles'], 'article')} "
            f"({percent(row['article_share'])}), {plural(row['paragraphs'], 'paragraph')}"
            f"{where}{when}</li>"
        )
    return f"{lead}<ul>{''.join(items)}</ul>"


def clusters_sentence(findings: Findings) -> str:
    rows = sorted(findings.clusters, key=lambda r: -r["size"])
    shown = ", ".join(f"“{de(r['name'])}” ({r['size']:,})" for r in rows[:4])
    more = f" and {len(rows) - 4} more" if len(rows) > 4 else ""
    unit = findings.cluster_unit
    return f"<b>{plural(len(rows), 'cluster')}</b> of {unit}, largest first: {shown}{more}."


def duplicates_sentence(findings: Findings) -> str:
    pairs = findings.duplicates or []
    if not pairs:
        at = (
            f" at cosine ≥ {number(findings.duplicate_threshold)}"
            if findings.duplicate_threshold
            else ""
        )
        return f"<b>No near-duplicate articles</b>{at}."
    first = pairs[0]
    sides = " and ".join(
        f"„{de(first[s]['title'])}“ ({esc(first[s]['source'] or first[s]['id'])}, "
        f"{display_date(first[s]['date'])})"
        for s in ("a", "b")
    )
    shared = f", {percent(first['jaccard'])} of word shingles shared" if first["jaccard"] else ""
    more = f"; {len(pairs) - 1} more below" if len(pairs) > 1 else ""
    return (
        f"<b>{plural(len(pairs), 'near-duplicate pair')}</b>: {sides} "
        f"(cosine {number(first['score'], 2)}{shared}){more}."
    )


def quality_sentence(metrics: dict) -> str:
    topics, clusters = metrics.get("topics", {}), metrics.get("clusters", {})
    parts = []
    if "coherence_c_v" in topics:
        npmi = topics.get("coherence_c_npmi")
        extra = f" (NPMI {number(npmi)})" if npmi is not None else ""
        parts.append(f"topic coherence c_v {number(topics['coherence_c_v'])}{extra}")
    if "diversity" in topics:
        parts.append(f"topic diversity {number(topics['diversity'])}")
    if clusters.get("nmi") is not None:
        parts.append(f"clusters match the sections at NMI {number(clusters['nmi'])}")
    if not parts:
        return ""
    return f"<b>Quality</b>: {'; '.join(parts)} (see Technical details)."


def summary_section(run: Any, findings: Findings) -> str:
    items = [corpus_sentence(findings)]
    if findings.topics:
        items.append(topics_sentence(findings))
    if findings.themes:
        items.append(themes_sentence(findings))
    if findings.clusters:
        items.append(clusters_sentence(findings))
    if findings.duplicates is not None:
        items.append(duplicates_sentence(findings))
    quality = quality_sentence(run.metrics)
    if quality:
        items.append(quality)
    body = "".join(f"<li>{item}</li>" for item in items)
    return f'<div class="summary"><ul>{body}</ul></div>'


def corpus_section(run: Any, findings: Findings) -> str:
    corpus = findings.corpus
    tables = []
    for title, counts in (("Sections", corpus.labels), ("Sources", corpus.sources)):
        if len(counts):
            rows = [
                {"name": k, "n": int(v), "share": v / corpus.documents} for k, v in counts.items()
            ]
            columns = [
                Column("name", title[:-1].lower(), "de"),
                Column("n", "articles", "num", width="6em"),
                Column("share", "share", "num", share_bar, "8em"),
            ]
            tables.append(f"<div>{html_table(rows, columns, title)}</div>")
    words = run.documents.get("words")
    paragraphs = run.documents.get("paragraphs")
    facts = []
    if words is not None and len(words) == 1:
        facts.append(f"The article has {plural(int(words.iloc[0]), 'word')}")
    elif words is not None and len(words):
        facts.append(
            f"Articles have {number(int(words.median()))} words (median; "
            f"{number(int(words.min()))} – {number(int(words.max()))})"
        )
    if paragraphs is not None and len(paragraphs):
        facts.append(f"{plural(int(paragraphs.sum()), 'paragraph')} in all")
    lead = f"<p>{'; '.join(facts)}.</p>" if facts else ""
    return lead + (f'<div class="grid">{"".join(tables)}</div>' if tables else "")


def topics_section(run: Any, findings: Findings) -> str:
    unit = findings.topic_unit
    columns = [
        Column("topic", "#", "num", width="2.5em"),
        Column("label", "label", "de", width="11em"),
        Column("words", "top words", "de"),
        Column("share", "share of corpus", "num", share_bar, "8.5em"),
        Column("articles", "leads in", "num", lambda n: plural(n, unit[:-1]), "7.5em"),
        Column("examples", f"most typical {unit}", "de", titles_list, "32%"),
    ]
    model = run.metrics.get("topics", {}).get("model", "topic model").upper()
    parts = [
        f"<p>{esc(model)} fitted on {esc(unit)}. A topic's <i>share of corpus</i> is its mean "
        f"share over the {esc(unit)}; it <i>leads in</i> the {esc(unit)} where it is the "
        "largest topic.</p>",
        html_table(findings.topics, columns),
        figure(topic_words_plot(run), "Top words per topic"),
    ]
    over_time = run.topics_over_time
    if over_time is not None and over_time["period"].nunique() > 1:
        caption = "Sparse months are merged into quarters (quarters into years)."
        parts.append(figure(topics_over_time_plot(run), "Topics over time", caption))
    if run.has("themes"):
        table = topic_theme_table(run)
        if table is None:
            parts.append("<p class=muted>Topic shares per theme need two articles or more.</p>")
        else:
            matrix, unit = table
            heatmap = topic_theme_heatmap(
                matrix, run.topic_labels, f"Mean topic share of the {unit} of each theme"
            )
            parts.append(figure(heatmap, "Topics per theme", "How the topics divide each theme."))
    return "\n".join(p for p in parts if p)


def two_decimals(value: Any) -> str:
    return "" if value is None else f"{float(value):.2f}"


def ends(rows: list[dict], head: int = 6, tail: int = 3) -> list[dict]:
    """The first ``head`` and last ``tail`` rows with a row saying how many are left out.

    Examples
    --------
    >>> [r["title"] for r in ends([{"title": str(i)} for i in range(12)], 2, 1)]
    ['0', '1', '… 9 more …', '11']
    """
    if len(rows) <= head + tail + 1:
        return rows
    skipped = {"title": f"… {len(rows) - head - tail} more …"}
    return [*rows[:head], skipped, *rows[-tail:]]


def strongest_and_weakest(count: int, head: int = 6, tail: int = 3) -> str:
    """The heading of a theme's article table."""
    if count == 1:
        return "its only article"
    if count <= head + tail + 1:
        return f"all {count} articles, strongest first"
    return f"{count} articles, the {head} strongest and the {tail} weakest"


def themes_section(run: Any, findings: Findings) -> str:
    columns = [
        Column("theme", "theme", width="10.5em"),
        Column("description", "description", "de"),
        Column("articles", "articles", "num", width="5.5em"),
        Column("article_share", "of articles", "num", share_bar, "7.5em"),
        Column("paragraphs", "paragraphs", "num", width="6.5em"),
        Column("paragraph_share", "of paragraphs", "num", share_bar, "8em"),
        Column("sections", "sections", "de", width="11.5em"),
        Column("when", "most in", width="9.5em"),
    ]
    threshold = run.metrics.get("themes", {}).get("settings", {}).get("threshold")
    cut = f" (score ≥ {number(threshold, 2)})" if threshold is not None else ""
    parts = [
        "<p>Each paragraph gets the theme it scores highest on, if that score reaches the "
        f"threshold{cut}; otherwise none. An article's best theme is the theme that covers "
        "the largest part of its text; it has none only when none of its paragraphs has a "
        "theme.</p>",
        html_table(findings.themes, columns),
        figure(themes_over_time_plot(run), "Articles per period by theme"),
    ]
    article_columns = [
        Column("title", "article", "de"),
        Column("date", "date", "num", display_date, "7.5em"),
        Column("label", "section", "de", width="8.5em"),
        Column("score", "score", "num", two_decimals, "4.5em"),
        Column("paragraph_share", "of its text", "num", share_bar, "8em"),
    ]
    for row in named_theme_rows(findings):
        ranked = theme_articles(run.themes, run.documents, row["theme"], n=row["articles"])
        if len(ranked):
            parts.append(f"<h3>{esc(row['theme'])}: {strongest_and_weakest(len(ranked))}</h3>")
            parts.append(html_table(ends(ranked.to_dict("records")), article_columns))
    parts.append(seeds_section(run))
    parts.append(
        figure(
            theme_profile_plot(run),
            "Themes paragraph by paragraph",
            "The article whose paragraphs cover the most themes, scored paragraph by paragraph.",
        )
    )
    return "\n".join(p for p in parts if p)


def clusters_section(run: Any, findings: Findings) -> str:
    unit = findings.cluster_unit
    columns = [
        Column("cluster", "#", "num", width="2.5em"),
        Column("name", "distinctive words", "de", width="14em"),
        Column("size", unit, "num", width="6.5em"),
        Column("share", "share", "num", share_bar, "7.5em"),
        Column("sections", "sections", "de", width="12em"),
        Column("examples", f"central {unit}", "de", titles_list),
    ]
    method = run.metrics.get("clusters", {}).get("clustering", {}).get("method", "")
    method = METHOD_NAMES.get(method, method)
    parts = [
        f"<p>{esc(method)} clusters of {esc(unit)} on their sentence and LSA vectors; a "
        "cluster is named by its most distinctive words, its central members are nearest to "
        "its middle on the map.</p>",
        html_table(findings.clusters, columns),
    ]
    points = map_points(run)
    if points is not None:
        axis = layout_axis(run)
        maps = [
            scatter_svg(points, column, f"Document map by {column} ({axis} layout)")
            for column in map_colourings(points)[:2]
        ]
        parts.append(f'<div class="grid">{"".join(maps)}</div>')
    else:
        parts.append("<p class=muted>No 2-D layout in this run.</p>")
    return "\n".join(parts)
