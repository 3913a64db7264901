"""Reading articles: the :class:`Document` record, the streaming :class:`Corpus` and its readers
(seed format, ``.txt`` folders, CSV / TSV, JSON lines), date parsing and corpus statistics.

Examples
--------
>>> corpus = load_corpus("seeds")
>>> print(format_corpus_info(corpus_info(corpus)).splitlines()[0])
documents    1
"""

from toolkit.corpus.corpus import FORMATS, Corpus, load_corpus
from toolkit.corpus.dates import parse_date
from toolkit.corpus.document import Document
from toolkit.corpus.info import corpus_info, format_corpus_info
from toolkit.corpus.seed import is_seed_format, parse_seed_text

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
