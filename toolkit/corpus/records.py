"""What a reader yields: a document with where it was read, or a problem with a bad record.

Readers never decide between raising and skipping; they report each bad record as a
:class:`Problem` and carry on, and :class:`~toolkit.corpus.corpus.Corpus` applies ``on_error``.
This module also holds the pieces every reader shares: building a document from raw fields,
and reading text lines while keeping the line number and byte offset for error messages.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from toolkit.corpus.dates import parse_date
from toolkit.corpus.document import Document
from toolkit.errors import CorpusError

# Bytes the codec could not decode come back as lone surrogates U+DC80..U+DCFF
# ("surrogateescape"), which strict decoding never produces; so one bad row need not end a file.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
FIELDS = ("id", "text", "title", "date", "label", "source")

# How a user sets each reading option, in a config and on the command line (``corpus info``);
# an error names both, since the same readers serve both.
_OPTIONS = {
    "format": ("corpus.format", "--format"),
    "encoding": ("corpus.encoding", "--encoding"),
    "delimiter": ("corpus.delimiter", "--delimiter"),
    "header": ("corpus.header", "--no-header"),
    "columns": ("corpus.columns", "--column FIELD=COLUMN"),
}


def option(name: str) -> str:
    """How to set the reading option ``name``, for an error message.

    >>> option("encoding")
    'corpus.encoding (command line: --encoding)'
    """
    key, flag = _OPTIONS[name]
    return f"{key} (command line: {flag})"


@dataclass(frozen=True)
class Problem:
    """A record that could not be read: where it is, its id if known, and why.

    ``kind`` is a short category for the end-of-iteration summary (e.g. ``"duplicate id"``).
    """

    file: str
    line: int | None
    id: str | None
    kind: str
    reason: str

    def message(self) -> str:
        """One line naming the file, line and id."""
        where = self.file if self.line is None else f"{self.file}, line {self.line}"
        who = "" if self.id is None else f" (id {self.id!r})"
        return f"{where}{who}: {self.kind}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """Plain dict with ``file``, ``line``, ``id``, ``kind`` and ``reason``."""
        return asdict(self)


@dataclass(frozen=True)
class Read:
    """A document and where it was read (``line`` is 1-based; ``None`` for whole files)."""

    document: Document
    file: str
    line: int | None


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; an unknown encoding is a :class:`CorpusError`."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(f"unknown encoding {encoding!r}: set {option('encoding')}") from None


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte-order mark, or every other byte NUL in Latin-script text."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return True
    return len(head) >= 8 and head.count(0) >= len(head) // 3


def open_text(path: Path, encoding: str) -> tuple[IO[str], int]:
    """Open ``path`` for reading text that may hold undecodable bytes; return the handle and
    the length of a UTF-8 byte-order mark that was skipped (0 or 3)."""
    codec = check_encoding(encoding)
    bom = 0
    if codec in ("utf-8", "utf-8-sig"):
        with open(path, "rb") as raw:
            head = raw.read(1024)
        if head[:3] == codecs.BOM_UTF8:
            bom, codec = 3, "utf-8-sig"
        elif _looks_utf16(head):
            raise CorpusError(
                f"{path}: the file looks like UTF-16 text, not {encoding}: set "
                f"{option('encoding')} to utf-16"
            )
    handle = open(path, encoding=codec, errors="surrogateescape", newline="")  # noqa: SIM115
    return handle, bom


class BadRecord(ValueError):
    """A record that cannot become a document; ``kind`` is the summary category."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def find_undecodable(text: str, encoding: str, start_offset: int = 0) -> tuple[int, str] | None:
    """``(1-based line within text, reason)`` for the first undecodable byte, or ``None``.

    ``start_offset`` is the byte offset of ``text`` in its file, so the reason gives the
    absolute offset.
    """
    match = _UNDECODABLE.search(text)
    if match is None:
        return None
    encoding = _without_bom(encoding)
    offset = start_offset + byte_length(text[: match.start()], encoding)
    byte = ord(match.group()) - 0xDC00
    return text.count("\n", 0, match.start()) + 1, (
        f"cannot decode byte 0x{byte:02x} at byte offset {offset} with encoding {encoding!r}; "
        f"set {option('encoding')} to the file's encoding"
    )


