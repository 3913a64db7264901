"""The suite's results as Markdown: tables per block, and toolkit/peer ratios per metric.

NPMI can be negative, so for it the comparison is the difference toolkit − peer, not a ratio.
NMI equals V-measure here (arithmetic normalisation), so the tables show NMI only; the JSON
has both. Re-render a results file: ``python -m benchmarks.peers.report peers.json``.

Examples
--------
>>> ratio(0.2, 0.1)
'2.00'
>>> ratio(None, 0.1)
'–'
"""

from __future__ import annotations

import math
from typing import Any

TOPIC_METRICS = ("c_npmi", "c_v", "diversity", "nmi", "outlier_share", "stability")
SIGNED = ("c_npmi",)
COST_METRICS = ("wall_seconds", "peak_mb", "docs_per_second")
TOPIC_PEERS = ("gensim_lda", "sklearn_lda", "tomotopy_lda", "sklearn_nmf", "bertopic")
# which toolkit row is compared with which peers
PAIRS = {
    "toolkit": TOPIC_PEERS,
    "toolkit_topics": TOPIC_PEERS,
    "toolkit_nmf": ("sklearn_nmf",),
    "toolkit_clusters": ("bertopic",),
}


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def ratio(toolkit: Any, peer: Any) -> str:
    """``toolkit / peer`` to two decimals, ``–`` where either is missing or the peer is 0."""
    if not isinstance(toolkit, int | float) or not isinstance(peer, int | float):
        return "–"
    if math.isnan(toolkit) or math.isnan(peer) or peer == 0:
        return "–"
    return f"{toolkit / peer:.2f}"


def compare(metric: str, toolkit: Any, peer: Any) -> str:
    """The ratio, or for a signed metric (NPMI) the difference toolkit − peer."""
    if metric not in SIGNED:
        return ratio(toolkit, peer)
    if not isinstance(toolkit, int | float) or not isinstance(peer, int | float):
        return "–"
    return "–" if math.isnan(toolkit - peer) else f"{toolkit - peer:+.3f}"


def _metric(entry: dict[str, Any], name: str) -> Any:
    return entry.get("cost", {}).get(name) if name in COST_METRICS else entry.get(name)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines


def markdown(results: dict[str, Any]) -> str:
    """The whole report (see :func:`benchmarks.peers.suite.run_suite` for the structure)."""
    mach = results["machine"]
    lines = [
        "# Toolkit vs. peers",
        "",
        f"Command: `{results['command']}`  ",
        f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram_gb']} GB RAM, "
        f"Python {mach['python']}  ",
        f"Suite time: {results['seconds']} s. **{results['noise']}**",
        "",
    ]
    if "quality" in results:
        lines += _quality(results["quality"], results["k"])
    lines += _scale(results)
    lines += ["", "## Versions", ""]
    lines += [", ".join(f"{k} {v}" for k, v in results["versions"].items())]
    return "\n".join(lines) + "\n"


def _quality(q: dict[str, Any], k: int) -> list[str]:
    systems = q["systems"]
    lines = [
        f"## Quality on {q['documents']} 10kGNAD articles ({q['note']}), K = {k}",
        "",
        "Common evaluator: regex tokens, simplemma lemmas, spaCy stop words; top words mapped "
        "into that space (a word that is an evaluator lemma already is kept as it is, others "
        "are lemmatised; `a_b` phrases split); NPMI / c_v of the top 10, diversity of the top "
        "25, NMI / V-measure of argmax topic or cluster vs. labels, stability = mean Hungarian-"
        "matched top-10 Jaccard of seed 0 vs. other seeds. Cost = seed-0 subprocess.",
        "",
    ]
    header = ["system", *TOPIC_METRICS, "dropped", *COST_METRICS, "error"]
    rows = [
        [name, *(_metric(e, m) for m in TOPIC_METRICS), e.get("dropped_words"),
         *(_metric(e, m) for m in COST_METRICS), (e.get("error") or "")[:80]]
        for name, e in systems.items()
    ]  # fmt: skip
    lines += _table(header, rows)
    lines += [
        "",
        "### Toolkit / peer: ratios (NPMI: difference); higher is better but for outliers, s, MB",
        "",
    ]
    ratio_rows = []
    for mine, peers in PAIRS.items():
        for peer in peers:
            if mine in systems and peer in systems:
                a, b = systems[mine], systems[peer]
                metrics = (*TOPIC_METRICS, *COST_METRICS)
                ratios = [compare(m, _metric(a, m), _metric(b, m)) for m in metrics]
                ratio_rows.append([f"{mine} / {peer}", *ratios])
    names = [f"{m} (Δ)" if m in SIGNED else m for m in (*TOPIC_METRICS, *COST_METRICS)]
    lines += _table(["pair", *names], ratio_rows)
    lines += ["", "### Stage seconds (seed 0)", ""]
    lines += _table(
        ["system", "stages"],
        [[n, ", ".join(f"{k} {v}" for k, v in e.get("cost", {}).get("stages", {}).items())]
         for n, e in systems.items()],
    )  # fmt: skip
    search = q.get("search", {})
    if search:
        lines += ["", "## Nearest-neighbour precision@10 (same label)", ""]
        base = search.get("semantic_search", {}).get("precision_at_10")
        lines += _table(
            ["system", "precision@10", "/ semantic_search", "error"],
            [[n, e.get("precision_at_10"), ratio(e.get("precision_at_10"), base),
              (e.get("error") or "")[:80]] for n, e in search.items()],
        )  # fmt: skip
    return lines


def _scale(results: dict[str, Any]) -> list[str]:
    lines = ["", "## Scale on synthetic corpora (seed 0)", "", results["synthetic"]["generator"]]
    lines += [
        f"over the 10kGNAD evaluator vocabulary ({results['synthetic']['vocabulary']} lemmas "
        "seen twice or more); NMI against each document's dominant generating topic. "
        "BERTopic only up to 10,000 documents: encoding is hours on 2 cores above that.",
        "",
    ]
    rows = []
    for point in results["scale"].values():
        for name, e in point["systems"].items():
            c = e["cost"]
            error = (e.get("error") or "")[:60]
            rows.append([point["documents"], name, c["wall_seconds"], c["peak_mb"],
                         c["docs_per_second"], e.get("nmi"), error])  # fmt: skip
    lines += _table(["docs", "system", "seconds", "peak MB", "docs/s", "nmi", "error"], rows)
    sizes = list(results["scale"].values())
    if len(sizes) > 1:
        lo, hi = sizes[0], sizes[-1]
        lines += ["", f"Growth {lo['documents']} → {hi['documents']} documents (time, memory):", ""]
        growth = [
            [name, ratio(hi["systems"][name]["cost"]["wall_seconds"], e["cost"]["wall_seconds"]),
             ratio(hi["systems"][name]["cost"]["peak_mb"], e["cost"]["peak_mb"])]
            for name, e in lo["systems"].items() if name in hi["systems"]
        ]  # fmt: skip
        lines += _table(["system", "time ×", "memory ×"], growth)
    return lines


def main(argv: list[str]) -> None:
    from pathlib import Path

    from toolkit.io import read_json, write_text

    if len(argv) != 1:
        raise SystemExit("usage: python -m benchmarks.peers.report RESULTS/peers.json")
    path = Path(argv[0])
    text = markdown(read_json(path))
    write_text(path.with_suffix(".md"), text)
    print(text)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
