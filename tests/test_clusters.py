"""Tests of the clusters stage: labels, metrics, outliers, tiny corpora, determinism, round trip."""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from toolkit.clusters import (
    ClusterResult,
    Reduction,
    assign_outliers,
    auto_num_clusters,
    cluster_metrics,
    cluster_names,
    combine_vectors,
    fit_cluster_labels,
    fit_clusters,
    label_clusters,
    layout_2d,
    reduce_vectors,
)
from toolkit.clusters.combine import mean_direction
from toolkit.errors import RunError, ToolkitWarning

NO_UMAP = Reduction(method="none")


def blobs(sizes: list[int], dim: int = 8, spread: float = 0.05, seed: int = 0) -> np.ndarray:
    """Well separated groups of points around orthogonal directions."""
    rng = np.random.default_rng(seed)
    groups = [np.eye(dim)[g] + rng.normal(0, spread, size=(n, dim)) for g, n in enumerate(sizes)]
    return np.vstack(groups)


def topic_tokens(sizes: list[int], seed: int = 0) -> list[list[str]]:
    """Documents of three topics that all share the word ``jahr``."""
    vocab = [
        ["nato", "munition", "ruestung", "schweden"],
        ["bundesliga", "tor", "trainer", "spiel"],
        ["boerse", "aktie", "zins", "inflation"],
    ]
    rng = np.random.default_rng(seed)
    docs = []
    for group, n in enumerate(sizes):
        for _ in range(n):
            docs.append([*rng.choice(vocab[group], size=6).tolist(), "jahr"])
    return docs


# ---------------------------------------------------------------------------------------------
# labels


def test_ctfidf_distinctive_words_first_and_shared_word_last() -> None:
    labels = np.array([0, 0, 1, 1, 2, 2])
    docs = [
        ["nato", "nato", "munition", "jahr"],
        ["nato", "ruestung", "jahr"],
        ["tor", "tor", "trainer", "jahr"],
        ["tor", "spiel", "jahr"],
        ["aktie", "aktie", "zins", "jahr"],
        ["aktie", "boerse", "jahr"],
    ]
    table = label_clusters(labels, docs, n_words=10)
    assert list(table.columns) == ["cluster", "rank", "word", "weight"]
    tops = table[table["rank"] == 1].set_index("cluster")["word"].to_dict()
    assert tops == {0: "nato", 1: "tor", 2: "aktie"}
    for _, group in table.groupby("cluster"):
        # "jahr" is as frequent in the cluster as the second word, but it is in every cluster.
        assert group["word"].iloc[-1] == "jahr"
        assert group["weight"].is_monotonic_decreasing
        assert group["rank"].tolist() == list(range(1, len(group) + 1))


def test_ctfidf_formula_and_outliers_excluded() -> None:
    labels = np.array([0, 1, -1])
    docs = [["a", "a", "b"], ["b"], ["a", "zzz"]]
    table = label_clusters(labels, docs, n_words=5)
    assert "zzz" not in set(table["word"])
    weight = table.set_index(["cluster", "word"])["weight"]
    mean_size = 4 / 2  # four non-outlier tokens over two classes
    assert weight[(0, "a")] == pytest.approx(2 / 3 * np.log(1 + mean_size / 2))
    assert weight[(0, "b")] == pytest.approx(1 / 3 * np.log(1 + mean_size / 2))
    assert weight[(1, "b")] == pytest.approx(1.0 * np.log(1 + mean_size / 2))


def test_ctfidf_respects_n_words_and_rejects_bad_input() -> None:
    docs = topic_tokens([5, 5, 5])
    labels = np.repeat([0, 1, 2], 5)
    table = label_clusters(labels, docs, n_words=2)
    assert table.groupby("cluster").size().tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match="cluster labels"):
        label_clusters(labels[:-1], docs, n_words=2)
    assert label_clusters(np.array([-1, -1]), [["a"], ["b"]], 3).empty


