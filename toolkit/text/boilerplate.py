"""Boilerplate: sentences that recur verbatim across many articles, found and removed.

A newspaper repeats some sentences word for word in hundreds of articles ("Der Volltext
dieses auf Agenturmeldungen basierenden Artikels steht aus rechtlichen Gründen nicht mehr zur
Verfügung."). Their words co-occur perfectly, so a topic model spends a topic on them and
search and themes match on them. :class:`BoilerplateFilter` counts in how many documents
each sentence (or line) occurs, verbatim up to whitespace, and removes those that occur in
more than ``min_share`` of the documents and in at least ``min_documents``.

The count streams: documents are read once, and only sentence digests are held, pruned by
lossy counting (Manku & Motwani, 2002) so memory stays bounded on millions of articles while
no sentence above the threshold is missed. Below ``1 / (min_share * error)`` documents no
entry is ever pruned and the counts are exact.

Examples
--------
>>> from toolkit.corpus.document import Document
>>> footer = "Der Volltext dieses Artikels steht nicht mehr zur Verfügung."
>>> docs = [Document.from_text(f"d{i}", f"Meldung Nummer {i}. {footer}") for i in range(40)]
>>> docs += [Document.from_text(f"e{i}", f"Ein ganz anderer Text {i}.") for i in range(60)]
>>> bp = BoilerplateFilter(min_share=0.2).fit(docs)
>>> bp.sentences_
{'Der Volltext dieses Artikels steht nicht mehr zur Verfügung.': 40}
>>> bp.clean("Meldung Nummer 7. Der Volltext dieses Artikels steht nicht mehr zur Verfügung.")
'Meldung Nummer 7.'
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator

from toolkit.corpus.document import Document
from toolkit.errors import ToolkitError
from toolkit.io import read_json, write_json

FORMAT = "toolkit.boilerplate/1"
# A sentence ends at . ! ? or … followed by space and an upper-case letter, digit or quote:
# the same rule the corpus uses for titles and passages.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÄÖÜ0-9„\"'])")


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of a paragraph, whitespace collapsed (empty pieces dropped).

    Examples
    --------
    >>> split_sentences("Erster Satz.  Zweiter   Satz! dritter")
    ['Erster Satz.', 'Zweiter Satz! dritter']
    """
    pieces = (" ".join(s.split()) for s in _SENTENCE_END.split(paragraph))
    return [p for p in pieces if p]


def _digest(sentence: str) -> int:
    # 8 bytes of BLAKE2b: collisions are negligible (< 1e-7 for 10^6 distinct sentences),
    # and an int key is small, fast and the same in every process (unlike hash()).
    return int.from_bytes(hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).digest())


