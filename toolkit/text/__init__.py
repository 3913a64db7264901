"""The German text stage: tokenise, lemmatise, detect phrases, remove stopwords, count words.

Examples
--------
>>> tokenize("Die NATO-Verteidigungsminister beraten in Brüssel.")
['Die', 'NATO-Verteidigungsminister', 'beraten', 'in', 'Brüssel']
"""

from toolkit.text.dictionary import build_dictionary, load_dictionary, save_dictionary
from toolkit.text.lemmatize import lemmatize
from toolkit.text.phrases import GERMAN_CONNECTOR_WORDS, PhraseDetector
from toolkit.text.pipeline import TextPipeline
from toolkit.text.stopwords import german_stopwords, news_stopwords
from toolkit.text.storage import load_tokenized, save_tokenized
from toolkit.text.tokenize import is_number, tokenize, tokenize_clauses
from toolkit.text.tokenized import TokenizedCorpus

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
