"""The German text stage: tokenise, lemmatise, detect phrases, remove stopwords, count words.

Examples
--------
>>> from toolkit.text import tokenize
>>> tokenize("Die NATO-Verteidigungsminister beraten in Brüssel.")
['Die', 'NATO-Verteidigungsminister', 'beraten', 'in', 'Brüssel']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

# imported now: a function named as its module would otherwise lose to the module, which the
# import system sets as the package's attribute when anything imports the module
from toolkit.text.lemmatize import lemmatize
from toolkit.text.tokenize import is_number, tokenize, tokenize_clauses

if TYPE_CHECKING:
    from toolkit.text.dictionary import build_dictionary, load_dictionary, save_dictionary
    from toolkit.text.phrases import GERMAN_CONNECTOR_WORDS, PhraseDetector
    from toolkit.text.pipeline import TextPipeline
    from toolkit.text.stopwords import german_stopwords, news_stopwords
    from toolkit.text.storage import load_tokenized, save_tokenized
    from toolkit.text.tokenized import TokenizedCorpus

_WHERE = {
    "GERMAN_CONNECTOR_WORDS": "phrases",
    "PhraseDetector": "phrases",
    "TextPipeline": "pipeline",
    "TokenizedCorpus": "tokenized",
    "build_dictionary": "dictionary",
    "german_stopwords": "stopwords",
    "load_dictionary": "dictionary",
    "load_tokenized": "storage",
    "news_stopwords": "stopwords",
    "save_dictionary": "dictionary",
    "save_tokenized": "storage",
}

__all__ = [
    "GERMAN_CONNECTOR_WORDS",
    "PhraseDetector",
    "TextPipeline",
    "TokenizedCorpus",
    "build_dictionary",
    "german_stopwords",
    "is_number",
    "lemmatize",
    "load_dictionary",
    "load_tokenized",
    "news_stopwords",
    "save_dictionary",
    "save_tokenized",
    "tokenize",
    "tokenize_clauses",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
