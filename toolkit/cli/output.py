"""How the command line prints: tables that fit a terminal, JSON, paths and next steps.

Examples
--------
>>> fit_text("Ein sehr langer Titel über die Rüstungsproduktion in Europa", 30)
'Ein sehr langer Titel über di…'
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import typer

from toolkit.progress import is_quiet
from toolkit.report.format import shown_path

#: Widest table printed when the terminal's width is unknown.
TABLE_WIDTH = 100
# columns shown in a terminal table, in order, with their widest width; the rest goes to --json
_TABLE_COLUMNS = {
    "rank": 4,
    "id": 22,
    "score": 6,
    "date": 10,
    "title": 34,
    "theme": 16,
    "snippet": 60,
    "shared_terms": 30,
}


def fit_text(value: Any, width: int) -> str:
    """``value`` as one line of at most ``width`` characters (cut with an ellipsis)."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _terminal_width() -> int:
    return min(shutil.get_terminal_size((TABLE_WIDTH, 24)).columns, 160)


def _hit_tables(table: pd.DataFrame, width: int) -> str:
    """Search hits: a compact line per hit, then its passage and shared terms indented."""
    lines = []
    for _, row in table.iterrows():
        match = row.get("match")
        shown = "" if match is None or pd.isna(match) else f"{match:.0%} "
        head = f"{row['rank']:>2}. {shown:>5}{fit_text(row['id'], 24)}"
        extra = "  ".join(fit_text(row[c], 16) for c in ("date", "label", "theme") if c in row)
        lines.append(fit_text(f"{head}  {extra}", width))
        lines.append("    " + fit_text(row["title"], width - 4))
        snippet = textwrap.wrap(f"» {row['snippet']}", width - 4, max_lines=2, placeholder=" …")
        lines += ["    " + line for line in snippet]
        if row.get("shared_terms"):
            lines.append("    " + fit_text(f"shared: {row['shared_terms']}", width - 4))
    return "\n".join(lines)


def emit(table: pd.DataFrame, as_json: bool) -> None:
    """Print ``table`` as JSON records, or as text that fits the terminal (at most 160 wide)."""
    if as_json:
        records = json.loads(table.to_json(orient="records", force_ascii=False))
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if table.empty:
        typer.echo("no results")
        return
    width = _terminal_width()
    if {"rank", "snippet", "match"} <= set(table.columns):
        typer.echo(_hit_tables(table, width))
        return
    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype == float:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
        else:
            shown[column] = shown[column].map(
                lambda v, c=column: fit_text(v, _TABLE_COLUMNS.get(c, 40))
            )
    with pd.option_context("display.width", width, "display.max_colwidth", 60):
        typer.echo(shown.to_string(index=False))


def next_steps(run: Any, report: Path | None) -> str:
    """What ``toolkit run`` prints at the end: where the run is, and what to try on it."""
    folder = shown_path(run.path)
    lines = [f"run folder: {folder}"]
    if report is not None:
        lines.append(f"report:     {shown_path(report)} (open it in a browser)")
    first = run.documents["id"].iloc[0] if len(run.documents) else None
    steps = [f"toolkit runs show {folder}"]
    if report is None:
        steps.append(f"toolkit report {folder}")
    if run.has("search") and first is not None:
        steps.append(f'toolkit search {folder} "Munitionsproduktion in Europa"')
        steps.append(f"toolkit similar {folder} --doc {first}")
    if run.has("topics"):
        steps.append(f'toolkit topics {folder} "Die NATO will mehr Munition produzieren"')
    if run.has("themes"):
        steps.append(f"toolkit themes {folder}")
    lines.append("next:")
    lines += [f"  {step}" for step in steps]
    if is_quiet():
        return "\n".join(lines[: 2 if report is not None else 1])
    return "\n".join(lines)


def boilerplate_lines(sentences: dict[str, int], shown: int = 3) -> str:
    """``corpus info``'s boilerplate line: how many sentences the text stage would drop.

    >>> print(boilerplate_lines({"Alle Rechte vorbehalten.": 12}))
    boilerplate  1 sentence repeated verbatim (12 times), dropped by the text stage:
      12× Alle Rechte vorbehalten.
    """
    if not sentences:
        return "boilerplate  none (no sentence repeated verbatim across many articles)"
    count = sum(sentences.values())
    noun = "sentence" if len(sentences) == 1 else "sentences"
    lines = [
        f"boilerplate  {len(sentences)} {noun} repeated verbatim ({count} times), dropped by "
        "the text stage:"
    ]
    top = sorted(sentences.items(), key=lambda item: (-item[1], item[0]))[:shown]
    lines += [f"  {n}× {fit_text(sentence, TABLE_WIDTH - 8)}" for sentence, n in top]
    return "\n".join(lines)
