"""Topic plots: top words, shares over time, and an LDA explorer (intertopic map)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from toolkit.plots.periods import merge_shares, period_ticks, sparse_mapping, stacked_bars
from toolkit.plots.style import color_for, shorten


def topic_words_figure(
    topic_table: pd.DataFrame, labels: list[str], n_words: int = 10, max_topics: int = 24
) -> Figure:
    """Horizontal bar charts of each topic's top words (one panel per topic).

    Parameters
    ----------
    topic_table : DataFrame
        Columns topic, rank, word, weight (the run's ``topics/topics.csv``).
    labels : list of str
        Topic labels, used as panel titles.

    Examples
    --------
    >>> table = pd.DataFrame({"topic": [0, 0], "rank": [1, 2], "word": ["nato", "gipfel"],
    ...                       "weight": [0.2, 0.1]})
    >>> fig = topic_words_figure(table, ["nato · gipfel"])
    """
    topics = sorted(topic_table["topic"].unique())[:max_topics]
    cols = min(3, len(topics))  # three panels fit a page (and the report) at full size
    rows = math.ceil(len(topics) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.4 * cols, 0.26 * n_words * rows + 0.9 * rows), squeeze=False
    )
    for ax in axes.flat[len(topics) :]:
        ax.set_visible(False)
    for ax, topic in zip(axes.flat, topics, strict=False):
        words = topic_table[topic_table["topic"] == topic].sort_values("rank").head(n_words)
        ax.barh(range(len(words)), words["weight"], color=color_for(int(topic)))
        ax.set_yticks(range(len(words)), [shorten(w, 24) for w in words["word"]])
        ax.invert_yaxis()
        ax.set_title(f"{topic}: {shorten(labels[int(topic)], 34)}", loc="left")
        ax.set_xlabel("weight in topic")
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(3))  # small panels: few, legible ticks
    fig.suptitle("Top words per topic", x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


def topics_over_time_figure(
    over_time: pd.DataFrame, labels: list[str], min_documents: float = 5.0
) -> Figure:
    """Topic shares per period as stacked bars, and the number of articles per period below.

    Parameters
    ----------
    over_time : DataFrame
        Columns ``period, topic, share, documents`` (the run's ``topics/over_time.csv``).
    labels : list of str
        Topic labels, for the legend.
    min_documents : float
        Sparse periods are merged (months into quarters, quarters into years) while the
        average period holds fewer articles than this; see :func:`sparse_mapping`.

    Examples
    --------
    >>> frame = pd.DataFrame({"period": ["2023-01", "2023-01", "2023-02", "2023-02"],
    ...                       "topic": [0, 1, 0, 1], "share": [0.7, 0.3, 0.2, 0.8],
    ...                       "documents": [4, 4, 6, 6]})
    >>> fig = topics_over_time_figure(frame, ["rüstung", "beitritt"])
    """
    counts = over_time.groupby("period")["documents"].first()
    mapping = sparse_mapping(counts, min_documents)
    merged = merge_shares(over_time, mapping)
    table = merged.pivot_table(index="period", columns="topic", values="share", aggfunc="sum")
    table = table.sort_index()
    documents = merged.groupby("period")["documents"].first().reindex(table.index)
    fig, (ax, ax_count) = plt.subplots(
        2, 1, figsize=(8.5, 4.6), sharex=True, gridspec_kw={"height_ratios": [3.2, 1]}
    )
    stacked_bars(
        ax,
        table,
        [color_for(int(t)) for t in table.columns],
        [f"{int(t)}: {shorten(labels[int(t)], 30)}" for t in table.columns],
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean topic share")
    ax.set_title("Topics over time", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax_count.bar(range(len(documents)), documents.to_numpy(), color="#999999", width=0.8)
    ax_count.set_ylabel("articles")
    ax_count.yaxis.set_major_locator(MaxNLocator(3, integer=True))
    period_ticks(ax_count, list(table.index))
    fig.tight_layout()
    return fig


def _js_distance(topic_word: np.ndarray) -> np.ndarray:
    p = np.clip(topic_word, 1e-12, None)
    k = len(p)
    dist = np.zeros((k, k))
    for i in range(k):
        m = 0.5 * (p[i] + p)
        kl_i = np.sum(p[i] * np.log(p[i] / m), axis=1)
        kl_j = np.sum(p * np.log(p / m), axis=1)
        dist[i] = np.sqrt(np.clip(0.5 * (kl_i + kl_j), 0, None))
    return dist


def intertopic_coordinates(topic_word: np.ndarray) -> np.ndarray:
    """2-D classical MDS of the Jensen-Shannon distances between topics (as in LDAvis)."""
    dist = _js_distance(topic_word)
    k = len(dist)
    if k < 3:
        return np.column_stack([np.arange(k, dtype=float), np.zeros(k)])
    centering = np.eye(k) - np.ones((k, k)) / k
    gram = -0.5 * centering @ (dist**2) @ centering
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:2]
    coords = vectors[:, order] * np.sqrt(np.clip(values[order], 0, None))
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), range(2)])  # fixed orientation
    return coords * np.where(signs == 0, 1, signs)


def relevant_words(
    topic_word: np.ndarray, vocabulary: list[str], topic: int, weight: float = 0.6, n: int = 12
) -> list[str]:
    """Top words by LDAvis relevance: ``λ log p(w|t) + (1-λ) log(p(w|t) / p(w))``."""
    p = np.clip(topic_word, 1e-12, None)
    marginal = p.mean(axis=0)
    relevance = weight * np.log(p[topic]) + (1 - weight) * np.log(p[topic] / marginal)
    return [vocabulary[i] for i in np.argsort(-relevance, kind="stable")[:n]]


def lda_explorer_html(
    topic_word: np.ndarray, vocabulary: list[str], doc_topics: np.ndarray, labels: list[str]
) -> object:
    """An interactive intertopic distance map (plotly), the LDAvis idea without its install.

    Circle area is the topic's share of the corpus; hovering shows its most relevant words
    (λ = 0.6, the value the LDAvis authors found best for interpretation).
    """
    import plotly.graph_objects as go

    coords = intertopic_coordinates(np.asarray(topic_word))
    prevalence = np.asarray(doc_topics).mean(axis=0)
    hover = [
        f"<b>{t}: {labels[t]}</b><br>share {prevalence[t]:.1%}<br>"
        + ", ".join(relevant_words(np.asarray(topic_word), vocabulary, t))
        for t in range(len(labels))
    ]
    fig = go.Figure(
        go.Scatter(
            x=coords[:, 0],
            y=coords[:, 1],
            mode="markers+text",
            text=[str(t) for t in range(len(labels))],
            hovertext=hover,
            hoverinfo="text",
            marker={
                "size": 20 + 120 * np.sqrt(prevalence / max(prevalence.max(), 1e-9)),
                "color": [
                    f"rgba({int(255 * c[0])},{int(255 * c[1])},{int(255 * c[2])},0.6)"
                    for c in (color_for(t) for t in range(len(labels)))
                ],
                "line": {"width": 1, "color": "#333"},
            },
        )
    )
    fig.update_layout(
        title="Topic map (Jensen-Shannon distance, MDS)",
        xaxis_title="PC1",
        yaxis_title="PC2",
        template="plotly_white",
        height=600,
    )
    return fig
