"""The demo corpus (demo/articles.jsonl): its promised shape, and (slow) that a run on it
finds what it was written to show: themes, nearest articles, the duplicate, topics."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from toolkit.experiment.run import Run

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "articles.jsonl"
LABELS = {"politik", "wirtschaft", "sport", "kultur", "wissenschaft", "panorama"}

# the groups the articles were written for (demo/README.md)
ARMS = [f"demo_{i:03d}" for i in (2, 7, 13, 19, 24, 28, 35, 41, 45, 46, 47)]
MEMBERSHIP = [f"demo_{i:03d}" for i in (3, 9, 10, 18, 26, 33, 38, 39, 49)]
SPENDING = [f"demo_{i:03d}" for i in (5, 8, 17, 21, 30, 36, 42, 48)]
DUPLICATE = ("demo_045", "demo_046")


def records() -> list[dict]:
    return [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]


def test_demo_records_have_the_promised_shape() -> None:
    rows = records()
    assert 40 <= len(rows) <= 50
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "title", "date", "label", "source", "text"}, row["id"]
        assert row["label"] in LABELS, row["id"]
        paragraphs = row["text"].split("\n\n")
        assert 3 <= len(paragraphs) <= 6, row["id"]
        assert 120 <= len(row["text"].split()) <= 350, row["id"]
    months = sorted({r["date"][:7] for r in rows})
    assert len(months) >= 8 and months[0] == "2023-01" and months[-1] == "2024-06"
    assert Counter(r["label"] for r in rows)["politik"] < len(rows)  # not one section only


def test_demo_agency_copy_is_published_twice() -> None:
    by_id = {r["id"]: r for r in records()}
    a, b = (by_id[i] for i in DUPLICATE)
    assert a["title"] != b["title"] and a["source"] != b["source"] and a["date"] == b["date"]
    first_a, rest_a = a["text"].split("\n\n", 1)
    first_b, rest_b = b["text"].split("\n\n", 1)
    assert first_a != first_b and rest_a == rest_b


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    from toolkit.experiment import execute, load_config, load_run

    base = tmp_path_factory.mktemp("demo-run")
    folder = execute(load_config(ROOT / "experiments" / "demo.yaml"), base / "run", base / "cache")
    return load_run(folder)


@pytest.mark.slow
def test_demo_run_finds_the_duplicate_and_the_neighbours(demo_run: Run) -> None:
    pairs = demo_run.duplicates()
    assert [tuple(p) for p in pairs[["id_a", "id_b"]].to_numpy()] == [DUPLICATE]
    assert set(demo_run.similar("demo_002", k=5)["id"]) <= set(ARMS)
    assert set(demo_run.search("Schweden tritt der NATO bei", k=3)["id"]) <= set(MEMBERSHIP)
    top = demo_run.topics_of("Die NATO will mehr Munition produzieren")["label"].iloc[0]
    assert top == "arms_production"


@pytest.mark.slow
def test_demo_run_gives_most_theme_articles_their_theme(demo_run: Run) -> None:
    best = demo_run.themes.set_index("doc_id")["theme"]
    for theme, ids in (
        ("arms_production", ARMS),
        ("membership", MEMBERSHIP),
        ("defence_spending", SPENDING),
    ):
        found = (best.reindex(ids) == theme).mean()
        assert found >= 0.8, (theme, found)
