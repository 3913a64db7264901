"""Tests of the search stage on short German articles written here, each with a paraphrase."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
import simplemma
import stopwordsiso

from toolkit.errors import RunError
from toolkit.search import Hit, SearchIndex, near_duplicates
from toolkit.search.ann import AnnIndex, recall_with_ties
from toolkit.search.dense import exact_top_k, normalize_rows

# (article, paraphrase naming the same subject in other words)
ARTICLES = [
    (
        "Die Nato will die Produktion von Munition deutlich steigern. Die Rüstungsindustrie soll "
        "mehr Granaten für die Ukraine liefern, die Lager der Mitgliedstaaten sind leer.",
        "Rüstungsfirmen sollen mehr Granaten herstellen, weil der Nato die Munition ausgeht.",
    ),
    (
        "Schweden ist nach langem Streit mit der Türkei Mitglied der Nato geworden. Das Parlament "
        "in Ankara hatte den Beitritt zuvor monatelang blockiert.",
        "Ankara gibt die Blockade auf: Schweden tritt dem Bündnis Nato bei.",
    ),
    (
        "Der Wiener Gemeinderat hat höhere Mieten für Gemeindewohnungen beschlossen. Mieter "
        "müssen ab Juli um fünf Prozent mehr zahlen, die Opposition kritisiert die Erhöhung.",
        "Wiener Gemeindewohnungen werden teurer, die Miete steigt im Juli.",
    ),
    (
        "Der FC Bayern München hat das Spitzenspiel gegen Borussia Dortmund mit drei zu eins "
        "gewonnen. Harry Kane erzielte zwei Tore, die Bayern führen die Tabelle an.",
        "Kane trifft doppelt, München schlägt Dortmund im Spitzenspiel.",
    ),
    (
        "Forscher haben in der Antarktis einen neuen Temperaturrekord gemessen. Das Eis des "
        "Kontinents schmilzt schneller als erwartet, warnen die Klimaforscher.",
        "Rekordwärme in der Antarktis lässt das Eis schneller schmelzen.",
    ),
    (
        "Die Europäische Zentralbank hat den Leitzins erneut erhöht. Die Inflation im Euroraum "
        "sei weiterhin zu hoch, sagte die Präsidentin Christine Lagarde in Frankfurt.",
        "Lagarde und die EZB heben den Zins wieder an, weil die Inflation hoch bleibt.",
    ),
    (
        "Apple hat ein neues iPhone vorgestellt. Das Smartphone hat eine bessere Kamera und einen "
        "schnelleren Chip, der Preis liegt bei über tausend Euro.",
        "Das neue iPhone von Apple kostet mehr als tausend Euro und hat eine bessere Kamera.",
    ),
    (
        "Bei einem schweren Erdbeben in der Türkei und in Syrien sind tausende Menschen gestorben. "
        "Rettungskräfte suchen in den Trümmern nach Überlebenden.",
        "Helfer suchen nach dem Beben in Syrien und der Türkei in den Trümmern nach Verschütteten.",
    ),
    (
        "Die Salzburger Festspiele eröffnen mit einer Inszenierung des Jedermann. Die Premiere "
        "auf dem Domplatz war ausverkauft, das Publikum jubelte.",
        "Jubel für den Jedermann zur Eröffnung der Festspiele in Salzburg.",
    ),
    (
        "Die Lokführer der Gewerkschaft GDL streiken erneut. Im Fernverkehr der Deutschen Bahn "
        "fallen die meisten Züge aus, Pendler müssen auf Busse ausweichen.",
        "Streik der Lokführer: Die Bahn streicht viele Züge, Pendler warten.",
    ),
    (
        "Ein Forschungsteam hat einen Impfstoff gegen Malaria entwickelt. In einer Studie in "
        "Afrika schützte die Impfung drei Viertel der Kinder vor der Krankheit.",
        "Neue Impfung schützt Kinder in Afrika vor Malaria, zeigt eine Studie.",
    ),
    (
        "Der Bundestag hat die Legalisierung von Cannabis beschlossen. Erwachsene dürfen künftig "
        "kleine Mengen besitzen und bis zu drei Pflanzen anbauen.",
        "Cannabis wird legal: Erwachsene dürfen Pflanzen anbauen, beschließt der Bundestag.",
    ),
    (
        "Bei der Wahl in Österreich hat die FPÖ die meisten Stimmen erhalten. Die ÖVP verlor "
        "deutlich, die Regierungsbildung dürfte schwierig werden.",
        "Wahlsieg der FPÖ in Österreich, Verluste für die ÖVP, schwierige Regierungsbildung.",
    ),
    (
        "Ein Hochwasser hat in Niederösterreich ganze Ortschaften überflutet. Die Feuerwehr "
        "evakuierte hunderte Bewohner, die Donau erreichte einen Höchststand.",
        "Die Donau tritt über die Ufer, Feuerwehr rettet Bewohner in Niederösterreich.",
    ),
    (
        "Tesla baut in Grünheide bei Berlin ein neues Werk für Elektroautos. Umweltschützer "
        "protestieren gegen die Rodung des Waldes für die Fabrik.",
        "Proteste gegen die Rodung für Teslas Autofabrik in Grünheide.",
    ),
    (
        "Die Raumsonde der Nasa ist auf dem Mars gelandet. Der Rover soll nach Spuren von "
        "früherem Leben auf dem roten Planeten suchen.",
        "Ein Rover der Nasa landet auf dem Mars und sucht nach Leben.",
    ),
    (
        "Novak Djokovic hat das Finale von Wimbledon gewonnen. Der Serbe besiegte seinen Gegner "
        "in vier Sätzen und holte seinen achten Titel auf dem Rasen.",
        "Djokovic siegt in Wimbledon, der Serbe gewinnt das Finale in vier Sätzen.",
    ),
    (
        "Die Preise für Strom und Gas sind im Winter stark gestiegen. Viele Haushalte können "
        "ihre Energierechnung kaum noch bezahlen, die Regierung plant eine Entlastung.",
        "Hohe Energierechnung: Haushalte leiden unter teurem Strom und Gas.",
    ),
    (
        "Ein Hackerangriff hat das Netzwerk eines Krankenhauses lahmgelegt. Die Erpresser "
        "verlangen ein Lösegeld, Operationen mussten verschoben werden.",
        "Erpresser legen mit einem Angriff die Computer einer Klinik lahm und fordern Lösegeld.",
    ),
    (
        "Der Papst hat bei seiner Reise nach Afrika eine Messe vor einer Million Gläubigen "
        "gefeiert. Er rief zu Frieden im Kongo auf.",
        "Eine Million Gläubige feiern mit dem Papst die Messe im Kongo.",
    ),
    (
        "Archäologen haben in Ägypten ein unberührtes Grab eines Priesters entdeckt. Die Mumie "
        "und zahlreiche Grabbeigaben sind über viertausend Jahre alt.",
        "In Ägypten finden Archäologen eine Mumie in einem viertausend Jahre alten Grab.",
    ),
    (
        "Die Lufthansa streicht wegen eines Streiks des Bodenpersonals hunderte Flüge. "
        "Passagiere in Frankfurt und München sitzen fest.",
        "Passagiere der Lufthansa sitzen fest: Das Bodenpersonal streikt, Flüge fallen aus.",
    ),
    (
        "Ein Waldbrand wütet auf der griechischen Insel Rhodos. Tausende Urlauber wurden aus "
        "ihren Hotels in Sicherheit gebracht.",
        "Feuer auf Rhodos: Urlauber müssen die Hotels verlassen.",
    ),
    (
        "Die Schulen in Wien bekommen mehr Lehrer für Deutschförderung. Viele Kinder sprechen "
        "bei der Einschulung kaum Deutsch, sagt der Bildungsstadtrat.",
        "Mehr Lehrkräfte für die Deutschförderung von Schulkindern in Wien.",
    ),
    (
        "Der Autokonzern Volkswagen muss wegen manipulierter Abgaswerte Milliarden zahlen. Ein "
        "Gericht in den USA verurteilte den Hersteller im Dieselskandal.",
        "Dieselskandal: US-Gericht verurteilt VW wegen Betrug bei den Abgaswerten.",
    ),
    (
        "Eine neue Studie zeigt, dass Bienen durch Pestizide die Orientierung verlieren. Die "
        "Insekten finden nicht mehr zu ihrem Stock zurück.",
        "Pestizide stören den Orientierungssinn von Bienen, zeigt eine Studie.",
    ),
    (
        "Der Eurovision Song Contest findet dieses Jahr in Liverpool statt. Schweden gewann mit "
        "einem Popsong, Deutschland landete auf dem letzten Platz.",
        "Song Contest in Liverpool: Schweden siegt, Deutschland wird Letzter.",
    ),
    (
        "Die Polizei hat eine Bande von Autodieben festgenommen. Die Täter hatten teure Wagen "
        "gestohlen und über die Grenze nach Osteuropa gebracht.",
        "Festnahme: Polizei fasst Autodiebe, die Wagen nach Osteuropa schmuggelten.",
    ),
    (
        "Ein Lawinenunglück in Tirol hat drei Skifahrer das Leben gekostet. Die Bergrettung "
        "warnt vor großer Lawinengefahr abseits der Pisten.",
        "Drei Skifahrer sterben in einer Lawine in Tirol, die Bergrettung warnt.",
    ),
    (
        "Die Regierung in Japan hat das Kühlwasser aus dem Atomkraftwerk Fukushima ins Meer "
        "geleitet. China protestiert und stoppt den Import von Fisch.",
        "Fukushima: Japan leitet Kühlwasser ins Meer, China verbietet Fischimporte.",
    ),
]
IDS = [f"news/{i:02d}" for i in range(len(ARTICLES))]
_STOP = stopwordsiso.stopwords("de")


def tokens(text: str) -> list[str]:
    """Lowercase lemmas without stopwords: a small stand-in for the text pipeline."""
    words = re.findall(r"\w[\w-]*", text)
    lemmas = (simplemma.lemmatize(w, lang="de").lower() for w in words)
    return [t for t in lemmas if len(t) > 1 and t not in _STOP]


@pytest.fixture(scope="module")
def encoder():
    from toolkit.embeddings import SentenceTransformerEncoder

    return SentenceTransformerEncoder()


@pytest.fixture(scope="module")
def corpus(encoder):
    """The articles and their paraphrases: tokens and normalised MiniLM vectors."""
    texts = [a for a, _ in ARTICLES] + [p for _, p in ARTICLES]
    vectors = encoder.encode(texts)
    n = len(ARTICLES)
    return {
        "tokens": [tokens(a) for a, _ in ARTICLES],
        "query_tokens": [tokens(p) for _, p in ARTICLES],
        "dense": vectors[:n].astype(np.float32),
        "query_dense": vectors[n:].astype(np.float32),
    }


@pytest.fixture(scope="module")
def index(corpus) -> SearchIndex:
    return SearchIndex().fit(IDS, corpus["tokens"], dense=corpus["dense"])


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_paraphrase_finds_its_article(index: SearchIndex, corpus, mode: str) -> None:
    for i, (q_tokens, q_dense) in enumerate(
        zip(corpus["query_tokens"], corpus["query_dense"], strict=True)
    ):
        hits = index.search(q_tokens, query_dense=q_dense, k=3, mode=mode)
        assert hits[0].id == IDS[i], f"{mode}: paraphrase {i} -> {[h.id for h in hits]}"
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert all(a.score >= b.score for a, b in itertools.pairwise(hits))


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_similar_finds_the_paraphrase(corpus, mode: str) -> None:
    """With the paraphrases indexed too, each one's nearest other article is its original."""
    ids = IDS + [f"para/{i:02d}" for i in range(len(ARTICLES))]
    dense = np.vstack([corpus["dense"], corpus["query_dense"]])
    index = SearchIndex().fit(ids, corpus["tokens"] + corpus["query_tokens"], dense)
    for i in range(len(ARTICLES)):
        hits = index.similar(f"para/{i:02d}", k=5, mode=mode)
        assert hits[0].id == IDS[i], f"{mode}: para/{i:02d} -> {[h.id for h in hits]}"
        assert all(h.id != f"para/{i:02d}" for h in hits)


