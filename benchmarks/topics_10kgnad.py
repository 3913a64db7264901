"""Topic models on 10kgnad: the toolkit's default LDA and NMF against plain gensim LDA.

For each K: mean c_npmi and c_v of the top 10 words (gensim CoherenceModel over the same
tokens of the whole corpus, for every model), topic diversity (top 25 words), stability over
three seeds (top-10 Jaccard, Hungarian matching), NMI of each article's argmax topic against
its label, and the fit time of one model. All models see the same tokens and dictionary, from
the toolkit's text pipeline with default settings.

Usage::

    .venv/bin/python benchmarks/topics_10kgnad.py [--k 9 20 50] [--quick] [--set passes=10]
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np
from gensim.models import LdaModel
from sklearn.metrics import normalized_mutual_info_score

from toolkit import io
from toolkit.config import TopicsConfig
from toolkit.corpus.document import Document
from toolkit.progress import set_quiet
from toolkit.text import TextPipeline
from toolkit.topics import topic_coherence, topic_diversity, topic_stability
from toolkit.topics.base import normalize_rows, top_words
from toolkit.topics.stage import make_model

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_DATA") or ROOT.parent / "shared")


def read_gnad(path: Path) -> tuple[list[Document], list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar="'"))
    docs = [Document.from_text(f"gnad/{i}", row[1], label=row[0]) for i, row in enumerate(rows)]
    return docs, [row[0] for row in rows]


def fit_gensim_default(texts, dictionary, k, seed):
    """Plain gensim LdaModel with its default settings; returns (topic_word, doc_topics)."""
    bows = [dictionary.doc2bow(t) for t in texts]
    model = LdaModel(bows, num_topics=k, id2word=dictionary, random_state=seed)
    gamma, _ = model.inference(bows)
    return normalize_rows(model.get_topics()), normalize_rows(gamma)


def fit_toolkit(config, texts, dictionary, seed):
    model = make_model(config, seed).fit(texts, dictionary)
    return model.topic_word_, model.transform(texts)


def parse_overrides(pairs: list[str]) -> dict:
    settings = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        try:
            settings[key] = float(value) if "." in value else int(value)
        except ValueError:
            settings[key] = None if value == "None" else value
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k", type=int, nargs="+", default=[9, 20, 50])
    parser.add_argument("--quick", action="store_true", help="K=9 only, stability over 2 seeds")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        help="TopicsConfig field for the toolkit models, e.g. passes=10",
    )
    parser.add_argument(
        "--models", nargs="+", default=["toolkit_lda", "toolkit_nmf", "gensim_default"]
    )
    args = parser.parse_args()
    set_quiet(True)
    ks = [9] if args.quick else args.k
    seeds = [0, 1] if args.quick else [0, 1, 2]

    docs, labels = read_gnad(DATA / "corpora" / "10kgnad" / "test.csv")
    tic = time.perf_counter()
    corpus = TextPipeline().fit_transform(docs)
    text_seconds = time.perf_counter() - tic
    texts, dictionary = corpus.documents(), corpus.dictionary
    vocabulary = [dictionary[i] for i in range(len(dictionary))]
    print(
        f"10kgnad: {len(docs)} articles, {len(vocabulary)} words, "
        f"{sum(map(len, texts))} tokens; text pipeline {text_seconds:.1f} s"
    )

    overrides = parse_overrides(args.overrides)
    rows: list[dict] = []

    def save() -> None:
        # rewritten after every model, so a long run that is stopped keeps what it measured
        io.write_json(
            ROOT / "benchmarks" / "results" / "topics_10kgnad.json",
            {
                "corpus": {
                    "documents": len(docs),
                    "vocabulary": len(vocabulary),
                    "tokens": sum(map(len, texts)),
                },
                "seeds": seeds,
                "lda_overrides": overrides,
                "text_seconds": text_seconds,
                "rows": rows,
            },
        )

    for k in ks:
        lda_config = TopicsConfig(num_topics=k, model="lda", **overrides)
        nmf_config = TopicsConfig(num_topics=k, model="nmf")
        fitters = {
            "toolkit_lda": lambda s, c=lda_config: fit_toolkit(c, texts, dictionary, s),
            "toolkit_nmf": lambda s, c=nmf_config: fit_toolkit(c, texts, dictionary, s),
            "gensim_default": lambda s, k=k: fit_gensim_default(texts, dictionary, k, s),
        }
        for name in args.models:
            fitted, seconds = [], []
            for seed in seeds:
                tic = time.perf_counter()
                fitted.append(fitters[name](seed))
                seconds.append(time.perf_counter() - tic)
            topic_word, doc_topics = fitted[0]
            words = top_words(topic_word, vocabulary, 25)
            npmi, _ = topic_coherence(words, texts, dictionary, "c_npmi", 10)
            c_v, _ = topic_coherence(words, texts, dictionary, "c_v", 10)
            others = [top_words(tw, vocabulary, 10) for tw, _ in fitted[1:]]
            stability, _ = topic_stability([w[:10] for w in words], others)
            row = {
                "k": k,
                "model": name,
                "c_npmi": npmi,
                "c_v": c_v,
                "diversity": topic_diversity(words, 25),
                "stability": stability,
                "nmi": normalized_mutual_info_score(labels, doc_topics.argmax(axis=1)),
                "fit_seconds": float(np.median(seconds)),
            }
            rows.append(row)
            save()
            print(
                f"K={k} {name}: " + ", ".join(f"{key}={row[key]:.3f}" for key in list(row)[2:]),
                flush=True,
            )

    print()
    print("| K | model | c_npmi | c_v | diversity | stability | NMI | fit s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['k']} | {r['model']} | {r['c_npmi']:.3f} | {r['c_v']:.3f} | "
            f"{r['diversity']:.3f} | {r['stability']:.3f} | {r['nmi']:.3f} | "
            f"{r['fit_seconds']:.1f} |"
        )
    print(
        f"\nstability over seeds {seeds}; fit s = median over those fits. Timings are noisy: "
        "other CPU-heavy jobs shared this 2-core machine."
    )


if __name__ == "__main__":
    main()
