"""Which articles a query may return: filters by date, label and theme, as a boolean mask.

Examples
--------
>>> import pandas as pd
>>> docs = pd.DataFrame({"id": ["a", "b"], "date": ["2023-06-13", "2024-01"],
...                      "label": ["politik", "sport"]})
>>> document_mask(docs, date_from="2024").tolist()
[False, True]
>>> document_mask(docs, label="politik").tolist()
[True, False]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# An article passes a theme filter when the theme is its best theme or covers this share of it.
THEME_FILTER_SHARE = 0.25

_DATE_PREFIX = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def check_date_prefix(value: str, option: str) -> str:
    """``value`` if it is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; else a ValueError naming it.

    >>> check_date_prefix("2023-06", "--from")
    '2023-06'
    """
    if not _DATE_PREFIX.match(value):
        raise ValueError(f"{option} {value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def document_mask(
    documents: pd.DataFrame,
    date_from: str | None = None,
    date_to: str | None = None,
    label: str | None = None,
    theme: str | None = None,
    themes: pd.DataFrame | None = None,
) -> np.ndarray | None:
    """One flag per row of ``documents`` (columns ``id``, ``date``, ``label``); None: no filter.

    Parameters
    ----------
    documents : DataFrame
        The run's documents, in index order.
    date_from, date_to : str, optional
        Inclusive date prefixes (``2023``, ``2023-06``, ``2023-06-13``); undated articles fail.
    label : str, optional
        Only articles with this label.
    theme : str, optional
        Only articles whose best theme it is, or with at least ``THEME_FILTER_SHARE`` of it;
        needs ``themes`` (the run's per-article table with ``doc_id``, ``theme`` and one column
        per theme).
    """
    if not any((date_from, date_to, label, theme)):
        return None
    mask = np.ones(len(documents), dtype=bool)
    dates = documents["date"].fillna("").astype(str)
    if date_from:
        start = check_date_prefix(date_from, "--from")
        mask &= np.array([bool(d) and d[: len(start)] >= start for d in dates])
    if date_to:
        end = check_date_prefix(date_to, "--to")
        mask &= np.array([bool(d) and d[: len(end)] <= end for d in dates])
    if label:
        known = set(documents["label"].dropna())
        if label not in known:
            raise ValueError(f"unknown label {label!r}; the labels are: {', '.join(sorted(known))}")
        mask &= (documents["label"].fillna("") == label).to_numpy()
    if theme:
        mask &= theme_mask(documents, theme, themes)
    return mask


def theme_mask(documents: pd.DataFrame, theme: str, themes: pd.DataFrame | None) -> np.ndarray:
    """Articles about ``theme``: their best theme, or at least ``THEME_FILTER_SHARE`` of them."""
    names = [] if themes is None else [c for c in themes.columns if f"score_{c}" in themes]
    if theme not in names:
        known = ", ".join(names) or "none"
        raise ValueError(f"unknown theme {theme!r}; the run's themes are: {known}")
    by_id = themes.set_index("doc_id")
    has_theme = (by_id["theme"] == theme) | (by_id[theme] >= THEME_FILTER_SHARE)
    return documents["id"].map(has_theme).fillna(False).to_numpy(dtype=bool)