def test_hybrid_hits_carry_components_and_shared_terms(index: SearchIndex, corpus) -> None:
    weighted = SearchIndex(weights={"dense": 1, "lexical": 1})
    weighted.fit(IDS, corpus["tokens"], dense=corpus["dense"])
    hit = weighted.search(corpus["query_tokens"][1], corpus["query_dense"][1], k=1)[0]
    assert isinstance(hit, Hit)
    assert {"dense", "lexical", "dense_rank", "lexical_rank"} <= set(hit.components)
    assert hit.components["dense_rank"] == 1.0
    assert "schweden" in hit.shared_terms and "nato" in hit.shared_terms
    assert len(hit.shared_terms) <= 10
    # by default both a free-text query and an article are fused with the dense vector
    hit = index.search(corpus["query_tokens"][1], corpus["query_dense"][1], k=1)[0]
    assert set(hit.components) == {"dense", "dense_rank", "lexical", "lexical_rank"}
    assert {"dense", "lexical"} <= set(index.similar(IDS[1], k=1)[0].components)
    # a query given only as a vector still gets results
    assert index.search([], corpus["query_dense"][1], k=1)[0].id == IDS[1]


def test_topics_mode_ranks_by_hellinger(corpus) -> None:
    """Topic distributions built so that article 1 is close to 0 and 2 is far."""
    topics = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.05, 0.15, 0.8], [0.4, 0.4, 0.2]])
    ids = ["a", "b", "c", "d"]
    index = SearchIndex().fit(ids, corpus["tokens"][:4], topics=topics)
    assert "topics" in index.available_modes()
    hits = index.similar("a", k=3, mode="topics")
    assert [h.id for h in hits] == ["b", "d", "c"]
    hellinger = np.sqrt(0.5 * np.sum((np.sqrt(topics[0]) - np.sqrt(topics[1])) ** 2))
    assert hits[0].score == pytest.approx(1 - hellinger, abs=1e-5)
    with pytest.raises(ValueError, match="topics mode"):
        index.search(["nato"], mode="topics")


