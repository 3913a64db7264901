"""``Glosser``: German text to an English gloss, word by word, through a :class:`Lexicon`.

Each word is looked up as written and as its lemma (:func:`toolkit.text.lemmatize`, the text
pipeline's lemmatiser), headwords before inflections and sub-entries; a word the dictionary does
not know is split into known parts (:func:`toolkit.text.compounds.split_compound`) and each part
is glossed (``Munitionsfabrik`` -> ``ammunition factory``). Spellings the lemmatiser misses are
tried too: the old spelling it returns (``Engpaß`` as ``Engpass``), a separable verb's
zu-infinitive (``teilzunehmen``: ``teilnehmen``) and, for a lowercase word, the inflected form
the dictionary lists an adjective by (``letzten``: ``letzte``). What is still unknown (names,
rare words) passes through unchanged. Stopwords (the text pipeline's list) are left out.

Which sense of an ambiguous word (``Tor``: gate, goal, fool) is chosen:

``rich`` (default)
    The sense whose dictionary entry is documented with the most parts (inflections,
    sub-entries, examples): lexicographers write most about the common senses.
``typed``
    Without the entry size: the first sense in file order among those that fit.
``first``
    The first headword sense in file order (the crude prototype's choice).

In ``rich`` and ``typed`` the word class must fit the spelling when it can (a capitalised word
prefers noun senses, ``Essen``: food; a lowercase one the others, ``essen``: eat) and senses
without a register tag (``[ugs.]``, ``[pej.]``, ``[veraltet]``) beat marked ones; in all three,
headword senses beat inflections and sub-entries. ``benchmarks/gloss_10kgnad.py`` compares the
choices.

Examples
--------
>>> lexicon = Lexicon.from_lines([
...     "Tor {n} | Tore {pl} :: gate | gates",
...     "Tor {n}; Treffer {m} [sport] | Tore {pl} | ein Tor schießen | Gegentor {n} :: "
...     "goal | goals | to score a goal | goal against",
...     "Mannschaft {f} [sport] :: team", "schießen {vt} :: shoot",
... ])
>>> glosser = Glosser(lexicon, stopwords=frozenset({"ein"}))
>>> glosser.gloss("Die Mannschaft schießt ein Tor, Müller jubelt")
'Die team shoot goal Müller jubelt'
>>> Glosser(lexicon, sense="first").gloss_tokens(["Tore"]), glosser.gloss_tokens(["Tore"])
(['gate'], ['goal'])
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, Literal

from toolkit.io import hash_obj, sha256_file
from toolkit.lexicon.lexicon import (
    DEFAULT_PATH,
    FORMAT,
    Lexicon,
    Sense,
    load_lexicon,
    require_dictionary,
)
from toolkit.text.compounds import split_compound
from toolkit.text.lemmatize import lemmatize
from toolkit.text.stopwords import german_stopwords

SenseChoice = Literal["rich", "typed", "first"]
CompoundMode = Literal["parts", "head", "none"]
SENSE_CHOICES = ("rich", "typed", "first")
COMPOUND_MODES = ("parts", "head", "none")
# Words: letters, digits and inner hyphens/apostrophes (the tokeniser's word shape, as a plain
# regex; numbers are dropped afterwards because they carry no translatable meaning).
_WORD = re.compile(r"\w+(?:[-‐‑'’]\w+)*")
# How a gloss is made from the parsed dictionary: part of the fingerprint with the dictionary's
# hash and parse format, so that cached vectors of an older gloss are never reused.
GLOSS_VERSION = 3
MEMO_LIMIT = 500_000
"""Words whose gloss (and compound split) a glosser remembers; past that it starts afresh, so
a process glossing a large corpus keeps a bounded memo (the glosses are the same)."""
# Endings of an inflected adjective or participle ("letzten", "geplante"): the dictionary lists
# some adjectives only by an inflected form ("letzte; letzter; letztes").
_ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
# The zu-infinitive of a separable verb: the particle, "zu", the verb (anzugehören: angehören).
_ZU_INFINITIVE = re.compile(
    r"^(ab|an|auf|aus|bei|dar|durch|ein|fest|frei|her|hin|los|mit|nach|vor|weg|weiter|wieder|"
    r"zurück|zusammen|zu)zu(\w{3,})$"
)


def gloss_source(path: str | Path = DEFAULT_PATH) -> dict[str, Any]:
    """What decides the glosses a dictionary file gives, for cache keys: the file's hash (the
    parsed lexicon's ``source``, without reading the parse), the parse format and the gloss
    version (a change to either must miss every older entry)."""
    source = sha256_file(require_dictionary(path))
    return {"source": source, "format": FORMAT, "gloss_version": GLOSS_VERSION}


class Glosser:
    """Translate German tokens into English dictionary terms.

    Parameters
    ----------
    lexicon : Lexicon, optional
        The dictionary; by default the Ding file at ``path``, parsed once and cached.
    path : str or Path
        Dictionary file when ``lexicon`` is not given.
    sense : {"rich", "typed", "first"}
        How an ambiguous word's sense is chosen (see the module docstring).
    compounds : {"parts", "head", "none"}
        For a word the dictionary lacks: gloss every known part, only the last (the head),
        or pass the word through.
    terms_per_sense : int
        English synonyms taken from the chosen sense (the dictionary's first ones).
    stopwords : collection of str, optional
        Lowercase words left out (default: the text pipeline's German list).
    min_part : int
        Shortest compound part, in characters.
    keep_unknown : bool
        Pass words the dictionary lacks (names, rare words) through unchanged; false leaves
        them out (a static term-vector table then needs no vector for them).
    cased : bool
        Whether tokens keep their German capitalisation (it chooses noun or other senses);
        false for lowercased tokens such as the text pipeline's lemmas.

    Attributes
    ----------
    lexicon : Lexicon
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        path: str = str(DEFAULT_PATH),
        sense: SenseChoice = "rich",
        compounds: CompoundMode = "parts",
        terms_per_sense: int = 1,
        stopwords: Collection[str] | None = None,
        min_part: int = 3,
        keep_unknown: bool = True,
        cased: bool = True,
    ) -> None:
        if sense not in SENSE_CHOICES:
            raise ValueError(f"sense must be one of {SENSE_CHOICES}, not {sense!r}")
        if compounds not in COMPOUND_MODES:
            raise ValueError(f"compounds must be one of {COMPOUND_MODES}, not {compounds!r}")
        if terms_per_sense < 1:
            raise ValueError(f"terms_per_sense must be at least 1, not {terms_per_sense}")
        self.lexicon = lexicon if lexicon is not None else load_lexicon(path)
        self.path = path
        self.sense = sense
        self.compounds = compounds
        self.terms_per_sense = terms_per_sense
        self.stopwords = frozenset(german_stopwords() if stopwords is None else stopwords)
        self.min_part = min_part
        self.keep_unknown = keep_unknown
        self.cased = cased
        self._memo: dict[str, tuple[str, ...]] = {}
        self._splits: dict[str, list[str]] = {}

    def fingerprint(self) -> str:
        """Hash of the dictionary and every setting that changes a gloss."""
        return hash_obj(
            {
                "lexicon": self.lexicon.source,
                "format": FORMAT,
                "version": GLOSS_VERSION,
                "sense": self.sense,
                "compounds": self.compounds,
                "terms_per_sense": self.terms_per_sense,
                "stopwords": sorted(self.stopwords),
                "min_part": self.min_part,
                "keep_unknown": self.keep_unknown,
                "cased": self.cased,
            }
        )

    # -- senses --------------------------------------------------------------------------

    def senses(self, token: str, capitalised: bool | None = None) -> list[Sense]:
        """Candidate senses of one word, best first, from the word itself and its lemma.

        Headword senses come before inflections and sub-entries; with ``sense`` ``typed`` or
        ``rich`` the word class must fit the spelling and unmarked senses beat marked ones,
        before the word's own senses beat its lemma's; ``rich`` then orders by the entry's
        parts, and file order decides the rest. ``[]`` when the dictionary lacks both forms.
        ``capitalised`` says how the word was written (default: as ``token`` is, or unknown
        when the glosser is not ``cased``).

        >>> lexicon = Lexicon.from_lines(["Bank {f} [fin.] :: bank", "Bank {f} :: bench"])
        >>> [s.terms[0] for s in Glosser(lexicon, stopwords=()).senses("Banken")]
        ['bank', 'bench']
        """
        lower = token.lower()
        candidates = [(0, s) for s in self.lexicon.senses(lower)]
        lemma = lemmatize(token).lower()
        if lemma != lower:
            candidates += [(1, s) for s in self.lexicon.senses(lemma)]
        if not candidates and token != lower:
            # a capitalised adjective or verb (sentence start, headline): its lowercase lemma
            candidates = [(1, s) for s in self.lexicon.senses(lemmatize(lower).lower())]
        if not candidates:
            candidates = [(1, s) for s in self._variant_senses(lower, lemma)]
        if not candidates and token == lower:
            candidates = [(1, s) for s in self._adjective_senses(lower, lemma)]
        if capitalised is None and self.cased:
            capitalised = token[:1].isupper()
        typed = self.sense != "first"
        rich = self.sense == "rich"

        def order(candidate: tuple[int, Sense]) -> tuple[int, ...]:
            origin, sense = candidate
            known = sense.word_class != "other"
            mismatch = (
                typed
                and known
                and capitalised is not None
                and (sense.word_class == "noun") != capitalised
            )
            marked = typed and sense.marked
            # a "translation" that repeats the German word (Wien: Wien, not Vienna) says least
            same = typed and sense.terms[0].lower() == lower
            return (not sense.main, mismatch, marked, origin, -sense.parts * rich, same, sense.line)

        return [sense for _, sense in sorted(candidates, key=order)]

    def _variant_senses(self, lower: str, lemma: str) -> list[Sense]:
        """Senses of a spelling the lemmatiser does not give: its lemma in today's spelling
        (``Engpässen`` -> ``Engpaß`` -> ``engpass``) and the verb of a separable verb's
        zu-infinitive (``anzugehören`` -> ``angehören``)."""
        variants = [lemma.replace("ß", "ss")] if "ß" in lemma else []
        match = _ZU_INFINITIVE.match(lower)
        if match:
            variants.append(match.group(1) + match.group(2))
        for variant in variants:
            found = self.lexicon.senses(variant)
            if found:
                return found
        return []

    def _adjective_senses(self, lower: str, lemma: str) -> list[Sense]:
        """Senses of an inflected adjective or participle the lemmatiser did not resolve:
        ``letzten`` -> ``letzte`` (the dictionary's form), ``geplante`` -> ``geplant``."""
        stems = [lemma + "e"] + [lower[: -len(e)] for e in _ADJECTIVE_ENDINGS if lower.endswith(e)]
        for stem in dict.fromkeys(stems):
            if len(stem) < self.min_part:
                continue
            found = [s for s in self.lexicon.senses(stem) if s.word_class != "noun"]
            if found:
                return found
        return []

    # -- glossing ------------------------------------------------------------------------

    def _parts(self, token: str) -> tuple[str, ...]:
        if self.compounds == "none":
            return ()
        word = lemmatize(token).lower()
        parts = self._splits.get(word)
        if parts is None:
            parts = split_compound(word, self.lexicon.vocabulary, self.min_part)
            if len(self._splits) >= MEMO_LIMIT:
                self._splits.clear()
            self._splits[word] = parts
        if len(parts) < 2:
            return ()
        if self.compounds == "head":
            parts = parts[-1:]
        glossed: list[str] = []
        # a part is read as the whole word is written: Verträge -> Vertrag, the noun
        capitalised = token[:1].isupper() if self.cased else None
        for part in parts:
            if part in self.stopwords:
                continue
            senses = self.senses(part, capitalised)
            if senses:
                glossed += senses[0].terms[: self.terms_per_sense]
        return tuple(glossed)

    def gloss_token(self, token: str) -> tuple[str, ...]:
        """English terms of one token: ``()`` for a stopword or number, the token itself when
        unknown, several terms for a compound glossed by its parts.

        Examples
        --------
        >>> lexicon = Lexicon.from_lines(["Munition {f} :: ammunition", "Fabrik {f} :: factory"])
        >>> glosser = Glosser(lexicon, stopwords=())
        >>> glosser.gloss_token("Munitionsfabriken"), glosser.gloss_token("Scholz")
        (('ammunition', 'factory'), ('Scholz',))
        """
        found = self._memo.get(token)
        if found is not None:
            return found
        if token.lower() in self.stopwords or not any(c.isalpha() for c in token):
            terms: tuple[str, ...] = ()
        else:
            senses = self.senses(token)
            if senses:
                terms = senses[0].terms[: self.terms_per_sense]
            else:
                terms = self._parts(token) or ((token,) if self.keep_unknown else ())
            if lemmatize(token).lower() in self.stopwords:
                terms = ()
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[token] = terms
        return terms

    def gloss_tokens(self, tokens: Iterable[str]) -> list[str]:
        """English terms of a token list, in order (a multi-word term stays one item).

        >>> lexicon = Lexicon.from_lines(["Wechselkurs {m} :: exchange rate"])
        >>> Glosser(lexicon, stopwords=()).gloss_tokens(["Der", "Wechselkurs"])
        ['Der', 'exchange rate']
        """
        memo = self._memo
        out: list[str] = []
        for token in tokens:
            terms = memo.get(token)
            if terms is None:
                terms = self.gloss_token(token)
            out.extend(terms)
        return out

    def tokens(self, text: str) -> list[str]:
        """The words of ``text`` as the glosser reads them (punctuation dropped).

        >>> Glosser(Lexicon.from_lines([]), stopwords=()).tokens("NATO-Gipfel: 2,5 Mio. (Wien)")
        ['NATO-Gipfel', '2', '5', 'Mio', 'Wien']
        """
        return _WORD.findall(text)

    def gloss(self, text: str) -> str:
        """The English gloss of a German text: its terms joined by spaces."""
        return " ".join(self.gloss_tokens(_WORD.findall(text)))

    def coverage(self, texts: Iterable[str], top: int = 20) -> dict[str, Any]:
        """How much of ``texts`` the dictionary reads: words glossed (as written, by lemma or
        through compound parts), passed through unknown (mostly names) and left out (stopwords,
        numbers), the unknown share of the words not left out, and the ``top`` unknown words.

        >>> glosser = Glosser(Lexicon.from_lines(["Polizei {f} :: police"]), stopwords={"die"})
        >>> report = glosser.coverage(["Die Polizei in Graz", "Graz"])
        >>> report["glossed"], report["unknown"], report["left_out"], report["unknown_share"]
        (1, 3, 1, 0.75)
        >>> report["top_unknown"]
        [['Graz', 2], ['in', 1]]
        """
        counts = {"glossed": 0, "unknown": 0, "left_out": 0}
        unknown: dict[str, int] = {}
        for text in texts:
            for token in _WORD.findall(text):
                terms = self.gloss_token(token)
                if not terms:
                    counts["left_out"] += 1
                elif terms == (token,):
                    counts["unknown"] += 1
                    unknown[token] = unknown.get(token, 0) + 1
                else:
                    counts["glossed"] += 1
        read = counts["glossed"] + counts["unknown"]
        ranked = sorted(unknown.items(), key=lambda item: (-item[1], item[0]))[:top]
        return {
            **counts,
            "unknown_share": round(counts["unknown"] / read, 4) if read else 0.0,
            "top_unknown": [[word, count] for word, count in ranked],
        }

    def __repr__(self) -> str:
        return (
            f"Glosser(sense={self.sense!r}, compounds={self.compounds!r}, "
            f"terms_per_sense={self.terms_per_sense}, {len(self.lexicon)} forms)"
        )


def shared_glosser(
    path: str | Path = DEFAULT_PATH, sense: SenseChoice = "rich", keep_unknown: bool = True
) -> Glosser:
    """One :class:`Glosser` per process, dictionary file and settings, so every reader of the
    gloss in a process (the model's input, LSA, a query) shares one warm memo (bounded by
    :data:`MEMO_LIMIT`); a changed file gets a new one."""
    stat = require_dictionary(path).stat()
    return _shared_glosser(str(path), sense, keep_unknown, (stat.st_mtime_ns, stat.st_size))


@functools.cache
def _shared_glosser(
    path: str, sense: SenseChoice, keep_unknown: bool, stamp: tuple[int, int]
) -> Glosser:
    return Glosser(load_lexicon(path), path=path, sense=sense, keep_unknown=keep_unknown)
