"""Read JSON-lines files: one object per line with ``text`` and optional ``id``, ``title``,
``date``, ``label``, ``source``; every other key goes to ``Document.metadata``.

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "news.jsonl"
>>> _ = path.write_text('{"id": "a", "text": "Ein Tor.", "date": "13.06.2023"}\\n')
>>> [(r.document.id, r.document.date, r.line) for r in read_jsonl(path)]
[('a', '2023-06-13', 1)]
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

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


def read_jsonl(
    path: str | Path,
    columns: Mapping[str, str | int] | None = None,
    encoding: str = "utf-8",
    split_long: int = 0,
) -> Iterator[Read | Problem]:
    """Stream the objects of a JSON-lines file as documents, or problems for bad lines.

    Parameters
    ----------
    path : str or Path
        The ``.jsonl`` / ``.ndjson`` file; blank lines are ignored.
    columns : mapping, optional
        Field -> key, for files whose keys differ (e.g. ``{"text": "body"}``); unmapped fields
        use their own name as key.
    encoding : str
        The file's encoding.
    split_long : int
        Passed to :meth:`Document.from_text` (0: never split paragraphs).

    Yields
    ------
    Read or Problem
        Objects without an ``id`` get ``<file stem>/<0-based data row>``.
    """
    path = Path(path)
    keys = _keys(columns)
    handle, bom = open_text(path, encoding)
    with handle:
        lines = LineReader(handle, handle.encoding, bom)
        row_number = 0
        for text in lines:
            if not text.strip():
                lines.start_record()
                continue
            number, row_number = row_number, row_number + 1
            yield _read_line(path, text, number, lines, keys, split_long)
            lines.start_record()


def _keys(columns: Mapping[str, str | int] | None) -> dict[str, str]:
    keys = {field: field for field in FIELDS}
    for field, key in (columns or {}).items():
        if field not in FIELDS:
            raise CorpusError(f"{option('columns')}: unknown field {field!r} (fields: {FIELDS})")
        if not isinstance(key, str):
            raise CorpusError(
                f"{option('columns')}: {field} in a JSON-lines file needs a key name, not {key!r}"
            )
        keys[field] = key
    return keys


def _read_line(
    path: Path, text: str, number: int, lines: LineReader, keys: dict[str, str], split_long: int
) -> Read | Problem:
    line = lines.line_number
    undecodable = lines.undecodable()
    if undecodable is not None:
        return Problem(str(path), line, None, "undecodable bytes", undecodable[1])
    try:
        record: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(str(path), line, None, "malformed row", f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return Problem(
            str(path),
            line,
            None,
            "malformed row",
            f"expected a JSON object, found {type(record).__name__}",
        )
    given_id = record.get(keys["id"])
    if isinstance(given_id, dict | list | bool):
        return Problem(
            str(path), line, None, "invalid record", f"id must be a string or number: {given_id!r}"
        )
    doc_id = str(given_id).strip() if given_id is not None else ""
    doc_id = doc_id or row_id(path, number)
    if keys["text"] not in record:
        return Problem(str(path), line, doc_id, "invalid record", f"no {keys['text']!r} key")
    used = set(keys.values())
    metadata = {key: value for key, value in record.items() if key not in used}
    fields = {field: record.get(key) for field, key in keys.items() if field not in ("id", "text")}
    try:
        document = build_document(doc_id, record[keys["text"]], fields, metadata, split_long)
    except BadRecord as exc:
        return Problem(str(path), line, doc_id, exc.kind, str(exc))
    return Read(document, str(path), line)
