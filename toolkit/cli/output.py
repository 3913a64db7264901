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


# the user's seeds first, then the parts of compound seeds, then the words the corpus added
_KIND_ORDER = {"seed": 0, "part": 1, "expansion": 2}


def seed_lines(table: pd.DataFrame, warnings: list[str]) -> str:
    """``toolkit themes``: per theme its terms' diagnostics, example contexts of its seeds (``+``
    supported by the context, ``-`` not), then the warnings about ambiguous seeds.

    >>> table = pd.DataFrame([{"theme": "membership", "term": "aufnahme", "kind": "seed",
    ...     "seed": "Aufnahme", "base_weight": 1.0, "paragraphs": 9, "exact": 6,
    ...     "compounds": "erstaufnahmezentrum 3", "supported": 1, "members": 0,
    ...     "weight": 0.27, "ambiguous": True, "supported_context": "die Aufnahme der Ukraine",
    ...     "unsupported_context": "im Erstaufnahmezentrum Traiskirchen"}])
    >>> print(seed_lines(table, []))  # doctest: +NORMALIZE_WHITESPACE
    membership
      term      kind       paragraphs  exact  supported  members  weight    compounds
      aufnahme  seed                9      6    1 (11%)        0    0.27 !  erstaufnahmezentrum 3
    examples (+ the context supports the theme, - it does not)
      aufnahme  + die Aufnahme der Ukraine
      aufnahme  - im Erstaufnahmezentrum Traiskirchen
    """
    from toolkit.themes import format_seed_diagnostics

    width = _terminal_width()
    blocks = []
    for theme in dict.fromkeys(table["theme"]):
        rows = table[table["theme"] == theme]
        rows = rows.sort_values("kind", key=lambda k: k.map(_KIND_ORDER), kind="stable")
        lines = [
            line if len(line) <= width else line[: width - 1] + "…"
            for line in format_seed_diagnostics(rows).splitlines()
        ]
        shown = rows[(rows["kind"] == "seed") | rows["ambiguous"]]
        term_width = max([0, *(len(t) for t in shown["term"])])
        examples = []
        for row in shown.itertuples(index=False):
            for mark, context in (("+", row.supported_context), ("-", row.unsupported_context)):
                if context:
                    text = fit_text(context, max(20, width - term_width - 6))
                    examples.append(f"  {row.term:<{term_width}}  {mark} {text}")
        if examples:
            lines += ["examples (+ the context supports the theme, - it does not)", *examples]
        blocks.append("\n".join(lines))
    wrapped = [textwrap.fill(f"warning: {w}", width, subsequent_indent="  ") for w in warnings]
    return "\n\n".join(blocks + (["\n".join(wrapped)] if wrapped else []))