def test_label_words_are_chosen_for_co_occurrence_among_the_best_weighted() -> None:
    # "wien" outweighs "spiel" in cluster 0 but never shares a window with "tor"
    docs = [["tor", "spiel", "trainer", "tor"]] * 3 + [["wien"] * 4] + [["bank", "euro"]] * 3
    labels = np.array([0, 0, 0, 0, 1, 1, 1])
    by_weight = label_clusters(labels, docs, n_words=3, word_candidates=0)
    chosen = label_clusters(labels, docs, n_words=3, word_candidates=4)
    assert by_weight.query("cluster == 0").word.tolist() == ["tor", "wien", "spiel"]
    assert chosen.query("cluster == 0").word.tolist() == ["tor", "spiel", "trainer"]
    # the weights stay each word's c-TF-IDF weight
    weight = by_weight.set_index(["cluster", "word"])["weight"]
    assert chosen.set_index(["cluster", "word"])["weight"][(0, "spiel")] == weight[(0, "spiel")]


def test_cluster_names_cover_clusters_without_words() -> None:
    table = label_clusters(np.array([0, 0, 1, -1]), [["nato", "gipfel"], ["nato"], [], ["x"]], 3)
    assert cluster_names(table, clusters=[-1, 0, 1]) == {0: "nato, gipfel", 1: "cluster 1"}


# ---------------------------------------------------------------------------------------------
# metrics


def test_metrics_against_known_labelings() -> None:
    points = blobs([4, 4])
    truth = ["a"] * 4 + ["b"] * 4
    perfect = cluster_metrics(points, np.repeat([5, 7], 4), truth)
    assert perfect["nmi"] == pytest.approx(1.0)
    assert perfect["ari"] == pytest.approx(1.0)
    assert perfect["v_measure"] == pytest.approx(1.0)
    assert perfect["silhouette"] > 0.8
    assert perfect["num_clusters"] == 2
    # Alternating clusters carry no information about the truth.
    useless = cluster_metrics(points, np.tile([0, 1], 4), truth)
    assert useless["nmi"] == pytest.approx(0.0, abs=1e-9)
    assert useless["ari"] < 0
    assert useless["silhouette"] < 0


def test_metrics_skip_silhouette_and_unlabelled_documents() -> None:
    points = blobs([3, 3])
    one = cluster_metrics(points, np.zeros(6, dtype=int))
    assert one["silhouette"] is None
    assert "2 clusters" in one["silhouette_skipped_reason"]
    assert "nmi" not in one
    partial = cluster_metrics(points, np.repeat([0, 1], 3), ["a", None, "a", "b", None, "b"])
    assert partial["labelled_docs"] == 4
    assert partial["nmi"] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# clustering and outliers


def test_kmeans_auto_k_rule_and_pure_clusters() -> None:
    assert [auto_num_clusters(n) for n in (2, 3, 13, 36, 200, 1028, 10**6)] == [
        1,
        2,
        3,
        4,
        10,
        20,
        20,
    ]
    points = reduce_vectors(blobs([10, 12, 14]), NO_UMAP, seed=0)
    labels, _ = fit_cluster_labels(points, method="kmeans", num_clusters="auto", seed=0)
    assert len(set(labels.tolist())) == 4
    truth = np.repeat([0, 1, 2], [10, 12, 14]).astype(str).tolist()
    # Four clusters for three separated groups: one group splits, no cluster mixes groups.
    assert cluster_metrics(points, labels, truth)["homogeneity"] == pytest.approx(1.0)


