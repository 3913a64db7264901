"""A German-English lexicon: the Ding dictionary parsed and cached, and an English glosser.

The English sentence model reads German poorly; an English *gloss* of a German text (each word
looked up, compounds through their parts, names passed through) gives it text it understands.

Examples
--------
>>> glosser = Glosser()  # doctest: +SKIP
>>> glosser.gloss("Die Bundesregierung erhöht die Verteidigungsausgaben.")  # doctest: +SKIP
'federal government increase defence spending'
"""

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
