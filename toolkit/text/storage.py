"""Save and load a ``TokenizedCorpus`` and a fitted ``TextPipeline`` as open files.

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
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.io import read_json, write_json, write_jsonl
from toolkit.text.boilerplate import BoilerplateFilter
from toolkit.text.dictionary import load_dictionary, save_dictionary
from toolkit.text.phrases import PhraseDetector
from toolkit.text.tokenized import TokenizedCorpus

TOKENS_FILE = "tokens.jsonl"
DICTIONARY_FILE = "dictionary.txt"
PIPELINE_FORMAT = "toolkit.text_pipeline/3"
SETTINGS_FILE = "text_pipeline.json"
PHRASES_FILE = "phrases.json"
BOILERPLATE_FILE = "boilerplate.json"


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


# the pipeline is passed in (typed Any): this module must not import the class that calls it
def save_pipeline(pipeline: Any, folder: str | Path) -> None:
    """Write ``text_pipeline.json``, ``dictionary.txt``, and ``phrases.json`` and
    ``boilerplate.json`` when the pipeline uses them."""
    folder = Path(folder)
    dictionary = pipeline._fitted_dictionary()
    if pipeline.phrases_ is not None:
        pipeline.phrases_.save(folder / PHRASES_FILE)
    if pipeline.boilerplate_ is not None:
        pipeline.boilerplate_.save(folder / BOILERPLATE_FILE)
    save_dictionary(dictionary, folder / DICTIONARY_FILE)
    write_json(
        folder / SETTINGS_FILE,
        {
            "format": PIPELINE_FORMAT,
            "params": pipeline.settings(),
            "stopwords": sorted(pipeline.stopwords_),
            "frequency_unit": pipeline.frequency_unit_,
            "num_documents": pipeline.num_documents_,
        },
    )


def load_pipeline(cls: type, folder: str | Path) -> Any:
    """Read a pipeline written by :func:`save_pipeline` as an instance of ``cls``."""
    folder = Path(folder)
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        raise ToolkitError(f"no saved text pipeline in {folder}: {SETTINGS_FILE} is missing")
    settings: dict[str, Any] = read_json(settings_path)
    if settings.get("format") != PIPELINE_FORMAT:
        raise ToolkitError(
            f"{settings_path}: format {settings.get('format')!r}, not {PIPELINE_FORMAT!r}: "
            "written by another version of the toolkit; re-run the experiment to rebuild it"
        )
    pipeline = cls(**settings["params"])
    pipeline.stopwords_ = frozenset(settings["stopwords"])
    pipeline.frequency_unit_ = settings["frequency_unit"]
    pipeline.num_documents_ = int(settings["num_documents"])
    if pipeline.phrases:
        pipeline.phrases_ = PhraseDetector.load(folder / PHRASES_FILE)
    if pipeline.boilerplate:
        pipeline.boilerplate_ = BoilerplateFilter.load(folder / BOILERPLATE_FILE)
    pipeline.dictionary_ = load_dictionary(folder / DICTIONARY_FILE)
    return pipeline
