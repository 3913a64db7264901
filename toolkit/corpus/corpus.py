"""The streaming :class:`Corpus`: one object for every input format, re-read on each pass.

Like a gensim corpus, a :class:`Corpus` holds only its settings; every iteration reads the
files again, so a corpus larger than memory can be passed over several times.

Examples
--------
>>> corpus = Corpus("seeds")
>>> [doc.id for doc in corpus]
['000_f8d3ef48d24ec83a']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from toolkit.config import CorpusConfig
from toolkit.corpus.delimited import read_delimited
from toolkit.corpus.document import Document
from toolkit.corpus.folder import list_text_files, read_text_files
from toolkit.corpus.jsonl import read_jsonl
from toolkit.corpus.records import Problem, Read
from toolkit.errors import ConfigError, CorpusError
from toolkit.progress import status

FORMATS: tuple[str, ...] = get_args(CorpusConfig.model_fields["format"].annotation)
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".txt": "auto",
}


def detect_format(path: str | Path, format: str = "auto") -> str:
    """The reader for ``path``: ``seed``, ``txt`` or ``auto`` (``.txt`` files, sniffed one by
    one), ``csv``, ``tsv`` or ``jsonl``.

    A folder holds ``.txt`` files; a file's format follows its extension unless ``format``
    names one.

    Raises
    ------
    CorpusError
        For a missing path, an unknown format, a file extension that names no format, or a
        folder given with a file-only format.

    Examples
    --------
    >>> detect_format("seeds"), detect_format("seeds", "seed")
    ('auto', 'seed')
    """
    path = Path(path)
    if format not in FORMATS:
        raise CorpusError(f"unknown corpus format {format!r}; choose one of {list(FORMATS)}")
    if not path.exists():
        raise CorpusError(f"corpus path {str(path)!r} does not exist")
    if path.is_dir():
        if format in ("csv", "tsv", "jsonl"):
            raise CorpusError(f"{path}: format {format!r} reads a file, but this is a folder")
        return format
    if format != "auto":
        return format
    try:
        return _EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise CorpusError(
            f"{path}: cannot tell the format from the extension {path.suffix!r}; "
            f"set corpus.format to one of {[f for f in FORMATS if f != 'auto']}"
        ) from None


class Corpus:
    """A re-iterable stream of :class:`Document` read from a folder or file.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt`` files (recursive), a ``.txt`` file, a CSV / TSV or a JSON-lines
        file.
    format : {"auto", "seed", "txt", "csv", "tsv", "jsonl"}
        ``auto`` decides by folder / extension, and for ``.txt`` files per file (seed format
        or plain text).
    **options
        The other :class:`~toolkit.config.CorpusConfig` settings: ``encoding``,
        ``delimiter``, ``quotechar``, ``header``, ``columns``, ``on_error``,
        ``split_long_paragraphs``, ``limit``.

    Attributes
    ----------
    config : CorpusConfig
        The validated settings.
    skipped : list of dict
        The records the last iteration skipped (``on_error="skip"``), each with ``file``,
        ``line``, ``id``, ``kind`` and ``reason``.

    Raises
    ------
    CorpusError
        For a missing path or an unknown format (always, whatever ``on_error`` says).
    ConfigError
        For an invalid option.

    Examples
    --------
    >>> corpus = Corpus("seeds", split_long_paragraphs=0)
    >>> doc = corpus.to_list()[0]
    >>> doc.date, len(doc.paragraphs), len(doc.subheadings)
    ('2023-06', 9, 2)
    """

    def __init__(self, path: str | Path, format: str = "auto", **options: Any) -> None:
        if format not in FORMATS:
            raise CorpusError(f"unknown corpus format {format!r}; choose one of {list(FORMATS)}")
        try:
            config = CorpusConfig(path=Path(path), format=format, **options)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
            )
            raise ConfigError(f"invalid corpus options: {problems}") from None
        self.config = config
        self.path = Path(config.path)
        self.kind = detect_format(self.path, config.format)
        self.skipped: list[dict[str, Any]] = []

    @classmethod
    def from_config(cls, cfg: CorpusConfig) -> Corpus:
        """The corpus a config's ``corpus`` section describes."""
        return cls(**cfg.model_dump())

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r}, format={self.kind!r})"

    def files(self) -> list[Path]:
        """Every input file this corpus reads, sorted (for hashing the input)."""
        if self.kind in ("auto", "seed", "txt"):
            return list_text_files(self.path)
        return [self.path]

    def to_list(self) -> list[Document]:
        """Read every document into a list."""
        return list(self)

    def __iter__(self) -> Iterator[Document]:
        if not self.path.exists():
            raise CorpusError(f"corpus path {str(self.path)!r} does not exist")
        cfg = self.config
        self.skipped = []
        seen: dict[str, str] = {}
        count = 0
        for item in self._read():
            if isinstance(item, Read):
                doc = item.document
                where = item.file if item.line is None else f"{item.file}, line {item.line}"
                if doc.id in seen:
                    item = Problem(
                        item.file,
                        item.line,
                        doc.id,
                        "duplicate id",
                        f"id {doc.id!r} was already read from {seen[doc.id]}",
                    )
                else:
                    seen[doc.id] = where
                    count += 1
                    yield doc
                    if cfg.limit is not None and count >= cfg.limit:
                        break
                    continue
            if cfg.on_error == "raise":
                raise CorpusError(item.message())
            self.skipped.append(item.to_dict())
        self._report(count)

    def _read(self) -> Iterator[Read | Problem]:
        cfg = self.config
        split_long = cfg.split_long_paragraphs
        if self.kind in ("auto", "seed", "txt"):
            return read_text_files(self.path, self.kind, cfg.encoding, split_long)
        if self.kind == "jsonl":
            return read_jsonl(self.path, cfg.columns, cfg.encoding, split_long)
        delimiter = cfg.delimiter
        if delimiter is None and self.kind == "tsv":
            delimiter = "\t"
        return read_delimited(
            self.path, delimiter, cfg.quotechar, cfg.header, cfg.columns, cfg.encoding, split_long
        )

    def _report(self, count: int) -> None:
        if not self.skipped:
            return
        kinds = Counter(record["kind"] for record in self.skipped)
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        first = Problem(**self.skipped[0]).message()
        status(
            f"corpus {self.path}: read {count} documents, skipped {len(self.skipped)} "
            f"record(s) ({summary}); first: {first}"
        )


def load_corpus(path: str | Path, **options: Any) -> Corpus:
    """Open a corpus: ``load_corpus(path, format=..., columns=..., ...)``.

    Examples
    --------
    >>> len(load_corpus("seeds").to_list())
    1
    """
    return Corpus(path, **options)
