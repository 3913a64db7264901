"""The document map as inline SVG: light, crisp at any size, titles on hover without script."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from toolkit.plots.documents import category_order
from toolkit.plots.style import NONE_COLOR, color_for

MISSING = ("none", "-1", "nan")


def hex_colour(rgb: tuple[float, float, float] | str) -> str:
    """``#rrggbb`` of a matplotlib RGB tuple (a string is returned as it is).

    Examples
    --------
    >>> hex_colour((1.0, 0.5, 0.0)), hex_colour("#bbbbbb")
    ('#ff8000', '#bbbbbb')
    """
    if isinstance(rgb, str):
        return rgb
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb[:3])


def category_colours(values: pd.Series) -> dict[str, str]:
    """Category -> colour, in the order and palette of the PNG document maps."""
    return {
        c: NONE_COLOR if c in MISSING else hex_colour(color_for(i))
        for i, c in enumerate(category_order(values))
    }


def scatter_svg(
    points: pd.DataFrame,
    colour_by: str,
    caption: str,
    width: int = 560,
    height: int = 420,
    max_points: int = 4000,
) -> str:
    """A ``<figure>`` with an SVG scatter of ``points`` (``x``, ``y``, ``title``, ``id`` and
    ``colour_by``) and an HTML legend; hovering a dot shows its title (the SVG ``<title>``).

    Above ``max_points`` every n-th point is drawn (said in the caption), so that the report
    stays small for large corpora.

    Examples
    --------
    >>> pts = pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0], "title": ["A", "B"],
    ...                     "id": ["a", "b"], "cluster": ["0: nato", "1: sport"]})
    >>> svg = scatter_svg(pts, "cluster", "Map")
    >>> svg.count("<circle"), "<title>A" in svg
    (2, True)
    """
    step = max(1, int(np.ceil(len(points) / max_points)))
    shown = points.iloc[::step]
    values = points[colour_by].astype(str)
    colours = category_colours(values)
    xy = shown[["x", "y"]].to_numpy(dtype=float)
    pad = 14.0
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    px = pad + (xy[:, 0] - low[0]) / span[0] * (width - 2 * pad)
    py = height - pad - (xy[:, 1] - low[1]) / span[1] * (height - 2 * pad)
    radius = 5 if len(shown) <= 200 else 3 if len(shown) <= 2000 else 2
    dots = []
    for x, y, (_, row) in zip(px, py, shown.iterrows(), strict=True):
        category = str(row[colour_by])
        tip = html.escape(f"{row['title']}\n{row['id']} · {category}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colours[category]}">'
            f"<title>{tip}</title></circle>"
        )
    counts = values.value_counts()
    legend = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>'
        f"{html.escape(category)} <span class=muted>({counts[category]})</span></li>"
        for category, colour in colours.items()
    )
    note = f" Every {step}th of {len(points):,} points is drawn." if step > 1 else ""
    return (
        f'<figure class="map"><svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{html.escape(caption)}"><rect width="{width}" height="{height}" '
        f'fill="#fafafa"/><g fill-opacity="0.85" stroke="#fff" stroke-width="0.6">'
        f"{''.join(dots)}</g></svg><figcaption>{html.escape(caption)}.{note} "
        f'Hover a dot for its title.</figcaption><ul class="legend">{legend}</ul></figure>'
    )
