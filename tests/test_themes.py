"""Tests of compound splitting and the themes stage (scorer, expansion, article profiles)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from toolkit.corpus.document import Document
from toolkit.text import TextPipeline
from toolkit.text.compounds import compound_parts, split_compound
from toolkit.themes import ThemeResult, ThemeScorer, ThemeSpec, assign_themes, seeds
from toolkit.themes.background import Standardizer, bundled_background
from toolkit.themes.expand import expand_terms
from toolkit.themes.lexical import CompoundSplitter, TermMatcher
from toolkit.themes.seeds import PART_WEIGHT, seed_parts, seed_terms
from toolkit.themes.semantic import SimilarityEvidence, centroids
from toolkit.themes.tfidf import TfidfSpace

ROOT = Path(__file__).resolve().parents[1]
DEFINITIONS = ROOT / "benchmarks" / "data" / "theme_definitions.yaml"
SEED_FILE = ROOT / "seeds" / "000_f8d3ef48d24ec83a.txt"
FOOTBALL = (
    "Der VfB Stuttgart hat am Samstag vor ausverkauftem Haus mit 2:0 gegen Werder Bremen gewonnen. "
    "Beide Tore fielen nach Standardsituationen in der zweiten Halbzeit. Der Trainer lobte die "
    "Geduld seiner Mannschaft, die nun auf dem dritten Tabellenplatz steht."
)
WEATHER = (
    "Nach dem verregneten Wochenende wird es zur Wochenmitte sonnig und deutlich wärmer. "
    "Meteorologen erwarten am Donnerstag in der Kölner Bucht bis zu 28 Grad, nachts bleibt es mild."
)


def definitions() -> dict[str, ThemeSpec]:
    raw = yaml.safe_load(DEFINITIONS.read_text(encoding="utf-8"))
    return {name: ThemeSpec(t["description"], t["seeds"]) for name, t in raw.items()}


def seed_paragraphs(path: Path) -> list[str]:
    """Body paragraphs of the seed article: no date line, no subheadings."""
    text = path.read_text(encoding="utf-8").split("\n", 1)[1]
    blocks = [" ".join(block.split()) for block in text.split("\n\n")]
    return [block for block in blocks if len(block.split()) >= 8]


# -- compounds ---------------------------------------------------------------------------------

VOCAB = {
    "munition",
    "fabrik",
    "rüstung",
    "produktion",
    "verteidigung",
    "ausgabe",
    "nato",
    "beitritt",
    "bei",
    "tritt",
    "mit",
    "glied",
    "mitglied",
    "staat",
    "konzern",
    "ion",
    "lager",
    "bestand",
}


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("munitionsfabrik", ["munition", "fabrik"]),
        ("rüstungsproduktion", ["rüstung", "produktion"]),
        ("verteidigungsausgaben", ["verteidigung", "ausgabe"]),
        ("rüstungskonzernen", ["rüstung", "konzern"]),
        ("nato-beitritt", ["nato", "beitritt"]),
        ("mitgliedstaaten", ["mitglied", "staat"]),
        ("lagerbestände", ["lagerbestände"]),  # umlaut plural of an unknown head: no split
        ("beitritt", ["beitritt"]),  # bei|tritt: function words are never parts
        ("mitglied", ["mitglied"]),
        ("munition", ["munition"]),
        ("fabrikation", ["fabrikation"]),  # fabrik + "ation" is not a linking element
    ],
)
def test_split_compound(word: str, parts: list[str]) -> None:
    assert split_compound(word, VOCAB) == parts


def test_split_compound_min_part_and_hyphens() -> None:
    assert split_compound("zwei-prozent-ziel", set()) == ["zwei", "prozent", "ziel"]
    assert split_compound("abcdef", {"abc", "def"}) == ["abc", "def"]
    assert split_compound("abcdef", {"abc", "def"}, min_part=4) == ["abcdef"]
    assert compound_parts("munitionsfabrik", VOCAB) == {"munition", "fabrik"}
    assert compound_parts("wetter", VOCAB) == {"wetter"}


# -- lexical evidence and expansion ------------------------------------------------------------


def test_term_matcher_finds_terms_inside_compounds() -> None:
    matcher = TermMatcher([{"munition": 1.0, "rüstung": 1.0}, {"beitritt": 1.0}], vocabulary=VOCAB)
    assert matcher.token_weights("munition").tolist() == [1.0, 0.0]
    assert matcher.token_weights("artilleriemunition").tolist() == [0.8, 0.0]
    assert matcher.token_weights("munitionsfabrik").tolist() == [0.8, 0.0]
    assert matcher.token_weights("rüstungskonzernen").tolist() == [0.8, 0.0]
    assert matcher.token_weights("nato-beitritt").tolist() == [0.0, 0.8]
    assert matcher.token_weights("ausrüstung").tolist() == [0.0, 0.0]  # aus|rüstung: equipment
    assert matcher.token_weights("kommunikation").tolist() == [0.0, 0.0]
    evidence = matcher.evidence([["munition", "munitionsfabrik"], ["wetter"]])
    np.testing.assert_allclose(evidence, [[1.8, 0.0], [0.0, 0.0]])


def test_term_matcher_multiword_terms() -> None:
    matcher = TermMatcher([{"zwei_prozent": 1.0}], vocabulary=())
    assert matcher.evidence([["zwei", "prozent", "ziel"], ["prozent", "zwei"]]).tolist() == [
        [1.0],
        [0.0],
    ]


def test_expand_terms_are_associated_and_not_shared() -> None:
    paragraphs = (
        [["munition", "granate", "werk", "bündnis"]] * 4
        + [["beitritt", "schweden", "bündnis"]] * 4
        + [["fußball", "tor"], ["wetter", "regen"], ["werk", "auto"]] * 3
    )
    seeds = np.array([[t[0] == "munition", t[0] == "beitritt"] for t in paragraphs], dtype=bool)
    terms = expand_terms(paragraphs, seeds, n_terms=5, exclude={"munition", "beitritt"})
    assert set(terms[0]) == {"granate", "werk"}
    assert set(terms[1]) == {"schweden"}  # bündnis occurs with both themes
    assert terms[0]["granate"] == 0.5 and terms[0]["werk"] < terms[0]["granate"]
    assert expand_terms(paragraphs, seeds, n_terms=0) == [{}, {}]


def test_seed_terms_add_noun_parts_of_the_seeds() -> None:
    pipeline = TextPipeline()
    seeds = [d.seeds for d in definitions().values()]
    arms, join, spend = seed_terms(seeds, pipeline.analyze)
    assert arms["rüstungsproduktion"] == 1.0 and arms["munition"] == 1.0
    assert arms["rüstung"] == PART_WEIGHT and arms["waffe"] == PART_WEIGHT
    assert spend["verteidigung"] == PART_WEIGHT and spend["haushalt"] == PART_WEIGHT
    assert "zwei" not in spend  # a number word, not a noun: it would match "zweitägig"
    assert "schaft" not in join  # mitglied|schaft: a suffix, not a part
    assert seed_parts("munition", {"munition"}) == []  # a seed is not a part of itself
    # a part claimed by two themes is dropped, a seed is kept
    shared = seed_terms([["Rüstungsindustrie"], ["Autoindustrie"]], lambda s: [s.lower()])
    assert "industrie" not in shared[0] and "industrie" not in shared[1]
    assert shared[1]["autoindustrie"] == 1.0
    matcher = TermMatcher([arms, spend], vocabulary=())
    assert matcher.token_weights("rüstungsfirma").tolist() == [0.8 * PART_WEIGHT, 0.0]
    assert matcher.token_weights("verteidigungsetat").tolist() == [0.0, 0.8 * PART_WEIGHT]


def test_lemma_list_is_kept_in_the_cache_and_read_back(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path))
    seeds._lemmas.cache_clear()
    try:
        collected = seeds._lemmas()
        assert {"Munition", "Beitritt", "sagen"} <= collected
        path = seeds.lemma_list_path()
        assert path.is_file() and path.is_relative_to(tmp_path)
        seeds._lemmas.cache_clear()
        # read back from the list: simplemma's dictionary is not touched again
        monkeypatch.setattr(seeds, "DEFAULT_DICTIONARY_FACTORY", None)
        assert seeds._lemmas() == collected
    finally:
        seeds._lemmas.cache_clear()


def test_background_standardizer_and_similarity_evidence() -> None:
    assert len(bundled_background()) >= 100
    background = np.array([[0.1], [0.2], [0.3], [0.2], [5.0]])  # one outlier
    robust = Standardizer().fit(background)
    assert robust.center_[0] == pytest.approx(0.2)  # the median ignores the outlier
    assert robust.transform(np.array([[0.2]]))[0, 0] == pytest.approx(0.0)
    flat = Standardizer().fit(np.zeros((3, 1)))  # no spread: the floor keeps it finite
    assert np.isfinite(flat.transform(np.ones((1, 1)))).all()
    vectors = np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]])
    members = np.array([[True, False], [True, False], [False, False]])
    anchors = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    protos = centroids(vectors, members, anchors)
    np.testing.assert_allclose(protos[1], [0.0, 0.0, 1.0])  # no member: the anchor
    np.testing.assert_allclose(np.linalg.norm(protos, axis=1), 1.0)
    background = np.array([[0.0, 1.0, 0.2], [0.1, 1.0, 0.0], [0.0, 1.0, 0.1]])
    z = SimilarityEvidence().fit(protos, background).transform(vectors)
    assert z[0, 0] > 3 and z[2, 1] > 3 and z[2, 0] < 1


def test_tfidf_space_links_compounds_through_their_parts() -> None:
    docs = [["granate", "werk"], ["granate", "fabrik"], ["schweden", "bündnis"], ["bündnis"]]
    docs.append(["wetter"])
    splitter = CompoundSplitter({"granate", "hand", "bündnis", "nato"})
    space = TfidfSpace(splitter.parts).fit(docs)
    members = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 0]], dtype=bool)
    evidence = SimilarityEvidence(robust=False)
    evidence.fit(centroids(space.transform(docs), members), space.transform([["wetter"], ["werk"]]))
    z = evidence.transform(space.transform([["handgranate"], ["nato-bündnis"]]))
    assert z[0, 0] > z[0, 1] and z[1, 1] > z[1, 0]  # through "granate" and "bündnis"
    assert TfidfSpace().fit(docs).transform([["handgranate"]]).nnz == 0
    loaded = TfidfSpace.from_state(space.state(), splitter.parts)
    assert (loaded.transform(docs) != space.transform(docs)).nnz == 0


# -- the scorer on the seed article ------------------------------------------------------------


@pytest.fixture(scope="module")
def encoder():
    from toolkit.embeddings import SentenceTransformerEncoder

    return SentenceTransformerEncoder()


@pytest.fixture(scope="module")
def seed_run(encoder):
    texts = seed_paragraphs(SEED_FILE)
    pipeline = TextPipeline()
    corpus = pipeline.fit_transform([Document.from_text("seed", "\n\n".join(texts))])
    index, tokens = corpus.paragraph_units()
    vectors = encoder.encode(texts)
    return texts, np.array(index), tokens, vectors, pipeline


def _find(texts: list[str], needle: str) -> int:
    matches = [i for i, text in enumerate(texts) if needle in text]
    assert len(matches) == 1, needle
    return matches[0]


def test_seed_article_paragraph_themes(seed_run, encoder) -> None:
    texts, _, tokens, vectors, pipeline = seed_run
    scorer = ThemeScorer(definitions(), analyze=pipeline.analyze, encoder=encoder)
    scores = scorer.fit(tokens, vectors).score(tokens, vectors)
    labels = scorer.assign(scores)
    # two sentences on ammunition orders, three on Ukraine's membership wish: membership (the
    # larger part) wins; the ammunition is still found, inside the compound
    mixed = _find(texts, "Artilleriemunition")
    assert labels[mixed] == "membership"
    assert scorer.evidence(tokens, vectors)["lexical"][mixed, 0] > 0
    assert labels[_find(texts, "Chefs von mehr als 20 Rüstungskonzernen")] == "arms_production"
    assert labels[_find(texts, "Beschaffungsziele insbesondere für Munition")] == "arms_production"
    assert labels[_find(texts, "NATO-Beitritt Schwedens")] == "membership"
    assert labels[_find(texts, "zwei Prozent der Wirtschaftsleistung")] == "defence_spending"
    others = [pipeline.transform_text(FOOTBALL), pipeline.transform_text(WEATHER)]
    other_vectors = encoder.encode([FOOTBALL, WEATHER])
    assert scorer.assign(scorer.score(others, other_vectors)) == ["none", "none"]
    assert scores.shape == (len(texts), 3) and np.isfinite(scores).all()


def test_seed_article_profile_has_all_three_themes(seed_run, encoder, tmp_path) -> None:
    _, index, tokens, vectors, pipeline = seed_run
    params = {"paragraph_vectors": vectors, "analyze": pipeline.analyze, "encoder": encoder}
    result = assign_themes(["seed"], index, tokens, definitions(), **params)
    row = result.themes.iloc[0]
    for theme in ("arms_production", "membership", "defence_spending"):
        assert row[theme] >= 0.1, (theme, row.to_dict())
    shares = row[["arms_production", "membership", "defence_spending", "none"]]
    assert shares.sum() == pytest.approx(1.0)
    assert list(result.paragraphs.columns[:5]) == [
        "doc_id",
        "paragraph",
        "n_tokens",
        "theme",
        "score",
    ]
    assert set(result.terms) == {"arms_production", "membership", "defence_spending"}
    assert result.metrics["settings"]["threshold"] > 0
    assert result.metrics["paragraph_share"]["none"] < 0.5
    assert set(result.diagnostics["theme"]) == set(result.terms)

    result.save(tmp_path)
    loaded = ThemeResult.load(tmp_path)
    assert loaded.terms == result.terms and loaded.metrics == result.metrics
    assert loaded.theme_names == ["arms_production", "membership", "defence_spending"]
    assert loaded.paragraphs["theme"].tolist() == result.paragraphs["theme"].tolist()
    assert loaded.diagnostics["term"].tolist() == result.diagnostics["term"].tolist()
    assert "arms_production" in loaded.format_diagnostics("arms_production")
    np.testing.assert_allclose(
        loaded.themes[["arms_production", "none"]],
        result.themes[["arms_production", "none"]],
        atol=1e-5,
    )
    again = assign_themes(["seed"], index, tokens, definitions(), **params)
    assert again.paragraphs.equals(result.paragraphs) and again.terms == result.terms


def test_scorer_save_load_round_trip(seed_run, encoder, tmp_path) -> None:
    _, _, tokens, vectors, pipeline = seed_run
    gloss = KeywordEncoder()
    gloss_vectors = gloss.encode([" ".join(t) for t in tokens])
    params = {"analyze": pipeline.analyze, "encoder": encoder, "gloss_encoder": gloss}
    scorer = ThemeScorer(definitions(), threshold=2.0, **params).fit(tokens, vectors, gloss_vectors)
    scorer.save(tmp_path)
    loaded = ThemeScorer.load(tmp_path, definitions(), **params)
    np.testing.assert_allclose(
        loaded.score(tokens, vectors, gloss_vectors), scorer.score(tokens, vectors, gloss_vectors)
    )
    assert loaded.terms_ == scorer.terms_ and loaded.threshold == 2.0
    with pytest.raises(ValueError, match="fitted for themes"):
        ThemeScorer.load(tmp_path, {"x": ThemeSpec("x", ["x"])}, **params)


# -- behaviour without vectors, with topics, and errors ----------------------------------------


def test_lexical_only_topics_and_errors() -> None:
    themes = {
        "arms": ThemeSpec("Rüstung", ["Munition"]),
        "join": ThemeSpec("Beitritt", ["Beitritt"]),
    }
    paragraphs = [["munition", "werk"], ["beitritt", "schweden"], ["fußball", "tor"]]
    # lexical evidence alone: one seed scores 5 * (1 - 1/e) = 3.16, below the default threshold
    # (calibrated for all the evidence), so a lexical-only scorer sets its own
    lexical_only = ThemeScorer(themes, analyze=lambda s: [s.lower()])
    assert lexical_only.fit(paragraphs).assign(lexical_only.score(paragraphs)) == ["none"] * 3
    scorer = ThemeScorer(themes, threshold=2.5, analyze=lambda s: [s.lower()]).fit(paragraphs)
    assert scorer.assign(scorer.score(paragraphs)) == ["arms", "join", "none"]
    # no gloss: nothing independent judges the seeds, they keep their weight
    assert scorer.diagnostics_["weight"].tolist() == [1.0, 1.0]

    topics = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    with_topics = ThemeScorer(
        themes, threshold=2.5, topic_weight=5.0, analyze=lambda s: [s.lower()]
    )
    with_topics.fit(paragraphs)
    assert with_topics.assign(with_topics.score(paragraphs, topic_scores=topics))[2] == "join"
    with pytest.raises(ValueError, match="topic_scores"):
        with_topics.score(paragraphs, topic_scores=topics[:2])

    stop = {"x": ThemeSpec("x", ["und", "der"])}
    with pytest.raises(ValueError, match=r"themes\.x\.seeds"):
        ThemeScorer(stop, analyze=lambda s: []).fit(paragraphs)
    with pytest.raises(ValueError, match="not 'none'"):
        ThemeScorer({"none": ThemeSpec("x", ["x"])}).fit(paragraphs)
    with pytest.raises(ValueError, match="at least one seed"):
        ThemeSpec("x", [" "])


# -- seed diagnostics: a seed in two senses -----------------------------------------------------


class KeywordEncoder:
    """A stand-in for the gloss encoder: counts of a few subject words, plus a constant."""

    name, dim = "keywords", 6
    WORDS = ("nato", "bündnis", "beitritt", "flüchtling", "quartier", "wetter")

    def fingerprint(self) -> str:
        return "keywords"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [[t.lower().count(w) for w in self.WORDS[:-1]] + [1.0] for t in texts]
        return np.asarray(rows, dtype=np.float64)


REFUGEES = "Die Aufnahme von Flüchtling im Quartier der Gemeinde {i} stockt, das Quartier ist voll"
ACCESSION = "Die Aufnahme der Ukraine in die NATO: das Bündnis berät in Runde {i} über den Beitritt"
ORDINARY = [f"Das Wetter in Ort {i} bleibt freundlich, am Abend Regen" for i in range(6)]


def test_a_seed_in_two_senses_is_reported_and_down_weighted() -> None:
    texts = [REFUGEES.format(i=i) for i in range(12)] + [ACCESSION.format(i=i) for i in range(3)]
    texts += [
        f"Schweden hat den Beitritt zur NATO vollzogen, Schritt {i} im Bündnis" for i in range(3)
    ]
    texts += ORDINARY
    tokens = [t.lower().replace(",", "").replace(":", "").split() for t in texts]
    encoder = KeywordEncoder()
    themes = {
        "membership": ThemeSpec("Beitritt zur NATO und zum Bündnis", ["Beitritt", "Aufnahme"])
    }
    params = {"background": ORDINARY * 2 + [REFUGEES.format(i=99)], "gloss_encoder": encoder}
    scorer = ThemeScorer(themes, expand_terms=0, **params)
    scorer.fit(tokens, gloss_vectors=encoder.encode(texts))
    table = scorer.diagnostics_.set_index("term")
    assert table.loc["aufnahme", "paragraphs"] == 15 and table.loc["aufnahme", "supported"] == 3
    assert table.loc["aufnahme", "ambiguous"] and table.loc["aufnahme", "weight"] < 0.5
    assert table.loc["beitritt", "weight"] == 1.0 and not table.loc["beitritt", "ambiguous"]
    (warning,) = scorer.warnings_
    assert "'Aufnahme'" in warning and "'NATO-Aufnahme'" in warning
    labels = scorer.assign(scorer.score(tokens, gloss_vectors=encoder.encode(texts)))
    assert labels[:12] == ["none"] * 12  # themed only through the ambiguous seed: dropped
    assert labels[12:18] == ["membership"] * 6
    # without the context nothing is down-weighted and the refugees get the theme
    blind = ThemeScorer(themes, expand_terms=0).fit(tokens)
    assert blind.assign(blind.score(tokens))[:12] == ["membership"] * 12


# -- accuracy on the labelled dev set ------------------------------------------------------------


@pytest.mark.slow
def test_dev_set_macro_f1(encoder) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import themes_eval

    from toolkit.lexicon import Glosser

    memo = themes_eval.MemoEncoder(encoder)
    glosser = Glosser()
    data = themes_eval.Dataset(themes_eval.DEV, memo, glosser, [])
    gloss = themes_eval.MemoEncoder.for_gloss(memo, glosser)
    result = themes_eval.evaluate(data, themes_eval.load_themes(), memo, gloss)
    assert result["macro_f1"] >= DEV_MACRO_F1 - 0.03


def test_membership_recall_splits_eu_only_paragraphs() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from themes_eval import membership_recall

    texts = [
        "Finnland ist der NATO beigetreten.",
        "Serbien verhandelt mit Brüssel über den Beitritt zur Union.",
        "Estland gehört der EU und dem Bündnis an.",
        "Der Verein nimmt neue Mitglieder auf.",
    ]
    labels = ["membership", "membership", "membership", "none"]
    predicted = ["membership", "none", "none", "membership"]
    assert membership_recall(labels, predicted, texts) == {
        "eu_only": {"paragraphs": 1, "found": 0},
        "other": {"paragraphs": 2, "found": 1},
    }


DEV_MACRO_F1 = 0.837
"""Measured with ``python benchmarks/themes_eval.py`` (combined, default settings)."""


@pytest.mark.parametrize("unit", ["article", "paragraph"])
def test_seeded_topic_shares_reach_each_paragraph(unit: str) -> None:
    from types import SimpleNamespace

    from toolkit.experiment.stages.themes import paragraph_topic_scores
    from toolkit.experiment.stages.topics import TopicsStage

    rng = np.random.default_rng(0)
    index = np.array([(d, p) for d in range(40) for p in range(int(rng.integers(1, 5)))])
    units = index[rng.random(len(index)) > 0.2]  # some paragraphs have no words of the model
    topics = SimpleNamespace(
        topic_themes={2: "b", 0: "a"},
        doc_topics=rng.dirichlet(np.ones(4), size=40),
        unit_topics=rng.dirichlet(np.ones(4), size=len(units)),
        unit_index=units,
    )
    # theme c has no seeded topic: its column stays 0
    themes = SimpleNamespace(
        definitions={"a": 0, "c": 0, "b": 0}, settings=SimpleNamespace(topic_weight=1.0)
    )
    config = SimpleNamespace(topics=SimpleNamespace(unit=unit), themes=themes)
    inputs = SimpleNamespace(get=lambda stage: topics if stage is TopicsStage else None)
    scores = paragraph_topic_scores(config, inputs, index)
    # the same, one paragraph at a time
    where = {tuple(u): i for i, u in enumerate(units.tolist())}
    for row, (d, p) in enumerate(index.tolist()):
        if unit == "article":
            shares = topics.doc_topics[d]
        elif (d, p) in where:
            shares = topics.unit_topics[where[(d, p)]]
        else:
            assert scores[row].tolist() == [0.0, 0.0, 0.0]
            continue
        assert scores[row].tolist() == [shares[0], 0.0, shares[2]]
