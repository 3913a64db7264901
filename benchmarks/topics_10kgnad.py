"""Where topic coherence goes on 10kGNAD: candidate settings under the peers' common evaluator.

Each candidate changes one thing (the last rows: a combination) against the default topics
(text pipeline and topic model as ``experiments/10kgnad.yaml`` sets them, K = 9), fitted with
seeds 0, 1, 2 exactly as the peers suite fits the toolkit: every unit fitted, no hold-out, the
top 25 words of ``topics.csv``. Scores come from :mod:`benchmarks.peers.evaluator` (its own tokens,
simplemma lemmas, spaCy stop words, gensim ``CoherenceModel``): c_npmi and c_v of the top 10
words, diversity of the top 25, NMI of each article's argmax topic against its label,
stability (top-10 Jaccard of seeds 1 and 2 against seed 0); ``own_c_npmi`` is the toolkit's own
figure for seed 0 (its tokens, its dictionary). scikit-learn NMF as the peers suite runs it is
the reference row; a second reference row runs it on the articles after the toolkit's
boilerplate filter, since the first spends a topic on the agency boilerplate (the reference
rows keep each topic's c_npmi). "c-TF-IDF ranking" keeps the default fit and ranks each topic's
words by the TF-IDF mass of its articles, weighted by their shares of the topic.

Usage::

    .venv/bin/python benchmarks/topics_10kgnad.py [--quick] [--only default "no phrases"]

Writes ``benchmarks/results/topics_10kgnad.json`` (after every candidate) and prints a table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.peers.evaluator import Evaluator, diversity, stability  # noqa: E402
from benchmarks.peers.systems import read_labelled_csv  # noqa: E402
from toolkit import io  # noqa: E402
from toolkit.corpus.document import Document  # noqa: E402
from toolkit.progress import set_quiet  # noqa: E402
from toolkit.text import TextPipeline, TokenizedCorpus  # noqa: E402
from toolkit.text.boilerplate import BoilerplateFilter  # noqa: E402
from toolkit.topics import fit_topics  # noqa: E402
from toolkit.topics.base import top_words  # noqa: E402
from toolkit.topics.fit import modelling_units  # noqa: E402

DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")
K = 9
TEXT = {"extra_stopwords": ["standard", "derstandard"]}  # as experiments/10kgnad.yaml
# (name, text pipeline changes, topic model changes): one change each against the default
CANDIDATES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("default", {}, {}),
    ("words by relevance alone (no coherent choice)", {}, {"word_candidates": 0}),
    ("coherent choice among 20", {}, {"word_candidates": 20}),
    ("coherent choice among 50", {}, {"word_candidates": 50}),
    ("no phrases, coherent choice", {"phrases": False}, {}),
    ("boilerplate kept", {"boilerplate": False}, {}),
    ("words by probability (relevance 1.0)", {}, {"relevance": 1.0}),
    ("relevance 0.6", {}, {"relevance": 0.6}),
    ("no phrases", {"phrases": False}, {}),
    ("no phrases, relevance 1.0", {"phrases": False}, {"relevance": 1.0}),
    ("no_above 0.2", {"no_above": 0.2}, {}),
    ("no_below 5", {"no_below": 5}, {}),
    ("alpha symmetric", {}, {"alpha": "symmetric"}),
    ("eta 0.01", {}, {"eta": 0.01}),
    ("passes 3", {}, {"passes": 3}),
    ("random start (gensim's own)", {}, {"init": "random"}),
    ("NMF model", {}, {"model": "nmf"}),
    ("c-TF-IDF ranking", {}, {"rank": "ctfidf"}),
    ("no phrases, c-TF-IDF ranking", {"phrases": False}, {"rank": "ctfidf"}),
    ("no phrases, no news stop words", {"phrases": False, "news_stopwords": False}, {}),
    (
        "no phrases, no news stop words, passes 1",
        {"phrases": False, "news_stopwords": False},
        {"passes": 1},
    ),
    (
        "NMF model, no phrases, no news stop words",
        {"phrases": False, "news_stopwords": False},
        {"model": "nmf"},
    ),
]


def tokens_for(docs: list[Document], changes: dict[str, Any], memo: dict) -> TokenizedCorpus:
    """The corpus through the text pipeline with ``changes`` (each setting tokenised once)."""
    key = repr(sorted(changes.items()))
    if key not in memo:
        memo[key] = TextPipeline(**{**TEXT, **changes}).fit_transform(docs)
    return memo[key]


def ctfidf_words(corpus: TokenizedCorpus, result: Any, top_n: int = 25) -> list[list[str]]:
    """Each topic's words ranked by ``sum_d share(d, k) * tfidf(d, w)`` over the articles."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    index, units = modelling_units(corpus, "article")
    columns = {word: i for i, word in enumerate(result.vocabulary)}
    matrix = TfidfVectorizer(analyzer=lambda doc: doc, vocabulary=columns).fit_transform(units)
    shares = result.doc_topics[[d for d, _ in index]]
    mass = np.asarray((matrix.T @ shares).T)
    return top_words(np.log(mass + 1e-12), result.vocabulary, top_n)


