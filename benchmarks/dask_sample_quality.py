"""What fitting on a sample costs: 10kGNAD with its models fitted on 300 articles against all 1,028.

A large corpus's models (phrases and dictionary, LDA, LSA, the static term weights, the theme
scorer, clusters) are fitted on ``compute.sample`` articles and applied to every article. Here
``experiments/10kgnad.yaml`` runs with ``compute.sample`` = each ``--samples`` value and once
without a sample (every article fitted), same seed, and every run is scored on all 1,028
articles against the 9 labels:

* topics: NMI of each article's strongest topic; NPMI and c_v of the topics' top 10 words, both
  counted in the whole corpus (the full run's tokens, so every run is measured alike);
* search: label precision@10 of ``similar`` for every article (the index alone, hybrid);
* clusters: NMI of the clusters of all articles (those beyond the sample joined by centroid);
* themes: share of paragraphs given a theme, and the paragraphs whose theme agrees with the
  full run's.

Run: ``python benchmarks/dask_sample_quality.py [--samples 300 600]``; writes
``benchmarks/results/dask_sample_quality.json``. Quality does not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from gensim.corpora import Dictionary
from sklearn.metrics import normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.experiment import Run, execute, load_config  # noqa: E402
from toolkit.experiment.stages import TextStage  # noqa: E402
from toolkit.io import write_json  # noqa: E402
from toolkit.topics import topic_coherence  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "dask_sample_quality.json"
CONFIG = ROOT / "experiments" / "10kgnad.yaml"


def run_with(sample: int | None, work: Path) -> Run:
    """``experiments/10kgnad.yaml`` fitted on ``sample`` articles (None: all), in this process."""
    value = "null" if sample is None else str(sample)
    config = load_config(CONFIG, [f"compute.sample={value}", "output.plots=false"])
    name = f"sample-{value}"
    return Run(execute(config, work / name, work / "cache"))


def precision_at_10(run: Run) -> float:
    """Mean share of an article's 10 nearest articles with its label."""
    labels = run.documents.set_index("id")["label"]
    shares = [
        np.mean([labels[hit.id] == labels[doc_id] for hit in run.index.similar(doc_id, k=10)])
        for doc_id in run.documents["id"]
    ]
    return float(np.mean(shares))


def scores(run: Run, full_tokens: list[list[str]], reference: Run | None) -> dict[str, Any]:
    """Every measure of one run on all articles (``reference``: the full run, for themes)."""
    labels = run.documents["label"].tolist()
    topics = run.topic_model
    words = [
        group.sort_values("rank")["word"].tolist()[:10]
        for _, group in topics.topic_table.groupby("topic")
    ]
    dictionary = Dictionary(full_tokens)
    clusters = run.clusters.set_index("doc_id").loc[run.documents["id"], "cluster"]
    paragraphs = run.theme_paragraphs
    result = {
        "fitted_documents": topics.metrics.get("fitted_documents"),
        "vocabulary": len(run.pipeline.dictionary_),
        "topics_nmi": normalized_mutual_info_score(labels, topics.doc_topics.argmax(axis=1)),
        "topics_c_npmi": topic_coherence(words, full_tokens, dictionary, "c_npmi", 10)[0],
        "topics_c_v": topic_coherence(words, full_tokens, dictionary, "c_v", 10)[0],
        "search_precision_at_10": precision_at_10(run),
        "clusters_nmi": normalized_mutual_info_score(labels, clusters.to_numpy()),
        "themes_paragraph_share": float((paragraphs["theme"] != "none").mean()),
    }
    if reference is not None:
        agree = paragraphs["theme"].to_numpy() == reference.theme_paragraphs["theme"].to_numpy()
        result["themes_agreement_with_full"] = float(agree.mean())
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, nargs="+", default=[300])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sample-quality-") as tmp:
        work = Path(tmp)
        full = run_with(None, work)
        tokens = full.output(TextStage).tokens.documents()
        results = {"all": scores(full, tokens, None)}
        for sample in args.samples:
            results[str(sample)] = scores(run_with(sample, work), tokens, full)
            print(sample, results[str(sample)], flush=True)
    print("all", results["all"])
    write_json(RESULTS, {"config": "experiments/10kgnad.yaml", "runs": results})


if __name__ == "__main__":
    main()
