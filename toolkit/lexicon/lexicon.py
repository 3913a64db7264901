"""``Lexicon``: the parsed German-English dictionary, cached on disk by the file's hash.

Parsing the 206k-line Ding file takes about 10 s; the parsed form is written once under
``cache_root()/lexicon/<sha256 of the file>/`` (``strings.json`` and two ``.npy`` arrays, no
pickle) and read back in a fraction of a second. A changed dictionary file has another hash,
so a stale cache is never used.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = folder / "de-en"
>>> _ = path.write_text("Tor {n}; Treffer {m} [sport] | Tore {pl} :: goal | goals\\n", "utf-8")
>>> lexicon = Lexicon.from_file(path, cache_dir=folder / "cache")
>>> [sense.terms for sense in lexicon.senses("tore")]
[('goals',)]
>>> Lexicon.from_file(path, cache_dir=folder / "cache").cached
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.io import cache_root, read_json, read_npy, sha256_file, write_json, write_npy
from toolkit.lexicon.ding import DingSense, read_ding
from toolkit.progress import progress, status

DEFAULT_PATH = Path("/usr/share/trans/de-en")
FORMAT = "toolkit.lexicon/4"
WORD_CLASSES = ("noun", "verb", "adj", "adv", "other")
# Columns of numbers.npy, one row per sense.
_LINE, _PARTS, _RANK, _MAIN, _CLASS, _MARKED = range(6)


class LexiconNotFoundError(ToolkitError, FileNotFoundError):
    """The German-English dictionary file is not where it was expected."""


@dataclass(frozen=True)
class Sense:
    """One English reading of a German form (see :class:`toolkit.lexicon.ding.DingSense`).

    Attributes
    ----------
    terms : tuple of str
        English synonyms, the dictionary's first one first.
    subjects : tuple of str
        Subject tags of the entry (``pol.``, ``mil.``, ``sport``).
    word_class : str
        ``noun``, ``verb``, ``adj``, ``adv`` or ``other``.
    line : int
        Line number in the dictionary (file order).
    parts : int
        Parts of the entry: inflections, sub-entries and examples documented with it.
    main : bool
        Whether the form is a headword of the entry (not an inflection or sub-entry).
    marked : bool
        Whether it carries a register tag (colloquial, pejorative, dated, figurative ...).
    """

    terms: tuple[str, ...]
    subjects: tuple[str, ...]
    word_class: str
    line: int
    parts: int
    main: bool
    marked: bool


def missing_dictionary(path: Path) -> LexiconNotFoundError:
    """The error for a dictionary file that does not exist, saying how to get one."""
    return LexiconNotFoundError(
        f"German-English dictionary not found at {path}. Install it with "
        "`apt-get install trans-de-en` (Debian/Ubuntu; it provides /usr/share/trans/de-en), "
        "point `lexicon.path` to another file in the Ding format, or turn the English gloss "
        "off (`embeddings.input: german` and, with themes, `themes.settings.gloss: false`)."
    )


class Lexicon:
    """German forms (lowercase, single words) and their senses, in file order per form.

    Build it with :meth:`from_file` (cached) or :meth:`from_lines` (tests, other sources).

    Attributes
    ----------
    source : str
        SHA-256 of the dictionary file (``"lines"`` when built from lines).
    cached : bool
        Whether it was read from the on-disk cache rather than parsed.
    """

    def __init__(
        self,
        keys: list[str],
        offsets: np.ndarray,
        terms: list[str],
        subjects: list[str],
        numbers: np.ndarray,
        source: str,
        cached: bool = False,
    ) -> None:
        self._position = {key: i for i, key in enumerate(keys)}
        self._offsets = np.asarray(offsets, dtype=np.int64)
        self._terms = terms
        self._subjects = subjects
        self._numbers = np.asarray(numbers, dtype=np.int32)
        self.source = source
        self.cached = cached
        self._vocabulary: frozenset[str] | None = None
        self._senses: dict[str, list[Sense]] = {}

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every indexed German form (for compound splitting)."""
        if self._vocabulary is None:
            self._vocabulary = frozenset(self._position)
        return self._vocabulary

    @property
    def num_senses(self) -> int:
        return len(self._terms)

    def senses(self, key: str) -> list[Sense]:
        """The senses of a lowercase German form in file order; ``[]`` for an unknown form."""
        found = self._senses.get(key)
        if found is None:
            position = self._position.get(key)
            if position is None:
                return []
            start, stop = int(self._offsets[position]), int(self._offsets[position + 1])
            # one NumPy call per form: element-wise access would dominate a first gloss
            rows = self._numbers[start:stop].tolist()
            found = [self._sense(i, row) for i, row in zip(range(start, stop), rows, strict=True)]
            self._senses[key] = found
        return list(found)

    def english_terms(self) -> list[str]:
        """Every distinct English term of every sense's first synonym (a term-vector vocabulary)."""
        return list(dict.fromkeys(terms.split("\t", 1)[0] for terms in self._terms))

    def _sense(self, i: int, row: list[int]) -> Sense:
        subjects = self._subjects[i]
        return Sense(
            terms=tuple(self._terms[i].split("\t")),
            subjects=tuple(subjects.split("\t")) if subjects else (),
            word_class=WORD_CLASSES[row[_CLASS]],
            line=row[_LINE],
            parts=row[_PARTS],
            main=bool(row[_MAIN]),
            marked=bool(row[_MARKED]),
        )

    # -- building ------------------------------------------------------------------------

    @classmethod
    def from_senses(cls, senses: list[DingSense], source: str) -> Lexicon:
        """Index parsed senses by form; each form keeps its senses in file order."""
        by_key: dict[str, list[DingSense]] = {}
        for sense in senses:
            by_key.setdefault(sense.key, []).append(sense)
        keys = list(by_key)
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        ordered = [sense for key in keys for sense in by_key[key]]
        offsets[1:] = np.cumsum([len(by_key[key]) for key in keys])
        numbers = np.array(
            [
                (
                    s.line,
                    s.parts,
                    s.rank,
                    int(s.main),
                    WORD_CLASSES.index(s.word_class),
                    int(s.marked),
                )
                for s in ordered
            ],
            dtype=np.int32,
        ).reshape(-1, 6)
        terms = ["\t".join(s.terms) for s in ordered]
        subjects = ["\t".join(s.subjects) for s in ordered]
        return cls(keys, offsets, terms, subjects, numbers, source)

    @classmethod
    def from_lines(cls, lines: list[str]) -> Lexicon:
        """A lexicon of Ding-format lines (no cache).

        >>> Lexicon.from_lines(["Bank {f} [fin.] :: bank"]).senses("bank")[0].subjects
        ('fin.',)
        """
        return cls.from_senses(list(read_ding(lines)), "lines")

    @classmethod
    def from_file(
        cls, path: str | Path = DEFAULT_PATH, cache_dir: str | Path | None = None
    ) -> Lexicon:
        """Read a Ding dictionary, from the parsed cache when it holds this file's hash.

        Parameters
        ----------
        path : Path
            The dictionary file (default ``/usr/share/trans/de-en``).
        cache_dir : Path, optional
            Where parsed dictionaries are kept (default ``cache_root()/lexicon``).

        Raises
        ------
        LexiconNotFoundError
            When ``path`` does not exist; the message says how to install the dictionary.
        """
        path = Path(path).expanduser()
        if not path.is_file():
            raise missing_dictionary(path)
        digest = sha256_file(path)
        folder = Path(cache_dir) if cache_dir is not None else cache_root() / "lexicon"
        # the format is part of the folder name: a newer toolkit never reads an older layout
        folder = folder / f"{digest}-{FORMAT.rsplit('/', 1)[1]}"
        if (folder / "strings.json").is_file():
            return cls._load(folder, digest)
        status(f"lexicon: parsing {path} (once; cached under {folder})")
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = progress(handle, "lexicon: parsing", unit="line")
            lexicon = cls.from_senses(list(read_ding(lines)), digest)
        lexicon._save(folder, list(lexicon._position))
        return lexicon

    def _save(self, folder: Path, keys: list[str]) -> None:
        # strings.json is written last: its presence marks a complete cache entry
        write_npy(folder / "offsets.npy", self._offsets)
        write_npy(folder / "numbers.npy", self._numbers)
        write_json(
            folder / "strings.json",
            {
                "format": FORMAT,
                "source": self.source,
                "keys": keys,
                "terms": self._terms,
                "subjects": self._subjects,
            },
        )

    @classmethod
    def _load(cls, folder: Path, digest: str) -> Lexicon:
        strings = read_json(folder / "strings.json")
        if strings.get("format") != FORMAT or strings.get("source") != digest:
            raise ToolkitError(f"{folder}: not a parsed lexicon of this dictionary; delete it")
        return cls(
            strings["keys"],
            read_npy(folder / "offsets.npy"),
            strings["terms"],
            strings["subjects"],
            read_npy(folder / "numbers.npy"),
            digest,
            cached=True,
        )