def toolkit_fits(
    corpus: TokenizedCorpus, changes: dict[str, Any], seeds: list[int]
) -> tuple[list[list[list[str]]], np.ndarray, float | None]:
    """Top 25 words of each seed's fit, seed 0's argmax topics and its own c_npmi."""
    fits, assignment, own = [], np.zeros(0), None
    changes = dict(changes)
    rank = changes.pop("rank", None)
    for seed in seeds:
        result = fit_topics(
            corpus, num_topics=K, stability_seeds=0, holdout=0.0, top_n=25,
            coherence=["c_npmi"], seed=seed, **changes,
        )  # fmt: skip
        table = result.topic_table.sort_values(["topic", "rank"])
        words = [list(group["word"]) for _, group in table.groupby("topic")]
        fits.append(ctfidf_words(corpus, result) if rank == "ctfidf" else words)
        if seed == seeds[0]:
            assignment = result.doc_topics.argmax(axis=1)
            own = result.metrics["coherence_c_npmi"]
    return fits, assignment, own


def sklearn_nmf_fits(
    ev: Evaluator, seeds: list[int], tokens: list[list[str]] | None = None
) -> tuple[list, np.ndarray]:
    """The peers suite's scikit-learn NMF (defaults, TF-IDF of the evaluator's tokens, or of
    ``tokens`` in the evaluator's space)."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix_of = TfidfVectorizer(analyzer=lambda doc: doc, lowercase=False)
    matrix = matrix_of.fit_transform(ev.tokens if tokens is None else tokens)
    vocabulary = matrix_of.get_feature_names_out()
    fits, assignment = [], np.zeros(0)
    for seed in seeds:
        model = NMF(n_components=K, random_state=seed)
        doc_topics = model.fit_transform(matrix)
        order = np.argsort(-model.components_, axis=1, kind="stable")[:, :25]
        fits.append([[str(vocabulary[i]) for i in row] for row in order])
        if seed == seeds[0]:
            assignment = doc_topics.argmax(axis=1)
    return fits, assignment


def references(ev: Evaluator, docs: list[Document], seeds: list[int]) -> list[dict[str, Any]]:
    """scikit-learn NMF as the peers run it, and on the articles without their boilerplate."""
    cleaned = BoilerplateFilter().fit(docs).transform(docs)
    rows = []
    for name, tokens in (
        ("scikit-learn NMF (peers' reference)", None),
        ("scikit-learn NMF, boilerplate removed", [ev.tokeniser(d.text) for d in cleaned]),
    ):
        tick = time.perf_counter()
        row = {"candidate": name, **scores(ev, *sklearn_nmf_fits(ev, seeds, tokens))}
        mapped = ev.map_topics(row["top_words"]).topics
        row["c_npmi_per_topic"] = [round(x, 3) for x in ev.coherence_per_topic(mapped, "c_npmi")]
        rows.append({**row, "own_c_npmi": None, "seconds": time.perf_counter() - tick})
        print(f"{name}: c_npmi={row['c_npmi']:.3f} per topic {row['c_npmi_per_topic']}")
    return rows


def scores(ev: Evaluator, fits: list, assignment: np.ndarray) -> dict[str, Any]:
    """The peers suite's scores of one candidate's fits."""
    mapped = [ev.map_topics(words) for words in fits]
    return {
        "c_npmi": ev.coherence(mapped[0].topics, "c_npmi"),
        "c_v": ev.coherence(mapped[0].topics, "c_v"),
        "diversity": diversity(mapped[0].topics, 25),
        "nmi": ev.partition(assignment, None)["nmi"],
        "stability": stability([m.topics for m in mapped]),
        "top_words": [words[:10] for words in fits[0]],
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| candidate | c_npmi | c_v | diversity | NMI | stability | own c_npmi | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        own = "–" if r.get("own_c_npmi") is None else f"{r['own_c_npmi']:.3f}"
        lines.append(
            f"| {r['candidate']} | {r['c_npmi']:.3f} | {r['c_v']:.3f} | {r['diversity']:.3f} | "
            f"{r['nmi']:.3f} | {r['stability']:.3f} | {own} | {r['seconds']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="seeds 0 and 1 only")
    parser.add_argument("--only", nargs="+", help="candidate names to run")
    args = parser.parse_args()
    set_quiet(True)
    seeds = [0, 1] if args.quick else [0, 1, 2]
    texts, labels = read_labelled_csv(DATA / "corpora" / "10kgnad" / "test.csv")
    docs = [
        Document.from_text(f"gnad/{i}", text, label=label)
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
    ]
    ev = Evaluator.fit(texts, labels)
    rows = references(ev, docs, seeds)
    results = ROOT / "benchmarks" / "results" / "topics_10kgnad.json"
    if args.only and results.is_file():  # the other candidates' rows stay as last measured
        kept = [r for r in io.read_json(results)["rows"] if r["candidate"] not in args.only]
        rows += [r for r in kept if r["candidate"] not in {x["candidate"] for x in rows}]
    memo: dict = {}
    for name, text_changes, topic_changes in CANDIDATES:
        if args.only and name not in args.only:
            continue
        tick = time.perf_counter()
        corpus = tokens_for(docs, text_changes, memo)
        fits, assignment, own = toolkit_fits(corpus, topic_changes, seeds)
        rows.append({"candidate": name, "text": text_changes, "topics": topic_changes,
                     **scores(ev, fits, assignment), "own_c_npmi": own,
                     "seconds": time.perf_counter() - tick})  # fmt: skip
        print(f"{name}: " + ", ".join(f"{k}={rows[-1][k]:.3f}" for k in ("c_npmi", "c_v", "nmi")))
        io.write_json(
            results,
            {"k": K, "seeds": seeds, "documents": len(texts), "text_base": TEXT, "rows": rows},
        )
    print()
    print(table(rows))
    print("\nseconds: text pipeline (first use of a setting) and fits, under load: upper bounds")


if __name__ == "__main__":
    main()
