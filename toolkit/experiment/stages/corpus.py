"""The corpus stage: the configured files read into documents."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from toolkit.corpus import Corpus, Document, corpus_info
from toolkit.errors import CorpusError
from toolkit.experiment.schema import CorpusConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.io import read_json, read_jsonl, sha256_file, write_json, write_jsonl


@dataclass
class CorpusOutput:
    """The documents, their statistics, and the records that were skipped."""

    documents: list[Document]
    info: dict[str, Any]
    skipped: list[dict[str, Any]]

    def table(self) -> pd.DataFrame:
        """One row per document: id, title, date, label, source, words, paragraphs."""
        return documents_table(self.documents)


def documents_table(documents: list[Document]) -> pd.DataFrame:
    """One row per document: id, title, date, label, source, words, paragraphs."""
    return pd.DataFrame(
        {
            "id": [d.id for d in documents],
            "title": [d.display_title for d in documents],
            "date": [d.date for d in documents],
            "label": [d.label for d in documents],
            "source": [d.source for d in documents],
            "words": [d.num_words for d in documents],
            "paragraphs": [len(d.paragraphs) for d in documents],
        }
    )


def open_corpus(cfg: CorpusConfig, path: Path | None = None) -> Corpus:
    """The :class:`~toolkit.corpus.Corpus` a ``corpus`` section describes (or ``path`` read
    with the same settings)."""
    params = cfg.model_dump(exclude={"path", "format"})
    return Corpus(path or cfg.paths, cfg.format, **params)


class CorpusStage(Stage[CorpusOutput]):
    name: ClassVar[str] = "corpus"

    def check(self, config: ExperimentConfig) -> None:
        open_corpus(config.corpus)  # a missing path or an unknown format fails here

    def settings(self, config: ExperimentConfig) -> dict[str, Any]:
        cfg = config.corpus
        folders = [p if p.is_dir() else p.parent for p in cfg.paths]
        root = Path(os.path.commonpath(folders))
        # relative names in the key, so moving the data folder keeps the cache valid
        files = {
            path.relative_to(root).as_posix(): sha256_file(path)
            for path in open_corpus(cfg).files()
        }
        return {"settings": cfg.model_dump(mode="json", exclude={"path"}), "files": files}

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> CorpusOutput:
        corpus = open_corpus(config.corpus)
        documents = corpus.to_list()
        if not documents:
            raise CorpusError(f"{config.corpus.path}: no documents were read")
        return CorpusOutput(documents, corpus_info(documents), list(corpus.skipped))

    def save(self, output: CorpusOutput, folder: Path, config: ExperimentConfig) -> None:
        write_jsonl(folder / "documents.jsonl", (d.to_dict() for d in output.documents))
        write_json(folder / "info.json", output.info)
        write_json(folder / "skipped.json", output.skipped)

    def load(self, folder: Path, config: ExperimentConfig) -> CorpusOutput:
        documents = [Document.from_dict(row) for row in read_jsonl(folder / "documents.jsonl")]
        return CorpusOutput(
            documents, read_json(folder / "info.json"), read_json(folder / "skipped.json")
        )

    def metrics(self, output: CorpusOutput) -> dict[str, Any]:
        return {"documents": len(output.documents), "skipped": len(output.skipped)}
