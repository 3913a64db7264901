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

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.corpus.delimited import read_delimited
from toolkit.corpus.document import Document
from toolkit.corpus.folder import list_text_files, read_text_files
from toolkit.corpus.ids import SeenIds
from toolkit.corpus.jsonl import read_jsonl
from toolkit.corpus.records import Problem, Read, option
from toolkit.errors import CorpusError
from toolkit.progress import status

# records read ahead for one duplicate-id check
ID_BATCH = 1024
FORMATS: tuple[str, ...] = ("auto", "seed", "txt", "csv", "tsv", "jsonl")
FIELDS = ("id", "text", "title", "date", "label", "source")
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
            f"set {option('format')} to one of {[f for f in FORMATS if f != 'auto']}"
        ) from None


@dataclass(frozen=True)
class CorpusOptions:
    """How a :class:`Corpus` reads its files (validated; see :class:`Corpus` for each)."""

    encoding: str = "utf-8"
    delimiter: str | None = None
    quotechar: str = '"'
    header: bool = True
    columns: dict[str, str | int] | None = None
    on_error: str = "raise"
    split_long_paragraphs: int = 150
    limit: int | None = None

    def __post_init__(self) -> None:
        for name in ("delimiter", "quotechar"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or len(value) != 1):
                raise CorpusError(f"corpus {name} must be a single character, not {value!r}")
        if self.on_error not in ("raise", "skip"):
            raise CorpusError(f"corpus on_error must be 'raise' or 'skip', not {self.on_error!r}")
        for name, low in (("split_long_paragraphs", 0), ("limit", 1)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise CorpusError(f"corpus {name} must be an integer, not {value!r}")
            if value is not None and value < low:
                raise CorpusError(f"corpus {name} must be at least {low}, not {value}")
        for field_name, column in (self.columns or {}).items():
            if field_name not in FIELDS:
                raise CorpusError(f"corpus columns: unknown field {field_name!r}; use {FIELDS}")
            if isinstance(column, bool) or not isinstance(column, str | int):
                raise CorpusError(f"corpus columns.{field_name}: a column name or index")


class Corpus:
    """A re-iterable stream of :class:`Document` read from a folder or file.

    Parameters
    ----------
    path : str or Path, or a list of them
        A folder of ``.txt`` files (recursive), a ``.txt`` file, a CSV / TSV or a JSON-lines
        file; several are read one after the other as one corpus (ids must stay unique).
    format : {"auto", "seed", "txt", "csv", "tsv", "jsonl"}
        ``auto`` decides by folder / extension, and for ``.txt`` files per file (seed format
        or plain text).
    encoding : str, default "utf-8"
        Text encoding of the files.
    delimiter : str, optional
        CSV delimiter (one character; None sniffs ``,`` ``;`` tab ``|``).
    quotechar : str, default '"'
        CSV quote character.
    header : bool, default True
        The CSV's first row names its columns.
    columns : dict, optional
        CSV / JSONL field (``id``, ``text``, ``title``, ``date``, ``label``, ``source``) ->
        column name (with a header) or 0-based index (without).
    on_error : {"raise", "skip"}, default "raise"
        Stop at the first bad row or file, or skip it and report the count.
    split_long_paragraphs : int, default 150
        Cut paragraphs longer than this many words at sentence ends (0: off).
    limit : int, optional
        Read only the first ``limit`` documents.

    Attributes
    ----------
    options : CorpusOptions
        The validated settings.
    skipped : list of dict
        The records the last iteration skipped (``on_error="skip"``), each with ``file``,
        ``line``, ``id``, ``kind`` and ``reason``.

    Raises
    ------
    CorpusError
        For a missing path or an unknown format (always, whatever ``on_error`` says).
        Also for an invalid option (naming it).

    Examples
    --------
    >>> corpus = Corpus("seeds", split_long_paragraphs=0)
    >>> doc = corpus.to_list()[0]
    >>> doc.date, len(doc.paragraphs), len(doc.subheadings)
    ('2023-06', 9, 2)
    """

    def __init__(
        self,
        path: str | Path | Sequence[str | Path],
        format: str = "auto",
        *,
        encoding: str = "utf-8",
        delimiter: str | None = None,
        quotechar: str = '"',
        header: bool = True,
        columns: dict[str, str | int] | None = None,
        on_error: str = "raise",
        split_long_paragraphs: int = 150,
        limit: int | None = None,
    ) -> None:
        if format not in FORMATS:
            raise CorpusError(f"unknown corpus format {format!r}; choose one of {list(FORMATS)}")
        self.options = CorpusOptions(
            encoding, delimiter, quotechar, header, columns, on_error, split_long_paragraphs, limit
        )
        self.paths = [Path(p) for p in ([path] if isinstance(path, str | Path) else path)]
        if not self.paths:
            raise CorpusError("no corpus path given")
        self.kinds = [detect_format(p, format) for p in self.paths]
        self.skipped: list[dict[str, Any]] = []

    @property
    def path(self) -> Path:
        """The corpus path (the first, for a corpus of several files or folders)."""
        return self.paths[0]

    def __repr__(self) -> str:
        where = ", ".join(repr(str(p)) for p in self.paths)
        return f"Corpus({where}, format={'/'.join(dict.fromkeys(self.kinds))!r})"

    def files(self) -> list[Path]:
        """Every input file this corpus reads, in reading order (for hashing the input)."""
        found = []
        for path, kind in zip(self.paths, self.kinds, strict=True):
            found += list_text_files(path) if kind in ("auto", "seed", "txt") else [path]
        return found

    def to_list(self) -> list[Document]:
        """Read every document into a list."""
        return list(self)

    def __iter__(self) -> Iterator[Document]:
        for path in self.paths:
            if not path.exists():
                raise CorpusError(f"corpus path {str(path)!r} does not exist")
        cfg = self.options
        self.skipped = []
        # where each id was first read, as one int (file number << 32 | line), checked a batch
        # of records at a time: 24 bytes an id stored (toolkit.corpus.ids)
        seen = SeenIds()
        files: list[str] = []
        count = 0
        reads = (self._read(p, kind) for p, kind in zip(self.paths, self.kinds, strict=True))
        records = itertools.chain.from_iterable(reads)
        while batch := list(itertools.islice(records, ID_BATCH)):
            earlier = self._first_places(batch, seen, files)
            for item, place in zip(batch, earlier, strict=True):
                if isinstance(item, Read):
                    if place < 0:
                        count += 1
                        yield item.document
                        if cfg.limit is not None and count >= cfg.limit:
                            self._report(count)
                            return
                        continue
                    reason = f"id {item.document.id!r} was already read from {_place(files, place)}"
                    item = Problem(item.file, item.line, item.document.id, "duplicate id", reason)
                if cfg.on_error == "raise":
                    raise CorpusError(item.message())
                self.skipped.append(item.to_dict())
        self._report(count)

    @staticmethod
    def _first_places(batch: list[Read | Problem], seen: SeenIds, files: list[str]) -> list[int]:
        """Per record, where its id was first read (-1: new, or not a document)."""
        reads = [(n, item) for n, item in enumerate(batch) if isinstance(item, Read)]
        places = []
        for _, item in reads:
            if not files or files[-1] != item.file:
                files.append(item.file)
            places.append((len(files) - 1) << 32 | (item.line or 0))
        found = seen.check([item.document.id for _, item in reads], places)
        earlier = [-1] * len(batch)
        for (n, _), place in zip(reads, found.tolist(), strict=True):
            earlier[n] = place
        return earlier

    def _read(self, path: Path, kind: str) -> Iterator[Read | Problem]:
        cfg = self.options
        split_long = cfg.split_long_paragraphs
        if kind in ("auto", "seed", "txt"):
            return read_text_files(path, kind, cfg.encoding, split_long)
        if kind == "jsonl":
            return read_jsonl(path, cfg.columns, cfg.encoding, split_long)
        delimiter = cfg.delimiter
        if delimiter is None and kind == "tsv":
            delimiter = "\t"
        return read_delimited(
            path, delimiter, cfg.quotechar, cfg.header, cfg.columns, cfg.encoding, split_long
        )

    def _report(self, count: int) -> None:
        if not self.skipped:
            return
        kinds = Counter(record["kind"] for record in self.skipped)
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        first = Problem(**self.skipped[0]).message()
        where = ", ".join(map(str, self.paths))
        status(
            f"corpus {where}: read {count} documents, skipped {len(self.skipped)} "
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


def _place(files: list[str], packed: int) -> str:
    """``file`` or ``file, line N`` from the int :meth:`Corpus.__iter__` keeps per id."""
    file, line = files[packed >> 32], packed & 0xFFFFFFFF
    return f"{file}, line {line}" if line else file