def test_hdbscan_outliers_share_and_assignment() -> None:
    rng = np.random.default_rng(1)
    dense = blobs([20, 20], dim=2, spread=0.02)
    scattered = rng.uniform(-3, 4, size=(4, 2)) + np.array([0, 5])
    vectors = np.vstack([dense, scattered])
    ids = [f"d{i}" for i in range(len(vectors))]
    tokens = topic_tokens([20, 20, 4])
    config = {
        "reduction": Reduction(method="none", metric="euclidean"),
        "method": "hdbscan",
        "min_cluster_size": 5,
        "layout": False,
    }
    kept = fit_clusters(ids, vectors, tokens, **config, seed=0)
    assert kept.metrics["num_clusters"] == 2
    assert kept.metrics["outlier_share"] == pytest.approx(4 / 44)
    assert kept.metrics["outliers_assigned"] is False
    assert (kept.assignments["cluster"].to_numpy()[-4:] == -1).all()
    assert kept.assignments["outlier"].sum() == 4

    assigned = fit_clusters(ids, vectors, tokens, **config, assign_outliers=True, seed=0)
    assert assigned.metrics["outlier_share"] == pytest.approx(4 / 44)
    assert assigned.metrics["outliers_assigned"] is True
    assert (assigned.assignments["cluster"] >= 0).all()
    assert assigned.assignments["outlier"].sum() == 4
    before = kept.assignments["cluster"].to_numpy()[:40]
    assert (assigned.assignments["cluster"].to_numpy()[:40] == before).all()


def test_assign_outliers_nearest_centroid() -> None:
    points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0], [6.0, 0.5], [1.0, 9.0]])
    labels = assign_outliers(points, np.array([3, 3, 8, 8, -1, -1]))
    assert labels.tolist() == [3, 3, 8, 8, 8, 3]
    untouched = np.array([-1, -1])
    assert assign_outliers(points[:2], untouched).tolist() == [-1, -1]


def test_combine_vectors_weights_cosines() -> None:
    a = np.array([[1.0, 0.0], [0.0, 2.0]])
    b = np.array([[1.0, 1.0], [2.0, 2.0]])
    combined = combine_vectors([a, b], [3.0, 1.0])
    assert combined.dtype == np.float32
    assert np.allclose(np.linalg.norm(combined, axis=1), 1.0)
    # Weighted mean of the cosines 0 (block a) and 1 (block b).
    assert combined[0] @ combined[1] == pytest.approx(0.25, abs=1e-6)
    with pytest.raises(ValueError, match="weights"):
        combine_vectors([a, b], [1.0])
    with pytest.raises(ValueError, match="row counts"):
        combine_vectors([a, b[:1]], [1.0, 1.0])


def test_combine_vectors_centres_take_the_shared_direction_out() -> None:
    rng = np.random.default_rng(0)
    # two groups that differ in a small part next to a large common one
    group = np.array([5.0, 1.0, 0.0]) + rng.normal(0, 0.1, (5, 3))
    other = np.array([5.0, -1.0, 0.5]) + rng.normal(0, 0.1, (5, 3))
    vectors = np.vstack([group, other])
    plain = combine_vectors([vectors], [1.0])
    centred = combine_vectors([vectors], [1.0], centres=[mean_direction(vectors)])
    assert plain[0] @ plain[9] > 0.9  # the common part hides the difference
    assert centred[0] @ centred[9] < 0.0  # without it the groups point apart
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0)
    # a block without a centre is left as it is, next to a centred one
    lsa = rng.normal(size=(10, 4))
    mixed = combine_vectors([vectors, lsa], [1.0, 1.0], centres=[mean_direction(vectors), None])
    assert np.allclose(mixed[:, 3:] * np.sqrt(2), combine_vectors([lsa], [1.0]), atol=1e-6)
    with pytest.raises(ValueError, match="centre of shape"):
        combine_vectors([vectors], [1.0], centres=[np.zeros(2)])
    with pytest.raises(ValueError, match="centres"):
        combine_vectors([vectors, lsa], [1.0, 1.0], centres=[None])
    with pytest.raises(ValueError, match="non-empty"):
        mean_direction(np.zeros((0, 3)))


