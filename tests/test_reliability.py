"""The bad-input catalogue: nothing a user owns is lost, nothing is misread silently, every error
comes before work where it can and names the file, line or key (README, "When things go wrong").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from toolkit.corpus import Corpus
from toolkit.embeddings import cache as embedding_cache
from toolkit.errors import ConfigError, CorpusError, ModelNotFoundError, RunError
from toolkit.experiment import execute, load_config, load_run, run_sweep
from toolkit.io import write_csv, write_csv_parts

# corpus and text only: a real run in a few seconds, without the embedding model
TEXT_ONLY = (
    "name: small\nseed: 1\ncorpus: {{path: {corpus}}}\n"
    "text: {{dictionary: {{no_below: 1, no_above: 1.0}}}}\n{extra}"
)
ARTICLES = [
    "Die NATO will mehr Munition produzieren.\n\nDie Werke arbeiten in drei Schichten.",
    "Schweden tritt der NATO bei.\n\nDie Türkei hat den Beitritt ratifiziert.",
    "Der Bundestag beschließt den Verteidigungshaushalt.\n\nDas Sondervermögen wächst.",
]


def small_config(tmp_path: Path, extra: str = "", name: str = "small.yaml") -> Path:
    corpus = tmp_path / "articles"
    corpus.mkdir(exist_ok=True)
    for i, text in enumerate(ARTICLES):
        (corpus / f"a{i}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / name
    path.write_text(TEXT_ONLY.format(corpus=corpus, extra=extra), encoding="utf-8")
    return path


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOOLKIT_QUIET": "1"}
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


# -- data loss ------------------------------------------------------------------------------


def test_out_never_replaces_a_folder_it_did_not_write(tmp_path: Path) -> None:
    config = small_config(tmp_path)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ideas.txt").write_text("do not lose me", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds files that no run wrote"):
        execute(load_config(config), notes, tmp_path / "cache")
    assert (notes / "ideas.txt").read_text(encoding="utf-8") == "do not lose me"
    corpus = tmp_path / "articles"
    for inside in (corpus, corpus / "run", tmp_path):
        with pytest.raises(ConfigError, match="overlaps the corpus"):
            execute(load_config(config), inside, tmp_path / "cache")
    assert len(list(corpus.glob("*.txt"))) == len(ARTICLES)
    with pytest.raises(ConfigError, match="overlaps the stage cache"):
        execute(load_config(config), tmp_path / "cache" / "run", tmp_path / "cache")


def test_an_earlier_run_is_replaced_only_with_force(tmp_path: Path) -> None:
    config = load_config(small_config(tmp_path))
    out = execute(config, tmp_path / "runs" / "r", tmp_path / "cache")
    (out / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="add --force"):
        execute(config, out, tmp_path / "cache")
    assert (out / "mine.txt").exists()
    execute(config, out, tmp_path / "cache", force=True)
    assert not (out / "mine.txt").exists() and (out / "manifest.json").is_file()


def test_out_or_output_dir_naming_a_file_is_a_clear_error(tmp_path: Path) -> None:
    config = small_config(tmp_path)
    a_file = tmp_path / "a.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file"):
        execute(load_config(config), a_file, tmp_path / "cache")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        execute(load_config(config, [f"output.dir={a_file}"]), None, tmp_path / "cache")
    assert a_file.read_text(encoding="utf-8") == "x"


# -- silent misreads of a config ------------------------------------------------------------


def test_a_key_or_section_given_twice_names_both_lines(tmp_path: Path) -> None:
    twice = small_config(tmp_path, "topics:\n  num_topics: 3\n  num_topics: 4\n", "k.yaml")
    with pytest.raises(ConfigError, match="'num_topics' is given twice: on line 6 and on line 7"):
        load_config(twice)
    section = small_config(tmp_path, "topics: {num_topics: 3}\ntopics: {passes: 2}\n", "s.yaml")
    with pytest.raises(ConfigError, match="'topics' is given twice: on line 5 and on line 6"):
        load_config(section)


@pytest.mark.parametrize(
    ("override", "key"),
    [("topics.num_topics=true", "topics.num_topics"), ("seed=yes", "seed")],
)
def test_a_boolean_is_not_a_number(tmp_path: Path, override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"key '{key}'.*valid integer"):
        load_config(small_config(tmp_path), [override])


def test_lowered_num_clusters_is_a_warning_on_the_console_and_in_the_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = (
        "embeddings: {backend: lsa, lsa_dims: 2}\n"
        "clusters: {vectors: lsa, num_clusters: 50, layout: false}\n"
    )
    config = load_config(small_config(tmp_path, extra))
    from toolkit.progress import set_quiet

    set_quiet(False)
    try:
        out = execute(config, tmp_path / "run", tmp_path / "cache")
    finally:
        set_quiet(None)
    said = "num_clusters=50 exceeds the 3 documents; using k=3"
    assert said in capsys.readouterr().err
    assert any(said in w for w in json.loads((out / "manifest.json").read_text())["warnings"])
    # a cached re-run warns again
    again = execute(config, tmp_path / "again", tmp_path / "cache")
    assert any(said in w for w in json.loads((again / "manifest.json").read_text())["warnings"])


# -- interrupted work -----------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_cleans_up_and_says_how_to_resume(tmp_path: Path, signum: int) -> None:
    extra = "topics: {model: lda, num_topics: 2, passes: 5000, iterations: 1000, init: random}\n"
    config = small_config(tmp_path, extra)
    runs = tmp_path / "runs"
    env = {**os.environ, "TOOLKIT_CACHE": str(tmp_path / "cache"), "TOOLKIT_QUIET": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "run", str(config), "--out", str(runs / "r")],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.time() + 300
    assert process.stderr is not None
    for line in process.stderr:
        if "[topics] computing" in line or time.time() > deadline:
            break
    time.sleep(1.0)
    process.send_signal(signum)
    err = process.stderr.read()
    assert process.wait(timeout=120) == 130, err
    assert "run the same command again to resume from 'topics'" in err
    assert "text" in err.split("Completed stages are cached")[1]
    assert not runs.exists() or list(runs.iterdir()) == []  # no staging folder left


def test_staging_left_by_a_killed_run_is_removed_by_the_next_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], text=True,
                          capture_output=True).stdout.strip()  # fmt: skip
    stale = runs / f".old-run.tmp-{dead}-x1"
    stale.mkdir(parents=True)
    (stale / "doc_vectors.npy").write_bytes(b"\0" * 1000)
    alive = runs / f".other.tmp-{os.getpid()}-x2"  # a run still going: left alone
    alive.mkdir()
    execute(load_config(small_config(tmp_path)), runs / "new", tmp_path / "cache")
    assert not stale.exists() and alive.exists()


def test_an_interrupted_embedding_keeps_its_finished_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedding_cache, "CHUNK", 2)

    class Flaky:
        name, dim, calls = "flaky", 3, 0
        fail_at: int | None = 2

        def fingerprint(self) -> str:
            return "flaky-v1"

        def encode(self, texts: list[str]) -> np.ndarray:
            Flaky.calls += 1
            if Flaky.calls == self.fail_at:
                raise KeyboardInterrupt
            return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    texts = [f"Absatz Nummer {i}." for i in range(5)]
    cache = embedding_cache.EmbeddingCache(tmp_path, "flaky-v1")
    with pytest.raises(KeyboardInterrupt):
        embedding_cache.encode_cached(Flaky(), texts, cache)
    resumed = embedding_cache.EmbeddingCache(tmp_path, "flaky-v1")
    Flaky.fail_at = None
    vectors = embedding_cache.encode_cached(Flaky(), texts, resumed)
    assert resumed.stats == {"hits": 2, "misses": 3, "encoded": 3}
    assert vectors[:, 0].tolist() == [float(len(t)) for t in texts]


def test_sweep_values_are_checked_before_any_point_runs(tmp_path: Path) -> None:
    config = small_config(tmp_path, "topics: {num_topics: 2}\n")
    with pytest.raises(ConfigError, match=r"topics\.num_topics.*'notanumber'"):
        run_sweep(config, ["topics.num_topics=2,notanumber,3"], out=tmp_path / "sweep",
                  cache_dir=tmp_path / "cache")  # fmt: skip
    assert not (tmp_path / "sweep").exists() and not (tmp_path / "cache").exists()


# -- late or misleading errors --------------------------------------------------------------


def test_a_missing_model_fails_before_any_stage_and_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.embeddings import models

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(models, "HUB_HOST", ("127.0.0.1", 9))  # nothing listens: no network
    extra = "embeddings: {model: no-such-org/no-such-model}\n"
    start = time.perf_counter()
    with pytest.raises(ModelNotFoundError, match=r"no-such-org/no-such-model.*did not answer"):
        execute(load_config(small_config(tmp_path, extra)), tmp_path / "r", tmp_path / "cache")
    assert time.perf_counter() - start < 30
    assert not (tmp_path / "cache" / "stages").exists()  # no stage ran


@pytest.fixture
def damaged_run(seed_run_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(seed_run_dir, copy)
    return copy


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


@pytest.mark.parametrize(
    ("relative", "damage", "read"),
    [
        ("embeddings/doc_vectors.npy", _truncate, lambda run: run.duplicates()),
        (
            "embeddings/doc_ids.json",
            lambda p: p.write_text(json.dumps(json.loads(p.read_text())[:0])),
            lambda run: run.duplicates(),
        ),
        ("documents.csv", _truncate, lambda run: run.documents),
        ("metrics.json", lambda p: p.write_text('{"a": 1,'), lambda run: run.metrics),
        ("topics/topics.csv", _truncate, lambda run: run.topic_table),
        ("search/index.json", lambda p: p.unlink(), lambda run: run.search("Munition")),
    ],
)
def test_a_damaged_run_folder_names_the_file(
    damaged_run: Path, relative: str, damage: object, read: object
) -> None:
    target = damaged_run / relative
    # cached files are read-only (run folders link to them): whoever damages one first lifts that
    target.chmod(target.stat().st_mode | 0o200)
    damage(target)  # type: ignore[operator]
    with pytest.raises(RunError, match=relative.split("/")[-1].replace(".", r"\.")):
        read(load_run(damaged_run))  # type: ignore[operator]


def test_a_utf16_csv_says_so(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("label,text\nSport,Ein Tor.\n", encoding="utf-16")
    with pytest.raises(CorpusError, match=r"looks like UTF-16.*encoding"):
        Corpus(path).to_list()


def test_a_wrong_delimiter_points_at_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text("label;text\nSport;Ein Tor.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="the delimiter is probably ';'"):
        Corpus(path, delimiter=",").to_list()


def test_a_corpus_of_stopwords_says_so_at_the_text_stage(tmp_path: Path) -> None:
    corpus = tmp_path / "stop"
    corpus.mkdir()
    (corpus / "a.txt").write_text("und die der das ist ein", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"name: s\ncorpus: {{path: {corpus}}}\ntopics: {{}}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no words are left after the text pipeline"):
        execute(load_config(config), tmp_path / "r", tmp_path / "cache")


def test_a_bad_date_filter_and_a_stopword_query_are_errors(seed_run_dir: Path) -> None:
    bad_date = cli("similar", str(seed_run_dir), "--doc", "000_f8d3ef48d24ec83a", "--from", "x")
    assert bad_date.returncode == 2 and "--from 'x' is not a date" in bad_date.stderr
    stopwords = cli("search", str(seed_run_dir), "und die der")
    assert stopwords.returncode == 2 and "no words left" in stopwords.stderr


def test_corpus_info_hints_name_the_command_line_option(tmp_path: Path) -> None:
    path = tmp_path / "news.dat"
    path.write_text("Ein Text.", encoding="utf-8")
    result = cli("corpus", "info", str(path))
    assert result.returncode == 2 and "--format" in result.stderr


def test_every_advertised_search_mode_is_accepted(seed_run_dir: Path) -> None:
    doc = "000_f8d3ef48d24ec83a"
    run = load_run(seed_run_dir)
    assert run.similar(doc, mode="topics").empty  # one article: nothing else to find
    for mode in ("hybrid", "lexical", "lsa", "dense"):
        assert not run.search("Munition Produktion", mode=mode).empty, mode
    refused = cli("search", str(seed_run_dir), "Munition", "--mode", "topics")
    assert refused.returncode == 2 and "articles like one article" in refused.stderr


def test_the_cache_lives_in_the_user_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.io import cache_root

    monkeypatch.delenv("TOOLKIT_CACHE")
    monkeypatch.chdir(ROOT / "seeds")
    assert not cache_root().is_relative_to(ROOT)
    monkeypatch.setenv("TOOLKIT_CACHE", "/tmp/elsewhere")
    assert cache_root() == Path("/tmp/elsewhere")


def test_a_table_written_in_parts_is_the_table_written_whole(tmp_path: Path) -> None:
    whole = pd.DataFrame(
        {"id": ["a", "b", "c"], "date": ["2016-01-02", None, None], "score": [0.5, 1 / 3, 2.0]}
    )
    write_csv(tmp_path / "whole.csv", whole)
    write_csv_parts(tmp_path / "parts.csv", [whole[:1], whole[1:]])
    assert (tmp_path / "parts.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_a_part_with_other_columns_leaves_no_file(tmp_path: Path) -> None:
    parts = [pd.DataFrame({"id": ["a"]}), pd.DataFrame({"doc": ["b"]})]
    with pytest.raises(ValueError, match=r"parts\.csv: a part has columns"):
        write_csv_parts(tmp_path / "parts.csv", parts)
    assert list(tmp_path.iterdir()) == []
