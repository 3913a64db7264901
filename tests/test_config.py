"""Config schema, composition, overrides, sweeps, env variables and path resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from toolkit.errors import ConfigError
from toolkit.experiment.loading import (
    apply_overrides,
    load_config,
    sweep_points,
    to_yaml,
    validate,
)
from toolkit.experiment.schema import ExperimentConfig
from toolkit.experiment.stages import enabled_stages, with_requirements
from toolkit.experiment.stages.themes import ThemesStage
from toolkit.experiment.stages.topics import TopicsStage
from toolkit.io import hash_obj


def stage_names(config: ExperimentConfig) -> list[str]:
    return [stage.name for stage in enabled_stages(with_requirements(config))]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
name: demo
seed: 1
corpus:
  path: data/articles.csv
  format: csv
topics:
  num_topics: 4
"""


def test_shipped_configs_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_DATA", "/data")
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        config = load_config(path)
        assert isinstance(config, ExperimentConfig)
    seed = load_config(ROOT / "experiments" / "seed.yaml")
    assert stage_names(seed) == [
        "corpus",
        "text",
        "topics",
        "embeddings",
        "clusters",
        "themes",
        "search",
    ]
    assert seed.corpus.path == (ROOT / "seeds").resolve()
    assert set(seed.themes.definitions) == {"arms_production", "membership", "defence_spending"}
    gnad = load_config(ROOT / "experiments" / "10kgnad.yaml")
    assert gnad.corpus.path == Path("/data/corpora/10kgnad/test.csv")


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", BASE + "  num_topic: 3\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "topics.num_topic" in str(err.value) and str(path) in str(err.value)


def test_unknown_section_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", BASE + "topicz: {}\n")
    with pytest.raises(ConfigError, match="unknown key 'topicz'"):
        load_config(path)


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ("  passes: many\n", "topics.passes"),
        ("  passes: 0\n", "topics.passes"),
        ("  unit: sentence\n", "topics.unit"),
        ("  stability_seeds: -2\n", "topics.stability_seeds"),
        ("  holdout: true\n", "topics.holdout"),
        ("  word_candidates: -1\n", "topics.word_candidates"),
        (
            "themes:\n  settings: {context_share: 1.5}\n  a: {description: x, seeds: [y]}\n",
            "themes.settings.context_share",
        ),
        ("compute: {beside_from: 0}\n", "compute.beside_from"),
    ],
)
def test_wrong_type_or_impossible_value(tmp_path: Path, extra: str, key: str) -> None:
    path = write(tmp_path / "bad.yaml", BASE + extra)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(path)


def test_missing_required_key(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.yaml", "name: x\n")
    with pytest.raises(ConfigError, match="missing key 'corpus'"):
        load_config(path)


def test_paths_resolve_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = write(tmp_path / "sub" / "c.yaml", BASE)
    config = load_config(path)
    assert config.corpus.path == (tmp_path / "sub" / "data" / "articles.csv").resolve()
    assert config.output.dir == Path("runs")  # the default stays relative to the working directory


def test_environment_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "c.yaml", BASE.replace("data/articles.csv", "${MY_DATA}/a.csv"))
    monkeypatch.delenv("MY_DATA", raising=False)
    with pytest.raises(ConfigError, match=r"MY_DATA.*not set") as err:
        load_config(path)
    assert "corpus.path" in str(err.value)
    monkeypatch.setenv("MY_DATA", str(tmp_path / "d"))
    assert load_config(path).corpus.path == tmp_path / "d" / "a.csv"