def byte_length(text: str, encoding: str) -> int:
    """Bytes ``text`` took in the file (undecodable bytes count one each).

    >>> byte_length("Tür", "utf-8"), byte_length("Tür", "latin-1")
    (4, 3)
    """
    try:
        return len(text.encode(encoding, "surrogateescape"))
    except UnicodeEncodeError:
        # surrogateescape only works for ASCII-compatible codecs (not UTF-16): an estimate
        return len(text.encode(encoding, "replace"))


def _without_bom(encoding: str) -> str:
    # Re-encoding a line to count its bytes must not count the mark once per line.
    return "utf-8" if encoding == "utf-8-sig" else encoding


class LineReader:
    """Iterate the physical lines of an open text file, remembering the lines of the current
    record so a bad byte can be located by line and absolute byte offset.

    Parameters
    ----------
    handle : text file
        Opened by :func:`open_text` (``newline=""``, so CRLF stays one line end).
    encoding : str
        The encoding, to turn character positions back into byte offsets.
    start_offset : int
        Bytes before the first line (a byte-order mark).
    """

    def __init__(self, handle: IO[str], encoding: str, start_offset: int = 0) -> None:
        self.handle = handle
        self.encoding = _without_bom(encoding)
        self.line_number = 0
        self._offset = start_offset
        self._record: list[tuple[int, int, str]] = []

    def __iter__(self) -> Iterator[str]:
        lines = iter(self.handle)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except UnicodeError as exc:
                # codecs such as UTF-16 fail on a truncated or unmarked stream despite
                # surrogateescape: the rest of the file cannot be read
                raise CorpusError(
                    f"{self.handle.name}, line {self.line_number + 1}: cannot decode the file "
                    f"with encoding {self.encoding!r} ({exc}); set {option('encoding')}"
                ) from None
            self.line_number += 1
            self._record.append((self.line_number, self._offset, line))
            self._offset += byte_length(line, self.encoding)
            yield line

    def start_record(self) -> None:
        """Forget the lines of the previous record."""
        self._record = []

    @property
    def record_line(self) -> int:
        """1-based line where the current record starts."""
        return self._record[0][0] if self._record else self.line_number

    def undecodable(self) -> tuple[int, str] | None:
        """``(line, reason)`` for the first undecodable byte of the current record, or ``None``."""
        for number, offset, line in self._record:
            found = find_undecodable(line, self.encoding, offset)
            if found is not None:
                return number, found[1]
        return None


def read_whole(handle: IO[str], path: Path) -> str:
    """The whole text of ``handle``; a codec that gives up is a :class:`CorpusError`."""
    try:
        return handle.read()
    except UnicodeError as exc:
        raise CorpusError(
            f"{path}: cannot decode the file with encoding {handle.encoding!r} ({exc}); "
            f"set {option('encoding')}"
        ) from None


def build_document(
    doc_id: str,
    text: Any,
    fields: dict[str, Any],
    metadata: dict[str, Any],
    split_long: int,
) -> Document:
    """A document from one row's raw values.

    ``fields`` holds ``title``, ``date``, ``label`` and ``source`` (missing or empty values
    become ``None``); the date is normalised with :func:`~toolkit.corpus.dates.parse_date`.

    Raises
    ------
    BadRecord
        For a text that is not a string or is empty, or an invalid date; the reader turns it
        into a :class:`Problem` with the file and line.
    """
    if not isinstance(text, str):
        raise BadRecord("invalid record", f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        raise BadRecord("empty document", "the text is empty or whitespace only")
    values: dict[str, str | None] = {}
    for name in ("title", "date", "label", "source"):
        value = fields.get(name)
        if isinstance(value, dict | list):
            raise BadRecord(
                "invalid record", f"{name} must be a plain value, got {type(value).__name__}"
            )
        value = None if value is None else str(value).strip()
        values[name] = value or None
    if values["date"] is not None:
        try:
            values["date"] = parse_date(values["date"])
        except ValueError as exc:
            raise BadRecord("invalid date", str(exc)) from None
    return Document.from_text(doc_id, text, split_long=split_long, metadata=metadata, **values)


def row_id(file: Path, row: int) -> str:
    """The id of a row that has none: ``<file name without extension>/<0-based data row>``."""
    return f"{file.stem}/{row}"