def test_hybrid_fuses_topics_for_articles_not_for_free_text(corpus) -> None:
    topics = np.array([[0.7, 0.2, 0.1], [0.05, 0.15, 0.8], [0.1, 0.1, 0.8], [0.7, 0.25, 0.05]])
    ids = ["a", "b", "c", "d"]
    index = SearchIndex().fit(ids, corpus["tokens"][:4], topics=topics)
    hits = {hit.id: hit for hit in index.similar("a", k=3)}
    assert hits["d"].components["topics_rank"] == 1.0  # the closest distribution
    assert all("topics" in hit.components for hit in hits.values())
    without = SearchIndex(weights={"lexical": 1.0, "topics": 0.0})
    without.fit(ids, corpus["tokens"][:4], topics=topics)
    assert all("topics" not in hit.components for hit in without.similar("a", k=3))
    free_text = index.search(corpus["query_tokens"][1], k=1)[0]
    assert not any(key.startswith("topics") for key in free_text.components)


def test_ann_agrees_with_exact_on_small_data(corpus) -> None:
    dense = corpus["dense"]
    exact = SearchIndex(mode="dense").fit(IDS, corpus["tokens"], dense)
    approx = SearchIndex(mode="dense", ann_min_size=1, seed=3).fit(IDS, corpus["tokens"], dense)
    assert exact.ann is None and approx.ann is not None
    assert approx.info()["ann"]["recall_at_10"] == pytest.approx(1.0)
    for doc_id in IDS:
        a = exact.similar(doc_id, k=5)
        b = approx.similar(doc_id, k=5)
        assert [h.id for h in a] == [h.id for h in b]
        np.testing.assert_allclose([h.score for h in a], [h.score for h in b], atol=1e-5)


