"""A German-English lexicon: the Ding dictionary parsed and cached, and an English glosser.

The English sentence model reads German poorly; an English *gloss* of a German text (each word
looked up, compounds through their parts, names passed through) gives it text it understands.

Examples
--------
>>> from toolkit.lexicon import Glosser
>>> glosser = Glosser()  # doctest: +SKIP
>>> glosser.gloss("Die Bundesregierung erhöht die Verteidigungsausgaben.")  # doctest: +SKIP
'federal government increase defence spending'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.lazy import lazy_attributes

if TYPE_CHECKING:
    from toolkit.lexicon.ding import DingSense, parse_line, read_ding
    from toolkit.lexicon.gloss import Glosser, gloss_source, shared_glosser
    from toolkit.lexicon.lexicon import (
        DEFAULT_PATH,
        Lexicon,
        LexiconNotFoundError,
        Sense,
        load_lexicon,
        require_dictionary,
    )

_WHERE = {
    "DEFAULT_PATH": "lexicon",
    "DingSense": "ding",
    "Glosser": "gloss",
    "Lexicon": "lexicon",
    "LexiconNotFoundError": "lexicon",
    "Sense": "lexicon",
    "gloss_source": "gloss",
    "load_lexicon": "lexicon",
    "parse_line": "ding",
    "read_ding": "ding",
    "require_dictionary": "lexicon",
    "shared_glosser": "gloss",
}

__all__ = [
    "DEFAULT_PATH",
    "DingSense",
    "Glosser",
    "Lexicon",
    "LexiconNotFoundError",
    "Sense",
    "gloss_source",
    "load_lexicon",
    "parse_line",
    "read_ding",
    "require_dictionary",
    "shared_glosser",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
