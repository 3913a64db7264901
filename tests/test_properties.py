"""Property-based tests: whatever a user's file holds, a reader returns documents or raises the
toolkit's own error, and a config file loads or raises a ConfigError; never another exception."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.corpus import Corpus, Document
from toolkit.errors import ConfigError, CorpusError
from toolkit.experiment import load_config
from toolkit.experiment.schema import ExperimentConfig

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMATS = [("news.txt", "auto"), ("news.txt", "seed"), ("news.txt", "txt"), ("news.csv", "csv"),
           ("news.tsv", "tsv"), ("news.jsonl", "jsonl")]  # fmt: skip
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)


def read(name: str, data: bytes, format: str, on_error: str, **options: object) -> None:
    """Read ``data`` as a file; only documents or a CorpusError may come out."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            docs = Corpus(path, format, on_error=on_error, **options).to_list()
        except CorpusError:
            return
    assert all(isinstance(doc, Document) and doc.id for doc in docs)


@SETTINGS
@given(
    data=st.binary(max_size=400),
    where=st.sampled_from(FORMATS),
    on_error=st.sampled_from(["raise", "skip"]),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]),
)
def test_any_bytes_in_any_format(
    data: bytes, where: tuple[str, str], on_error: str, encoding: str
) -> None:
    name, format = where
    read(name, data, format, on_error, encoding=encoding)


@SETTINGS
@given(
    rows=st.lists(st.lists(text, min_size=1, max_size=4), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    header=st.booleans(),
    on_error=st.sampled_from(["raise", "skip"]),
)
def test_any_csv(rows: list[list[str]], delimiter: str, header: bool, on_error: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    read("news.csv", out.getvalue().encode("utf-8"), "csv", on_error, header=header)


json_value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@SETTINGS
@given(
    lines=st.lists(
        st.one_of(
            st.dictionaries(st.sampled_from(["id", "text", "date", "label", "x"]), json_value),
            json_value,
        ),
        max_size=6,
    ),
    on_error=st.sampled_from(["raise", "skip"]),
)
def test_any_jsonl(lines: list[object], on_error: str) -> None:
    data = "\n".join(json.dumps(line) for line in lines).encode("utf-8")
    read("news.jsonl", data, "jsonl", on_error)


def load(text_of_config: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "experiment.yaml"
        path.write_text(text_of_config, encoding="utf-8")
        with contextlib.suppress(ConfigError):
            assert isinstance(load_config(path), ExperimentConfig)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_as_a_config(text_of_config: str) -> None:
    load(text_of_config)


yaml_value = st.recursive(
    scalar, lambda inner: st.dictionaries(text, inner, max_size=3) | st.lists(inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
SECTIONS = ["corpus", "text", "topics", "embeddings", "clusters", "themes", "search", "output"]


@SETTINGS
@given(
    section=st.sampled_from(SECTIONS),
    body=st.dictionaries(
        st.sampled_from(["path", "num_topics", "mode", "model", "dir", "passes", "seeds", "x"]),
        yaml_value,
        max_size=3,
    ),
)
def test_any_section_content(section: str, body: dict[str, object]) -> None:
    config = {"name": "demo", "corpus": {"path": "."}, section: body}
    load(yaml.safe_dump(config, allow_unicode=True))