def test_ann_recall_counts_a_tied_copy_as_found() -> None:
    # 40 texts, 25 exact copies of each: any ten copies are a right answer
    distinct = normalize_rows(np.random.default_rng(2).normal(size=(40, 16)))
    vectors = np.repeat(distinct, 25, axis=0)
    assert AnnIndex().fit(vectors, seed=1).recall_at_10 == pytest.approx(1.0)


def test_ann_raises_ef_search_until_the_recall_reaches_its_target(tmp_path) -> None:
    # a sparse graph (M 4) over high-dimensional noise: a short candidate list finds little
    vectors = normalize_rows(np.random.default_rng(0).normal(size=(5000, 32)))
    sparse = {"M": 4, "ef_construction": 16, "ef_search": 8}
    plain = AnnIndex(**sparse, target_recall=None).fit(vectors, seed=1)
    assert plain.recall_at_10 < 0.9 and plain.ef_search == 8
    tuned = AnnIndex(**sparse, target_recall=0.9).fit(vectors, seed=1)
    assert tuned.recall_at_10 >= 0.9 and tuned.ef_search in (16, 32, 64, 128, 256, 512, 1024)
    capped = AnnIndex(**sparse, target_recall=1.0, max_ef_search=24).fit(vectors, seed=1)
    assert capped.ef_search == 24 and capped.recall_at_10 < 1.0
    # the chosen ef_search is saved with the index and used again when it is loaded
    ids = [str(i) for i in range(len(vectors))]
    tokens = [["w"]] * len(vectors)
    params = {"mode": "dense", "ann_min_size": 1, "ann_m": 4, "ann_ef_construction": 16}
    index = SearchIndex(**params, ann_ef_search=8, ann_target_recall=0.9, seed=1)
    index.fit(ids, tokens, vectors).save(tmp_path / "search")
    saved = SearchIndex.load(tmp_path / "search")
    assert saved.ann.ef_search == index.ann.ef_search > 8
    assert saved.info()["ann"] == {
        "recall_at_10": index.ann.recall_at_10,
        "ef_search": saved.ann.ef_search,
    }


