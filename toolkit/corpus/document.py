"""The ``Document`` record: one news article with its parts kept apart."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÄÖÜ0-9„\"'])")


@dataclass(frozen=True)
class Document:
    """One article.

    Parameters
    ----------
    id : str
        Stable identifier (relative path for files, ``<file stem>/<row>`` for unnamed rows).
    text : str
        The full text as read.
    paragraphs : tuple of str
        The text units in reading order: the lead (if any) first, then the body paragraphs.
        Subheadings are not paragraphs; see ``subheadings``.
    title, date, source, label : str or None
        ``date`` is normalised to ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``None`` when unknown.
    lead, caption : str or None
        Seed format only: the lead paragraph and the caption on the date line.
    subheadings : tuple of (int, str)
        ``(index of the first paragraph of the section, heading)`` pairs.
    metadata : dict
        Free, JSON-serialisable extra fields (e.g. other CSV columns).

    Examples
    --------
    >>> doc = Document.from_text("a/1", "Erster Absatz.\\n\\nZweiter Absatz.")
    >>> doc.paragraphs
    ('Erster Absatz.', 'Zweiter Absatz.')
    """

    id: str
    text: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    date: str | None = None
    source: str | None = None
    label: str | None = None
    lead: str | None = None
    caption: str | None = None
    subheadings: tuple[tuple[int, str], ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_text(cls, id: str, text: str, split_long: int = 0, **fields: Any) -> Document:
        """Build a document whose paragraphs are the blank-line separated blocks of ``text``.

        ``split_long > 0`` cuts a paragraph longer than that many words into runs of whole
        sentences of about that length (useful for corpora that lost their paragraph breaks).
        """
        blocks = [" ".join(b.split()) for b in _BLANK_LINES.split(text.strip())]
        blocks = [b for b in blocks if b]
        if split_long > 0:
            blocks = [part for b in blocks for part in split_into_passages(b, split_long)]
        return cls(id=id, text=text, paragraphs=tuple(blocks), **fields)

    @property
    def display_title(self) -> str:
        """The title, else the first sentence of the text, cut to 100 characters."""
        if self.title:
            return self.title
        first = self.paragraphs[0] if self.paragraphs else self.text
        sentence = _SENTENCE_END.split(first, maxsplit=1)[0]
        return sentence if len(sentence) <= 100 else sentence[:99].rstrip() + "…"

    @property
    def num_words(self) -> int:
        """Number of whitespace-separated words in the text."""
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        data["paragraphs"] = list(self.paragraphs)
        data["subheadings"] = [list(pair) for pair in self.subheadings]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["paragraphs"] = tuple(data.get("paragraphs") or ())
        data["subheadings"] = tuple((int(i), str(h)) for i, h in data.get("subheadings") or ())
        return cls(**data)


def split_into_passages(paragraph: str, max_words: int) -> list[str]:
    """Cut ``paragraph`` at sentence ends into passages of at most about ``max_words`` words.

    A single sentence longer than ``max_words`` stays whole.

    >>> split_into_passages("Eins zwei. Drei vier. Fünf.", 2)
    ['Eins zwei.', 'Drei vier.', 'Fünf.']
    """
    if len(paragraph.split()) <= max_words:
        return [paragraph]
    passages: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(paragraph):
        words = len(sentence.split())
        if current and count + words > max_words:
            passages.append(" ".join(current))
            current, count = [], 0
        current.append(sentence)
        count += words
    if current:
        passages.append(" ".join(current))
    return passages
