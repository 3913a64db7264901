"""A sharded search index answers like one index: exactly for vector modes, and for every mode
when it has a single shard."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from toolkit.errors import ToolkitWarning
from toolkit.experiment.stages.search import warn_below_target_recall
from toolkit.search import SearchIndex
from toolkit.search.sharded import ShardedIndex

WORDS = [f"w{i}" for i in range(40)]


def corpus(n: int = 90, seed: int = 0) -> tuple[list[str], list[list[str]], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = [f"d{i:03d}" for i in range(n)]
    tokens = [list(rng.choice(WORDS, size=rng.integers(3, 12))) for _ in range(n)]
    return ids, tokens, rng.normal(size=(n, 8)), rng.normal(size=(n, 5))


def build(
    cuts: list[int], centre: np.ndarray | None = None, **params: object
) -> tuple[SearchIndex, ShardedIndex]:
    ids, tokens, dense, lsa = corpus()
    whole = SearchIndex(**params).fit(ids, tokens, dense=dense, lsa=lsa, dense_centre=centre)
    bounds = [0, *cuts, len(ids)]
    shards = [
        SearchIndex(**params).fit(
            ids[a:b], tokens[a:b], dense=dense[a:b], lsa=lsa[a:b], dense_centre=centre
        )
        for a, b in itertools.pairwise(bounds)
    ]
    return whole, ShardedIndex(shards)


def same(a: list, b: list) -> None:
    assert [(h.id, h.rank) for h in a] == [(h.id, h.rank) for h in b]
    assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-6)
    assert [h.shared_terms for h in a] == [h.shared_terms for h in b]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical", "lsa"])
def test_one_shard_answers_like_the_index(mode: str) -> None:
    whole, sharded = build([])
    for doc_id in ["d000", "d045", "d089"]:
        same(whole.similar(doc_id, k=7, mode=mode), sharded.similar(doc_id, k=7, mode=mode))
    query = ["w1", "w2", "w2", "unbekannt"]
    vectors = {"query_dense": np.ones(8), "query_lsa": -np.ones(5)}
    hits_a = whole.search(query, k=5, mode=mode, **vectors)
    hits_b = sharded.search(query, k=5, mode=mode, **vectors)
    same(hits_a, hits_b)
    assert [h.match for h in hits_a] == pytest.approx([h.match for h in hits_b])


@pytest.mark.parametrize("centred", [False, True])
@pytest.mark.parametrize("mode", ["dense", "lsa"])
def test_vector_modes_are_exact_across_shards(mode: str, centred: bool) -> None:
    # one centre for every shard (the search stage's), so the shards' scores compare
    centre = np.full(8, 0.2) if centred else None
    whole, sharded = build([20, 21, 60], centre)
    rng = np.random.default_rng(3)
    mask = rng.random(90) > 0.3
    for doc_id in ["d000", "d020", "d070"]:
        same_ids = [h.id for h in whole.similar(doc_id, k=10, mode=mode, mask=mask)]
        assert [h.id for h in sharded.similar(doc_id, k=10, mode=mode, mask=mask)] == same_ids
    vector = rng.normal(size=8 if mode == "dense" else 5)
    kwargs = {"query_dense": vector} if mode == "dense" else {"query_lsa": vector}
    expected = [(h.id, round(h.score, 6)) for h in whole.search(["w1"], k=10, mode=mode, **kwargs)]
    found = [(h.id, round(h.score, 6)) for h in sharded.search(["w1"], k=10, mode=mode, **kwargs)]
    assert found == expected


def test_hits_carry_global_positions_and_the_query_article_is_excluded() -> None:
    _, sharded = build([30, 60])
    hits = sharded.similar("d045", k=89, mode="lsa")
    assert "d045" not in [h.id for h in hits]
    assert all(sharded.doc_ids[h.index] == h.id for h in hits)
    assert len({h.id for h in hits}) == 89


def test_lexical_merge_keeps_the_documents_sharing_query_words(tmp_path) -> None:
    whole, sharded = build([45])
    hits = sharded.search(["w7", "w8"], k=90, mode="lexical")
    expected = {h.id for h in whole.search(["w7", "w8"], k=90, mode="lexical")}
    assert {h.id for h in hits} == expected
    sharded.save(tmp_path)
    again = ShardedIndex.load(tmp_path)
    assert [h.id for h in again.similar("d001", k=5)] == [
        h.id for h in sharded.similar("d001", k=5)
    ]


def test_nothing_to_search_for() -> None:
    _, sharded = build([45])
    with pytest.raises(ValueError, match="nothing to search for"):
        sharded.search(["unbekannt"], k=3, mode="hybrid")
    with pytest.raises(ValueError, match="nothing to search for"):
        sharded.search(["w1"], k=3, mode="dense")


def test_a_shard_below_the_target_recall_is_a_warning_naming_it() -> None:
    _, sharded = build([45], mode="dense", ann_min_size=1, seed=2)
    assert all(shard.ann.recall_at_10 == pytest.approx(1.0) for shard in sharded.shards)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_below_target_recall(sharded, 0.95)  # every shard reaches it: silent
    sharded.shards[1].ann.recall_at_10 = 0.8  # as a shard of close-packed articles reports
    with pytest.warns(ToolkitWarning, match=r"index of shard 1 finds 0\.800 .* ef_search 128"):
        warn_below_target_recall(sharded, 0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_below_target_recall(sharded, None)


def test_the_search_stage_centres_on_the_sample(tmp_path) -> None:
    from toolkit.clusters.combine import mean_direction
    from toolkit.experiment import config_from_mapping
    from toolkit.experiment.partitions import sample_positions
    from toolkit.experiment.stages.search import CENTRE_MIN_DOCS, dense_centre

    vectors = np.random.default_rng(1).normal(size=(300, 6)).astype(np.float32) + 2.0
    np.save(tmp_path / "doc_vectors.npy", vectors)
    path = str(tmp_path / "doc_vectors.npy")
    spec = {"name": "c", "seed": 4, "corpus": {"path": "x"}, "embeddings": {}, "search": {}}
    config = config_from_mapping({**spec, "compute": {"sample": 100}})
    rows = sample_positions(300, 100, 4)
    np.testing.assert_array_equal(dense_centre(path, 300, config), mean_direction(vectors[rows]))
    whole = config_from_mapping(spec)
    np.testing.assert_array_equal(dense_centre(path, 300, whole), mean_direction(vectors))
    assert dense_centre(path, CENTRE_MIN_DOCS - 1, whole) is None
    off = config_from_mapping({**spec, "search": {"centre_dense": False}})
    assert dense_centre(path, 300, off) is None
    lsa = config_from_mapping({**spec, "embeddings": {"backend": "lsa"}})
    assert dense_centre(path, 300, lsa) is None
