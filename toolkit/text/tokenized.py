"""``TokenizedCorpus``: the text stage's output, consumed by topics, clusters, themes and search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gensim.corpora import Dictionary


@dataclass
class TokenizedCorpus:
    """Final tokens (lemmas, phrases merged, stopwords dropped) of each paragraph of each document.

    Parameters
    ----------
    doc_ids : list of str
        Document ids, in corpus order.
    paragraphs : list of list of list of str
        ``paragraphs[d][p]`` is the token list of paragraph ``p`` of document ``d``.
    dictionary : gensim.corpora.Dictionary
        Vocabulary filtered with ``no_below`` / ``no_above`` / ``keep_n``, built on articles.

    Examples
    --------
    >>> from gensim.corpora import Dictionary
    >>> tc = TokenizedCorpus(["a"], [[["nato", "gipfel"], ["munition"]]], Dictionary([["nato"]]))
    >>> tc.documents()
    [['nato', 'gipfel', 'munition']]
    """

    doc_ids: list[str]
    paragraphs: list[list[list[str]]]
    dictionary: Dictionary = field(repr=False)

    def __len__(self) -> int:
        return len(self.doc_ids)

    def documents(self) -> list[list[str]]:
        """Token list of each whole document (its paragraphs concatenated)."""
        return [[tok for par in pars for tok in par] for pars in self.paragraphs]

    def paragraph_units(self) -> tuple[list[tuple[int, int]], list[list[str]]]:
        """``(index, tokens)``: ``index[i] = (doc position, paragraph position)`` of unit ``i``."""
        index = [(d, p) for d, pars in enumerate(self.paragraphs) for p in range(len(pars))]
        tokens = [par for pars in self.paragraphs for par in pars]
        return index, tokens