def require_dictionary(path: str | Path = DEFAULT_PATH) -> Path:
    """The dictionary file's path, or the error :func:`load_lexicon` would raise for a missing
    one: the check before a run, which need not read the file (a cached run never does).

    >>> require_dictionary("/no/such/file")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    toolkit.lexicon.lexicon.LexiconNotFoundError: German-English dictionary not found at ...
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise missing_dictionary(path)
    return path


@functools.lru_cache(maxsize=4)
def _shared(path: str, cache_dir: str, stamp: tuple[int, int]) -> Lexicon:
    return Lexicon.from_file(path, cache_dir)


def load_lexicon(path: str | Path = DEFAULT_PATH, cache_dir: str | Path | None = None) -> Lexicon:
    """:meth:`Lexicon.from_file`, shared within the process while the file is unchanged.

    Examples
    --------
    >>> load_lexicon("/no/such/file")
    Traceback (most recent call last):
    ...
    toolkit.lexicon.lexicon.LexiconNotFoundError: German-English dictionary not found at /no/such/file. Install it with `apt-get install trans-de-en` (Debian/Ubuntu; it provides /usr/share/trans/de-en), point `lexicon.path` to another file in the Ding format, or turn the English gloss off (`embeddings.input: german` and, with themes, `themes.settings.gloss: false`).
    """  # noqa: E501
    path = require_dictionary(path)
    stat = path.stat()
    folder = Path(cache_dir) if cache_dir is not None else cache_root() / "lexicon"
    return _shared(str(path.resolve()), str(folder), (stat.st_mtime_ns, stat.st_size))
