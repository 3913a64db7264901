"""The corpus stage: the configured files read, as a stream, into Parquet partitions.

The files are read once, in order, and cut into ``compute.partition_size`` documents per file
(``part-00000.parquet`` …, listed in ``partitions.json``), so no step holds the whole corpus in
memory; every later stage reads the partitions, one per task.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from toolkit.corpus import Corpus, Document, corpus_info
from toolkit.corpus.parquet import read_document, read_documents, write_partitions
from toolkit.errors import CorpusError
from toolkit.experiment.partitions import PartitionedSequence, Partitions
from toolkit.experiment.schema import CorpusConfig, ExperimentConfig
from toolkit.experiment.stages.base import Inputs, Stage
from toolkit.io import read_json, sha256_file, write_json


@dataclass
class CorpusOutput:
    """The documents' partitions, their statistics, and the records that were skipped."""

    partitions: Partitions
    info: dict[str, Any]
    skipped: list[dict[str, Any]]

    @property
    def documents(self) -> PartitionedSequence[Document]:
        """Every document, read a partition at a time (a sequence, not a list in memory)."""
        return PartitionedSequence(self.partitions, read_documents, read_document)

    def tables(self) -> Iterator[pd.DataFrame]:
        """One row per document (id, title, date, label, source, words, paragraphs), a
        partition at a time: ``documents.csv`` of millions of articles is written in the memory
        of one partition."""
        for path in self.partitions.paths:
            yield documents_table(read_documents(path))


def documents_table(documents: Sequence[Document]) -> pd.DataFrame:
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
    version: ClassVar[int] = 2

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
        return {
            "settings": cfg.model_dump(mode="json", exclude={"path"}),
            "files": files,
            "partition_size": config.compute.partition_size,
        }

    def compute(self, config: ExperimentConfig, inputs: Inputs) -> CorpusOutput:
        corpus = open_corpus(config.corpus)
        work = inputs.work_folder()
        written: list[tuple[str, int]] = []

        def documents() -> Iterator[Document]:
            # the statistics see each partition while it is written: one pass over the files
            for path, batch in write_partitions(corpus, work, config.compute.partition_size):
                written.append((path.name, len(batch)))
                yield from batch

        info = corpus_info(documents())
        if not written:
            raise CorpusError(f"{config.corpus.path}: no documents were read")
        names, counts = zip(*written, strict=True)
        return CorpusOutput(Partitions(work, names, counts), info, list(corpus.skipped))

    def save(self, output: CorpusOutput, folder: Path, config: ExperimentConfig) -> None:
        output.partitions.save(folder)
        write_json(folder / "info.json", output.info)
        write_json(folder / "skipped.json", output.skipped)

    def load(self, folder: Path, config: ExperimentConfig) -> CorpusOutput:
        return CorpusOutput(
            Partitions.load(folder),
            read_json(folder / "info.json"),
            read_json(folder / "skipped.json"),
        )

    def metrics(self, output: CorpusOutput) -> dict[str, Any]:
        return {"documents": len(output.partitions), "skipped": len(output.skipped)}
