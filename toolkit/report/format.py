"""Numbers, metrics and tables as a reader wants them: percentages, a few digits, no dicts."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

# metric names whose values are shares of a whole, shown as percentages
SHARE_WORDS = ("share", "outlier_share", "dropped")


def percent(value: float | None) -> str:
    """A share as a percentage with two significant digits (``–`` when missing).

    Examples
    --------
    >>> [percent(v) for v in (0.4444444, 0.0444, 0.00444, 1.0, 0.0, None)]
    ['44%', '4.4%', '0.44%', '100%', '0%', '–']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    points = 100 * float(value)
    if points == 0 or abs(points) >= 10:
        return f"{points:.0f}%"
    return f"{number(points, 2)}%"


def number(value: Any, digits: int = 3) -> str:
    """A number for reading: integers with thousands separators, floats to ``digits``
    significant digits, very small or large floats in scientific notation.

    Examples
    --------
    >>> [number(v) for v in (1234567, 0.0571234, 52.345, -0.1254, 1.0000889e-12, 2.0)]
    ['1,234,567', '0.0571', '52.3', '-0.125', '1e-12', '2']
    """
    if value is None or isinstance(value, bool):
        return {None: "–", True: "yes", False: "no"}[value]
    if isinstance(value, int):
        return f"{value:,}"
    value = float(value)
    if math.isnan(value):
        return "–"
    if value == 0:
        return "0"
    if abs(value) >= 10**digits:
        return f"{round(value):,}"
    return f"{value:.{digits}g}"


def is_share(name: str) -> bool:
    """Whether a metric name denotes a share (shown as a percentage).

    Examples
    --------
    >>> is_share("paragraph_share.arms_production"), is_share("silhouette")
    (True, False)
    """
    return any(word in part for part in name.split(".") for word in SHARE_WORDS)


def metric_value(name: str, value: Any) -> str:
    """One metric value as text: shares as percentages, lists of numbers as a short list.

    Examples
    --------
    >>> metric_value("diversity", 0.9333333)
    '0.933'
    >>> metric_value("coherence_c_v_per_topic", [0.55, 0.3549, 0.41984])
    '0.55, 0.355, 0.42'
    >>> metric_value("themes", ["arms_production", "membership"])
    'arms_production, membership'
    """
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {metric_value(f'{name}.{k}', v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(metric_value(name, v) for v in value) if value else "–"
    if isinstance(value, float) and is_share(name):
        return percent(value)
    if isinstance(value, int | float) or value is None:
        return number(value)
    return str(value)


def flatten_metrics(metrics: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested metric dicts as ``(dotted.name, value)`` pairs, in their order.

    Examples
    --------
    >>> flatten_metrics({"a": 1, "b": {"c": 0.5, "d": {"e": None}}})
    [('a', 1), ('b.c', 0.5), ('b.d.e', None)]
    """
    pairs: list[tuple[str, Any]] = []
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            pairs.extend(flatten_metrics(value, f"{name}."))
        else:
            pairs.append((name, value))
    return pairs


def metrics_frame(metrics: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Every stage's metrics as rows ``stage, metric, value`` with formatted values.

    Examples
    --------
    >>> metrics_frame({"themes": {"paragraph_share": {"none": 0.2222222}}}).iloc[0].tolist()
    ['themes', 'paragraph_share.none', '22%']
    """
    rows = [
        {"stage": stage, "metric": name, "value": metric_value(name, value)}
        for stage, values in metrics.items()
        for name, value in flatten_metrics(values or {})
    ]
    return pd.DataFrame(rows, columns=["stage", "metric", "value"])


@dataclass(frozen=True)
class Column:
    """How a table column is shown: its heading, CSS class and a function from value to HTML.

    ``kind`` ``"text"`` wraps, ``"num"`` aligns right and never wraps, ``"de"`` is German
    content (marked ``lang="de"`` for hyphenation and screen readers). ``width`` (CSS, e.g.
    ``"7em"``) fixes the column's width; columns without one share the rest of the table.
    """

    key: str
    heading: str
    kind: str = "text"
    render: Any = None
    width: str | None = None

    def cell(self, value: Any) -> str:
        if is_empty(value):
            return ""
        if self.render is not None:
            return str(self.render(value))
        return html.escape(number(value) if self.kind == "num" else str(value))


def is_empty(value: Any) -> bool:
    """None, NaN, an empty string or an empty list.

    Examples
    --------
    >>> [is_empty(v) for v in (None, float("nan"), "", [], 0, "x")]
    [True, True, True, True, False, False]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str | list | tuple) and len(value) == 0


def html_table(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], caption: str | None = None
) -> str:
    """An HTML table of ``rows`` (dicts) with the given columns; cells are escaped unless a
    column's ``render`` returns HTML.

    Examples
    --------
    >>> table = html_table([{"w": "Munition", "n": 3}],
    ...                    [Column("w", "word", "de"), Column("n", "n", "num")])
    >>> table.count("<tr>"), '<td class="text" lang="de">Munition</td>' in table
    (2, True)
    """
    rows = list(rows)
    # a column with no value in any row tells nothing (e.g. sections of an unlabelled corpus)
    columns = [c for c in columns if any(not is_empty(row.get(c.key)) for row in rows)]
    head = "".join(
        f'<th class="{"num" if c.kind == "num" else "text"}">{html.escape(c.heading)}</th>'
        for c in columns
    )
    body = []
    for row in rows:
        cells = []
        for c in columns:
            css = "num" if c.kind == "num" else "text"
            lang = ' lang="de"' if c.kind == "de" else ""
            cells.append(f'<td class="{css}"{lang}>{c.cell(row.get(c.key))}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    layout, cols = "", ""
    if any(c.width for c in columns):
        # fixed layout: the given widths hold, long words wrap inside their cell
        layout = ' class="fixed"'
        cols = "".join(f'<col style="width:{c.width}">' if c.width else "<col>" for c in columns)
        cols = f"<colgroup>{cols}</colgroup>"
    return (
        f"<table{layout}>{title}{cols}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def share_bar(value: float | None) -> str:
    """A percentage with a small horizontal bar behind it (pure CSS, no script).

    Examples
    --------
    >>> share_bar(0.25)
    '<span class="bar"><span style="width:25.0%"></span></span> 25%'
    """
    width = 0.0 if value is None or math.isnan(value) else max(0.0, min(1.0, float(value)))
    return f'<span class="bar"><span style="width:{100 * width:.1f}%"></span></span> ' + percent(
        value
    )


def shown_path(path: Path) -> str:
    """``path`` relative to the working directory when below it (shorter, machine-neutral)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)
