"""The report's seed diagnostics: which seeds and added words carry each theme, which do not.

A researcher checks here that a theme means what the seeds were meant to say: every seed (and
every word the themes stage added from the corpus) with the paragraphs it occurs in, the share
of them whose context supports the theme, the weight the scorer gave it and one example of each
kind. Ambiguous seeds are listed first, with the run's suggestion.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from toolkit.report.format import Column, html_table, number, percent

KINDS = {"seed": "seed", "part": "part of a seed", "expansion": "added from the corpus"}


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for row in table.to_dict("records"):
        paragraphs = int(row["paragraphs"])
        rows.append(
            {
                **row,
                "term": row["term"].replace("_", " ") + (" ⚠" if row["ambiguous"] else ""),
                "kind": KINDS.get(row["kind"], row["kind"]),
                "supported_share": percent(row["supported"] / paragraphs) if paragraphs else "",
                "weight": f"{number(row['base_weight'], 2)} → {number(row['weight'], 2)}",
                "compounds": "; ".join(str(row["compounds"]).split("; ")[:3]),
            }
        )
    return rows


COLUMNS = [
    Column("term", "term", "de", width="11em"),
    Column("kind", "kind", width="7.5em"),
    Column("paragraphs", "paragraphs", "num", width="6.5em"),
    Column("supported_share", "context agrees", "num", html.escape, "7em"),
    Column("weight", "weight", "num", html.escape, "7em"),
    Column("compounds", "also matched inside", "de", width="12em"),
    Column("supported_context", "where the context agrees", "de"),
    Column("unsupported_context", "where it does not", "de"),
]


def seeds_section(run: Any) -> str:
    """HTML: the warnings about ambiguous seeds, then one table per theme (seeds first)."""
    table = run.seed_diagnostics()
    if not len(table):
        return ""
    warnings = run.metrics.get("themes", {}).get("seed_warnings", [])
    parts = [
        "<h3>Seeds and added words</h3>",
        "<p>Where each seed occurs (also inside compounds), how many of those paragraphs read "
        "as the theme by their context (their English gloss against the theme's description, "
        "compared with ordinary news), and the weight the scorer therefore gave it. Seeds "
        "whose occurrences are mostly off the theme lose weight; ⚠ marks them.</p>",
    ]
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        parts.append(f'<ul class="warnings">{items}</ul>')
    order = {"seed": 0, "part": 1, "expansion": 2}
    for theme in dict.fromkeys(table["theme"]):
        rows = table[table["theme"] == theme].copy()
        rows["_order"] = rows["kind"].map(order)
        rows = rows.sort_values(["_order", "paragraphs"], ascending=[True, False], kind="stable")
        parts.append(f"<h4>{html.escape(theme)}</h4>")
        parts.append(html_table(_rows(rows), COLUMNS))
    return "\n".join(parts)
