"""The German-English lexicon, the glosser, and the gloss and static term-vector encoders.

Every test writes its own small dictionary in the Ding format; none reads the installed one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from toolkit.corpus.document import Document
from toolkit.embeddings import Encoder, embed_corpus
from toolkit.embeddings.gloss import GlossEncoder
from toolkit.embeddings.static import StaticTermEncoder
from toolkit.lexicon import (
    Glosser,
    Lexicon,
    LexiconNotFoundError,
    load_lexicon,
    parse_line,
    shared_glosser,
)

DING = "\n".join(
    [
        "# Version :: test",
        "Regierung {f} [pol.] | Regierungen {pl} | Zentralregierung {f} :: "
        "government /Gov.; Govt./; administration [Am.] | governments | central government",
        "Tor {n}; Pforte {f} | Tore {pl} :: gate | gates",
        "Tor {n}; Treffer {m} [sport] | Tore {pl} | ein Tor schießen | Gegentor {n} :: "
        "goal | goals | to score a goal | goal against",
        "Franzose {m}; Franzmann {m} [ugs.] [pej.] | Franzosen {pl} :: Frenchman | Frenchmen",
        "Franzosen {pl} [ugs.] [pej.] :: frogs",
        "Essen {n}; Nahrung {f} :: food",
        "essen {vi} {vt} | essend | gegessen :: to eat | eating | eaten",
        "jdm. etw. sagen; etw. äußern {vt} | sagend | gesagt :: "
        "to tell sb. sth.; to say | telling | told",
        "Munition {f} [mil.] :: ammunition; munitions",
        "Fabrik {f} | Fabriken {pl} :: factory | factories",
        "Rüstung {f} [mil.] :: armament",
        "Industrie {f} [econ.] :: industry",
        "Fußball spielen {v} [sport] :: to play football",
        "Wechselkurs {m} [fin.] | Wechselkurse {pl} | fester Wechselkurs :: "
        "exchange rate | exchange rates",
        "",
    ]
)


@pytest.fixture
def ding_file(tmp_path: Path) -> Path:
    path = tmp_path / "de-en"
    path.write_text(DING, encoding="utf-8")
    return path


@pytest.fixture
def lexicon(ding_file: Path, tmp_path: Path) -> Lexicon:
    return Lexicon.from_file(ding_file, cache_dir=tmp_path / "cache")


def glosser(lexicon: Lexicon, **kwargs) -> Glosser:
    return Glosser(lexicon, stopwords=frozenset({"der", "die", "das", "ein", "und"}), **kwargs)


# -- reading the Ding format ---------------------------------------------------------------


def test_parse_line_strips_annotations_and_keeps_tags_and_class() -> None:
    senses = parse_line(DING.splitlines()[1], 2)
    first = senses[0]
    assert (first.key, first.terms, first.subjects) == (
        "regierung",
        ("government", "administration"),
        ("pol.",),
    )
    assert first.word_class == "noun" and first.main and first.line == 2 and first.parts == 3
    variants = {s.key: s.terms for s in senses[1:]}
    assert variants == {
        "regierungen": ("governments",),
        "zentralregierung": ("central government",),
    }
    assert not any(s.main for s in senses[1:])


def test_parse_line_removes_placeholders_and_applies_a_trailing_class() -> None:
    senses = parse_line("jdm. etw. sagen; etw. äußern {vt} :: to tell sb. sth.; to say", 1)
    assert [(s.key, s.word_class) for s in senses] == [("sagen", "verb"), ("äußern", "verb")]
    assert senses[0].terms == ("tell", "say")


def test_parse_line_marks_registers_and_skips_phrases_and_misaligned_parts() -> None:
    marked = parse_line("Franzmann {m} [ugs.] [pej.] :: Frenchman", 1)[0]
    assert marked.marked and marked.subjects == ()
    assert parse_line("Fußball spielen {v} [sport] :: to play football", 1) == []
    # three German parts, two English ones: only the first part is trusted
    senses = parse_line("Kurs {m} | Kurse {pl} | Rundkurs {m} :: course | courses", 1)
    assert [s.key for s in senses] == ["kurs"]
    assert parse_line("# comment :: no", 1) == [] and parse_line("no separator", 1) == []


def test_parse_line_reads_articles_adjective_endings_and_verb_phrases() -> None:
    police = parse_line("die Polizei {f} | Polizeien {pl} :: the police | police forces", 1)
    assert [(s.key, s.main) for s in police] == [("polizei", True), ("polizeien", False)]
    assert [s.key for s in parse_line("sogenannte/r/s {adj} :: so-called", 1)] == ["sogenannte"]
    # a verb phrase's verb is indexed, as a secondary form; a phrase of two content words is not
    waive = parse_line("auf etw. verzichten; sich gegen etw. wehren {vi} :: to waive sth.", 1)
    assert [(s.key, s.main, s.terms) for s in waive] == [
        ("verzichten", False, ("waive",)),
        ("wehren", False, ("waive",)),
    ]
    assert parse_line("in Frage stellen {vt} :: to question", 1) == []
    assert parse_line("das A und O :: the be-all and end-all", 1) == []
    # an acronym is a secondary form of what it abbreviates; a place's code is not read
    gdp = parse_line("Bruttoinlandsprodukt {n} /BIP/ [econ.] :: gross domestic product /GDP/", 1)
    assert [(s.key, s.main, s.terms) for s in gdp] == [
        ("bruttoinlandsprodukt", True, ("gross domestic product",)),
        ("bip", False, ("gross domestic product",)),
    ]
    assert [s.key for s in parse_line("Island {n} /IS/ [geogr.] :: Iceland", 1)] == ["island"]


def test_a_bare_verb_beats_its_phrases_and_inflected_adjectives_are_found(
    tmp_path: Path,
) -> None:
    lines = [
        "mit etw. rechnen {vi} :: to expect sth.",
        "rechnen {vi} | rechnend :: to calculate | calculating",
        "auf etw. verzichten {vi} :: to waive sth.",
        "letzte; letzter; letztes {adj} :: last",
        "Letzte {m,f} :: last one",
        "geplant {adj} :: planned",
    ]
    words = glosser(Lexicon.from_lines(lines))
    assert words.gloss_tokens(["rechnen", "verzichten"]) == ["calculate", "waive"]
    # the dictionary has "letzte", the lemmatiser says "letzt"; a lowercase word is no noun
    assert words.gloss_tokens(["letzten", "geplante", "geplanten"]) == ["last"] + ["planned"] * 2


def test_old_spellings_and_zu_infinitives_reach_the_dictionary() -> None:
    lines = ["Engpass {m} | Engpässe {pl} :: bottleneck | bottlenecks", "teilnehmen {vi} :: attend"]
    words = glosser(Lexicon.from_lines(lines))
    # the lemmatiser says "Engpaß" for "Engpässen"; the dictionary writes "Engpass"
    assert words.gloss_tokens(["Engpässen", "teilzunehmen"]) == ["bottleneck", "attend"]


def test_lexicon_indexes_inflections_and_sub_entries(lexicon: Lexicon) -> None:
    assert [s.terms[0] for s in lexicon.senses("tore")] == ["gates", "goals"]
    assert lexicon.senses("zentralregierung")[0].terms == ("central government",)
    assert lexicon.senses("unbekannt") == []
    assert "regierung" in lexicon and "fußball" not in lexicon
    assert "exchange rate" in lexicon.english_terms()


# -- the cache -----------------------------------------------------------------------------


def test_parsed_lexicon_is_cached_by_file_hash(ding_file: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = Lexicon.from_file(ding_file, cache_dir=cache)
    second = Lexicon.from_file(ding_file, cache_dir=cache)
    assert not first.cached and second.cached
    assert second.senses("regierung") == first.senses("regierung")
    assert not list(cache.rglob("*.pkl")) and len(list(cache.iterdir())) == 1
    ding_file.write_text(DING + "Krieg {m} [mil.] :: war\n", encoding="utf-8")
    changed = Lexicon.from_file(ding_file, cache_dir=cache)
    assert not changed.cached and changed.senses("krieg")[0].terms == ("war",)
    assert len(list(cache.iterdir())) == 2


def test_missing_dictionary_says_how_to_install_it_or_turn_the_gloss_off(tmp_path: Path) -> None:
    with pytest.raises(LexiconNotFoundError, match="apt-get install trans-de-en") as error:
        load_lexicon(tmp_path / "absent")
    assert "embeddings.input: german" in str(error.value)
    with pytest.raises(FileNotFoundError):
        Glosser(path=str(tmp_path / "absent"))


def test_load_lexicon_is_shared_within_a_process(ding_file: Path, tmp_path: Path) -> None:
    assert load_lexicon(ding_file, tmp_path / "c") is load_lexicon(ding_file, tmp_path / "c")


def test_one_glosser_per_process_file_and_settings(ding_file: Path) -> None:
    first = shared_glosser(ding_file)
    assert shared_glosser(ding_file) is first
    assert shared_glosser(ding_file, keep_unknown=False) is not first
    ding_file.write_text(DING + "Krieg {m} [mil.] :: war\n", encoding="utf-8")
    assert shared_glosser(ding_file).gloss("Krieg") == "war"


def test_the_memo_is_bounded_and_the_glosses_stay_the_same(
    lexicon: Lexicon, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.lexicon import gloss as gloss_module

    text = "Die Regierungen und Scholz sagten: Munitionsfabriken der Rüstungsindustrie"
    expected = glosser(lexicon).gloss(text)
    monkeypatch.setattr(gloss_module, "MEMO_LIMIT", 2)
    bounded = glosser(lexicon)
    assert bounded.gloss(text) == expected and bounded.gloss(text) == expected
    assert len(bounded._memo) <= 2 and len(bounded._splits) <= 2


# -- glossing ------------------------------------------------------------------------------


def test_gloss_reads_lemmas_variants_compounds_and_names(lexicon: Lexicon) -> None:
    text = "Die Regierungen und Scholz sagten: Munitionsfabriken der Rüstungsindustrie"
    assert glosser(lexicon).gloss(text) == (
        "government Scholz tell ammunition factory armament industry"
    )


def test_gloss_tokens_keeps_multiword_terms_as_one_item(lexicon: Lexicon) -> None:
    assert glosser(lexicon).gloss_tokens(["Wechselkurse", "2023"]) == ["exchange rate"]


def test_compound_modes_and_unknown_words(lexicon: Lexicon) -> None:
    assert glosser(lexicon, compounds="head").gloss_token("Munitionsfabrik") == ("factory",)
    assert glosser(lexicon, compounds="none").gloss_token("Munitionsfabrik") == ("Munitionsfabrik",)
    assert glosser(lexicon, keep_unknown=False).gloss_tokens(["Scholz", "Tor"]) == ["goal"]


def test_sense_choice_rich_typed_and_first(lexicon: Lexicon) -> None:
    # the goal entry documents more parts than the gate entry
    assert glosser(lexicon, sense="rich").gloss_token("Tor") == ("goal",)
    assert glosser(lexicon, sense="typed").gloss_token("Tor") == ("gate",)
    assert glosser(lexicon, sense="first").gloss_token("Tor") == ("gate",)
    # a marked (pejorative) headword loses to the unmarked lemma unless the choice is "first"
    assert glosser(lexicon).gloss_token("Franzosen") == ("Frenchman",)
    assert glosser(lexicon, sense="first").gloss_token("Franzosen") == ("frogs",)


def test_capitalisation_chooses_the_word_class(lexicon: Lexicon) -> None:
    assert glosser(lexicon).gloss_token("Essen") == ("food",)
    assert glosser(lexicon).gloss_token("essen") == ("eat",)
    assert [s.word_class for s in glosser(lexicon).senses("essen")][:1] == ["verb"]


def test_stopwords_and_numbers_are_left_out(lexicon: Lexicon) -> None:
    assert glosser(lexicon).gloss("Die 3 Tore und das Essen.") == "goal food"


def test_glosser_validates_its_settings(lexicon: Lexicon) -> None:
    with pytest.raises(ValueError, match="sense"):
        Glosser(lexicon, sense="best")
    with pytest.raises(ValueError, match="compounds"):
        Glosser(lexicon, compounds="all")
    with pytest.raises(ValueError, match="terms_per_sense"):
        Glosser(lexicon, terms_per_sense=0)


def test_fingerprint_follows_settings(lexicon: Lexicon) -> None:
    assert glosser(lexicon).fingerprint() == glosser(lexicon).fingerprint()
    assert glosser(lexicon).fingerprint() != glosser(lexicon, sense="first").fingerprint()


def test_a_new_gloss_version_misses_every_cached_vector_and_stage(
    ding_file: Path, lexicon: Lexicon, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached vectors and stage outputs of an older gloss are never reused: the version and
    the parse format are in the glosser's fingerprint and in the stages' settings."""
    from toolkit.experiment import config_from_mapping
    from toolkit.experiment.stages.embeddings import EmbeddingsStage
    from toolkit.experiment.stages.themes import ThemesStage
    from toolkit.lexicon import gloss as gloss_module

    monkeypatch.setenv("TOOLKIT_CACHE", str(ding_file.parent / "cache"))
    config = config_from_mapping(
        {
            "name": "versions",
            "corpus": {"path": str(ding_file)},
            "embeddings": {},
            "lexicon": {"path": str(ding_file)},
            "themes": {"nato": {"description": "Beitritt zur NATO", "seeds": ["Beitritt"]}},
        }
    )
    stages = (EmbeddingsStage(), ThemesStage())
    before = [glosser(lexicon).fingerprint(), *(stage.settings(config) for stage in stages)]
    assert all(before[i]["lexicon"]["gloss_version"] == gloss_module.GLOSS_VERSION for i in (1, 2))
    monkeypatch.setattr(gloss_module, "GLOSS_VERSION", gloss_module.GLOSS_VERSION + 1)
    after = [glosser(lexicon).fingerprint(), *(stage.settings(config) for stage in stages)]
    assert all(b != a for b, a in zip(before, after, strict=True))


