"""The report's technical details: provenance, stage timings, every metric, the config.

Nothing here names the machine that made the run: input files and configured paths are shown
by file name (with the input's hash), never as absolute paths.
"""

from __future__ import annotations

import ntpath
import posixpath
from typing import Any

from toolkit.report.format import Column, html_table, metrics_frame, number
from toolkit.report.sections import esc

GLOSSARY = {
    "coherence_c_npmi": "normalised pointwise mutual information of each topic's top words "
    "in the corpus (−1 to 1; higher: the words occur together more often)",
    "coherence_c_v": "c_v coherence of the top words (0 to 1; higher is better)",
    "coherence_u_mass": "UMass coherence (usually negative; nearer 0 is better)",
    "diversity": "share of distinct words among all topics' top words (1: no word is shared)",
    "stability": "how well the topics of refits with other seeds match these (1: identical)",
    "heldout_perplexity": "perplexity of held-out text (lower is better)",
    "silhouette": "how clearly each item sits in its own cluster (−1 to 1)",
    "nmi": "agreement of the clusters with the articles' sections (0 to 1); also ari, "
    "v_measure, homogeneity, completeness",
    "outlier_share": "share of items in no cluster (HDBSCAN)",
    "paragraph_share": "share of paragraphs per best theme (document_share: of articles)",
}


def is_absolute(value: str) -> bool:
    """Whether ``value`` looks like an absolute POSIX or Windows path.

    Examples
    --------
    >>> is_absolute("/home/me/data.csv"), is_absolute("C:\\\\data\\\\x.csv"), is_absolute("x.csv")
    (True, True, False)
    """
    return posixpath.isabs(value) or (len(value) > 2 and ntpath.isabs(value))


def path_name(value: str) -> str:
    """The last part of a path (``/a/b/articles.jsonl`` -> ``articles.jsonl``).

    Examples
    --------
    >>> path_name("/work/runs"), path_name("C:\\\\data\\\\news.csv")
    ('runs', 'news.csv')
    """
    return ntpath.basename(value.rstrip("/\\")) if "\\" in value else posixpath.basename(value)


def without_machine_paths(value: Any) -> Any:
    """``value`` (nested dicts and lists) with every path that leaves the run folder (absolute,
    or relative and climbing out with ``..``) cut to its file name.

    Examples
    --------
    >>> without_machine_paths({"corpus": {"path": "/srv/x/articles.jsonl"}, "n": [1, "/tmp"]})
    {'corpus': {'path': 'articles.jsonl'}, 'n': [1, 'tmp']}
    """
    if isinstance(value, dict):
        return {k: without_machine_paths(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_machine_paths(v) for v in value]
    if isinstance(value, str) and (is_absolute(value) or value.startswith("../")):
        return path_name(value)
    return value


def input_files(manifest: dict[str, Any]) -> dict[str, str]:
    """Input file -> SHA-256, as the corpus stage hashed them (names relative to the corpus)."""
    corpus = (manifest.get("stages") or {}).get("corpus") or {}
    return dict((corpus.get("settings") or {}).get("files") or manifest.get("inputs") or {})


def provenance(run: Any) -> str:
    """Toolkit version and commit, Python, seed, when and how long, and the input files."""
    manifest = run.manifest
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "")[:10]
    dirty = " (with uncommitted changes)" if git.get("dirty") else ""
    rows = [
        ("run", run.path.name),
        ("made with", f"toolkit {manifest.get('toolkit', '?')}, commit {commit or '?'}{dirty}"),
        ("Python", manifest.get("python", "?")),
        ("seed", manifest.get("seed", run.config.seed)),
        ("finished", f"{manifest.get('finished', '?')} after {number(manifest.get('seconds'))} s"),
    ]
    rows += [
        ("input", f"{path_name(str(path))} (sha256 {str(digest)[:12]}…)")
        for path, digest in input_files(manifest).items()
    ]
    items = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">{items}</table>'


def pipeline_order(run: Any, names: list[str]) -> list[str]:
    """``names`` in the run's stage order, unknown names last (alphabetically)."""
    order = {stage: i for i, stage in enumerate(run.stages)}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def stages_table(run: Any) -> str:
    stages = run.manifest.get("stages") or {}
    rows = [
        {
            "stage": name,
            "seconds": stages[name].get("seconds"),
            "cached": stages[name].get("cache_hit"),
        }
        for name in pipeline_order(run, list(stages))
    ]
    columns = [
        Column("stage", "stage"),
        Column("seconds", "seconds", "num"),
        Column("cached", "from cache", "num", lambda v: "yes" if v else "no"),
    ]
    return f'<div class="narrow">{html_table(rows, columns)}</div>' if rows else ""


def metrics_tables(run: Any) -> str:
    """One small table per stage, in pipeline order, laid out in columns."""
    frame = metrics_frame(run.metrics)
    columns = [Column("metric", "metric"), Column("value", "value", width="45%")]
    tables = [
        html_table(frame[frame["stage"] == stage].to_dict("records"), columns, stage)
        for stage in pipeline_order(run, list(run.metrics))
    ]
    return f'<div class="metrics">{"".join(tables)}</div>'


def config_yaml(run: Any) -> str:
    """The run's resolved config as YAML, absolute paths cut to file names."""
    import yaml

    data = without_machine_paths(run.config.model_dump(mode="json"))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=90)


def details_section(run: Any) -> str:
    glossary = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in GLOSSARY.items())
    parts = [
        "<h3>Provenance</h3>",
        provenance(run),
        "<h3>Stages</h3>",
        stages_table(run),
        "<h3>Metrics</h3>",
        metrics_tables(run),
        f'<details><summary>What the metrics mean</summary><dl class="glossary">{glossary}'
        "</dl></details>",
        "<h3>Configuration</h3>",
        "<details><summary>The resolved config (every default written out)</summary>"
        f"<pre>{esc(config_yaml(run))}</pre></details>",
    ]
    interactive = [
        name
        for name in ("lda_explorer.html", "document_map.html")
        if (run.path / "plots" / name).is_file()
    ]
    if interactive:
        files = ", ".join(f"<code>plots/{esc(n)}</code>" for n in interactive)
        parts.append(f"<p>Interactive figures (plotly) are in the run folder: {files}.</p>")
    return "\n".join(p for p in parts if p)
