"""Nearest-article search: dense, lexical (BM25), topics and hybrid fusion; near-duplicates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.search.duplicates import near_duplicates
    from toolkit.search.index import SearchIndex
    from toolkit.search.ranking import Hit

_WHERE = {
    "Hit": "ranking",
    "SearchIndex": "index",
    "near_duplicates": "duplicates",
}

__all__ = ["Hit", "SearchIndex", "near_duplicates"]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
