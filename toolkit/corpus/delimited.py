"""Read CSV / TSV files row by row (streaming, with the :mod:`csv` module).

A column mapping names which column holds each document field (``id``, ``text``, ``title``,
``date``, ``label``, ``source``): header names when the file has a header, 0-based indexes
when it has none. Other columns go to ``Document.metadata`` (under their header name, or
``column_<index>`` without a header).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "news.csv"
>>> _ = path.write_text("label;text\\nSport;Ein Tor.\\nKultur;Ein Buch.\\n", encoding="utf-8")
>>> [(r.document.id, r.document.label) for r in read_delimited(path)]
[('news/0', 'Sport'), ('news/1', 'Kultur')]
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

from toolkit.corpus.records import (
    FIELDS,
    BadRecord,
    LineReader,
    Problem,
    Read,
    build_document,
    open_text,
    option,
    row_id,
)
from toolkit.errors import CorpusError

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_CHARS = 1 << 16


def sniff_delimiter(sample: str, quotechar: str = '"') -> str | None:
    """Pick the delimiter among ``,`` ``;`` tab ``|`` that splits ``sample`` most consistently.

    Each candidate parses the sample's complete lines; the winner gives the same number (> 1)
    of fields on the largest share of rows, ties going to more fields and then to the order
    above. ``None`` means the sample reads as a single column.

    Examples
    --------
    >>> sniff_delimiter("a;b, c\\nd;e, f, g\\n")
    ';'
    """
    if "\n" in sample:
        # The last line may be cut off mid-row; judge by complete lines only.
        sample = sample[: sample.rindex("\n") + 1]
    best: tuple[float, int, int] | None = None
    choice = None
    for rank, delimiter in enumerate(DELIMITERS):
        reader = csv.reader(
            io.StringIO(sample, newline=""), delimiter=delimiter, quotechar=quotechar
        )
        try:
            counts = Counter(len(row) for row in reader if row)
        except csv.Error:
            continue
        if not counts:
            continue
        fields, rows = counts.most_common(1)[0]
        if fields < 2:
            continue
        score = (rows / sum(counts.values()), fields, -rank)
        if best is None or score > best:
            best, choice = score, delimiter
    return choice


def read_delimited(
    path: str | Path,
    delimiter: str | None = None,
    quotechar: str = '"',
    header: bool = True,
    columns: Mapping[str, str | int] | None = None,
    encoding: str = "utf-8",
    split_long: int = 0,
) -> Iterator[Read | Problem]:
    """Stream the rows of a delimited file as documents, or problems for bad rows.

    ``delimiter`` is one character (``None`` sniffs it with :func:`sniff_delimiter`);
    ``header`` says whether the first row names the columns; ``columns`` maps fields to column
    names (with a header) or 0-based indexes. Without ``columns``, a header's columns named
    like the fields are used, and a header-less file must have a single column (the text).
    ``split_long`` is passed to :meth:`Document.from_text`. Rows without an id get
    ``<file stem>/<0-based data row>``. A header or mapping that makes the whole file
    unreadable is a :class:`CorpusError`.
    """
    path = Path(path)
    if delimiter is None:
        delimiter = _sniff_file(path, quotechar, encoding)
    handle, bom = open_text(path, encoding)
    with handle:
        lines = LineReader(handle, handle.encoding, bom)
        reader = csv.reader(lines, delimiter=delimiter, quotechar=quotechar, strict=True)
        layout: _Layout | None = None
        row_number = 0
        dialect = f"delimiter {delimiter!r}, quote character {quotechar!r}"
        for row in _rows(reader, lines, path, dialect):
            if isinstance(row, Problem):
                if layout is None:
                    # Without a readable first row no later row can be interpreted.
                    raise CorpusError(f"{path}, line {row.line}: cannot read the first row: "
                                      f"{row.reason}")  # fmt: skip
                row_number += 1
                yield row
                continue
            if layout is None:
                layout = _Layout.from_first_row(path, row, header, columns)
                if header:
                    undecodable = lines.undecodable()
                    if undecodable is not None:
                        raise CorpusError(
                            f"{path}, line {undecodable[0]}: header: {undecodable[1]}"
                        )
                    continue
            number, row_number = row_number, row_number + 1
            yield _read_row(path, row, number, layout, lines, dialect, split_long)


def _rows(
    reader: Iterator[list[str]], lines: LineReader, path: Path, dialect: str
) -> Iterator[list[str] | Problem]:
    """The non-empty rows of ``reader``, or a problem for a row the csv module rejects."""
    while True:
        lines.start_record()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Problem(str(path), lines.record_line, None, "malformed row", f"{exc} ({dialect})")
            continue
        if row:
            yield row


class _Layout:
    """Which column is which, fixed by the header (or the first row of a header-less file)."""

    def __init__(self, mapping: dict[str, int], names: list[str] | None, width: int) -> None:
        self.mapping = mapping
        self.names = names
        self.width = width

    @classmethod
    def from_first_row(
        cls, path: Path, row: list[str], header: bool, columns: Mapping[str, str | int] | None
    ) -> _Layout:
        width = len(row)
        names = [name.strip() for name in row] if header else None
        if names is not None:
            repeated = sorted(name for name, n in Counter(names).items() if n > 1)
            if repeated:
                raise CorpusError(f"{path}, line 1: the header repeats column(s) {repeated}")
        if columns:
            mapping = {
                field: cls._index(path, field, column, names, width)
                for field, column in columns.items()
            }
        elif names is not None:
            lowered = {name.lower(): i for i, name in enumerate(names)}
            mapping = {field: lowered[field] for field in FIELDS if field in lowered}
        elif width == 1:
            mapping = {"text": 0}
        else:
            raise CorpusError(
                f"{path}: the file has {width} columns and no header, so which one is the text "
                f"is unknown; set {option('columns')} to 0-based indexes, e.g. text=1"
            )
        if "text" not in mapping:
            raise CorpusError(_no_text_column(path, names, width))
        return cls(mapping, names, width)

    @staticmethod
    def _index(
        path: Path, field: str, column: str | int, names: list[str] | None, width: int
    ) -> int:
        if field not in FIELDS:
            raise CorpusError(f"{option('columns')}: unknown field {field!r} (fields: {FIELDS})")
        if names is None and isinstance(column, str) and column.isdigit():
            column = int(column)
        if isinstance(column, int):
            if not 0 <= column < width:
                raise CorpusError(
                    f"{path}: column {column} for {field}, but the file has {width} columns "
                    f"(set {option('columns')})"
                )
            return column
        if names is None:
            raise CorpusError(
                f"{path}: column {column!r} for {field} names a column, but the file has no "
                f"header ({option('header')}); use a 0-based index"
            )
        if column not in names:
            raise CorpusError(
                f"{path}: column {column!r} for {field} is not a column (header: {names}); "
                f"set {option('columns')}"
            )
        return names.index(column)


def _read_row(
    path: Path,
    row: list[str],
    number: int,
    layout: _Layout,
    lines: LineReader,
    dialect: str,
    split_long: int,
) -> Read | Problem:
    line = lines.record_line
    mapping = layout.mapping
    id_column = mapping.get("id")
    given_id = row[id_column].strip() if id_column is not None and id_column < len(row) else ""
    doc_id = given_id or row_id(path, number)
    undecodable = lines.undecodable()
    if undecodable is not None:
        return Problem(str(path), undecodable[0], doc_id, "undecodable bytes", undecodable[1])
    if len(row) != layout.width:
        return Problem(
            str(path),
            line,
            doc_id,
            "malformed row",
            f"expected {layout.width} fields, found {len(row)} ({dialect})",
        )
    used = set(mapping.values())
    metadata = {
        layout.names[i] if layout.names is not None else f"column_{i}": value
        for i, value in enumerate(row)
        if i not in used
    }
    fields = {field: row[i] for field, i in mapping.items() if field not in ("id", "text")}
    try:
        document = build_document(doc_id, row[mapping["text"]], fields, metadata, split_long)
    except BadRecord as exc:
        return Problem(str(path), line, doc_id, exc.kind, str(exc))
    return Read(document, str(path), line)


def _no_text_column(path: Path, names: list[str] | None, width: int) -> str:
    """Why no column holds the text: a header that reads as one column means the delimiter."""
    if names is not None and width == 1:
        other = [d for d in DELIMITERS if d in names[0]]
        if other:
            return (
                f"{path}: the header reads as one column {names[0]!r}: the delimiter is "
                f"probably {other[0]!r}; set {option('delimiter')}"
            )
    shown = names if names is not None else f"{width} unnamed columns"
    return f"{path}: no text column (columns: {shown}); set {option('columns')}, e.g. text=body"


def _sniff_file(path: Path, quotechar: str, encoding: str) -> str:
    handle, _ = open_text(path, encoding)
    with handle:
        try:
            sample = handle.read(_SAMPLE_CHARS)
        except UnicodeError as exc:
            raise CorpusError(
                f"{path}: cannot decode the file with encoding {encoding!r} ({exc}); set "
                f"{option('encoding')}"
            ) from None
    # A single-column file has no delimiter to find; any choice reads it the same.
    return sniff_delimiter(sample, quotechar) or ","