def test_loaded_ann_reads_its_graph_on_the_first_query(tmp_path) -> None:
    vectors = normalize_rows(np.random.default_rng(2).normal(size=(400, 16)))
    built = AnnIndex().fit(vectors, seed=0)
    built.save(tmp_path / "ann.bin")
    loaded = AnnIndex.load(tmp_path / "ann.bin", 16, built.recall_at_10, built.ef_search)
    # opening reports on the index without reading the graph (the search stage only reports)
    assert loaded._index is None and loaded.info() == built.info()
    # saved unread, the file is copied as it is
    loaded.save(tmp_path / "copy.bin")
    assert loaded._index is None
    assert (tmp_path / "copy.bin").read_bytes() == (tmp_path / "ann.bin").read_bytes()
    ids, scores = loaded.query(vectors[:5], 10)
    expected_ids, expected_scores = built.query(vectors[:5], 10)
    assert loaded._index is not None
    np.testing.assert_array_equal(ids, expected_ids)
    np.testing.assert_allclose(scores, expected_scores)
    with pytest.raises(FileNotFoundError, match=r"missing\.bin"):
        AnnIndex.load(tmp_path / "missing.bin", 16, None)


def test_ann_recall_counts_a_worse_neighbour_as_missed() -> None:
    vectors = normalize_rows(np.random.default_rng(4).normal(size=(300, 8)))
    rows = np.arange(0, 300, 30)
    exact, _ = exact_top_k(vectors, vectors[rows], k=11)
    assert recall_with_ties(vectors, rows, exact, k=10) == pytest.approx(1.0)
    worst = np.argsort(vectors @ vectors[rows].T, axis=0)[0]  # each query's least similar
    wrong = exact.copy()
    wrong[:, -1] = worst  # the 10th neighbour replaced
    assert recall_with_ties(vectors, rows, wrong, k=10) == pytest.approx(0.9)
    assert recall_with_ties(vectors, rows, wrong[:, ::-1], k=10) == pytest.approx(0.9)


