"""Save and load a ``TokenizedCorpus`` as open files, so the text stage can be cached.

A folder holds ``tokens.jsonl`` (one line per document: ``{"id": ..., "paragraphs":
[[token, ...], ...]}``) and ``dictionary.txt`` (gensim's text format). The same corpus always
gives byte-identical files.

Examples
--------
>>> import tempfile
>>> from gensim.corpora import Dictionary
>>> tc = TokenizedCorpus(["a"], [[["nato", "gipfel"], []]], Dictionary([["nato"]]))
>>> folder = tempfile.mkdtemp()
>>> save_tokenized(tc, folder)
>>> load_tokenized(folder).paragraphs
[[['nato', 'gipfel'], []]]
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.io import write_jsonl
from toolkit.text.dictionary import load_dictionary, save_dictionary
from toolkit.text.tokenized import TokenizedCorpus

TOKENS_FILE = "tokens.jsonl"
DICTIONARY_FILE = "dictionary.txt"


def save_tokenized(tc: TokenizedCorpus, folder: str | Path) -> None:
    """Write ``tokens.jsonl`` and ``dictionary.txt`` into ``folder`` (atomically, each)."""
    folder = Path(folder)
    rows = (
        {"id": doc_id, "paragraphs": paragraphs}
        for doc_id, paragraphs in zip(tc.doc_ids, tc.paragraphs, strict=True)
    )
    write_jsonl(folder / TOKENS_FILE, rows)
    save_dictionary(tc.dictionary, folder / DICTIONARY_FILE)


def load_tokenized(folder: str | Path) -> TokenizedCorpus:
    """Read a corpus written by :func:`save_tokenized`; errors name the file and line."""
    path = Path(folder) / TOKENS_FILE
    if not path.is_file():
        raise ToolkitError(f"tokenized corpus not found: {path}")
    doc_ids: list[str] = []
    paragraphs: list[list[list[str]]] = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc_id, pars = str(row["id"]), row["paragraphs"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ToolkitError(f"{path}, line {line_number}: invalid row ({exc})") from None
            if not isinstance(pars, list) or not all(isinstance(p, list) for p in pars):
                raise ToolkitError(
                    f"{path}, line {line_number} (id {doc_id}): 'paragraphs' must be a list of "
                    "token lists"
                )
            doc_ids.append(doc_id)
            paragraphs.append(pars)
    return TokenizedCorpus(doc_ids, paragraphs, load_dictionary(Path(folder) / DICTIONARY_FILE))