class BoilerplateFilter(BaseEstimator):
    """Find sentences repeated verbatim across many documents, and remove them.

    Parameters
    ----------
    min_share : float, default 0.005
        A sentence is boilerplate when it occurs in more than this share of the documents.
        On 10kGNAD the agency-disclaimer sentence is in 1.2 % of the articles.
    min_documents : int, default 5
        ... and in at least this many documents, so small corpora are left untouched (a
        sentence quoted in two of ten articles is not boilerplate).
    min_words : int, default 3
        Shorter sentences are never boilerplate: ``Euro.`` or ``St.`` are fragments left by
        sentence splitting, not repeated text.
    error : float, default 0.1
        Lossy counting tolerance, relative to ``min_share``: memory is bounded by about
        ``1 / (min_share * error)`` documents' sentences, and a sentence can be flagged with
        a true share down to ``min_share * (1 - error)``.

    Attributes
    ----------
    sentences_ : dict of str to int
        Each boilerplate sentence and the number of documents it occurs in (an upper bound
        on corpora larger than ``1 / (min_share * error)`` documents), most frequent first.
    num_documents_ : int
        Documents seen by ``fit``.
    """

    def __init__(
        self,
        *,
        min_share: float = 0.005,
        min_documents: int = 5,
        min_words: int = 3,
        error: float = 0.1,
    ) -> None:
        self.min_share = min_share
        self.min_documents = min_documents
        self.min_words = min_words
        self.error = error

    def _validate(self) -> None:
        if not 0 < self.min_share < 1:
            raise ValueError(f"min_share must be in (0, 1), got {self.min_share!r}")
        if self.min_documents < 1 or self.min_words < 1:
            raise ValueError("min_documents and min_words must be at least 1")
        if not 0 < self.error < 1:
            raise ValueError(f"error must be in (0, 1), got {self.error!r}")

    def _candidates(self, doc: Document) -> dict[int, str]:
        """Digest -> sentence of every distinct long-enough sentence of ``doc``."""
        return {
            _digest(s): s
            for paragraph in doc.paragraphs
            for s in split_sentences(paragraph)
            if len(s.split()) >= self.min_words
        }

    def fit(self, docs: Iterable[Document]) -> BoilerplateFilter:
        """Count each sentence's documents in one streaming pass and keep the boilerplate."""
        self._validate()
        width = math.ceil(1.0 / (self.min_share * self.error))
        counts: dict[int, list[int]] = {}  # digest -> [count, maximal undercount]
        texts: dict[int, str] = {}
        n = 0
        for doc in docs:
            n += 1
            bucket = math.ceil(n / width)
            for key, sentence in self._candidates(doc).items():
                entry = counts.setdefault(key, [0, bucket - 1])
                entry[0] += 1
                if entry[0] == self.min_documents:
                    texts[key] = sentence  # only sentences frequent enough keep their text
            if n % width == 0:
                counts = {k: e for k, e in counts.items() if e[0] + e[1] > bucket}
                texts = {k: t for k, t in texts.items() if k in counts}
        self.num_documents_ = n
        found = {
            texts[k]: e[0] + e[1]
            for k, e in counts.items()
            if k in texts and e[0] + e[1] > self.min_share * n and e[0] >= self.min_documents
        }
        self.sentences_ = dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
        self._digests = frozenset(_digest(s) for s in self.sentences_)
        return self

    def _fitted(self) -> frozenset[int]:
        if not hasattr(self, "_digests"):
            raise ToolkitError("BoilerplateFilter is not fitted: call fit() or load() first")
        return self._digests

    def clean(self, paragraph: str) -> str:
        """``paragraph`` without its boilerplate sentences (whitespace collapsed if any went)."""
        digests = self._fitted()
        if not digests:
            return paragraph
        sentences = split_sentences(paragraph)
        kept = [s for s in sentences if _digest(s) not in digests]
        return paragraph if len(kept) == len(sentences) else " ".join(kept)

    def transform(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Each document with its boilerplate removed, streamed.

        Paragraph positions are kept (a paragraph that was all boilerplate becomes ``""``),
        so per-paragraph outputs still line up with the corpus; ``text`` is rebuilt from the
        remaining paragraphs.
        """
        for doc in docs:
            paragraphs = tuple(self.clean(p) for p in doc.paragraphs)
            if paragraphs == doc.paragraphs:
                yield doc
            else:
                text = "\n\n".join(p for p in paragraphs if p)
                yield replace(doc, paragraphs=paragraphs, text=text)

    def save(self, path: str | Path) -> None:
        """Write the parameters and the boilerplate sentences as JSON."""
        self._fitted()
        write_json(
            path,
            {
                "format": FORMAT,
                "params": self.get_params(),
                "num_documents": self.num_documents_,
                "sentences": [[s, c] for s, c in self.sentences_.items()],
            },
        )

    @classmethod
    def load(cls, path: str | Path) -> BoilerplateFilter:
        """Read a filter written by :meth:`save`."""
        data: dict[str, Any] = read_json(path)
        if data.get("format") != FORMAT:
            raise ToolkitError(f"{path}: format {data.get('format')!r}, not {FORMAT!r}")
        bp = cls(**data["params"])
        bp.num_documents_ = int(data["num_documents"])
        bp.sentences_ = {str(s): int(c) for s, c in data["sentences"]}
        bp._digests = frozenset(_digest(s) for s in bp.sentences_)
        return bp
