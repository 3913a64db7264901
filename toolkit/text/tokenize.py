"""A regular-expression tokeniser for German news text.

Decisions (each one tested in ``tests/test_text.py``):

- Hyphenated compounds stay whole (``NATO-Verteidigungsminister``, ``NATO-Ukraine-Rat``,
  ``2,5-fach``); the hyphen variants U+2010 and U+2011 are written as ``-``, soft hyphens
  (U+00AD) are removed.
- Truncated coordinations keep their first conjunct without the hyphen: ``Staats- und
  Regierungschefs`` gives ``Staats``, ``und``, ``Regierungschefs``. The fragment still carries
  content (its lemma is ``Staat``); completing it needs a compound splitter.
- Numbers keep their separators (``1.000``, ``2,5``, ``12.06.2023``). An ordinal dot is not
  part of the token (``11.`` gives ``11``): it cannot be told from a sentence end by a regex.
- Known abbreviations keep their dots (``z.B.``, ``u.a.``, ``Dr.``, ``bzw.``, ``Nr.``).
- Apostrophes between letters join (``geht's``, ``O'Neill``); quotes of every kind
  (``„…“ ‚…‘ "…" »…« '…'``) and all other punctuation are not tokens.
- URLs and e-mail addresses are dropped whole: split up they would leave fragments such as
  ``www`` or ``at``, and kept whole they are one-off tokens no model can use.
- Case is preserved: the German lemmatiser relies on the capitalisation of nouns.

Examples
--------
>>> tokenize("NATO-Verteidigungsminister bestellen „Munition“ für 1.000 Euro, z.B. 2,5 Mio.")
... # doctest: +NORMALIZE_WHITESPACE
['NATO-Verteidigungsminister', 'bestellen', 'Munition', 'für', '1.000', 'Euro', 'z.B.',
 '2,5', 'Mio.']
"""

from __future__ import annotations

import re

_HYPHENS = "-\u2010\u2011"

# Single-word abbreviations that are written with a dot; multi-letter dotted ones
# (z.B., u.a., d.h., U.S.A.) are matched by shape instead.
ABBREVIATIONS = (
    "Abs", "Bd", "bzw", "ca", "Dr", "etc", "evtl", "ggf", "Hrsg", "inkl", "Jh", "Mio", "Mrd",
    "Nr", "Prof", "sog", "St", "Str", "usw", "vgl", "zzgl",
)  # fmt: skip

# Top-level domains of addresses written without ``www.`` (``allinrechner.at``); lowercase only,
# so that a missing space after a sentence end ("Ende.Die") is not taken for an address.
DOMAINS = ("at", "ch", "com", "de", "eu", "info", "net", "org")

_ADDRESS = re.compile(
    rf"""
    (?:https?://|www\.)[^\s"'<>„“”»«]+[^\s"'<>„“”»«.,;:!?)]
    |[\w.+-]+@[\w-]+(?:\.[\w-]+)+
    |[^\W_][\w-]*(?:\.[\w-]+)*\.(?:{"|".join(DOMAINS)})\b(?:/[^\s"'<>„“”»«]*)?
    """,
    re.VERBOSE,
)
# Substrings every address contains: most paragraphs have none, and then the address pass
# (a second scan of the text) is skipped.
_ADDRESS_MARKERS = ("@", "www.", "://", *(f".{domain}" for domain in DOMAINS))

_TOKEN = re.compile(
    rf"""
    (?P<abbrev>(?:[^\W\d_]\.){{2,}}|\b(?:{"|".join(ABBREVIATIONS)})\.)
    |(?P<number>\d+(?:[.,]\d+)+(?:[{_HYPHENS}][^\W_]+)*)
    |(?P<word>[^\W_]+(?:(?:[{_HYPHENS}]|['’](?=[^\W_]))[^\W_]+)*)
    |(?P<punct>\S)
    """,
    re.VERBOSE,
)
# Hyphen variants become "-"; soft hyphens (invisible break hints in web text) are removed,
# otherwise they would cut a word in two.
_NORMALISE = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None})


def tokenize_clauses(text: str) -> list[list[str]]:
    """Tokenise ``text`` into clauses: runs of tokens between punctuation marks.

    Phrase detection works within a clause, so that ``Waffen, Nachschub`` can never become
    one phrase. Concatenated, the clauses are :func:`tokenize`'s output.

    Examples
    --------
    >>> tokenize_clauses('Er sagte: "Waffen, Nachschub und Wartung."')
    [['Er', 'sagte'], ['Waffen'], ['Nachschub', 'und', 'Wartung']]
    """
    if any(marker in text for marker in _ADDRESS_MARKERS):
        # an address becomes a punctuation mark: dropped, and the end of a clause
        text = _ADDRESS.sub(" | ", text)
    if "\u2010" in text or "\u2011" in text or "\u00ad" in text:
        text = text.translate(_NORMALISE)
    clauses: list[list[str]] = []
    current: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "punct":
            if current:
                clauses.append(current)
                current = []
        else:
            current.append(match.group())
    if current:
        clauses.append(current)
    return clauses


def tokenize(text: str) -> list[str]:
    """Split German text into word, number and abbreviation tokens (case preserved).

    Examples
    --------
    >>> tokenize("Die Staats- und Regierungschefs treffen sich am 11. Juli.")
    ['Die', 'Staats', 'und', 'Regierungschefs', 'treffen', 'sich', 'am', '11', 'Juli']
    """
    return [token for clause in tokenize_clauses(text) for token in clause]


def is_number(token: str) -> bool:
    """Whether ``token`` is a number: it has a digit and no letter (``2023``, ``1.000``, ``1-0``).

    Examples
    --------
    >>> is_number("2,5"), is_number("G7"), is_number("1990er")
    (True, False, False)
    """
    return any(c.isdigit() for c in token) and not any(c.isalpha() for c in token)
