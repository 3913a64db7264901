"""Reading articles: the :class:`Document` record, the streaming :class:`Corpus` and its readers
(seed format, ``.txt`` folders, CSV / TSV, JSON lines), date parsing and corpus statistics.

Examples
--------
>>> from toolkit.corpus import corpus_info, format_corpus_info, load_corpus
>>> corpus = load_corpus("seeds")
>>> print(format_corpus_info(corpus_info(corpus)).splitlines()[0])
documents    1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.corpus.corpus import FORMATS, Corpus, load_corpus
    from toolkit.corpus.dates import parse_date
    from toolkit.corpus.document import Document
    from toolkit.corpus.info import corpus_info, format_corpus_info
    from toolkit.corpus.seed import is_seed_format, parse_seed_text

_WHERE = {
    "Corpus": "corpus",
    "Document": "document",
    "FORMATS": "corpus",
    "corpus_info": "info",
    "format_corpus_info": "info",
    "is_seed_format": "seed",
    "load_corpus": "corpus",
    "parse_date": "dates",
    "parse_seed_text": "seed",
}

__all__ = [
    "FORMATS",
    "Corpus",
    "Document",
    "corpus_info",
    "format_corpus_info",
    "is_seed_format",
    "load_corpus",
    "parse_date",
    "parse_seed_text",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
