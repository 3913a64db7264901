"""The run report: one self-contained HTML file, and a text summary.

The names below are imported on first use, so that ``toolkit.report.format`` (which the CLI
reads for every command) does not load matplotlib and the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.report.html import build_report, write_report
    from toolkit.report.summary import summarize_run

_WHERE = {"build_report": "html", "summarize_run": "summary", "write_report": "html"}

__all__ = ["build_report", "summarize_run", "write_report"]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
