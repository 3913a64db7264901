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
COLUMNS = ["rank", "id", "match", "score", "title", "date", "label", "snippet", "shared_terms"]


def best_passage(paragraph_tokens: Sequence[Sequence[str]], terms: set[str]) -> int:
    """Position of the paragraph sharing the most ``terms`` (the first on ties; 0 if none)."""
    if not terms or not paragraph_tokens:
        return 0
    overlap = [len(terms.intersection(tokens)) for tokens in paragraph_tokens]
    return max(range(len(overlap)), key=lambda i: (overlap[i], -i))


def cut_around(text: str, words: Sequence[str], width: int = SNIPPET_WIDTH) -> str:
    """``text`` cut to about ``width`` characters so that the first of ``words`` shows.

    The window starts at the sentence holding the match, or a third of the width before the
    match when that sentence is too long to show it.
    """
    if len(text) <= width:
        return text
    lower = text.lower()
    found = [lower.find(w.lower()) for w in words if w]
    found = [i for i in found if i >= 0]
    start = 0
    if found and min(found) > width // 2:
        first = min(found)
        sentence = max(text.rfind(". ", 0, first), text.rfind("? ", 0, first)) + 2
        start = (
            sentence
            if 0 < sentence < first and first - sentence < width * 4 // 5
            else first - width // 3
        )
        start = text.find(" ", start - 1) + 1 if start > 0 and text[start - 1] != " " else start
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
    """One row per hit: rank, id, match, score, title, date, label, snippet, shared_terms,
    theme and topic columns from ``extra``, and ``channels`` (each fused mode's score and rank).

    ``match`` is what a reader can check (see :class:`~toolkit.search.ranking.Hit`); ``score``
    is what ranked the hits (in ``hybrid`` the fused score as a share of the best possible).

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
            "match": None if hit.match is None else round(float(hit.match), 3),
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
