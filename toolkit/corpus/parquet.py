"""Documents as Parquet files: one file per partition of a corpus, written and read with pyarrow.

A corpus too large for one process's memory is read once, as a stream, and cut into files of a
fixed number of documents (:func:`write_partitions`); every later pass reads one file at a time.
Every field of :class:`~toolkit.corpus.document.Document` is kept (``metadata`` as canonical
JSON), so :func:`read_documents` gives back equal documents, and the same documents always give
the same bytes.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> docs = [Document.from_text(f"d{i}", "Erster Absatz.\\n\\nZweiter.") for i in range(3)]
>>> [(p.name, len(batch)) for p, batch in write_partitions(docs, folder, size=2)]
[('part-00000.parquet', 2), ('part-00001.parquet', 1)]
>>> read_documents(folder / "part-00001.parquet") == docs[2:]
True
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.corpus.document import Document
from toolkit.io import atomic_path

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("paragraphs", pa.list_(pa.string())),
        ("title", pa.string()),
        ("date", pa.string()),
        ("source", pa.string()),
        ("label", pa.string()),
        ("lead", pa.string()),
        ("caption", pa.string()),
        ("subheadings", pa.list_(pa.struct([("index", pa.int32()), ("heading", pa.string())]))),
        ("metadata", pa.string()),
    ]
)
# zstd: German news text compresses about 3x; row groups of 256 documents, so one document is
# read (to show a search hit) without decoding its whole partition
ROW_GROUP = 256
WRITE_OPTIONS = {"compression": "zstd", "row_group_size": ROW_GROUP}


def batches(items: Iterable[object], size: int) -> Iterator[list[object]]:
    """Consecutive lists of ``size`` items (the last may be shorter).

    >>> list(batches(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def write_table(table: pa.Table, path: str | Path) -> None:
    """Write ``table`` as Parquet atomically (the same table always gives the same bytes)."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, **WRITE_OPTIONS)


def documents_table(documents: Sequence[Document]) -> pa.Table:
    """The documents as an Arrow table of :data:`SCHEMA`."""
    columns = {name: [] for name in SCHEMA.names}
    for doc in documents:
        for name in ("id", "text", "title", "date", "source", "label", "lead", "caption"):
            columns[name].append(getattr(doc, name))
        columns["paragraphs"].append(list(doc.paragraphs))
        columns["subheadings"].append([{"index": i, "heading": h} for i, h in doc.subheadings])
        metadata = json.dumps(doc.metadata, sort_keys=True, ensure_ascii=False)
        columns["metadata"].append(metadata)
    return pa.table(columns, schema=SCHEMA)


def write_documents(documents: Sequence[Document], path: str | Path) -> None:
    """Write ``documents`` to one Parquet file, atomically."""
    write_table(documents_table(documents), path)


def read_documents(path: str | Path) -> list[Document]:
    """The documents of a file written by :func:`write_documents`, in order."""
    return _documents(pq.read_table(path, schema=SCHEMA))


def read_row(path: str | Path, row: int, schema: pa.Schema = SCHEMA) -> dict[str, object]:
    """Row ``row`` of a Parquet file written in row groups of :data:`ROW_GROUP`, reading only
    its row group."""
    group, offset = divmod(row, ROW_GROUP)
    table = pq.ParquetFile(path).read_row_group(group)
    if table.schema != schema:
        table = table.cast(schema)
    return table.slice(offset, 1).to_pylist()[0]


def read_document(path: str | Path, row: int) -> Document:
    """Document ``row`` of a file written by :func:`write_documents` (its row group only)."""
    return _documents(pa.Table.from_pylist([read_row(path, row)], schema=SCHEMA))[0]


def _documents(table: pa.Table) -> list[Document]:
    rows = table.to_pylist()
    documents = []
    for row in rows:
        row["paragraphs"] = tuple(row["paragraphs"] or ())
        row["subheadings"] = tuple((s["index"], s["heading"]) for s in row["subheadings"] or ())
        row["metadata"] = json.loads(row["metadata"]) if row["metadata"] else {}
        documents.append(Document(**row))
    return documents


def read_columns(path: str | Path, columns: Sequence[str]) -> pa.Table:
    """Some columns of a documents file (``["id", "date"]``), without the texts."""
    return pq.read_table(path, columns=list(columns), schema=SCHEMA)


def write_partitions(
    documents: Iterable[Document], folder: str | Path, size: int, prefix: str = "part"
) -> Iterator[tuple[Path, list[Document]]]:
    """Stream ``documents`` into Parquet files of ``size`` documents each.

    Yields ``(path, documents in it)`` per file once it is written
    (``folder/part-00000.parquet`` …), so only one partition is ever held in memory.
    """
    if size < 1:
        raise ValueError(f"partition size must be at least 1, not {size}")
    for number, batch in enumerate(batches(documents, size)):
        path = Path(folder) / f"{prefix}-{number:05d}.parquet"
        write_documents(batch, path)
        yield path, batch
