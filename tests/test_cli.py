"""The command line over a finished seed run: every command, JSON output, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from conftest import ROOT, SEED_DIR
from typer.testing import CliRunner

from toolkit.cli import app

runner = CliRunner()


def invoke(*args: str) -> str:
    result = runner.invoke(app, ["--quiet", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_corpus_info_on_the_seed_folder() -> None:
    out = invoke("corpus", "info", str(SEED_DIR))
    assert "1" in out and "2023-06" in out


def test_similar_and_search_json(seed_run_dir: Path) -> None:
    records = json.loads(
        invoke("search", str(seed_run_dir), "Munitionsproduktion in Europa", "--json")
    )
    assert records and {"id", "score", "title", "date", "snippet"} <= set(records[0])
    table = invoke("search", str(seed_run_dir), "Munitionsproduktion in Europa", "--k", "1")
    assert "000_f8d3ef48d24ec83a" in table


def test_similar_excludes_the_article_itself(seed_run_dir: Path) -> None:
    records = json.loads(
        invoke("similar", str(seed_run_dir), "--doc", "000_f8d3ef48d24ec83a", "--json")
    )
    assert records == []  # the seed corpus has a single article


def test_topics_runs_and_report(seed_run_dir: Path, tmp_path: Path) -> None:
    out = json.loads(
        invoke(
            "topics", str(seed_run_dir), "Die NATO-Staaten sollen mehr Munition bestellen", "--json"
        )
    )
    assert {"topic", "label", "share"} <= set(out[0])
    assert "seed" in invoke("runs", "list", str(seed_run_dir.parent))
    assert "topics" in invoke("runs", "show", str(seed_run_dir))
    report = tmp_path / "report.html"
    invoke("report", str(seed_run_dir), "--out", str(report))
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64" in html
    assert "http://" not in html.split("<script", 1)[0]  # no external stylesheet or image


def test_user_errors_exit_2_with_a_message(seed_run_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncorpus: {path: seeds}\ntopics: {num_topic: 3}\n", encoding="utf-8")
    for args in (
        ["run", str(bad)],
        ["similar", str(seed_run_dir), "--doc", "nope"],
        ["search", str(seed_run_dir), " "],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "toolkit", "--quiet", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error:") and "Traceback" not in result.stderr


def test_the_process_ends_fast_with_its_output_and_status(seed_run_dir: Path) -> None:
    # main() ends through exit_now (os._exit after the exit handlers): nothing printed into a
    # pipe may be lost, and the status is the command's
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "runs", "show", str(seed_run_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() and "topics" in result.stdout


def test_themes_shows_the_seed_diagnostics(seed_run_dir: Path) -> None:
    out = invoke("themes", str(seed_run_dir), "--theme", "arms_production")
    assert out.startswith("arms_production\n") and "membership" not in out
    assert "munition" in out and "supported" in out and "weight" in out
    rows = json.loads(invoke("themes", str(seed_run_dir), "--json"))
    assert {r["theme"] for r in rows} == {"arms_production", "membership", "defence_spending"}
    seeds = [r for r in rows if r["kind"] == "seed" and r["paragraphs"]]
    # every seed that occurs has an example context and it shows the seed
    assert seeds and all(r["supported_context"] or r["unsupported_context"] for r in seeds)
    # the file the command reads is in the run folder, with references to paragraphs
    table = pd.read_csv(seed_run_dir / "themes" / "seed_diagnostics.csv")
    refs = table["supported_examples"].dropna()
    assert refs.str.fullmatch(r"[^#; ]+#\d+(; [^#; ]+#\d+)*").all()
    result = runner.invoke(app, ["--quiet", "themes", str(seed_run_dir), "--theme", "nope"])
    assert result.exit_code != 0 and "no theme 'nope'" in str(result.exception)
