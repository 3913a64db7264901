"""One evaluator for every system: the same tokens, the same top-word space, the same scores.

The evaluator is deliberately independent of the toolkit's own text pipeline, so that no system
is judged in the vocabulary it was built with:

* tokens: the regex ``\\w+(?:-\\w+)*`` (hyphenated compounds such as ``NATO-Verteidigungsminister``
  stay one token), each lemmatised with simplemma (German) and lowercased; spaCy's German stop
  words, tokens shorter than three characters and numbers are dropped;
* a system's top words are mapped into that space: each word is lemmatised and lowercased the
  same way (also tried capitalised, as a lowercased noun may lemmatise differently); a phrase
  token ``a_b`` (the toolkit's and gensim's bigrams) is split into its parts, each part kept
  when the evaluator's dictionary knows it, because coherence is defined over single tokens;
  words the dictionary does not know are dropped and counted;
* coherence: gensim's ``CoherenceModel`` (``c_npmi`` and ``c_v``, top 10 words) over the tokens of
  the whole corpus; diversity: unique share of the top 25 words; NMI and V-measure of the argmax
  topic or cluster against the labels; stability: mean best-match Jaccard of top-10 words between
  the seed-0 fit and every other seed's fit (Hungarian matching); precision@k of nearest
  neighbours against the labels.

Examples
--------
>>> ev = Evaluator.fit(["Die NATO-Verteidigungsminister beraten über Munition."])
>>> ev.tokens[0]
['nato-verteidigungsminister', 'beraten', 'munition']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import CoherenceModel
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import normalized_mutual_info_score, v_measure_score

WORD = re.compile(r"\w+(?:-\w+)*")
MIN_LENGTH = 3


def _stop_words() -> frozenset[str]:
    from spacy.lang.de.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS)


class Normaliser:
    """Token -> evaluator form: simplemma lemma, lowercased (memoised: news repeats words)."""

    def __init__(self) -> None:
        import simplemma

        self._lemmatize = simplemma.lemmatize
        self._memo: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        form = self._memo.get(token)
        if form is None:
            form = self._lemmatize(token, lang="de").lower()
            self._memo[token] = form
        return form


def _is_number(token: str) -> bool:
    return token.replace("-", "").replace("_", "").isdigit()


class Tokeniser:
    """The evaluator's tokeniser: regex words, lemmas, no stop words, short tokens or numbers.

    Examples
    --------
    >>> Tokeniser()("2024 trafen sich die NATO-Verteidigungsminister in Brüssel")
    ['treffen', 'nato-verteidigungsminister', 'brüssel']
    """

    def __init__(self) -> None:
        self.normalise = Normaliser()
        self.stop_words = _stop_words()

    def keep(self, form: str) -> bool:
        return len(form) >= MIN_LENGTH and not _is_number(form) and form not in self.stop_words

    def __call__(self, text: str) -> list[str]:
        forms = (self.normalise(tok) for tok in WORD.findall(text))
        return [form for form in forms if self.keep(form)]


@dataclass
class MappedTopics:
    """Top words of every topic in the evaluator's space, and what the mapping dropped."""

    topics: list[list[str]]
    dropped: int = 0
    total: int = 0
    dropped_examples: list[str] = field(default_factory=list)

    @property
    def dropped_share(self) -> float:
        return self.dropped / self.total if self.total else 0.0