def test_extends_composes_and_overrides(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", BASE)
    child = write(
        tmp_path / "child.yaml", "extends: base.yaml\nname: child\ntopics:\n  passes: 3\n"
    )
    config = load_config(child)
    assert config.name == "child"
    assert config.topics.num_topics == 4 and config.topics.passes == 3
    loop = write(tmp_path / "loop.yaml", "extends: loop.yaml\n")
    with pytest.raises(ConfigError, match="cycle"):
        load_config(loop)


def test_overrides_parse_yaml_values(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", BASE)
    config = load_config(
        path, ["topics.num_topics=12", "seed=3", "topics.alpha=0.1", "embeddings.model=x"]
    )
    assert config.topics.num_topics == 12 and config.seed == 3 and config.topics.alpha == 0.1
    assert config.embeddings.model == "x"
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        apply_overrides({}, ["topics.num_topics"], tmp_path)
    with pytest.raises(ConfigError, match=r"topics\.num_topicz"):
        load_config(path, ["topics.num_topicz=3"])


def test_sweep_points_form_a_grid() -> None:
    points = sweep_points(["topics.num_topics=5,10", "seed=1,2"])
    assert points == [
        ["topics.num_topics=5", "seed=1"],
        ["topics.num_topics=5", "seed=2"],
        ["topics.num_topics=10", "seed=1"],
        ["topics.num_topics=10", "seed=2"],
    ]
    with pytest.raises(ConfigError):
        sweep_points(["topics.num_topics"])


def test_absent_sections_do_not_run_and_stages_pull_what_they_need() -> None:
    config = validate({"name": "x", "corpus": {"path": "/tmp"}})
    assert stage_names(config) == ["corpus"]
    config = validate(
        {
            "name": "x",
            "corpus": {"path": "/tmp"},
            "themes": {"a": {"description": "d", "seeds": ["x"]}},
        }
    )
    assert stage_names(config) == ["corpus", "text", "embeddings", "themes"]
    assert config.text is None  # the config itself stays as written
    config = validate({"name": "x", "corpus": {"path": "/tmp"}, "embeddings": {}})
    assert config.embeddings.model == "all-MiniLM-L6-v2"


def test_themes_mapping_with_settings() -> None:
    config = validate(
        {
            "name": "x",
            "corpus": {"path": "/tmp"},
            "themes": {
                "settings": {"threshold": 0.4},
                "membership": {"description": "NATO-Beitritt", "seeds": ["Beitritt"]},
            },
        }
    )
    assert config.themes.settings.threshold == 0.4
    assert list(config.themes.definitions) == ["membership"]
    with pytest.raises(ConfigError, match=r"themes\.membership\.seeds"):
        validate(
            {
                "name": "x",
                "corpus": {"path": "/tmp"},
                "themes": {"membership": {"description": "d", "seeds": []}},
            }
        )


def test_resolved_yaml_round_trips(tmp_path: Path) -> None:
    config = load_config(ROOT / "experiments" / "seed.yaml")
    text = to_yaml(config)
    again = validate(__import__("yaml").safe_load(text))
    assert again == config
    relative = to_yaml(config, relative_to=tmp_path)
    lines = relative.splitlines()
    # the dictionary stays where the system installs it; the user's paths become relative
    paths = [line.split(": ", 1)[1] for line in lines if "path: " in line and "/trans/" not in line]
    assert paths and not any(p.startswith("/") for p in paths)
    assert validate(__import__("yaml").safe_load(relative)).corpus.path.as_posix() == paths[0]


def test_a_list_of_corpus_paths_resolves_against_the_config(tmp_path: Path) -> None:
    path = write(tmp_path / "c.yaml", "name: x\ncorpus: {path: [a, sub/b.jsonl]}\n")
    config = load_config(path)
    assert config.corpus.paths == [tmp_path / "a", tmp_path / "sub" / "b.jsonl"]
    text = to_yaml(config, relative_to=tmp_path / "runs" / "r")
    assert "- ../../a\n" in text and "- ../../sub/b.jsonl\n" in text
    with pytest.raises(ConfigError, match=r"corpus\.path"):
        load_config(write(tmp_path / "d.yaml", "name: x\ncorpus: {path: []}\n"))


def test_the_order_of_the_themes_is_in_the_topics_and_themes_cache_keys() -> None:
    definitions = {
        "membership": {"description": "NATO-Beitritt", "seeds": ["Beitritt"]},
        "arms": {"description": "Rüstung", "seeds": ["Panzer"]},
    }

    def config(names: list[str]) -> ExperimentConfig:
        themes = {"settings": {"gloss": False}, **{n: definitions[n] for n in names}}
        corpus = {"path": "/tmp"}
        return validate(
            {"name": "x", "corpus": corpus, "topics": {"seeded": True}, "themes": themes}
        )

    one, other = config(["membership", "arms"]), config(["arms", "membership"])
    for stage in (TopicsStage(), ThemesStage()):
        assert hash_obj(stage.settings(one)) != hash_obj(stage.settings(other)), stage.name
        assert hash_obj(stage.settings(one)) == hash_obj(
            stage.settings(config(["membership", "arms"]))
        )


@pytest.mark.parametrize("value", [0, 1.5, "high"])
def test_a_target_recall_outside_0_to_1_names_the_key(value: object) -> None:
    corpus = {"path": "/tmp"}
    with pytest.raises(ConfigError, match=r"search\.ann\.target_recall"):
        validate({"name": "x", "corpus": corpus, "search": {"ann": {"target_recall": value}}})
    config = validate({"name": "x", "corpus": corpus, "search": {"ann": {"target_recall": None}}})
    assert config.search.ann.target_recall is None
