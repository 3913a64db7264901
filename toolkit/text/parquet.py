"""Token lists as Parquet files: one row per document, its paragraphs' final tokens.

The partitioned counterpart of ``tokens.jsonl`` (:mod:`toolkit.text.storage`): a corpus's tokens
are written one partition per file by the workers that computed them, and read back one file at
a time.

Examples
--------
>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "tokens-00000.parquet"
>>> write_tokens(["a", "b"], [[["nato", "gipfel"], []], [["munition"]]], path)
>>> read_tokens(path)
(['a', 'b'], [[['nato', 'gipfel'], []], [['munition']]])
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from toolkit.corpus.parquet import ROW_GROUP, read_row
from toolkit.io import atomic_path

SCHEMA = pa.schema([("id", pa.string()), ("paragraphs", pa.list_(pa.list_(pa.string())))])


def write_tokens(doc_ids: list[str], paragraphs: list[list[list[str]]], path: str | Path) -> None:
    """Write each document's paragraph token lists to one Parquet file, atomically."""
    if len(doc_ids) != len(paragraphs):
        raise ValueError(f"{len(doc_ids)} ids for {len(paragraphs)} token lists")
    table = pa.table({"id": doc_ids, "paragraphs": paragraphs}, schema=SCHEMA)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP)


def read_tokens(path: str | Path) -> tuple[list[str], list[list[list[str]]]]:
    """``(doc_ids, paragraphs)`` of a file written by :func:`write_tokens`."""
    table = pq.read_table(path, schema=SCHEMA)
    return table.column("id").to_pylist(), table.column("paragraphs").to_pylist()


def read_paragraph_row(path: str | Path, row: int) -> list[list[str]]:
    """The paragraph token lists of document ``row`` alone (its row group only)."""
    return read_row(path, row, SCHEMA)["paragraphs"]


def read_token_ids(path: str | Path) -> list[str]:
    """Only the document ids of a tokens file."""
    return pq.read_table(path, columns=["id"], schema=SCHEMA).column("id").to_pylist()
