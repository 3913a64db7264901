"""Nearest-article search: dense, lexical (BM25), topics and hybrid fusion; near-duplicates."""

from toolkit.search.duplicates import near_duplicates
from toolkit.search.index import SearchIndex
from toolkit.search.ranking import Hit

__all__ = ["Hit", "SearchIndex", "near_duplicates"]