# -- encoders ------------------------------------------------------------------------------


class CountingModel:
    """A stand-in sentence model: a fixed random vector per text; counts what it encodes."""

    name, dim, normalize = "counting", 8, True

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def fingerprint(self) -> str:
        return "counting-model"

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        rows = [np.random.default_rng(sum(map(ord, t))).normal(size=self.dim) for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(-1, self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_gloss_encoder_encodes_the_gloss(lexicon: Lexicon) -> None:
    model = CountingModel()
    encoder = GlossEncoder(model, glosser(lexicon))
    assert isinstance(encoder, Encoder) and encoder.dim == 8
    vectors = encoder.encode(["Die Regierung", "Scholz"])
    assert model.encoded == ["government", "Scholz"] and vectors.shape == (2, 8)
    other = GlossEncoder(model, glosser(lexicon, sense="first"))
    assert encoder.fingerprint() != other.fingerprint()


def test_static_encoder_weighted_mean_of_cached_term_vectors(tmp_path: Path) -> None:
    model = CountingModel()
    encoder = StaticTermEncoder(model, str.split, cache_dir=tmp_path, analyzer_id="split")
    assert isinstance(encoder, Encoder)
    vectors = encoder.encode(["nato war war", "war"])
    terms = encoder.term_vectors(["nato", "war"])
    expected = (terms[0] + 2 * terms[1]) / 3
    np.testing.assert_allclose(vectors[0], expected / np.linalg.norm(expected), rtol=1e-5)
    assert sorted(model.encoded) == ["nato", "war"]
    # a new encoder (another corpus, another run) reads the terms from the disk cache
    again = StaticTermEncoder(model, str.split, cache_dir=tmp_path, analyzer_id="split")
    np.testing.assert_allclose(again.encode(["nato war war"]), vectors[:1], rtol=1e-6)
    assert sorted(model.encoded) == ["nato", "war"]
    assert not encoder.encode(["  "]).any()


@pytest.mark.parametrize("weighting", ["sublinear", "idf", "sif"])
def test_static_weightings(weighting: str) -> None:
    encoder = StaticTermEncoder(CountingModel(), str.split, weighting=weighting, cache_dir=None)
    texts = ["nato war war", "war peace", "war"]
    if weighting in ("idf", "sif"):
        with pytest.raises(ValueError, match="fit"):
            encoder.encode(texts)
        before = encoder.fingerprint()
        encoder.fit(texts)
        assert encoder.fingerprint() != before
        # "war" is in every text: it weighs less than "nato"
        assert encoder.weights_["war"] < encoder.weights_["nato"]
    vectors = encoder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_static_encoder_in_embed_corpus(lexicon: Lexicon, tmp_path: Path) -> None:
    g = glosser(lexicon)
    encoder = StaticTermEncoder(
        CountingModel(),
        lambda text: g.gloss_tokens(g.tokens(text)),
        cache_dir=tmp_path,
        analyzer_id=g.fingerprint(),
    )
    docs = [
        Document.from_text("a", "Die Regierung.\n\nDie Tore."),
        Document.from_text("b", "Munitionsfabriken."),
    ]
    embeddings = embed_corpus(docs, encoder, cache_dir=tmp_path / "paragraphs")
    assert embeddings.doc_vectors.shape == (2, 8)
    assert embeddings.paragraph_index.tolist() == [[0, 0], [0, 1], [1, 0]]
    with pytest.raises(ValueError, match="weighting"):
        StaticTermEncoder(CountingModel(), str.split, weighting="tfidf")


def test_static_weights_round_trip(tmp_path: Path) -> None:
    texts = ["nato war war", "war peace"]
    fitted = StaticTermEncoder(CountingModel(), str.split, weighting="idf", cache_dir=None)
    fitted.fit(texts)
    fitted.save_weights(tmp_path / "weights.json")
    loaded = StaticTermEncoder(CountingModel(), str.split, weighting="idf", cache_dir=None)
    loaded.load_weights(tmp_path / "weights.json")
    assert loaded.fingerprint() == fitted.fingerprint()
    np.testing.assert_allclose(loaded.encode(["nato peace"]), fitted.encode(["nato peace"]))
    with pytest.raises(ValueError, match="weights of"):
        StaticTermEncoder(CountingModel(), str.split, weighting="sif").load_weights(
            tmp_path / "weights.json"
        )


def test_input_encoder_wraps_only_what_is_asked(ding_file: Path) -> None:
    from toolkit.embeddings import input_encoder

    model = CountingModel()
    assert input_encoder(model, "german") is model
    # "auto" glosses only the bundled English model; CountingModel stands for another model
    assert input_encoder(model, "auto") is model
    gloss = input_encoder(model, "gloss", lexicon_path=ding_file)
    assert isinstance(gloss, GlossEncoder) and gloss.glosser.sense == "rich"
    static = input_encoder(model, "static", lexicon_path=ding_file, weighting="count")
    assert isinstance(static, StaticTermEncoder)
    assert static.analyzer("Die Regierung") == ["government"]
    with pytest.raises(LexiconNotFoundError):
        input_encoder(model, "static", lexicon_path=ding_file.with_name("absent"))
    with pytest.raises(ValueError, match="input"):
        input_encoder(model, "english")


def test_uncased_tokens_have_no_word_class_preference(lexicon: Lexicon) -> None:
    # lowercase lemmas ("essen" may be the noun or the verb): the richer entry wins
    uncased = glosser(lexicon, cased=False)
    assert uncased.gloss_tokens(["Essen", "essen", "tor"]) == ["eat", "eat", "goal"]
    assert glosser(lexicon).gloss_tokens(["Essen", "essen"]) == ["food", "eat"]


# -- what the English model reads, and the themes' context cascade -------------------------------


def test_the_context_cascade_keeps_static_input_and_refuses_a_gloss_pass(
    ding_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.errors import ConfigError
    from toolkit.experiment import config_from_mapping
    from toolkit.experiment.stages.embeddings import embeddings_section
    from toolkit.experiment.stages.themes import ThemesStage

    monkeypatch.setenv("TOOLKIT_CACHE", str(ding_file.parent / "cache"))

    def config(share: float, input: str = "auto"):
        return config_from_mapping(
            {
                "name": "cascade",
                "corpus": {"path": str(ding_file)},
                "embeddings": {"input": input},
                "lexicon": {"path": str(ding_file)},
                "themes": {
                    "settings": {"context_share": share},
                    "nato": {"description": "Beitritt zur NATO", "seeds": ["Beitritt"]},
                },
            }
        )

    # the whole context pass: one gloss pass serves everything; a cascade: static input
    assert embeddings_section(config(1.0)).input == "gloss"
    assert embeddings_section(config(0.3)).input == "static"
    ThemesStage().check(config(0.3))
    with pytest.raises(ConfigError, match=r"context_share.*embeddings\.input: gloss"):
        ThemesStage().check(config(0.3, "gloss"))
