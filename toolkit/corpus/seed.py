"""The seed article format: a ``date`` line with a caption, a lead, subheadings and paragraphs.

A seed file looks like this::

    date 2023-06 <caption of the article's picture>

    <lead: the first block>

    <paragraph>

    <Subheading>

    <paragraph>

Blocks are separated by blank lines. A subheading is a short one-line block that does not end
like a sentence; it opens a section and is not a paragraph.

Examples
--------
>>> text = "date 2023-06 Ein Bild.\\n\\nDer Vorspann.\\n\\nErster Absatz."
>>> text += "\\n\\nZwischentitel\\n\\nZweiter."
>>> doc = parse_seed_text(text, "demo")
>>> doc.date, doc.caption, doc.lead
('2023-06', 'Ein Bild.', 'Der Vorspann.')
>>> doc.paragraphs, doc.subheadings
(('Der Vorspann.', 'Erster Absatz.', 'Zweiter.'), ((2, 'Zwischentitel'),))
"""

from __future__ import annotations

import re

from toolkit.corpus.dates import parse_date
from toolkit.corpus.document import Document, split_into_passages

_DATE_LINE = re.compile(r"date[ \t]+(\S+)(?:[ \t]+(.*))?")
_SEED_START = re.compile(r"date[ \t]+\d{4}-\d{1,2}(?:-\d{1,2})?(?:[ \t]|$)")
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = ".!?…:;,"
_CLOSING_QUOTES = "\"'“”‘’»«"
# Longer blocks read as text even without a full stop (e.g. a paragraph that lost it).
_HEADING_MAX_WORDS = 12
_HEADING_MAX_CHARS = 100


def is_seed_format(text: str) -> bool:
    """Whether ``text`` starts (after whitespace) with a ``date YYYY-MM[-DD]`` line.

    Examples
    --------
    >>> is_seed_format("  date 2023-06 Bildtext"), is_seed_format("Ein Artikel.")
    (True, False)
    """
    return _SEED_START.match(text.lstrip("\ufeff \t\r\n")) is not None


def is_subheading(block: str) -> bool:
    """Whether a block reads as a section heading: one short line not ending like a sentence.

    A heading in quotes (``"Signal an die Industrie"``) is a heading; a quoted sentence
    (``"Das reicht nicht."``) is not.

    Examples
    --------
    >>> is_subheading("Debatte um Verteidigungsausgaben"), is_subheading("Er kam zu spät.")
    (True, False)
    """
    block = block.strip()
    if not block or "\n" in block:
        return False
    if len(block) > _HEADING_MAX_CHARS or len(block.split()) >= _HEADING_MAX_WORDS:
        return False
    end = block.rstrip(_CLOSING_QUOTES)
    return bool(end) and end[-1] not in _SENTENCE_END


def parse_seed_text(
    text: str, doc_id: str, source: str | None = None, split_long: int = 0
) -> Document:
    """Parse one article in the seed format.

    ``text`` is the whole file, starting with the ``date`` line. The result has ``date``,
    ``caption`` (the rest of the date line), ``lead`` (the first block, also ``paragraphs[0]``),
    body paragraphs, and ``subheadings`` as ``(index of the first paragraph of the section,
    heading)``; its ``text`` is the content after the date line. ``split_long`` cuts body
    paragraphs longer than this many words at sentence ends (0: never; the lead stays whole).
    A text not in the seed format, with an invalid date or without a lead is a ValueError,
    which the reader reports with the file name.
    """
    body = text.lstrip("\ufeff \t\r\n")
    first_line, _, rest = body.partition("\n")
    match = _DATE_LINE.fullmatch(first_line.strip())
    if match is None or not is_seed_format(first_line):
        raise ValueError(
            f"the first line is not a 'date YYYY-MM <caption>' line: {first_line[:80]!r}"
        )
    date = parse_date(match[1])
    caption = " ".join((match[2] or "").split()) or None
    rest = rest.strip()
    raw_blocks = [b.strip() for b in _BLANK_LINES.split(rest.replace("\r\n", "\n"))]
    raw_blocks = [b for b in raw_blocks if b]
    blocks = [" ".join(b.split()) for b in raw_blocks]
    if not blocks:
        raise ValueError("no text after the date line")
    lead = blocks[0]
    paragraphs = [lead]
    subheadings: list[tuple[int, str]] = []
    for position, block in enumerate(blocks[1:], start=1):
        # A short last block has no section to open, so it stays a paragraph.
        if position < len(blocks) - 1 and is_subheading(raw_blocks[position]):
            subheadings.append((len(paragraphs), block))
            continue
        paragraphs.extend(split_into_passages(block, split_long) if split_long > 0 else [block])
    return Document(
        id=doc_id,
        text=rest,
        paragraphs=tuple(paragraphs),
        date=date,
        source=source,
        lead=lead,
        caption=caption,
        subheadings=tuple(subheadings),
    )
