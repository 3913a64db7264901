"""Tests of the German text stage (toolkit.text)."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from toolkit.corpus.document import Document
from toolkit.errors import ToolkitError
from toolkit.text import (
    GERMAN_CONNECTOR_WORDS,
    PhraseDetector,
    TextPipeline,
    TokenizedCorpus,
    build_dictionary,
    german_stopwords,
    is_number,
    lemmatize,
    load_tokenized,
    save_tokenized,
    tokenize,
    tokenize_clauses,
)
from toolkit.text.dictionary import MIN_DOCUMENTS, load_dictionary, save_dictionary

SEED_FILE = Path(__file__).resolve().parents[1] / "seeds" / "000_f8d3ef48d24ec83a.txt"


def seed_document(path: Path) -> Document:
    # the first line of a seed file is its metadata line, not text
    body = path.read_text(encoding="utf-8").split("\n", 1)[1]
    return Document.from_text("seed", body)


@pytest.fixture(scope="module")
def seed_result() -> tuple[TextPipeline, TokenizedCorpus, Document]:
    doc = seed_document(SEED_FILE)
    pipeline = TextPipeline()
    return pipeline, pipeline.fit_transform([doc]), doc


def docs_from(texts: list[str]) -> list[Document]:
    return [Document.from_text(f"d{i}", text) for i, text in enumerate(texts)]


# -- tokenize ----------------------------------------------------------------------------------


def test_tokenize_keeps_hyphenated_compounds() -> None:
    text = "NATO-Verteidigungsminister, US-Verteidigungsminister, NATO-Ukraine-Rat, "
    text += "Leopard-Kampfpanzer"
    assert tokenize(text) == [
        "NATO-Verteidigungsminister",
        "US-Verteidigungsminister",
        "NATO-Ukraine-Rat",
        "Leopard-Kampfpanzer",
    ]
    assert tokenize("Covid\u201119 und G7\u2010Gipfel") == ["Covid-19", "und", "G7-Gipfel"]
    assert tokenize("Verteidigungs\u00administer") == ["Verteidigungsminister"]


@pytest.mark.parametrize(
    "text",
    [
        "„Aktionsplan“ sagte er",
        "‚Aktionsplan‘ sagte er",
        '"Aktionsplan" sagte er',
        "»Aktionsplan« sagte er",
        "'Aktionsplan' sagte er",
        "“Aktionsplan” sagte er",
    ],
)
def test_tokenize_strips_every_kind_of_quote(text: str) -> None:
    assert tokenize(text) == ["Aktionsplan", "sagte", "er"]


def test_tokenize_numbers_abbreviations_and_punctuation() -> None:
    text = "Rund 1.000 Soldaten, 2,5 Prozent, 100 Panzer (2023), z.B. Dr. Meier bzw. u.a. Nr. 5!"
    tokens = tokenize(text)
    assert tokens == [
        "Rund", "1.000", "Soldaten", "2,5", "Prozent", "100", "Panzer", "2023",
        "z.B.", "Dr.", "Meier", "bzw.", "u.a.", "Nr.", "5",
    ]  # fmt: skip


def test_tokenize_ordinals_truncations_umlauts_addresses() -> None:
    assert tokenize("am 11. und 12. Juli") == ["am", "11", "und", "12", "Juli"]
    assert tokenize("Staats- und Regierungschefs") == ["Staats", "und", "Regierungschefs"]
    umlauts = tokenize("Größe, Übergänge, Straße, geht's!")
    assert umlauts == ["Größe", "Übergänge", "Straße", "geht's"]
    text = "Infos: www.allinrechner.at, https://example.org/a?b=1 und derStandard.at oder a.b@c.de."
    assert tokenize(text) == ["Infos", "und", "oder"]


def test_tokenize_clauses_split_at_punctuation_and_addresses() -> None:
    assert tokenize_clauses('Er sagte: "Waffen, Nachschub und Wartung."') == [
        ["Er", "sagte"],
        ["Waffen"],
        ["Nachschub", "und", "Wartung"],
    ]
    assert tokenize_clauses("siehe www.nato.int heute") == [["siehe"], ["heute"]]


def test_is_number() -> None:
    assert all(is_number(t) for t in ["100", "1.000", "2,5", "12.06.2023", "1-0"])
    assert not any(is_number(t) for t in ["G7", "1990er", "2,5-fach", "Covid-19", "NATO"])


# -- stopwords and lemmas -----------------------------------------------------------------------


def test_german_stopwords() -> None:
    stop = german_stopwords()
    assert {"die", "und", "der", "sagte", "sagen", "dienstag", "laut", "zufolge", "dpa"} <= stop
    assert not {"munition", "juli", "prozent", "nato"} & stop
    assert "dienstag" not in german_stopwords(news=False)
    assert german_stopwords("none", news=False, extra=["Bundesliga", " "]) == {"bundesliga"}
    with pytest.raises(ValueError, match="unknown stopword source"):
        german_stopwords("nltk")  # type: ignore[arg-type]


def test_lemmatize_hyphenated_compounds_on_their_last_part() -> None:
    assert lemmatize("NATO-Verteidigungsministern") == "NATO-Verteidigungsminister"
    assert lemmatize("Leopard-Kampfpanzern") == "Leopard-Kampfpanzer"
    assert lemmatize("sagte") == "sagen"
    assert lemmatize("Verteidigungsausgaben") == "Verteidigungsausgabe"


# -- the pipeline on the seed article -----------------------------------------------------------


def test_seed_content_words_survive_and_stopwords_do_not(seed_result) -> None:
    _, tc, doc = seed_result
    tokens = set(tc.documents()[0])
    assert {"rüstungsproduktion", "munition", "verteidigungsausgabe"} <= tokens
    assert {"nato-verteidigungsminister", "us-verteidigungsminister", "nato-ukraine-rat"} <= tokens
    assert {"die", "und", "sagte", "sagen", "hieß", "heißen", "dienstag"}.isdisjoint(tokens)
    assert not any(is_number(t) for t in tokens)
    assert all(len(t) >= 2 and t == t.lower() for t in tokens)
    # paragraphs line up with the document's paragraphs
    assert tc.doc_ids == ["seed"]
    assert len(tc.paragraphs[0]) == len(doc.paragraphs)


def test_seed_dictionary_is_counted_over_paragraphs(seed_result) -> None:
    pipeline, tc, doc = seed_result
    assert pipeline.frequency_unit_ == "paragraph"
    assert tc.dictionary is pipeline.dictionary_
    assert tc.dictionary.num_docs == len(doc.paragraphs)
    vocabulary = set(tc.dictionary.token2id)
    # in at least no_below=2 paragraphs, in at most half of them
    assert {"munition", "verteidigungsministertreffen", "ukraine"} <= vocabulary
    assert "stoltenberg" not in vocabulary  # in more than half of the paragraphs
    assert "rheinmetall" not in vocabulary  # in one paragraph only


def test_analyze_is_the_pre_phrase_token_stream(seed_result) -> None:
    pipeline, _, _ = seed_result
    text = "Die Verteidigungsminister sagten am Dienstag, 1.000 Granaten fehlten."
    assert pipeline.analyze(text) == ["verteidigungsminister", "granate", "fehlen"]


def test_settings_are_applied() -> None:
    text = "Am Dienstag bestellten 2 NATO-Länder 1.000 Granaten für die Bundeswehr und Panzer."
    docs = docs_from([text])
    off = {"phrases": False}
    plain = TextPipeline(**off).fit(docs)
    assert plain.transform_text(text) == [
        "bestellen", "nato-land", "granate", "bundeswehr", "panzer",
    ]  # fmt: skip
    raw = TextPipeline(**off, lemmatize=False, lowercase=False).fit(docs)
    assert raw.transform_text(text) == [
        "bestellten", "NATO-Länder", "Granaten", "Bundeswehr", "Panzer",
    ]  # fmt: skip
    numbers = TextPipeline(**off, keep_numbers=True).fit(docs)
    assert numbers.transform_text(text)[:4] == ["bestellen", "2", "nato-land", "1.000"]
    no_news = TextPipeline(**off, news_stopwords=False).fit(docs)
    assert no_news.transform_text(text)[0] == "dienstag"
    extra = TextPipeline(**off, extra_stopwords=["Panzer"]).fit(docs)
    assert "panzer" not in extra.transform_text(text)
    long_only = TextPipeline(**off, min_token_length=8).fit(docs)
    assert long_only.transform_text(text) == ["bestellen", "nato-land", "bundeswehr"]
    no_stop = TextPipeline(**off, stopwords="none", news_stopwords=False).fit(docs)
    assert {"am", "für", "die", "und"} <= set(no_stop.transform_text(text))


# -- phrases ------------------------------------------------------------------------------------


PHRASE_TEXTS = [
    "Der Aktionsplan für die Rüstungsproduktion kommt. Stoltenberg sagte, Munition fehle.",
    "Die Minister beraten den Aktionsplan für die Rüstungsproduktion. Stoltenberg sagte das.",
    "Ohne Aktionsplan für die Rüstungsproduktion fehlt Munition, Stoltenberg sagte es.",
    "Ein Aktionsplan für die Rüstungsproduktion soll helfen, die Munition ist knapp.",
    "Gipfel in Vilnius: Aktionsplan für die Rüstungsproduktion beschlossen.",
    "Munition, Panzer, Granaten: der Bedarf wächst. Stoltenberg sagte nichts.",
]


@pytest.fixture(scope="module")
def phrase_pipeline() -> tuple[TextPipeline, TokenizedCorpus]:
    pipeline = TextPipeline(phrase_min_count=3, phrase_threshold=0.3, no_below=1)
    return pipeline, pipeline.fit_transform(docs_from(PHRASE_TEXTS))


def test_recurring_expression_becomes_one_token(phrase_pipeline) -> None:
    pipeline, tc = phrase_pipeline
    phrase = "aktionsplan_für_die_rüstungsproduktion"
    assert phrase in pipeline.phrases_.phrasegrams_
    assert all(phrase in tokens for tokens in tc.documents()[:5])
    assert "rüstungsproduktion" not in {t for tokens in tc.documents() for t in tokens}
    # a stopword may not start or end a phrase, and phrases never cross punctuation
    for learned in pipeline.phrases_.phrasegrams_:
        words = learned.split("_")
        assert words[0] not in pipeline.stopwords_ and words[-1] not in pipeline.stopwords_
    assert not any(p.startswith("munition_") for p in pipeline.phrases_.phrasegrams_)
    assert pipeline.transform_text("Wo bleibt der Aktionsplan für die Rüstungsproduktion?") == [
        "bleiben",
        phrase,
    ]
    assert "stoltenberg_sagen" not in pipeline.phrases_.phrasegrams_
    assert pipeline.analyze("Aktionsplan für die Rüstungsproduktion") == [
        "aktionsplan", "rüstungsproduktion",
    ]  # fmt: skip


def test_phrase_detector_json_round_trip(tmp_path: Path) -> None:
    sentences = [["new", "york", "city"], ["in", "new", "york"], ["new", "york"], ["city", "hall"]]
    detector = PhraseDetector(min_count=2, threshold=0.1, excluded_edges={"hall"}).fit(sentences)
    assert set(detector.phrasegrams_) == {"new_york"}
    detector.save(tmp_path / "phrases.json")
    loaded = PhraseDetector.load(tmp_path / "phrases.json")
    assert loaded.phrasegrams_ == detector.phrasegrams_
    assert loaded.to_dict() == detector.to_dict()
    sentence = ["bis", "new", "york", "city"]
    assert loaded.transform(sentence) == detector.transform(sentence) == ["bis", "new_york", "city"]
    (tmp_path / "bad.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"bad\.json"):
        PhraseDetector.load(tmp_path / "bad.json")


def test_german_connector_words() -> None:
    assert {"der", "die", "das", "für", "und", "zur", "im"} <= GERMAN_CONNECTOR_WORDS
    assert not {"nato", "sagen", "nicht"} & GERMAN_CONNECTOR_WORDS


# -- fit / transform / storage ------------------------------------------------------------------


def test_fit_then_transform_equals_fit_transform(phrase_pipeline) -> None:
    pipeline, tc = phrase_pipeline
    docs = docs_from(PHRASE_TEXTS)
    again = TextPipeline(**pipeline.get_params()).fit(doc for doc in docs)  # a one-shot iterator
    assert again.phrases_.phrasegrams_ == pipeline.phrases_.phrasegrams_
    assert again.dictionary_.token2id == pipeline.dictionary_.token2id
    assert again.transform(docs).paragraphs == tc.paragraphs


def test_pipeline_save_load_round_trip(phrase_pipeline, tmp_path: Path) -> None:
    pipeline, _ = phrase_pipeline
    pipeline.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "text_pipeline.json", "phrases.json", "dictionary.txt", "boilerplate.json",
    }  # fmt: skip
    loaded = TextPipeline.load(tmp_path)
    for text in [*PHRASE_TEXTS, "Ein neuer Aktionsplan für die Rüstungsproduktion."]:
        assert loaded.transform_text(text) == pipeline.transform_text(text)
    assert loaded.dictionary_.token2id == pipeline.dictionary_.token2id
    assert loaded.frequency_unit_ == pipeline.frequency_unit_
    assert loaded.settings() == pipeline.settings()
    with pytest.raises(ToolkitError, match="missing"):
        TextPipeline.load(tmp_path / "nothing")


def test_unfitted_pipeline_raises() -> None:
    with pytest.raises(ToolkitError, match="not fitted"):
        TextPipeline().transform(docs_from(["Munition"]))


def test_save_tokenized_is_deterministic_and_round_trips(phrase_pipeline, tmp_path: Path) -> None:
    pipeline, tc = phrase_pipeline
    save_tokenized(tc, tmp_path / "a")
    again = TextPipeline(**pipeline.get_params()).fit_transform(docs_from(PHRASE_TEXTS))
    save_tokenized(again, tmp_path / "b")
    for name in ("tokens.jsonl", "dictionary.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    loaded = load_tokenized(tmp_path / "a")
    assert loaded.doc_ids == tc.doc_ids
    assert loaded.paragraphs == tc.paragraphs
    assert loaded.dictionary.token2id == tc.dictionary.token2id
    (tmp_path / "a" / "tokens.jsonl").write_text('{"id": "x", "paragraphs": "no"}\n', "utf-8")
    with pytest.raises(ToolkitError, match="line 1"):
        load_tokenized(tmp_path / "a")


# -- dictionary ---------------------------------------------------------------------------------


def test_dictionary_filters_are_effective(tmp_path: Path) -> None:
    # "common" in every document, "half" in 6 of 12, "pair" in 2, "once" in 1
    docs = [["common", f"rare{i}"] for i in range(12)]
    for i in range(6):
        docs[i].append("half")
    docs[0].append("pair")
    docs[1].append("pair")
    docs[2].append("once")
    default = build_dictionary(docs, no_below=2, no_above=0.5)
    assert set(default.token2id) == {"half", "pair"}
    assert set(build_dictionary(docs, no_below=1, no_above=1.0).token2id) == {
        "common", "half", "pair", "once", *(f"rare{i}" for i in range(12)),
    }  # fmt: skip
    assert set(build_dictionary(docs, no_below=3, no_above=1.0).token2id) == {
        "common", "half",
    }  # fmt: skip
    keep_one = build_dictionary(docs, no_below=1, no_above=1.0, keep_n=1)
    assert set(keep_one.token2id) == {"common"}
    save_dictionary(default, tmp_path / "dictionary.txt")
    loaded = load_dictionary(tmp_path / "dictionary.txt")
    assert loaded.token2id == default.token2id and loaded.dfs == default.dfs
    assert loaded.num_docs == 12


def test_pipeline_counts_documents_from_min_documents_on() -> None:
    texts = [f"Munition und Panzer für Land{chr(97 + i)}." for i in range(MIN_DOCUMENTS)]
    pipeline = TextPipeline(phrases=False, no_below=1, no_above=0.5)
    tc = pipeline.fit_transform(docs_from(texts))
    assert pipeline.frequency_unit_ == "document"
    assert tc.dictionary.num_docs == MIN_DOCUMENTS
    # munition and panzer are in every document (above no_above), the land names in one each
    assert "munition" not in tc.dictionary.token2id
    assert "landa" in tc.dictionary.token2id
    # the tokens themselves are not filtered by the dictionary
    assert tc.documents()[0] == ["munition", "panzer", "landa"]


# -- 10kgnad ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_gnad_throughput_and_vocabulary(gnad_csv: Path) -> None:
    with open(gnad_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    docs = [Document.from_text(f"gnad/{i}", row[1], split_long=150) for i, row in enumerate(rows)]
    start = time.perf_counter()
    pipeline = TextPipeline()
    tc = pipeline.fit_transform(docs)
    elapsed = time.perf_counter() - start
    assert elapsed < 90, f"text stage took {elapsed:.0f} s on 10kgnad"
    assert len(tc) == len(rows) == 1028
    assert pipeline.frequency_unit_ == "document"
    assert 5_000 < len(tc.dictionary) < 50_000
    assert {"angela_merkel", "new_york"} & set(pipeline.phrases_.phrasegrams_)
    vocabulary = set(tc.dictionary.token2id)
    assert {"regierung", "flüchtling", "polizei", "unternehmen"} <= vocabulary
    assert not {"die", "und", "sagen", "dienstag"} & vocabulary
