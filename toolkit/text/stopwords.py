"""German stopword lists: the maintained stopwords-iso list plus a small news-genre list.

Examples
--------
>>> stop = german_stopwords()
>>> {"die", "und", "sagte", "dienstag"} <= stop, "munition" in stop
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Literal

import stopwordsiso

NEWS_STOPWORDS_FILE = "news_stopwords.txt"


@lru_cache(maxsize=1)
def news_stopwords() -> frozenset[str]:
    """The news-genre list shipped in ``toolkit/text/data/news_stopwords.txt`` (lowercase).

    The file's header explains what is on it and what is deliberately left off.
    """
    text = resources.files("toolkit.text").joinpath("data", NEWS_STOPWORDS_FILE).read_text("utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word)


@lru_cache(maxsize=1)
def _iso_german() -> frozenset[str]:
    return frozenset(word.lower() for word in stopwordsiso.stopwords("de"))


def german_stopwords(
    source: Literal["iso", "none"] = "iso", news: bool = True, extra: Iterable[str] = ()
) -> frozenset[str]:
    """The lowercase German stopword set a text pipeline removes.

    Parameters
    ----------
    source : {"iso", "none"}
        ``"iso"``: the German stopwords-iso list (620 words); ``"none"``: no general list.
    news : bool
        Add the news-genre list (weekdays, reporting verbs, agency bylines, abbreviations).
    extra : iterable of str
        Further words (any case; abbreviations without their final dot).

    Examples
    --------
    >>> sorted(german_stopwords("none", news=False, extra=["Bundesliga"]))
    ['bundesliga']
    """
    if source not in ("iso", "none"):
        raise ValueError(f"unknown stopword source {source!r}: use 'iso' or 'none'")
    words: set[str] = set(_iso_german()) if source == "iso" else set()
    if news:
        words |= news_stopwords()
    words.update(word.strip().lower() for word in extra if word.strip())
    return frozenset(words)