def test_clusters_stage_centres_the_model_vectors_of_the_fitted_rows(tmp_path) -> None:
    from toolkit.experiment.schema import ClustersConfig
    from toolkit.experiment.stages.clusters import model_centre, unit_vectors

    rng = np.random.default_rng(1)
    model, lsa = rng.normal(1.0, 1.0, size=(8, 3)), rng.normal(size=(8, 4))
    files = [tmp_path / "model.npy", tmp_path / "lsa.npy"]
    np.save(files[0], model)
    np.save(files[1], lsa)
    fitted = np.array([0, 2, 4, 6])
    centre = model_centre(ClustersConfig(), files, fitted)
    assert np.allclose(centre, mean_direction(model[fitted]))
    rows = unit_vectors(files, slice(4, 8), centre)
    expected = combine_vectors([model[4:], lsa[4:]], [1.0, 1.0], centres=[centre, None])
    assert np.array_equal(rows, expected)
    assert model_centre(ClustersConfig(centre_embeddings=False), files, fitted) is None
    assert model_centre(ClustersConfig(vectors="lsa"), files[1:], fitted) is None


# ---------------------------------------------------------------------------------------------
# tiny corpora


def test_one_document_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 2 documents"):
        fit_clusters(["only"], np.ones((1, 4)), [["nato"]], seed=0)


def test_three_documents_with_default_config() -> None:
    vectors = blobs([2, 1])
    result = fit_clusters(["a", "b", "c"], vectors, topic_tokens([2, 1]), seed=0)
    assert result.metrics["reduce"]["method"] == "none"
    assert "at least 10 documents" in result.metrics["reduce"]["skipped_reason"]
    assert result.metrics["layout_method"] == "pca"
    assert result.assignments["cluster"].tolist()[:2] == [result.assignments["cluster"][0]] * 2
    assert result.metrics["num_clusters"] == 2
    assert np.isfinite(result.assignments[["x", "y"]].to_numpy()).all()
    with pytest.warns(ToolkitWarning, match="num_clusters=10 exceeds the 3 documents"):
        clamped = fit_clusters(
            ["a", "b", "c"], vectors, topic_tokens([2, 1]), num_clusters=10, reduction=NO_UMAP
        )
    assert clamped.metrics["clustering"]["k"] == 3
    with pytest.raises(ValueError, match="num_clusters"):
        fit_cluster_labels(vectors, num_clusters=0)
    with pytest.raises(ValueError, match="num_clusters"):
        fit_cluster_labels(vectors, num_clusters=True)
    tiny = fit_clusters(
        ["a", "b", "c"], vectors, topic_tokens([2, 1]), method="hdbscan", reduction=NO_UMAP
    )
    assert tiny.metrics["clustering"]["min_cluster_size"] == 2


def seed_paragraphs(seed_file: Path) -> tuple[list[str], np.ndarray, list[list[str]]]:
    """Ids, word-count vectors and words of the paragraphs of the seed article."""
    paragraphs = [p for p in seed_file.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert len(paragraphs) >= 10
    words = [re.findall(r"\w{4,}", p.lower()) for p in paragraphs]
    vocab = sorted({w for ws in words for w in ws})
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(words), len(vocab)))
    for row, ws in enumerate(words):
        for w in ws:
            counts[row, index[w]] += 1
    return [f"p{i}" for i in range(len(words))], counts, words


def test_seed_article_paragraphs(seed_file: Path) -> None:
    ids, counts, words = seed_paragraphs(seed_file)
    result = fit_clusters(ids, counts, words, reduction=NO_UMAP, label_words=8, seed=0)
    assert result.metrics["reduce"]["skipped_reason"] is None  # UMAP was switched off
    assert result.metrics["num_clusters"] == auto_num_clusters(len(ids))
    assert set(result.labels["cluster"]) == set(result.assignments["cluster"])
    assert result.labels.groupby("cluster").size().max() == 8
    check_hdbscan_on_paragraphs(ids, counts, words, NO_UMAP)


