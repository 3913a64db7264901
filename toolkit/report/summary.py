"""A plain-text summary of a run, for ``toolkit runs show``."""

from __future__ import annotations

from typing import Any

from toolkit.report.format import metric_value, shown_path

HEADLINE = {
    "corpus": ("documents", "skipped"),
    "text": ("tokens", "vocabulary"),
    "topics": (
        "model",
        "num_topics",
        "unit",
        "coherence_c_npmi",
        "coherence_c_v",
        "diversity",
        "stability",
        "heldout_perplexity",
    ),
    "embeddings": ("documents", "paragraphs", "dim"),
    "clusters": ("num_clusters", "outlier_share", "silhouette", "nmi", "ari", "v_measure"),
    "themes": ("paragraph_share",),
    "search": ("documents", "modes"),
}


def summarize_run(run: Any) -> str:
    """Name, time, stages with timings and cache hits, and headline metrics of each stage."""
    manifest = run.manifest
    lines = [
        f"run       {shown_path(run.path)}",
        f"name      {manifest.get('name')}   seed {manifest.get('seed')}",
        f"finished  {manifest.get('finished')}   ({manifest.get('seconds')} s)",
        f"toolkit   {manifest.get('toolkit')}   commit {(manifest.get('git') or {}).get('commit')}",
        "",
        "stage        seconds  cached  metrics",
    ]
    for stage in run.stages:
        record = manifest.get("stages", {}).get(stage, {})
        metrics = run.metrics.get(stage, {})
        shown = [
            f"{k}={metric_value(k, metrics[k])}" for k in HEADLINE.get(stage, ()) if k in metrics
        ]
        lines.append(
            f"{stage:<12} {record.get('seconds', ''):>7}  "
            f"{'yes' if record.get('cache_hit') else 'no':>6}"
            f"  {'  '.join(shown)}"
        )
    return "\n".join(lines)
