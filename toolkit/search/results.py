"""Search results a reader can check: a table of hits with their matching passage.

Every hit gets the passage of its article that best matches the query (the paragraph sharing
the most query terms, cut around them) rather than the article's first lines, a score on a scale
the mode explains, and the terms it shares with the query. Missing dates and labels are blanks.

Examples
--------
>>> best_passage([["nato", "gipfel"], ["munition", "werk"]], {"munition"})
1
>>> cut_around("Ein langer Satz. Die Munition fehlt überall.", ["Munition"], width=30)
'… Die Munition fehlt überall.'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from toolkit.search.ranking import Hit

SNIPPET_WIDTH = 200
COLUMNS = ["rank", "id", "score", "title", "date", "label", "snippet", "shared_terms"]


def best_passage(paragraph_tokens: Sequence[Sequence[str]], terms: set[str]) -> int:
    """Position of the paragraph sharing the most ``terms`` (the first on ties; 0 if none)."""
    if not terms or not paragraph_tokens:
        return 0
    overlap = [len(terms.intersection(tokens)) for tokens in paragraph_tokens]
    return max(range(len(overlap)), key=lambda i: (overlap[i], -i))


def cut_around(text: str, words: Sequence[str], width: int = SNIPPET_WIDTH) -> str:
    """``text`` cut to ``width`` characters around the first of ``words`` it contains."""
    if len(text) <= width:
        return text
    lower = text.lower()
    starts = [lower.find(w.lower()) for w in words if w and lower.find(w.lower()) >= 0]
    start = 0
    if starts:
        # begin at the sentence that holds the first match, when the match is past the width
        first = min(starts)
        if first > width // 2:
            sentence = max(text.rfind(". ", 0, first), text.rfind("? ", 0, first))
            start = sentence + 2 if sentence >= 0 else first
    piece = text[start : start + width]
    if start + width < len(text):
        piece = piece[: piece.rfind(" ")] if " " in piece else piece
        piece = piece.rstrip(",;: ") + " …"
    return ("… " if start > 0 else "") + piece.strip()


def hits_table(
    hits: list[Hit],
    documents: pd.DataFrame,
    passage: Callable[[int, Hit], str],
    extra: Callable[[Hit], dict[str, Any]] | None = None,
) -> pd.DataFrame:
    """One row per hit: rank, id, score, title, date, label, snippet, shared_terms, components.

    Parameters
    ----------
    hits : list of Hit
    documents : DataFrame
        The run's documents (``title``, ``date``, ``label``) in index order.
    passage : callable
        ``(document position, hit) -> snippet``.
    extra : callable, optional
        Further columns of a hit (theme, topic …).
    """
    rows = []
    for hit in hits:
        doc = documents.iloc[hit.index]
        row = {
            "rank": hit.rank,
            "id": hit.id,
            "score": round(float(hit.score), 4),
            "title": _blank(doc["title"]),
            "date": _blank(doc["date"]),
            "label": _blank(doc["label"]),
            "snippet": passage(hit.index, hit),
            "shared_terms": ", ".join(hit.shared_terms),
        }
        if extra is not None:
            row.update(extra(hit))
        row["channels"] = {k: round(float(v), 4) for k, v in hit.components.items()}
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    return frame[COLUMNS + [c for c in frame.columns if c not in COLUMNS]]


def _blank(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