class Evaluator:
    """The common evaluator over one corpus (see the module docstring for every choice).

    Parameters
    ----------
    tokens : list of list of str
        The corpus in the evaluator's token space (use :meth:`fit` to build it from texts).
    labels : sequence, optional
        A gold label per document, for NMI, V-measure and precision@k.
    """

    def __init__(self, tokens: list[list[str]], labels: Sequence[object] | None = None) -> None:
        self.tokens = tokens
        self.labels = None if labels is None else np.asarray([str(x) for x in labels])
        self.tokeniser = Tokeniser()
        self.dictionary = Dictionary(tokens)

    @classmethod
    def fit(cls, texts: Iterable[str], labels: Sequence[object] | None = None) -> Evaluator:
        """Tokenise ``texts`` with the evaluator's tokeniser and build the evaluator."""
        tokeniser = Tokeniser()
        return cls([tokeniser(text) for text in texts], labels)

    # -- top words ---------------------------------------------------------------------------

    def map_topics(self, topics: Sequence[Sequence[str]], top_n: int | None = None) -> MappedTopics:
        """Map every topic's ranked words into the evaluator's space, keeping rank order.

        Duplicates created by the mapping (``Staaten`` and ``Staat`` both become ``staat``)
        keep their first rank only. ``top_n`` truncates each mapped topic.
        """
        known = self.dictionary.token2id
        mapped: list[list[str]] = []
        dropped = total = 0
        examples: list[str] = []
        for words in topics:
            out: list[str] = []
            for word in words:
                total += 1
                parts = [p for p in str(word).split("_") if p] if "_" in str(word) else [str(word)]
                forms = [f for f in (self._known_form(p, known) for p in parts) if f]
                if not forms:
                    dropped += 1
                    if len(examples) < 10:
                        examples.append(str(word))
                for form in forms:
                    if form not in out:
                        out.append(form)
            mapped.append(out[:top_n] if top_n else out)
        return MappedTopics(mapped, dropped, total, examples)

    def _known_form(self, word: str, known: dict[str, int]) -> str | None:
        """The evaluator form of ``word`` that the dictionary knows, if any.

        A word the dictionary already holds is taken as it is: it is an evaluator lemma
        already (bag-of-words peers report exactly these; the toolkit reports simplemma
        lemmas too). Lemmatising a lemma again changes its meaning: simplemma reads a
        lowercased noun as a verb form (``spiel`` -> ``spielen``, ``land`` -> ``landen``,
        ``grenze`` -> ``grenzen``), which scored a sport topic as a topic about playing
        and landing. Other words (BERTopic's surface forms) are lemmatised as given, then
        capitalised, then merely lowercased.
        """
        for form in (
            word.lower(),
            self.tokeniser.normalise(word),
            self.tokeniser.normalise(word[:1].upper() + word[1:]),
            word.lower(),
        ):
            if form in known:
                return form
        return None

    # -- scores ------------------------------------------------------------------------------

    def coherence(self, topics: Sequence[Sequence[str]], measure: str, top_n: int = 10) -> float:
        """Mean gensim coherence (``c_npmi``, ``c_v``) of the topics' first ``top_n`` words.

        Topics with fewer than two known words cannot be scored and are left out; NaN
        per-topic scores (a pair never seen together in ``c_v``) are ignored.
        """
        scores = np.asarray(self.coherence_per_topic(topics, measure, top_n), dtype=float)
        return float(np.nanmean(scores)) if np.isfinite(scores).any() else float("nan")

    def coherence_per_topic(
        self, topics: Sequence[Sequence[str]], measure: str, top_n: int = 10
    ) -> list[float]:
        """The gensim coherence of each topic that has at least two words (see
        :meth:`coherence`, their mean)."""
        usable = [list(t[:top_n]) for t in topics if len(t) >= 2]
        if not usable:
            return []
        model = CoherenceModel(
            topics=usable,
            texts=self.tokens,
            dictionary=self.dictionary,
            coherence=measure,
            topn=top_n,
            processes=1,
        )
        return [float(x) for x in model.get_coherence_per_topic()]

    def partition(self, assignment: Sequence[int], outlier: int | None = -1) -> dict[str, float]:
        """NMI and V-measure of a document partition against the labels, and its outlier share.

        Outliers (``assignment == outlier``) stay in the partition as their own group: a system
        that declines to assign half the corpus is scored on what it actually returns.
        """
        if self.labels is None:
            raise ValueError("the evaluator has no labels: pass labels= to score partitions")
        pred = np.asarray(assignment)
        if len(pred) != len(self.labels):
            raise ValueError(f"{len(pred)} assignments for {len(self.labels)} labelled documents")
        share = float(np.mean(pred == outlier)) if outlier is not None else 0.0
        return {
            "nmi": float(normalized_mutual_info_score(self.labels, pred)),
            "v_measure": float(v_measure_score(self.labels, pred)),
            "outlier_share": share,
        }

    def precision_at_k(self, neighbours: Sequence[Sequence[int]], k: int = 10) -> float:
        """Mean share of each document's first ``k`` neighbours (row positions) with its label."""
        if self.labels is None:
            raise ValueError("the evaluator has no labels: pass labels= to score neighbours")
        hits = [
            np.mean(self.labels[list(row[:k])] == self.labels[i])
            for i, row in enumerate(neighbours)
            if len(row)
        ]
        return float(np.mean(hits)) if hits else float("nan")


def diversity(topics: Sequence[Sequence[str]], top_n: int = 25) -> float:
    """Unique share of the topics' first ``top_n`` words (1.0: no word shared by two topics).

    Examples
    --------
    >>> diversity([["a", "b"], ["b", "c"]], top_n=2)
    0.75
    """
    words = [w for topic in topics for w in list(topic)[:top_n]]
    return len(set(words)) / len(words) if words else float("nan")


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


def matched_similarity(
    reference: Sequence[Sequence[str]], other: Sequence[Sequence[str]], top_n: int = 10
) -> float:
    """Mean top-``top_n`` Jaccard of ``reference``'s topics to ``other``'s, matched one to one.

    The matching maximises the total Jaccard (Hungarian algorithm), so topic order is
    irrelevant: the same topics in a permuted order score 1.0.
    """
    sim = np.array([[jaccard(r[:top_n], o[:top_n]) for o in other] for r in reference])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].sum() / len(reference))


def stability(fits: Sequence[Sequence[Sequence[str]]], top_n: int = 10) -> float:
    """Mean matched similarity between the first fit (seed 0) and each other seed's fit.

    Examples
    --------
    >>> stability([[["a", "b"], ["c", "d"]], [["c", "d"], ["a", "b"]]])
    1.0
    """
    if len(fits) < 2:
        return float("nan")
    return float(np.mean([matched_similarity(fits[0], f, top_n) for f in fits[1:]]))