def test_exact_top_k_chunks_match_a_full_sort() -> None:
    vectors = normalize_rows(np.random.default_rng(1).normal(size=(1000, 8)))
    queries = vectors[:20]
    indices, scores = exact_top_k(vectors, queries, k=7, chunk_size=64, exclude_self=True)
    full = np.argsort(-(queries @ vectors.T), axis=1)[:, 1:8]
    np.testing.assert_array_equal(indices, full)
    assert np.all(np.diff(scores, axis=1) <= 0)


@pytest.mark.parametrize("with_ann", [False, True])
def test_save_load_round_trip(tmp_path, corpus, with_ann: bool) -> None:
    topics = np.random.default_rng(0).dirichlet(np.ones(4), size=len(IDS))
    lsa = np.random.default_rng(1).normal(size=(len(IDS), 12))
    built = SearchIndex(ann_min_size=1 if with_ann else 200_000, seed=5).fit(
        IDS, corpus["tokens"], corpus["dense"], lsa=lsa, topics=topics
    )
    built.save(tmp_path / "search")
    assert (tmp_path / "search" / "ann.bin").exists() == with_ann
    assert not list((tmp_path / "search").rglob("*.pkl"))
    loaded = SearchIndex.load(tmp_path / "search")
    assert isinstance(loaded.vectors["dense"], np.memmap)
    assert loaded.available_modes() == built.available_modes()
    assert loaded.info() == built.info()
    for mode in built.available_modes():
        for doc_id in IDS[:5]:
            assert built.similar(doc_id, k=4, mode=mode) == loaded.similar(doc_id, k=4, mode=mode)
    q_tokens, q_dense = corpus["query_tokens"][7], corpus["query_dense"][7]
    assert built.search(q_tokens, q_dense, lsa[7]) == loaded.search(q_tokens, q_dense, lsa[7])


def test_unknown_id_and_empty_queries(index: SearchIndex) -> None:
    with pytest.raises(RunError, match=r"unknown document id 'news/5'.*news/05"):
        index.similar("news/5")
    with pytest.raises(ValueError, match="no words left"):
        index.search([])
    with pytest.raises(ValueError, match="none of the query's words"):
        index.search(["zzzunbekannt"], mode="lexical")
    with pytest.raises(RunError, match="available"):
        SearchIndex().fit(IDS, [["a"]] * len(IDS)).similar(IDS[0], mode="dense")


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_mask_filters_results(index: SearchIndex, corpus, mode: str) -> None:
    mask = np.zeros(len(IDS), dtype=bool)
    mask[10:20] = True
    hits = index.similar(IDS[0], k=30, mode=mode, mask=mask)
    assert hits and all(10 <= h.index < 20 for h in hits)
    hits = index.search(corpus["query_tokens"][12], corpus["query_dense"][12], mode=mode, mask=mask)
    assert hits[0].id == IDS[12]
    assert not index.search(
        corpus["query_tokens"][3],
        corpus["query_dense"][3],
        mode=mode,
        mask=np.zeros(len(IDS), dtype=bool),
    )


