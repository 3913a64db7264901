"""The runner: run folders, caching, resume after a crash, byte-identical re-runs, the Run API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from toolkit.errors import RunError
from toolkit.experiment import Interrupted, execute, load_config, load_run
from toolkit.experiment.stages import BY_NAME

SEED_CONFIG = ROOT / "experiments" / "seed.yaml"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_run_folder_layout(seed_run_dir: Path) -> None:
    for name in ("config.yaml", "manifest.json", "metrics.json", "documents.csv"):
        assert (seed_run_dir / name).is_file(), name
    for stage in ("corpus", "text", "topics", "embeddings", "clusters", "themes", "search"):
        assert (seed_run_dir / stage).is_dir(), stage
    manifest = json.loads((seed_run_dir / "manifest.json").read_text())
    assert manifest["seed"] == 42 and manifest["python"] and manifest["packages"]["gensim"]
    assert set(manifest["stages"]) == set(BY_NAME)
    assert all("seconds" in s and "cache_hit" in s for s in manifest["stages"].values())
    inputs = manifest["stages"]["corpus"]["settings"]["files"]
    assert list(inputs) == ["000_f8d3ef48d24ec83a.txt"]
    # every artifact is listed with its size and checksum, and no path of this machine
    assert set(manifest["artifacts"]) == set(files_of(seed_run_dir))
    assert str(ROOT) not in (seed_run_dir / "manifest.json").read_text()
    config_text = (seed_run_dir / "config.yaml").read_text()
    absolute = [line for line in config_text.splitlines() if ": /" in line]
    assert "path: ../" in config_text and absolute == ["  path: /usr/share/trans/de-en"]
    # nothing in the folder names the folder itself, so it can be moved
    for path, data in files_of(seed_run_dir).items():
        assert seed_run_dir.name.encode() not in data, path
    assert not list(seed_run_dir.rglob("*.pkl"))


def test_load_run_documents_and_artifacts(seed_run_dir: Path) -> None:
    run = load_run(seed_run_dir)
    docs = run.documents
    assert list(docs["id"]) == ["000_f8d3ef48d24ec83a"]
    assert {"id", "title", "date", "label"} <= set(docs.columns)
    assert docs["date"].iloc[0] == "2023-06"
    assert set(run.topic_table.columns) >= {"topic", "rank", "word", "weight"}
    assert run.doc_topics.shape == (1, 3)
    assert run.config.name == "seed"
    assert "topics" in run.metrics


def test_moved_run_folder_still_loads(seed_run_dir: Path, tmp_path: Path) -> None:
    import shutil

    moved = tmp_path / "elsewhere"
    shutil.copytree(seed_run_dir, moved)
    run = load_run(moved)
    assert run.topic_table.equals(load_run(seed_run_dir).topic_table)
    assert not run.search("Munition", k=1).empty


def test_identical_reruns_are_byte_identical(seed_run_dir: Path, tmp_path: Path) -> None:
    # a cold run with its own cache recomputes every stage and must give the same bytes
    again = execute(load_config(SEED_CONFIG), tmp_path / "again", tmp_path / "cache")
    manifest = json.loads((again / "manifest.json").read_text())
    assert not any(s["cache_hit"] for s in manifest["stages"].values())
    # each stage's time says how much of it went to the partitions' tasks
    stages = manifest["stages"]
    waited = {n: s["partition_seconds"] for n, s in stages.items() if "partition_seconds" in s}
    assert {"text", "embeddings", "themes"} <= waited.keys()
    assert all(0 < seconds <= stages[name]["seconds"] for name, seconds in waited.items())
    first, second = files_of(seed_run_dir), files_of(again)
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_rerun_uses_the_cache_and_a_change_recomputes_downstream(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    config = load_config(SEED_CONFIG)
    cold = json.loads((execute(config, tmp_path / "a", cache) / "manifest.json").read_text())
    warm = json.loads((execute(config, tmp_path / "b", cache) / "manifest.json").read_text())
    assert all(s["cache_hit"] for s in warm["stages"].values())
    assert not any("partition_seconds" in s for s in warm["stages"].values())
    # the metrics (and the timings the computation recorded) come from the cache's markers
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    assert warm["stages"]["topics"]["timings"] == cold["stages"]["topics"]["timings"] != {}
    changed = load_config(SEED_CONFIG, ["topics.passes=5"])
    manifest = json.loads((execute(changed, tmp_path / "c", cache) / "manifest.json").read_text())
    hits = {name: s["cache_hit"] for name, s in manifest["stages"].items()}
    assert hits["corpus"] and hits["text"] and hits["embeddings"] and hits["clusters"]
    assert not hits["topics"] and not hits["search"]
    # a run folder holds the cached files as hard links (one file system here), not copies
    run_file = tmp_path / "b" / "topics" / "topic_word.npy"
    [cached] = [p for p in cache.rglob("topic_word.npy") if p.samefile(run_file)]
    assert run_file.stat().st_nlink >= 2 and cached.read_bytes() == run_file.read_bytes()
    # and read-only, so an edit in place in the run folder cannot change the cache
    assert not run_file.stat().st_mode & 0o222


WARM_RUN = """
import sys
from toolkit.experiment import execute, load_config
from toolkit.experiment.stages import BY_NAME

