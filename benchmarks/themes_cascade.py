"""Could the themes' context read only the paragraphs a cheap first pass keeps? A measurement.

The themes' context is the sentence model over every paragraph's gloss: the most expensive
pass of a whole run (see the speed notes in the README). A cascade would run it only on the
paragraphs that a cheap first pass cannot rule out, and call every other paragraph ``none``.
This script measures, on the labelled theme paragraphs mixed into 10kGNAD (as
``themes_mixed.py`` builds them, with the full context), what such a cascade would keep:

* the cheap rankings of the paragraphs, each by its best theme:
  ``static`` — cosine of the paragraph's static gloss vector (the embeddings' static input) to
  the theme's description and seeds encoded the same way; ``corpus`` — the scorer's evidence
  without any gloss-based kind (seed terms and TF-IDF prototypes); ``union`` — half the kept
  share from each;
* for each kept share of the paragraphs: the recall of the paragraphs the full scorer themes,
  and the macro-F1 and 10kGNAD themed share if every paragraph outside the kept set were
  ``none`` (the full scores inside it: an upper bound of what a cascade could reach, since its
  self-training would see only the kept paragraphs);
* ``cascade@share``: the cascade a run does with ``themes.settings.context_share``
  (:class:`~toolkit.themes.cascade.ContextSelector`: the seeded paragraphs' context, themes
  fitted on it, the share of the rest by their corpus evidence, then the scorer fitted on the
  context of what was read): the share of paragraphs read (``seeded`` first), macro-F1, the
  10kGNAD themed share, and ``selection_only`` — the full scorer's labels where the cascade
  reads (``none`` elsewhere), which tells the selection's loss from the refit's.

Run: ``TOOLKIT_DATA=../shared python benchmarks/themes_cascade.py``; writes
``benchmarks/results/themes_cascade.json``.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from themes_eval import DEV, DEV2, DEV3, Dataset, report, scorer_for  # noqa: E402
from themes_mixed import shared_inputs  # noqa: E402

from toolkit.embeddings import make_encoder  # noqa: E402
from toolkit.embeddings.inputs import input_encoder  # noqa: E402
from toolkit.io import write_json  # noqa: E402
from toolkit.themes.cascade import ContextSelector  # noqa: E402

SHARES = (0.05, 0.1, 0.2, 0.3)
CASCADE_SHARES = (0.0, 0.1, 0.2, 0.3, 0.4)
GLOSS_KINDS = ("gloss", "prototype", "embedding")


def kept_by(ranking: np.ndarray, share: float) -> np.ndarray:
    """The ``share`` of paragraphs with the highest ``ranking`` (ties: the earlier)."""
    keep = np.zeros(len(ranking), dtype=bool)
    keep[np.argsort(-ranking, kind="stable")[: round(share * len(ranking))]] = True
    return keep


def rankings(data: Dataset, scorer, themes: dict, static_encoder) -> dict[str, np.ndarray]:
    """Each paragraph's best-theme score under each cheap first pass."""
    static = static_encoder.encode(data.texts)
    queries = static_encoder.encode(
        [f"{t.description} {' '.join(t.seeds)}" for t in themes.values()]
    )
    evidence = scorer.evidence(data.tokens, data.vectors, data.gloss_vectors)
    cheap = {k: v for k, v in evidence.items() if k not in GLOSS_KINDS}
    return {
        "static": (static @ queries.T).max(axis=1),
        "corpus": scorer.combine(cheap).max(axis=1),
    }


def cascade(data: Dataset, themes: dict, encoder, gloss, share: float, full: np.ndarray) -> dict:
    """The cascade as a run does it: the first pass, then the scorer fitted with the context of
    the kept paragraphs only (every other row of the gloss vectors NaN)."""
    selector = ContextSelector(themes, share=share, analyze=data.analyze).fit(data.tokens)
    seeded = selector.seeded(data.tokens)
    first = np.where(seeded[:, None], data.gloss_vectors, np.nan)
    keep = selector.refine(data.tokens, first, gloss).select(data.tokens)
    partial = copy.copy(data)
    partial.gloss_vectors = np.where(keep[:, None], data.gloss_vectors, np.nan)
    scorer = scorer_for(partial, themes, encoder, gloss)
    labels = np.array(scorer.assign(scorer.score(data.tokens, data.vectors, partial.gloss_vectors)))
    read = {"seeded": round(float(seeded.mean()), 4), "read": round(float(keep.mean()), 4)}
    # the selection alone: the full scorer's labels where the cascade reads
    masked = _scores(data, np.where(keep, full, "none"), data.n_labelled)
    return {**read, **_scores(data, labels, data.n_labelled), "selection_only": masked}


def measure(data: Dataset, themes: dict, encoder, gloss, static_encoder) -> dict:
    scorer = scorer_for(data, themes, encoder, gloss)
    full = np.array(scorer.assign(scorer.score(data.tokens, data.vectors, data.gloss_vectors)))
    themed = full != "none"
    n = data.n_labelled
    ranks = rankings(data, scorer, themes, static_encoder)
    out: dict = {
        "paragraphs": len(full),
        "full": {**_scores(data, full, n), "themed": int(themed.sum())},
    }
    for share in SHARES:
        kept = {name: kept_by(rank, share) for name, rank in ranks.items()}
        kept["union"] = kept_by(ranks["static"], share / 2) | kept_by(ranks["corpus"], share / 2)
        for name, keep in kept.items():
            bound = np.where(keep, full, "none")
            out[f"{name}@{share}"] = {
                "recall_of_themed": round(float((keep & themed).sum() / max(themed.sum(), 1)), 4),
                **_scores(data, bound, n),
            }
    for share in CASCADE_SHARES:
        out[f"cascade@{share}"] = cascade(data, themes, encoder, gloss, share, full)
    return out


def _scores(data: Dataset, labels: np.ndarray, n: int) -> dict:
    result = {"macro_f1": round(report(data.labels, list(labels[:n]))["macro_f1"], 4)}
    if data.n_extra:
        result["gnad_share"] = round(float((labels[n:] != "none").mean()), 4)
    return result


def main() -> None:
    themes, encoder, glosser, gloss, gnad = shared_inputs()
    terms = make_encoder("onnx", quantize=False)
    results = {}
    for path in (DEV, DEV2, DEV3):
        data = Dataset(path, encoder, glosser, gnad)
        static = input_encoder(encoder.encoder, "static", term_encoder=terms).fit(data.texts)
        results[data.name] = measure(data, themes, encoder, gloss, static)
        full = results[data.name]["full"]
        print(f"{data.name}: full macro-F1 {full['macro_f1']}, themed {full['themed']}")
        for key, row in results[data.name].items():
            if "@" in key:
                print(f"  {key:14s} {row}", flush=True)
    write_json(ROOT / "benchmarks" / "results" / "themes_cascade.json", results)


if __name__ == "__main__":
    main()