def check_hdbscan_on_paragraphs(
    ids: list[str], counts: np.ndarray, words: list[list[str]], reduce: Reduction
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ToolkitWarning)
        result = fit_clusters(
            ids, counts, words, method="hdbscan", assign_outliers=True, reduction=reduce, seed=0
        )
    assert len(result.assignments) == len(ids)
    assert result.metrics["reduce"]["method"] == reduce.method
    if result.metrics["num_clusters"] == 0:
        # Thirteen paragraphs of one article may hold no dense group: say so, don't invent one.
        assert result.metrics["outlier_share"] == 1.0
    else:
        assert (result.assignments["cluster"] >= 0).all()


# ---------------------------------------------------------------------------------------------
# determinism and persistence


def _fit_blobs(seed: int = 0, **params: Any) -> ClusterResult:
    vectors = blobs([12, 10, 8], dim=16, spread=0.2)
    ids = [f"doc{i:02d}" for i in range(len(vectors))]
    truth = ["nato"] * 12 + ["sport"] * 10 + ["boerse"] * 8
    tokens = topic_tokens([12, 10, 8])
    return fit_clusters(ids, vectors, tokens, **params, seed=seed, true_labels=truth)


def _file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    _fit_blobs(reduction=NO_UMAP).save(tmp_path / "a")
    _fit_blobs(reduction=NO_UMAP).save(tmp_path / "b")
    first = _file_bytes(tmp_path / "a")
    assert sorted(first) == sorted(ClusterResult.FILES)
    assert first == _file_bytes(tmp_path / "b")


def test_save_load_round_trip(tmp_path: Path) -> None:
    result = _fit_blobs(reduction=NO_UMAP, method="hdbscan", min_cluster_size=4)
    result.save(tmp_path)
    loaded = ClusterResult.load(tmp_path)
    pd.testing.assert_frame_equal(
        loaded.assignments, result.assignments, check_dtype=False, rtol=1e-5
    )
    assert loaded.assignments["doc_id"].tolist() == result.assignments["doc_id"].tolist()
    pd.testing.assert_frame_equal(loaded.labels, result.labels, check_dtype=False, rtol=1e-5)
    np.testing.assert_array_equal(loaded.reduced, result.reduced)
    assert loaded.metrics == result.metrics
    assert loaded.cluster_names == result.cluster_names
    assert result.metrics["nmi"] == pytest.approx(1.0)
    loaded.save(tmp_path / "again")
    assert _file_bytes(tmp_path / "again") == _file_bytes(tmp_path)


def test_load_names_missing_files(tmp_path: Path) -> None:
    with pytest.raises(RunError, match=r"reduced\.npy"):
        ClusterResult.load(tmp_path)


def test_layout_off_gives_nan_coordinates() -> None:
    result = _fit_blobs(reduction=NO_UMAP, layout=False)
    assert result.assignments[["x", "y"]].isna().all().all()
    assert result.metrics["layout_method"] is None
    assert layout_2d(np.ones((1, 3)), NO_UMAP, seed=0).tolist() == [[0.0, 0.0]]


@pytest.mark.slow
def test_umap_reduction_is_reproducible(tmp_path: Path) -> None:
    config = {
        "reduction": Reduction(n_neighbors=50, n_components=5),
        "num_clusters": 3,
        "layout": False,
    }
    first = _fit_blobs(**config)
    assert first.reduced.shape == (30, 5)
    assert first.metrics["reduce"]["n_neighbors"] == 29
    assert first.metrics["ari"] == pytest.approx(1.0)
    first.save(tmp_path / "a")
    _fit_blobs(**config).save(tmp_path / "b")
    assert _file_bytes(tmp_path / "a") == _file_bytes(tmp_path / "b")


