"""``toolkit report RUN``: one self-contained HTML file (no server, no network needed).

Static figures are embedded as base64 PNG, interactive ones with plotly.js inline once,
tables as HTML; everything is read from the run folder.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.io import write_text
from toolkit.report.summary import summarize_run

CSS = """
body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;max-width:1180px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4}img{max-width:100%;border:1px solid #eee;margin:.5em 0}
pre{background:#f7f7f7;padding:.8em;overflow:auto;font-size:.8em;max-height:32em}
nav a{margin-right:1em}.muted{color:#777;font-size:.85em}details{margin:.5em 0}
"""


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, max_rows: int = 30) -> str:
    shown = frame.head(max_rows)
    shown = shown.round(3).astype(object).where(shown.notna(), "")  # missing values: blank
    return shown.to_html(index=False, border=0, float_format=lambda v: f"{v:.3f}", escape=True)


def _metrics_table(metrics: dict[str, Any]) -> str:
    rows = []
    for stage, values in metrics.items():
        for key, value in (values or {}).items():
            if isinstance(value, dict | list) and len(str(value)) > 120:
                continue
            rows.append({"stage": stage, "metric": key, "value": value})
    return _table(pd.DataFrame(rows), max_rows=200)


def _topic_words(run: Any, n: int = 10) -> pd.DataFrame:
    table = run.topic_table.sort_values(["topic", "rank"])
    rows = []
    for topic, group in table.groupby("topic", sort=True):
        rows.append(
            {
                "topic": topic,
                "label": run.topic_labels[int(topic)],
                "top words": ", ".join(group["word"].astype(str).head(n)),
            }
        )
    return pd.DataFrame(rows)


def _examples(run: Any) -> str:
    parts = []
    docs = run.documents
    for doc_id in docs["id"].head(2):
        try:
            result = run.similar(doc_id, k=5)
        except Exception as exc:  # the report must still be written when one lookup fails
            parts.append(
                f"<p class=muted>similar({html.escape(doc_id)}) failed: {html.escape(str(exc))}</p>"
            )
            continue
        title = docs.set_index("id").loc[doc_id, "title"]
        parts.append(
            f"<h3>Nächste Artikel zu {html.escape(doc_id)}: {html.escape(str(title))}</h3>"
        )
        parts.append(_table(result.drop(columns=["snippet"], errors="ignore")))
    queries = []
    if run.config.themes is not None:
        queries = [t.description for t in run.config.themes.definitions.values()][:2]
    for query in queries:
        try:
            result = run.search(query, k=5)
        except Exception as exc:
            parts.append(f"<p class=muted>search failed: {html.escape(str(exc))}</p>")
            continue
        parts.append(f"<h3>Suche: „{html.escape(query)}“</h3>")
        parts.append(_table(result))
    return "\n".join(parts)


def build_report(run: Any) -> str:
    """The report of ``run`` as an HTML string."""
    from toolkit.plots import write_run_plots

    plots = run.path / "plots"
    if not plots.is_dir():
        write_run_plots(run)
    sections: list[tuple[str, str, str]] = []
    overview = f"<pre>{html.escape(summarize_run(run))}</pre>"
    sections.append(("overview", "Überblick", overview))
    sections.append(("metrics", "Metriken", _metrics_table(run.metrics)))
    if run.has("topics"):
        body = [_table(_topic_words(run))]
        for name, alt in (
            ("topic_words.png", "Top-Wörter"),
            ("topics_over_time.png", "Topics über die Zeit"),
            ("topic_theme_heatmap.png", "Topic-Thema-Heatmap"),
        ):
            if (plots / name).is_file():
                body.append(_img(plots / name, alt))
        explorer = plots / "lda_explorer.html"
        if explorer.is_file():
            body.append(
                "<details><summary>Topic-Karte (interaktiv)</summary>"
                f"{_plotly_fragment(explorer)}</details>"
            )
        sections.append(("topics", "Topics", "\n".join(body)))
    if run.has("themes"):
        themes = run.themes
        counts = themes["theme"].value_counts().rename_axis("theme").reset_index(name="articles")
        body = [_table(counts), _table(themes)]
        if (plots / "theme_profile.png").is_file():
            body.append(_img(plots / "theme_profile.png", "Themenprofil"))
        sections.append(("themes", "Themen", "\n".join(body)))
    if run.has("clusters"):
        names = pd.DataFrame(
            {"cluster": list(run.cluster_names), "label": list(run.cluster_names.values())}
        )
        sizes = (
            run.clusters["cluster"].value_counts().rename_axis("cluster").reset_index(name="size")
        )
        body = [_table(names.merge(sizes, on="cluster", how="left"))]
        for png in sorted(plots.glob("document_map_*.png")):
            body.append(_img(png, png.stem))
        if (plots / "document_map.html").is_file():
            body.append(
                "<details open><summary>Dokumentkarte (interaktiv)</summary>"
                f"{_plotly_fragment(plots / 'document_map.html')}</details>"
            )
        sections.append(("clusters", "Cluster", "\n".join(body)))
    if run.has("search"):
        sections.append(("search", "Nächste Artikel (Beispiele)", _examples(run)))
    config = (run.path / "config.yaml").read_text(encoding="utf-8")
    sections.append(("config", "Konfiguration", f"<pre>{html.escape(config)}</pre>"))
    nav = " ".join(f'<a href="#{key}">{title}</a>' for key, title, _ in sections)
    body = "\n".join(f'<h2 id="{key}">{title}</h2>\n{content}' for key, title, content in sections)
    plotly_js = _plotly_js() if "plotly-fragment" in body else ""
    return (
        "<!DOCTYPE html><html lang=de><head><meta charset=utf-8>"
        f"<title>Run {html.escape(run.path.name)}</title><style>{CSS}</style>{plotly_js}</head>"
        f"<body><h1>Run {html.escape(run.config.name)}</h1>"
        f"<nav>{nav}</nav>{body}</body></html>\n"
    )


def _plotly_fragment(path: Path) -> str:
    """The figure div and script of a plotly HTML file, without its own copy of plotly.js."""
    text = path.read_text(encoding="utf-8")
    start = text.find("<div")
    end = text.rfind("</body>")
    fragment = text[start:end] if start >= 0 and end > start else text
    # drop the inline plotly.js bundle: the report carries it once in <head>
    marker = "/**\n* plotly.js"
    cut = fragment.find(marker)
    if cut >= 0:
        script_start = fragment.rfind("<script", 0, cut)
        script_end = fragment.find("</script>", cut) + len("</script>")
        fragment = fragment[:script_start] + fragment[script_end:]
    return f'<div class="plotly-fragment">{fragment}</div>'


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def write_report(run: Any, out: str | Path | None = None) -> Path:
    """Write the report of ``run`` to ``out`` (default ``RUN/report.html``) and return the path."""
    path = Path(out) if out is not None else run.path / "report.html"
    write_text(path, build_report(run))
    return path
