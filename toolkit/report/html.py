"""``toolkit report RUN``: one self-contained HTML file a researcher can send to a colleague.

A summary of what the run found comes first, then one section per stage; figures are PNGs and
inline SVG embedded in the file (no script, no network, no plotly.js), numbers are formatted
for reading, and nothing in the file names the machine that made it. Everything is read through
the public :class:`~toolkit.experiment.run.Run` API.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit.io import write_text
from toolkit.report.collect import Findings, collect
from toolkit.report.lookups import duplicates_section, nearest_section, search_section
from toolkit.report.sections import (
    clusters_section,
    corpus_section,
    date_range,
    plural,
    summary_section,
    themes_section,
    topics_section,
)
from toolkit.report.technical import details_section

CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--accent:#2f6fb3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
header,nav,main{max-width:1120px;margin:0 auto;padding:0 24px}
header{padding-top:28px}
h1{font-size:1.75em;margin:0 0 .15em}
.subtitle{color:var(--muted);margin:0 0 .8em}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);
display:flex;flex-wrap:wrap;gap:.2em 1.3em;padding-top:.5em;padding-bottom:.5em;font-size:.92em}
nav a{color:var(--accent);text-decoration:none}
main{padding-bottom:4em}
h2{font-size:1.3em;margin:2em 0 .6em;padding-bottom:.25em;border-bottom:1px solid var(--line);
scroll-margin-top:3em}
h3{font-size:1.02em;margin:1.6em 0 .4em}
p{max-width:80ch}
a{color:var(--accent)}
.summary{background:var(--soft);border:1px solid var(--line);border-radius:8px;
padding:.6em 1.4em}
.summary>ul{padding-left:1.1em}
.summary li{margin:.45em 0}
.summary ol,.summary ul ul{margin:.3em 0;padding-left:1.6em}
.summary ol li,.summary ul ul li{margin:.15em 0}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.2em;font-size:.88em}
caption{text-align:left;font-weight:600;padding:.2em 0 .4em}
th,td{border-bottom:1px solid var(--line);padding:.38em .55em;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
thead th{background:var(--soft);font-weight:600;border-bottom:2px solid var(--line)}
td.num,th.num{text-align:right;white-space:nowrap;overflow-wrap:normal;
font-variant-numeric:tabular-nums}
th.num{white-space:normal}
table.fixed{table-layout:fixed}
table.facts{width:auto;max-width:100%}
.narrow{max-width:30em}
.metrics{columns:2 24em;column-gap:28px}
.metrics table{break-inside:avoid;margin-top:0}
ul.titles{margin:0;padding-left:1.1em}
ul.titles li{margin:0 0 .2em}
table.facts th{background:none;font-weight:600;white-space:nowrap;padding-right:1.5em}
.bar{display:inline-block;width:3.2em;height:.55em;background:#e3e8ee;border-radius:3px;
vertical-align:middle;overflow:hidden;margin-right:.2em}
.bar span{display:block;height:100%;background:var(--accent)}
figure{margin:1em 0 1.6em}
figure img{display:block;max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:.85em;margin-top:.3em}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr));
gap:0 28px;align-items:start}
.map svg{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
.legend{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:.15em 1.1em;
font-size:.82em}
.swatch{display:inline-block;width:.75em;height:.75em;border-radius:50%;margin-right:.35em}
.muted{color:var(--muted)}
code{font-size:.9em;background:var(--soft);padding:.05em .3em;border-radius:4px}
pre{background:var(--soft);padding:1em;font-size:.8em;white-space:pre-wrap;
overflow-wrap:anywhere;border-radius:6px}
details{margin:.6em 0}
summary{cursor:pointer;color:var(--accent)}
dl.glossary dt{font-weight:600;margin-top:.5em}
dl.glossary dd{margin:0 0 0 1.2em}
footer{color:var(--muted);font-size:.85em;margin-top:3em}
@media (max-width:900px){table.fixed{table-layout:auto}header,nav,main{padding:0 12px}}
@media print{nav{display:none}}
"""

Section = tuple[str, str, Callable[[Any, Findings], str | None], str]

# id, heading, builder, stage the section needs ("" for every run)
SECTIONS: tuple[Section, ...] = (
    ("summary", "Summary", summary_section, ""),
    ("corpus", "Corpus", corpus_section, ""),
    ("topics", "Topics", topics_section, "topics"),
    ("themes", "Themes", themes_section, "themes"),
    ("clusters", "Clusters", clusters_section, "clusters"),
    ("nearest", "Nearest articles", nearest_section, "search"),
    ("search", "Search examples", lambda run, _: search_section(run), "search"),
    ("duplicates", "Near-duplicates", lambda _, f: duplicates_section(f), "embeddings"),
    ("details", "Technical details", lambda run, _: details_section(run), ""),
)


def build_report(run: Any) -> str:
    """The report of ``run`` as one HTML string (English interface, the corpus's language
    for its content).

    Examples
    --------
    >>> html = build_report(load_run("runs/demo-20261130-120000"))  # doctest: +SKIP
    >>> html.startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    findings = collect(run)
    parts = []
    for key, heading, build, stage in SECTIONS:
        if stage and not run.has(stage):
            continue
        body = build(run, findings)
        if body:
            parts.append((key, heading, body))
    nav = "".join(f'<a href="#{key}">{html.escape(heading)}</a>' for key, heading, _ in parts)
    sections = "\n".join(
        f'<section id="{key}"><h2>{html.escape(heading)}</h2>\n{body}</section>'
        for key, heading, body in parts
    )
    name = html.escape(str(run.config.name))
    subtitle = (
        f"{plural(findings.corpus.documents, 'article')}, {date_range(findings)} · "
        f"run <code>{html.escape(run.path.name)}</code>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Report: {name}</title><style>{CSS}</style></head><body>"
        f'<header><h1>Report: {name}</h1><p class="subtitle">{subtitle}</p></header>'
        f"<nav>{nav}</nav><main>{sections}"
        "<footer>Made by <code>toolkit report</code>. Article titles, topic words and "
        "theme descriptions are quoted from the corpus and the config as they are.</footer>"
        "</main></body></html>\n"
    )


def write_report(run: Any, out: str | Path | None = None) -> Path:
    """Write the report of ``run`` to ``out`` (default ``RUN/report.html``) and return the path."""
    path = Path(out) if out is not None else run.path / "report.html"
    write_text(path, build_report(run))
    return path
