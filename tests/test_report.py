"""The HTML report: what it says (summary first, formatted numbers, English interface, no
machine paths, no plotly.js), the rows behind it, and its layout in headless Chromium."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit import load_run
from toolkit.plots.run import topic_theme_table
from toolkit.report import build_report, write_report
from toolkit.report.findings import cluster_rows, theme_rows, topic_rows
from toolkit.report.format import metrics_frame
from toolkit.report.technical import without_machine_paths

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report_screenshots import find_chromium, measure_layout  # noqa: E402

# interface text of the earlier report and plots, which mixed German and English
GERMAN_INTERFACE = (
    "Überblick",
    "Metriken",
    "Themenprofil",
    "Nächste Artikel",
    "Konfiguration",
    "Dokumentkarte",
    "Gewicht im Topic",
    "Suche:",
)


@pytest.fixture(scope="module")
def seed_report(seed_run_dir: Path) -> str:
    return build_report(load_run(seed_run_dir))


def test_summary_comes_first_in_english(seed_report: str) -> None:
    headings = re.findall(r"<h2>(.*?)</h2>", seed_report)
    assert headings[0] == "Summary" and "Technical details" in headings
    assert seed_report.index('id="summary"') < seed_report.index('id="corpus"')
    assert '<html lang="en">' in seed_report and 'lang="de"' in seed_report
    for word in GERMAN_INTERFACE:
        assert word not in seed_report, word


def test_numbers_are_formatted_and_nothing_is_a_raw_dict(
    seed_report: str, seed_run_dir: Path
) -> None:
    # the share of the seed article's paragraphs about arms production, as a whole percent
    share = load_run(seed_run_dir).metrics["themes"]["paragraph_share"]["arms_production"]
    assert 0 < share < 1
    assert f"{share:.0%}" in seed_report and f"{share:.3f}" not in seed_report
    assert not re.search(r"\d\.\d{5,}", seed_report)  # no 0.4444444444444444
    assert "{'" not in seed_report and "{&#x27;" not in seed_report


def test_report_names_no_machine_path_and_carries_no_plotly(
    seed_run_dir: Path, tmp_path: Path
) -> None:
    path = write_report(load_run(seed_run_dir), tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    for machine in (str(seed_run_dir.parent), str(ROOT), str(Path.home()), str(tmp_path)):
        assert machine not in html, machine
    assert "Plotly.newPlot" not in html and "<script" not in html
    assert path.stat().st_size < 1_000_000


def test_config_paths_are_cut_to_names() -> None:
    config = {"corpus": {"path": "/srv/data/news.csv"}, "output": {"dir": "C:\\runs"}}
    assert without_machine_paths(config) == {
        "corpus": {"path": "news.csv"},
        "output": {"dir": "runs"},
    }


def test_metrics_are_flat_and_formatted(seed_run_dir: Path) -> None:
    frame = metrics_frame(load_run(seed_run_dir).metrics)
    assert not frame["value"].str.contains(r"[{}]").any()
    shares = frame[frame["metric"].str.startswith("paragraph_share.")]
    assert len(shares) == 4 and shares["value"].str.endswith("%").all()


def test_topic_theme_heatmap_rows_differ_for_one_article(seed_run_dir: Path) -> None:
    # one article: per-article rows would all be that article's shares; paragraphs differ
    matrix, unit = topic_theme_table(load_run(seed_run_dir))
    assert unit == "paragraphs" and len(matrix) >= 2
    assert not np.allclose(matrix.to_numpy(), matrix.to_numpy()[0])


def test_theme_rows_count_articles_paragraphs_and_where() -> None:
    documents = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "date": ["2023-01-05", "2023-02-01", None],
            "label": ["politik", "politik", "sport"],
        }
    )
    themes = pd.DataFrame({"doc_id": ["a", "b", "c"], "theme": ["arms", "arms", "none"]})
    paragraphs = pd.DataFrame({"theme": ["arms", "none", "arms", "none"]})
    rows = {r["theme"]: r for r in theme_rows(themes, paragraphs, documents, {"arms": "Rüstung"})}
    assert rows["arms"]["articles"] == 2 and rows["arms"]["article_share"] == 2 / 3
    assert rows["arms"]["paragraph_share"] == 0.5 and rows["arms"]["sections"] == "politik (2)"
    assert rows["none"]["articles"] == 1 and rows["none"]["sections"] == "sport (1)"


def test_topic_rows_count_leading_topics_and_typical_articles() -> None:
    shares = pd.DataFrame([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], index=["a", "b", "c"])
    table = pd.DataFrame(
        {"topic": [0, 0, 1], "rank": [1, 2, 1], "word": ["munition", "werk", "beitritt"]}
    )
    rows = topic_rows(table, ["arms", "membership"], shares, pd.Series({"a": "A", "b": "B"}))
    assert [r["articles"] for r in rows] == [2, 1]
    assert rows[0]["words"] == "munition, werk" and rows[0]["examples"] == ["A", ""]
    assert rows[1]["share"] == pytest.approx(1.3 / 3)


def test_cluster_rows_name_central_members_and_sections() -> None:
    clusters = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c", "d"],
            "cluster": [0, 0, 0, 1],
            "x": [0.0, 1.0, 10.0, 5.0],
            "y": [0.0, 0.0, 0.0, 5.0],
        }
    )
    documents = pd.DataFrame({"id": list("abcd"), "label": ["politik"] * 3 + ["sport"]})
    rows = cluster_rows(clusters, {0: "nato", 1: "tor"}, documents, lambda d, p: d.upper(), 2)
    assert rows[0]["examples"] == ["B", "A"]  # nearest to the middle (x = 3.67) first
    assert rows[0]["sections"] == "politik (3)" and rows[1]["share"] == 0.25


@pytest.mark.skipif(
    find_chromium() is None,
    reason="headless chromium not installed (Debian: apt-get install chromium); "
    "the layout check needs a real browser",
)
def test_report_fits_a_desktop_window(seed_run_dir: Path, tmp_path: Path) -> None:
    report = write_report(load_run(seed_run_dir), tmp_path / "report.html")
    layout = measure_layout(report, width=1366)
    assert layout["scroll_width"] <= layout["client_width"], layout
    assert layout["overflowing"] == [], layout["overflowing"]