@pytest.mark.slow
def test_seed_article_paragraphs_with_umap(seed_file: Path, tmp_path: Path) -> None:
    ids, counts, words = seed_paragraphs(seed_file)
    check_hdbscan_on_paragraphs(ids, counts, words, Reduction())
    result = fit_clusters(ids, counts, words, seed=0)
    assert result.metrics["reduce"]["n_neighbors"] == len(ids) - 1
    assert result.reduced.shape == (len(ids), 5)
    assert result.metrics["num_clusters"] == auto_num_clusters(len(ids))
    assert result.metrics["layout_method"] == "umap"
    assert np.isfinite(result.assignments[["x", "y"]].to_numpy()).all()
    result.save(tmp_path / "a")
    fit_clusters(ids, counts, words, seed=0).save(tmp_path / "b")
    assert _file_bytes(tmp_path / "a") == _file_bytes(tmp_path / "b")


@pytest.mark.slow
def test_default_clustering_on_10kgnad_lsa(gnad_csv: Path) -> None:
    """k-means with the default settings separates the 10kgnad categories (LSA vectors)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    with open(gnad_csv, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    truth = [row[0] for row in rows]
    tokens = [re.findall(r"\w{4,}", row[1].lower()) for row in rows]
    tfidf = TfidfVectorizer(analyzer=lambda doc: doc, min_df=2, max_df=0.5, sublinear_tf=True)
    lsa = TruncatedSVD(100, random_state=0).fit_transform(tfidf.fit_transform(tokens))
    ids = [str(i) for i in range(len(rows))]
    result = fit_clusters(
        ids, lsa, tokens, reduction=NO_UMAP, layout=False, seed=0, true_labels=truth
    )
    assert result.metrics["nmi"] > 0.35
    assert 5 <= result.metrics["num_clusters"] <= 20


# ---------------------------------------------------------------------------------------------
# UMAP's exact neighbours, compiled


def awkward_vectors(metric_seed: int = 0) -> np.ndarray:
    """Blobs with what UMAP must treat alike: a zero vector, exact duplicates, opposite rows."""
    vectors = blobs([40, 40, 40], dim=12, spread=0.3, seed=metric_seed).astype(np.float32)
    vectors[5] = 0.0
    vectors[50] = vectors[51] = vectors[52]
    vectors[90] = -vectors[91]
    return vectors


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_distance_matrix_is_umaps_own_to_the_bit(metric: str) -> None:
    from sklearn.metrics import pairwise_distances

    from toolkit.clusters.neighbours import distance_matrix, named_distances

    vectors = awkward_vectors()
    # what UMAP computes below 4,096 vectors: its numba metric called pair by pair
    expected = pairwise_distances(vectors, metric=named_distances[metric])
    assert distance_matrix(vectors, metric).tobytes() == expected.tobytes()


def test_exact_neighbours_only_where_umap_searches_exactly(monkeypatch) -> None:
    from toolkit.clusters import neighbours

    vectors = awkward_vectors()
    assert neighbours.exact_neighbours(vectors, 5, "manhattan") is None
    indices, distances = neighbours.exact_neighbours(vectors, 5, "cosine")
    assert indices.shape == distances.shape == (len(vectors), 5)
    assert (indices[:, 0] == np.arange(len(vectors))).sum() >= len(vectors) - 3  # self first
    monkeypatch.setattr(neighbours, "SMALL_DATA", len(vectors))
    assert neighbours.exact_neighbours(vectors, 5, "cosine") is None


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_umap_with_compiled_neighbours_is_umaps_own_fit(metric: str) -> None:
    from toolkit.numba_cache import import_umap

    umap = import_umap()
    vectors = awkward_vectors()
    reduction = Reduction(n_neighbors=10, n_components=3, metric=metric)
    ours = reduce_vectors(vectors, reduction, seed=3)
    theirs = umap.UMAP(
        n_components=3, n_neighbors=10, min_dist=0.0, metric=metric, random_state=3, n_jobs=1
    ).fit_transform(vectors)
    assert ours.tobytes() == theirs.astype(np.float32).tobytes()