def test_near_duplicates_finds_the_inserted_copy(corpus) -> None:
    copy_of = 4
    dense = np.vstack([corpus["dense"], corpus["dense"][copy_of] + 1e-3])
    doc_tokens = [*corpus["tokens"], corpus["tokens"][copy_of]]
    ids = [*IDS, "copy"]
    pairs = near_duplicates(dense, ids, threshold=0.95, chunk_size=7, doc_tokens=doc_tokens)
    assert pairs[["id_a", "id_b"]].values.tolist() == [[IDS[copy_of], "copy"]]
    assert pairs["score"].iloc[0] > 0.999
    assert pairs["jaccard"].iloc[0] == 1.0
    # the paraphrase of an article is similar in topic, not copied wording
    dense = np.vstack([corpus["dense"], corpus["query_dense"][copy_of]])
    doc_tokens = [*corpus["tokens"], corpus["query_tokens"][copy_of]]
    pairs = near_duplicates(dense, ids, threshold=0.5, doc_tokens=doc_tokens)
    row = pairs[pairs["id_b"] == "copy"].iloc[0]
    assert row["jaccard"] < 0.2


@pytest.mark.slow
def test_hybrid_beats_single_modes_on_10kgnad(gnad_csv) -> None:
    """Label precision@10 on 10kgnad: the default fusion of BM25 and LSA beats either alone."""
    import csv

    from toolkit.corpus.document import Document
    from toolkit.embeddings import LsaEncoder
    from toolkit.text import TextPipeline

    with open(gnad_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    docs = [
        Document.from_text(f"test/{i}", text, split_long=150, label=label)
        for i, (label, text) in enumerate(rows)
    ]
    doc_tokens = TextPipeline().fit_transform(docs).documents()
    lsa = LsaEncoder(200, seed=0).fit_transform(doc_tokens)
    index = SearchIndex().fit([d.id for d in docs], doc_tokens, lsa=lsa)
    labels = np.array([d.label for d in docs])

    def precision(mode: str) -> float:
        return float(
            np.mean(
                [
                    np.mean(
                        [labels[h.index] == labels[i] for h in index.similar(doc_id, mode=mode)]
                    )
                    for i, doc_id in enumerate(index.doc_ids)
                ]
            )
        )

    scores = {mode: precision(mode) for mode in ("lexical", "lsa", "hybrid")}
    assert scores["lexical"] > 0.5 and scores["lsa"] > 0.5, scores
    assert scores["hybrid"] >= max(scores["lexical"], scores["lsa"]), scores


def test_dense_centre_is_taken_out_of_articles_and_queries(tmp_path) -> None:
    rng = np.random.default_rng(6)
    # every article shares one strong direction, as a sentence model's vectors of one corpus do
    dense = rng.normal(size=(60, 8)) + 6 * np.eye(8)[0]
    ids, tokens = [f"d{i}" for i in range(60)], [["w"]] * 60
    unit = dense / np.linalg.norm(dense, axis=1, keepdims=True)
    centre = unit.mean(axis=0)
    index = SearchIndex(mode="dense").fit(ids, tokens, dense=dense, dense_centre=centre)
    expected = unit - centre
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(index.vectors["dense"], expected, atol=1e-6)
    # a query that is an article's own raw vector finds it first, with cosine 1
    hits = index.search(["w"], query_dense=dense[17], k=3)
    assert hits[0].id == "d17" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    plain = SearchIndex(mode="dense").fit(ids, tokens, dense=dense)
    assert plain.dense_centre is None and not plain.info()["dense_centred"]
    assert plain.search(["w"], query_dense=dense[17], k=3)[1].score > hits[1].score
    index.save(tmp_path / "search")
    loaded = SearchIndex.load(tmp_path / "search")
    assert loaded.info()["dense_centred"]
    np.testing.assert_array_equal(loaded.dense_centre, index.dense_centre)
    assert [h.id for h in loaded.search(["w"], query_dense=dense[5], k=5)] == [
        h.id for h in index.search(["w"], query_dense=dense[5], k=5)
    ]
    with pytest.raises(ValueError, match="dense_centre of 3 dimensions for dense vectors of 8"):
        SearchIndex(mode="dense").fit(ids, tokens, dense=dense, dense_centre=np.ones(3))
