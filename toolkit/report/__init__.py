"""The run report: one self-contained HTML file, and a text summary."""

from toolkit.report.html import build_report, write_report
from toolkit.report.summary import summarize_run

__all__ = ["build_report", "summarize_run", "write_report"]
