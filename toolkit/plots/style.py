"""Shared figure settings and deterministic file output."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display here or in CI; figures are written to files

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from toolkit.io import write_bytes, write_text

# tab10 first: its neighbours are clearly distinct; tab20's light shades only after ten categories
PALETTE = plt.get_cmap("tab10").colors + plt.get_cmap("tab20").colors[1::2]
NONE_COLOR = "#bbbbbb"

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "svg.hashsalt": "toolkit",
    }
)


def color_for(index: int) -> tuple[float, float, float]:
    return PALETTE[index % len(PALETTE)]


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes, identical for identical figures (no timestamp metadata)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def save_png(fig: Figure, path: Path) -> Path:
    write_bytes(path, png_bytes(fig))
    return path


def plotly_html(fig: object, div_id: str, full_html: bool = True) -> str:
    """A plotly figure as self-contained HTML (plotly.js inline) with a fixed div id."""
    return fig.to_html(  # type: ignore[attr-defined]
        include_plotlyjs=full_html,
        full_html=full_html,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def save_html(fig: object, path: Path, div_id: str) -> Path:
    write_text(path, plotly_html(fig, div_id))
    return path


def shorten(text: str, width: int = 40) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"