loaded = []
for stage in BY_NAME.values():
    def load(folder, config, stage=stage, original=type(stage).load):
        loaded.append(stage.name)
        return original(stage, folder, config)
    stage.load = load
execute(load_config(sys.argv[1]), sys.argv[2], sys.argv[3])
heavy = ("gensim", "sklearn", "bm25s", "numba", "torch", "umap", "matplotlib", "scipy.stats")
print(sorted(loaded), sorted(name for name in heavy if name in sys.modules))
"""


def test_a_warm_rerun_reads_the_cache_without_loading_the_libraries(tmp_path: Path) -> None:
    # every stage cached: the run links the entries and reads its metrics from their markers;
    # the corpus alone is loaded (documents.csv), and gensim, scikit-learn & co stay unloaded
    cache = tmp_path / "cache"
    execute(load_config(SEED_CONFIG), tmp_path / "a", cache)
    args = [sys.executable, "-c", WARM_RUN, str(SEED_CONFIG), str(tmp_path / "b"), str(cache)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "['corpus'] []"
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_interrupted_run_leaves_nothing_half_written_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    config = load_config(SEED_CONFIG)
    out = tmp_path / "runs" / "crash"

    def crash(config: object, inputs: object) -> None:
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(BY_NAME["clusters"], "compute", crash)
    with pytest.raises(Interrupted, match="run the same command again to resume from 'clusters'"):
        execute(config, out, cache)
    assert not out.exists()
    assert list((tmp_path / "runs").iterdir()) == []  # no partial folder left behind
    monkeypatch.undo()
    manifest = json.loads((execute(config, out, cache) / "manifest.json").read_text())
    hits = {name: s["cache_hit"] for name, s in manifest["stages"].items()}
    assert hits["corpus"] and hits["text"] and hits["topics"] and hits["embeddings"]
    assert not hits["clusters"]


def test_run_queries(seed_run_dir: Path) -> None:
    run = load_run(seed_run_dir)
    topics = run.topics_of(
        "Schweden wartet auf die Ratifizierung seines NATO-Beitritts durch die Türkei"
    )
    assert list(topics.columns) == ["topic", "label", "share"]
    assert abs(topics["share"].sum() - 1) < 1e-6
    assert topics["label"].iloc[0] == "membership"
    result = run.search("Munitionsproduktion", k=1)
    assert list(result.columns[:5]) == ["rank", "id", "match", "score", "title"]
    with pytest.raises(ValueError, match="empty query"):
        run.search("   ")
    with pytest.raises(RunError, match="unknown document id"):
        run.similar("no-such-id")
    with pytest.raises(RunError, match="trust=True"):
        run.gensim_model()


def test_lsa_reads_the_english_gloss_when_the_model_does(seed_run_dir: Path) -> None:
    from toolkit.experiment.schema import EmbeddingsConfig
    from toolkit.experiment.stages.embeddings import EmbeddingsStage
    from toolkit.experiment.stages.lsa import lsa_reads

    run = load_run(seed_run_dir)
    embeddings = run.output(EmbeddingsStage)
    assert embeddings.lsa_reads == "gloss"  # the seed config's English model reads the gloss
    vocabulary = set(embeddings.lsa.vocabulary_)
    assert {"ammunition", "industry"} <= vocabulary and "munition" not in vocabulary
    assert all(word == word.lower() for word in vocabulary)
    # a free-text query is glossed before LSA reads it, so German finds the glossed articles
    assert embeddings.lsa_words("Die Rüstungsindustrie") == ["arms", "industry"]
    [score] = run.search("Munitionsproduktion", k=3, mode="lsa")["score"]  # one article
    assert score > 0.1  # read as German tokens, the query would miss the English vocabulary
    # German text's own model, and LSA alone, read the text pipeline's tokens
    assert lsa_reads(EmbeddingsConfig(input="german")) == "tokens"
    assert lsa_reads(EmbeddingsConfig(backend="lsa")) == "tokens"
    assert lsa_reads(EmbeddingsConfig(input="static")) == "gloss"


def test_load_run_errors(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="not found"):
        load_run(tmp_path / "missing")
    (tmp_path / "half").mkdir()
    with pytest.raises(RunError, match="missing"):
        load_run(tmp_path / "half")


def test_sweep_writes_one_run_per_point(tmp_path: Path) -> None:
    from toolkit.experiment import run_sweep

    config = tmp_path / "sweep.yaml"
    config.write_text(
        f"name: sw\nseed: 1\ncorpus: {{path: {ROOT / 'seeds'}}}\n"
        "text: {phrases: {min_count: 2}, dictionary: {no_below: 1, no_above: 1.0}}\n"
        "topics: {unit: paragraph, passes: 5, stability_seeds: 2, holdout: 0.0}\n"
        "output: {plots: true}\n",
        encoding="utf-8",
    )
    folder = run_sweep(
        config, ["topics.num_topics=2,3"], out=tmp_path / "sweep", cache_dir=tmp_path / "cache"
    )
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary["topics.num_topics"]) == [2, 3]
    assert {"topics.coherence_c_npmi", "topics.diversity", "topics.stability"} <= set(
        summary.columns
    )
    assert (folder / "num_topics=2" / "metrics.json").is_file()
    assert (folder / "sweep.png").is_file()
    recommendation = json.loads((folder / "recommendation.json").read_text())
    assert recommendation["num_topics"] in (2, 3) and recommendation["rule"].startswith("K = ")


# ---------------------------------------------------------------------------------------------
# stages beside the main process (toolkit.experiment.beside)


def test_a_stage_computed_beside_gives_the_same_bytes(seed_run_dir: Path, tmp_path: Path) -> None:
    config = load_config(SEED_CONFIG, ["compute.beside_from=1"])
    folder = execute(config, tmp_path / "beside", tmp_path / "cache")
    stages = json.loads((folder / "manifest.json").read_text())["stages"]
    assert [n for n, s in stages.items() if s.get("computed_beside")] == ["topics"]
    assert not stages["topics"]["cache_hit"] and set(stages) == set(BY_NAME)
    first, second = files_of(seed_run_dir), files_of(folder)
    assert first.keys() == second.keys()
    # config.yaml records compute.beside_from; the seed's themes are not in alphabetical order,
    # and the seeded topics follow the config's order (the job keeps it)
    assert [name for name in first if first[name] != second[name]] == ["config.yaml"]


def test_a_failed_second_process_is_computed_here(
    seed_run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.experiment import beside

    monkeypatch.setattr(beside.sys, "executable", "/bin/false")
    config = load_config(SEED_CONFIG, ["compute.beside_from=1"])
    folder = execute(config, tmp_path / "fallback", tmp_path / "cache")
    stages = json.loads((folder / "manifest.json").read_text())["stages"]
    assert not any(s.get("computed_beside") for s in stages.values())
    assert files_of(folder)["topics/topics.csv"] == files_of(seed_run_dir)["topics/topics.csv"]


def test_an_interrupted_run_stops_the_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.experiment import beside

    started: list[beside.Running] = []
    original = beside.BesideStages.start

    def start(self: beside.BesideStages, *args: object) -> bool:
        began = original(self, *args)  # type: ignore[arg-type]
        if began:
            started.append(list(self.running.values())[-1])
        return began

    def crash(config: object, inputs: object) -> None:
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(beside.BesideStages, "start", start)
    monkeypatch.setattr(BY_NAME["clusters"], "compute", crash)
    config = load_config(SEED_CONFIG, ["compute.beside_from=1"])
    with pytest.raises(Interrupted, match="resume from 'clusters'"):
        execute(config, tmp_path / "crash", tmp_path / "cache")
    assert [r.stage.name for r in started] == ["topics"]
    assert started[0].process.poll() is not None and not started[0].job.exists()


def test_nothing_runs_beside_below_beside_from_or_on_one_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.experiment import beside

    folder = execute(load_config(SEED_CONFIG), tmp_path / "a", tmp_path / "cache")
    stages = json.loads((folder / "manifest.json").read_text())["stages"]
    assert not any(s.get("computed_beside") for s in stages.values())  # 1 document < 500
    monkeypatch.setattr(beside, "spare_cores", lambda: 0)
    config = load_config(SEED_CONFIG, ["compute.beside_from=1"])
    folder = execute(config, tmp_path / "b", tmp_path / "cache2")
    stages = json.loads((folder / "manifest.json").read_text())["stages"]
    assert not any(s.get("computed_beside") for s in stages.values())
