"""Reading a German-English dictionary in the Ding format (the Debian package ``trans-de-en``).

One line is one entry: ``German side :: English side``. Each side is split by `` | `` into
aligned parts: part 0 is the entry's sense, later parts are its inflected forms (``Regierungen
{pl}`` :: ``governments``), sub-entries (``Zentralregierung {f}`` :: ``central government``) or
example phrases. Within a part, ``;`` separates synonyms. Annotations are stripped from the
words and kept as data: ``{f}``/``{vt}``/``{adj}`` give the word class, ``[mil.]``/``[fin.]``
the subject, and ``[ugs.]``/``[Br.]``/``[Ös.]`` (register and region tags) are dropped;
``(…)`` explanations, ``<…>`` alternative spellings and ``/…/`` abbreviations are dropped.

Only single-word German forms are indexed, since the glosser looks words up one at a time:
``etw.``/``jdn.``/``sich`` are removed first (``sich erholen`` is ``erholen``), a leading
definite article too (``die Polizei``), an adjective's endings (``sogenannte/r/s`` is
``sogenannte``) and a verb's prepositions (``auf etw. verzichten`` is ``verzichten``, indexed as a
secondary form, after any entry of the bare verb); acronyms are secondary forms of what they
abbreviate (``Bruttoinlandsprodukt /BIP/``); a synonym that still has a space (``Fußball
spielen``) is left out.

Examples
--------
>>> line = ("Regierung {f} [pol.] | Regierungen {pl} :: "
...         "government /Gov./; administration [Am.] | governments")
>>> [(s.key, s.terms, s.subjects, s.word_class, s.main) for s in parse_line(line, 7)]
... # doctest: +NORMALIZE_WHITESPACE
[('regierung', ('government', 'administration'), ('pol.',), 'noun', True),
 ('regierungen', ('governments',), ('pol.',), 'noun', False)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Register, region, style and era tags: they say how a word is used, not what it is about.
USAGE_TAGS = frozenset(
    str.split(
        """Br. Am. eAm. Austr. Sc. Ir. Can. NZ Ind. SAfr. Dt. Ös. Schw. Bayr. Norddt. Süddt.
    Mitteldt. Westdt. Ostdt. Südtirol Lux. BW Berlin ugs. coll. slang vulg. geh. formal fig.
    übtr. humor.
    pej. poet. rare selten alt veraltet archaic dated obs. old Jugendsprache Kindersprache
    childish euphem. iron. Amtssprache Fachspr. Sprw. prov. übertragen
    Jägersprache veraltend"""
    )
)
_WORD_CLASSES = {
    "m": "noun",
    "f": "noun",
    "n": "noun",
    "pl": "noun",
    "m,f": "noun",
    "m,n": "noun",
    "n,m": "noun",
    "f,n": "noun",
    "n,f": "noun",
    "f,m": "noun",
    "vt": "verb",
    "vi": "verb",
    "vr": "verb",
    "v": "verb",
    "adj": "adj",
    "adv": "adv",
}
# Usage tags that mark a sense as off the plain written standard: slang, pejorative, dated,
# figurative ... (regions are not marked: Austrian and Swiss news use their own words).
MARKED_TAGS = frozenset(
    str.split(
        """ugs. coll. slang vulg. pej. humor. poet. geh. rare selten alt veraltet veraltend archaic
    dated obs. old fig. übtr. übertragen euphem. iron. Jugendsprache Kindersprache childish Sprw.
    prov."""
    )
)
# Tags starting with a capital are regions or registers (Br., Ös., Mittelwestdt., Jägersprache).
_USAGE_START = re.compile(r"^[A-ZÄÖÜ]")
_BRACES = re.compile(r"\{([^}]*)\}")
_BRACKETS = re.compile(r"\[([^\]]*)\]")
# (…) and <…> are explanations and alternative spellings; /…/ an abbreviation (/Ed./).
_DROPPED = re.compile(r"\([^)]*\)|<[^>]*>|/[^/\s][^/]*/")
# Object placeholders of verb phrases on either side: "jdm. etw. sagen", "to tell sb. sth."
_GERMAN_PLACEHOLDERS = re.compile(
    r"(?<!\w)(?:jd[nmsr]\.?|jemand(?:em|en|es)?|etw\.?|etwas|sich|jds\.)(?:/\S+)?(?!\w)"
)
_ENGLISH_PLACEHOLDERS = re.compile(r"(?<!\w)(?:sb\.'s|sb\.’s|sb\.|sth\.|one's|one’s|oneself)")
# An abbreviation list after a synonym, itself holding ";": "government /Gov.; Govt./"
_ABBREVIATIONS = re.compile(r"(?:^|\s)/[^/|]+/(?=\s|;|$)")
_SPACES = re.compile(r"\s+")
# "die Polizei {f}": some nouns are entered with their article; the noun is the headword.
_ARTICLE = re.compile(r"^(?:der|die|das) (?=\S+$)")
# "sogenannte/r/s": an adjective written with its endings (the "/r/" would read as an abbreviation)
_ADJECTIVE_ENDINGS = re.compile(r"(?<=\w)/r/s(?!\w)")
# The prepositions of verb phrases ("auf etw. verzichten", "sich befassen mit"): left out, the
# verb is the word looked up.
VERB_PREPOSITIONS = frozenset(
    str.split(
        """an auf aus bei durch für gegen gegenüber hinter in mit nach über um unter von vor
        zu"""
    )
)
_OPENING, _CLOSING = "([{<", ")]}>"
_OPENERS = re.compile(r"[(\[{<]")
_ACRONYM = re.compile(r"^(?=\w*[A-ZÄÖÜ])[A-ZÄÖÜa-zäöüß0-9-]+$")
_SINGLE_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")


@dataclass(frozen=True)
class DingSense:
    """One indexed German form with the English of its part of an entry.

    Attributes
    ----------
    key : str
        The German form, lowercase and without annotations (``regierungen``).
    terms : tuple of str
        English synonyms of that part, cleaned (``to`` of verbs and ``sb.``/``sth.`` removed).
    subjects : tuple of str
        Subject tags of the entry's first part (``pol.``, ``mil.``), usage tags left out.
    word_class : str
        ``noun``, ``verb``, ``adj``, ``adv`` or ``other``.
    line : int
        Line number in the dictionary file (its order of senses).
    parts : int
        Number of parts of the whole entry (a richly documented entry is a common sense).
    main : bool
        Whether the form is a headword of the entry's first part (not a variant, a sub-entry or
        the verb of a verb phrase).
    marked : bool
        Whether the form or its English carries a register tag of :data:`MARKED_TAGS`
        (``[ugs.]``, ``[pej.]``, ``[veraltet]`` ...).
    rank : int
        Position of the form among the synonyms of its part (0 for the first).
    """

    key: str
    terms: tuple[str, ...]
    subjects: tuple[str, ...]
    word_class: str
    line: int
    parts: int
    main: bool
    marked: bool
    rank: int


def split_outside_brackets(text: str, separator: str) -> list[str]:
    """Split ``text`` at ``separator`` where it is not inside ``()``, ``[]``, ``{}`` or ``<>``.

    Examples
    --------
    >>> split_outside_brackets("Kurs {m}; Lehrgang (in; über) ; Kursus", ";")
    ['Kurs {m}', ' Lehrgang (in; über) ', ' Kursus']
    >>> split_outside_brackets("a) b; c", ";"), split_outside_brackets("[x | y] | z", " | ")
    (['a) b', ' c'], ['[x | y]', 'z'])
    """
    if separator not in text:
        return [text]
    if not _OPENERS.search(text):
        return text.split(separator)
    pieces: list[str] = []
    depth = 0
    start = 0
    # only brackets and separators matter: jump from one to the next (the parse of the whole
    # dictionary spends most of its time here)
    for match in _bracket_or(separator).finditer(text):
        token = match.group()
        if token in _OPENING:
            depth += 1
        elif token in _CLOSING:
            depth -= depth > 0
        elif depth == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


@functools.cache
def _bracket_or(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[()\[\]{{}}<>]|{re.escape(separator)}")


def _clean(text: str) -> str:
    text = _BRACES.sub(" ", text)
    text = _BRACKETS.sub(" ", text)
    text = _DROPPED.sub(" ", text)
    return _SPACES.sub(" ", text).strip(" ,;:!?…")


def clean_english(term: str) -> str:
    """An English synonym without annotations, the ``to`` of verbs and object placeholders.

    Examples
    --------
    >>> clean_english("to tell sb. sth. [coll.]"), clean_english("defence [Br.]")
    ('tell', 'defence')
    >>> clean_english("rate (of exchange)")
    'rate'
    """
    text = _ENGLISH_PLACEHOLDERS.sub(" ", _clean(term))
    text = _SPACES.sub(" ", text).strip(" ,;:!?…/")
    if text.startswith("to "):
        text = text[3:]
    return text


def word_class_of(text: str) -> str:
    """The word class of the first class annotation in ``text`` (``other`` when none).

    >>> word_class_of("essen; speisen [geh.] {vi}"), word_class_of("Tor {n}")
    ('verb', 'noun')
    """
    classes = (_WORD_CLASSES.get(tag.strip(), "") for tag in _BRACES.findall(text))
    return next((c for c in classes if c), "other")


def german_form(synonym: str, word_class: str = "other") -> tuple[str, bool] | None:
    """The single-word German form of a synonym, lowercase, and whether it is the synonym's own
    form (False: a verb phrase's verb); None when it has several words.

    Examples
    --------
    >>> german_form("Regierung {f} [pol.]"), german_form("sich erholen {vr}")
    (('regierung', True), ('erholen', True))
    >>> german_form("die Polizei {f}"), german_form("sogenannte/r/s {adj}")
    (('polizei', True), ('sogenannte', True))
    >>> german_form("auf etw. verzichten {vi}", "verb")
    ('verzichten', False)
    >>> german_form("Fußball spielen {v}", "verb") is None
    True
    """
    text = _GERMAN_PLACEHOLDERS.sub(" ", _clean(_ADJECTIVE_ENDINGS.sub("", synonym)))
    text = _ARTICLE.sub("", _SPACES.sub(" ", text).strip(" ,;:!?…"))
    own = True
    if word_class == "verb" and " " in text:
        words = [w for w in text.split(" ") if w not in VERB_PREPOSITIONS]
        text, own = " ".join(words), False
    if not text or not _SINGLE_WORD.match(text) or text.endswith("-"):
        return None
    return text.lower().rstrip("."), own


def subject_tags(part: str) -> tuple[str, ...]:
    """The subject tags of one part (``[mil.]``), in order, usage tags left out.

    >>> subject_tags("Waffe {f} [mil.] [ugs.]")
    ('mil.',)
    """
    tags = (tag.strip() for tag in _BRACKETS.findall(part))
    return tuple(
        dict.fromkeys(
            tag for tag in tags if tag and tag not in USAGE_TAGS and not _USAGE_START.match(tag)
        )
    )


def is_marked(text: str) -> bool:
    """Whether ``text`` carries a register tag of :data:`MARKED_TAGS`.

    >>> is_marked("Franzmann {m} [ugs.] [pej.]"), is_marked("Paradeiser {m} [Ös.]")
    (True, False)
    """
    return any(tag.strip() in MARKED_TAGS for tag in _BRACKETS.findall(text))


def parse_line(line: str, number: int) -> list[DingSense]:
    """The indexed forms of one dictionary line (empty for comments and malformed lines).

    Parameters
    ----------
    line : str
        One line of the file, ``German | parts :: English | parts``.
    number : int
        Its line number, kept as the sense's position in the file.
    """
    if line.startswith("#") or " :: " not in line:
        return []
    german, english = line.rstrip("\n").split(" :: ", 1)
    german_parts = split_outside_brackets(german, " | ")
    english_parts = split_outside_brackets(english, " | ")
    # Parts beyond the first are only trusted when both sides have the same number of them.
    aligned = len(german_parts) if len(german_parts) == len(english_parts) else 1
    subjects = subject_tags(german_parts[0])
    parts = len(german_parts)
    senses: list[DingSense] = []
    for p in range(aligned):
        english_part = _ABBREVIATIONS.sub(" ", english_parts[p])
        terms = tuple(
            dict.fromkeys(
                t for t in map(clean_english, split_outside_brackets(english_part, ";")) if t
            )
        )
        if not terms:
            continue
        german_part = _ABBREVIATIONS.sub(" ", german_parts[p])
        # "sagen; äußern {vt}": a class written once at the end holds for every synonym
        part_class = word_class_of(german_part)
        english_marked = is_marked(split_outside_brackets(english_part, ";")[0])
        for rank, synonym in enumerate(split_outside_brackets(german_part, ";")):
            own_class = word_class_of(synonym)
            word_class = own_class if own_class != "other" else part_class
            form = german_form(synonym, word_class)
            if form is None:
                continue
            key, whole = form
            marked = english_marked or is_marked(synonym)
            main = p == 0 and whole
            senses.append(
                DingSense(key, terms, subjects, word_class, number, parts, main, marked, rank)
            )
        for key in abbreviations(german_parts[p], subjects):
            senses.append(
                DingSense(key, terms, subjects, part_class, number, parts, False, english_marked, 0)
            )
    return senses


def abbreviations(part: str, subjects: tuple[str, ...]) -> list[str]:
    """The acronyms a German part gives its words (``/BIP/``), lowercase: three characters or
    more with a capital, and none of a place (``Island /IS/``: news mean the Islamic State).

    >>> abbreviations("Bruttoinlandsprodukt {n} /BIP/ [econ.]", ("econ.",))
    ['bip']
    >>> abbreviations("Island {n} /IS/ [geogr.]", ("geogr.",)), abbreviations("Senior /Sen./", ())
    ([], [])
    """
    if "geogr." in subjects:
        return []
    found = []
    for match in _ABBREVIATIONS.finditer(part):
        for text in match.group().strip().strip("/").split(";"):
            text = text.strip()
            if len(text) >= 3 and _ACRONYM.match(text):
                found.append(text.lower())
    return found


def read_ding(lines: Iterable[str]) -> Iterator[DingSense]:
    """Every indexed form of a Ding dictionary, in file order.

    Examples
    --------
    >>> lines = ["# comment", "Tor {n}; Treffer {m} [sport] | Tore {pl} :: goal | goals"]
    >>> [(s.key, s.terms[0]) for s in read_ding(lines)]
    [('tor', 'goal'), ('treffer', 'goal'), ('tore', 'goals')]
    """
    for number, line in enumerate(lines, start=1):
        yield from parse_line(line, number)
