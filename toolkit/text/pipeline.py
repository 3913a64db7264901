"""``TextPipeline``: German news articles in, per-paragraph token lists and a vocabulary out.

The steps, in order, and why in that order:

0. drop boilerplate, sentences repeated verbatim across many articles
   (:mod:`toolkit.text.boilerplate`), before anything learns from them;
1. tokenise each paragraph into clauses (:mod:`toolkit.text.tokenize`), case preserved;
2. lemmatise (simplemma needs the capitalisation of nouns), then lowercase; connector words
   (``die``, ``für``, ...) stay as written so phrases read naturally; numbers are dropped
   unless ``keep_numbers``, and a dropped number ends the clause;
3. detect phrases on that stream with stopwords still in it, since connector words live
   inside phrases (``aktionsplan_für_die_rüstungsproduktion``);
4. drop stopwords (by surface form or lemma) and tokens shorter than ``min_token_length``,
   except inside phrases;
5. count the vocabulary (:mod:`toolkit.text.dictionary`). The final token lists are not
   filtered by it: downstream models filter through ``dictionary.doc2bow``.

Examples
--------
>>> from toolkit.corpus.document import Document
>>> docs = [Document.from_text(f"d{i}", "Die NATO sagte: Munition für die Ukraine.")
...         for i in range(3)]
>>> pipe = TextPipeline(phrase_min_count=2, no_below=1)
>>> pipe.fit_transform(docs).paragraphs[0]
[['nato', 'munition_für_die_ukraine']]
>>> pipe.analyze("Die Verteidigungsminister sagten am Dienstag, 1.000 Granaten fehlten.")
['verteidigungsminister', 'granate', 'fehlen']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from gensim.corpora import Dictionary
from sklearn.base import BaseEstimator

from toolkit.corpus.document import Document
from toolkit.errors import ToolkitError
from toolkit.progress import progress
from toolkit.text.boilerplate import BoilerplateFilter
from toolkit.text.dictionary import build_dictionary, frequency_unit
from toolkit.text.lemmatize import lemmatize
from toolkit.text.phrases import GERMAN_CONNECTOR_WORDS, PhraseDetector
from toolkit.text.stopwords import german_stopwords
from toolkit.text.storage import load_pipeline, save_pipeline
from toolkit.text.tokenize import is_number, tokenize_clauses
from toolkit.text.tokenized import TokenizedCorpus

# A clause after lemmatisation: its token forms and, per form, whether it is dropped
# (stopword or too short) when it does not end up inside a phrase.
Clause = tuple[list[str], list[bool]]

_UNSEEN = object()
# The per-surface-form cache is the hot path; the bound only matters for huge corpora.
_MAX_CACHED_FORMS = 1 << 21


def _reiterable(docs: Iterable[Document]) -> Iterable[Document]:
    """``docs`` itself if it can be iterated twice, else its items in a list."""
    return list(docs) if iter(docs) is docs else docs


def _size(docs: Iterable[Document]) -> int | None:
    return len(docs) if hasattr(docs, "__len__") else None


class TextPipeline(BaseEstimator):
    """Tokenise, lemmatise, detect phrases, remove stopwords and count the vocabulary.

    Parameters
    ----------
    lowercase : bool, default True
        Lowercase every token (after lemmatising, which needs the capitalisation of nouns).
    lemmatize : bool, default True
        Replace words by their simplemma lemma.
    stopwords : {"iso", "none"}, default "iso"
        The general German stopword list (stopwords-iso) or none.
    news_stopwords : bool, default True
        Also drop the news-genre list (weekdays, reporting verbs, agency bylines).
    extra_stopwords : sequence of str, default ()
        Further words to drop (e.g. the newspaper's own name).
    keep_numbers : bool, default False
        Keep numbers as tokens; otherwise a number is dropped and ends the clause.
    min_token_length : int, default 2
        Shorter tokens are dropped (except inside phrases).
    phrases : bool, default True
        Learn multi-word expressions with gensim ``Phrases``.
    phrase_min_count : int, default 5
        Ignore word pairs seen fewer times.
    phrase_threshold : float, default 0.5
        Score a phrase must exceed (``npmi`` scores lie in (-1, 1]).
    phrase_scoring : {"npmi", "default"}, default "npmi"
        gensim's normalised PMI or its original score.
    no_below : int, default 2
        Keep tokens in at least this many documents (paragraphs for tiny corpora).
    no_above : float, default 0.5
        Drop tokens in more than this share of the documents.
    keep_n : int or None, default 100000
        Most frequent tokens kept (None: all).
    boilerplate : bool, default True
        Drop sentences repeated verbatim across many documents (see
        :class:`~toolkit.text.boilerplate.BoilerplateFilter`).
    boilerplate_min_share, boilerplate_min_documents : float, int, default 0.005, 5
        A sentence is boilerplate when it is in more than this share of the documents and in
        at least this many.

    Attributes
    ----------
    stopwords_ : frozenset of str
        The stopword list in use (lowercase).
    phrases_ : PhraseDetector or None
        The learned phrases (None when ``phrases`` is false or before ``fit``).
    dictionary_ : gensim.corpora.Dictionary
        The filtered vocabulary learned by ``fit``.
    frequency_unit_ : {"document", "paragraph"}
        What the dictionary's document frequencies count (paragraphs for tiny corpora).
    num_documents_ : int
        Number of documents seen by ``fit``.
    boilerplate_ : BoilerplateFilter or None
        The fitted filter (its ``sentences_`` are the removed sentences), or None.
    """

    def __init__(
        self,
        *,
        lowercase: bool = True,
        lemmatize: bool = True,
        stopwords: Literal["iso", "none"] = "iso",
        news_stopwords: bool = True,
        extra_stopwords: Sequence[str] = (),
        keep_numbers: bool = False,
        min_token_length: int = 2,
        phrases: bool = True,
        phrase_min_count: int = 5,
        phrase_threshold: float = 0.5,
        phrase_scoring: Literal["npmi", "default"] = "npmi",
        no_below: int = 2,
        no_above: float = 0.5,
        keep_n: int | None = 100_000,
        boilerplate: bool = True,
        boilerplate_min_share: float = 0.005,
        boilerplate_min_documents: int = 5,
    ) -> None:
        self.lowercase = lowercase
        self.lemmatize = lemmatize
        self.stopwords = stopwords
        self.news_stopwords = news_stopwords
        self.extra_stopwords = extra_stopwords
        self.keep_numbers = keep_numbers
        self.min_token_length = min_token_length
        self.phrases = phrases
        self.phrase_min_count = phrase_min_count
        self.phrase_threshold = phrase_threshold
        self.phrase_scoring = phrase_scoring
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.boilerplate = boilerplate
        self.boilerplate_min_share = boilerplate_min_share
        self.boilerplate_min_documents = boilerplate_min_documents
        self.stopwords_ = german_stopwords(stopwords, news_stopwords, extra_stopwords)
        self.phrases_: PhraseDetector | None = None
        self.dictionary_: Dictionary | None = None
        self.frequency_unit_: Literal["document", "paragraph"] | None = None
        self.num_documents_ = 0
        self.boilerplate_: BoilerplateFilter | None = None
        self._forms: dict[str, tuple[str, bool] | None] = {}

    def settings(self) -> dict[str, Any]:
        """The parameters as plain JSON values (what :meth:`save` records)."""
        params = self.get_params()
        params["extra_stopwords"] = list(params["extra_stopwords"])
        return params

    # -- per-token analysis ------------------------------------------------------------------

    def _form(self, surface: str) -> tuple[str, bool] | None:
        """``(form, dropped)`` of one surface token; None for a number that is not kept."""
        if is_number(surface):
            # every kept number is kept, whatever its length
            return (surface, False) if self.keep_numbers else None
        lower = surface.lower()
        if lower in GERMAN_CONNECTOR_WORDS or not self.lemmatize:
            form = surface
        else:
            form = lemmatize(surface)
        # an abbreviation's final dot only marks it as one (z.B. -> z.b, Dr. -> dr)
        form = form.rstrip(".")
        if self.lowercase:
            form = form.lower()
        dropped = (
            lower.rstrip(".") in self.stopwords_
            or form.lower() in self.stopwords_
            or len(form) < self.min_token_length
        )
        return form, dropped

    def _analyze_text(self, text: str) -> list[Clause]:
        forms_of = self._forms
        if len(forms_of) > _MAX_CACHED_FORMS:
            forms_of.clear()
        clauses: list[Clause] = []
        for tokens in tokenize_clauses(text):
            forms: list[str] = []
            dropped: list[bool] = []
            for surface in tokens:
                entry = forms_of.get(surface, _UNSEEN)
                if entry is _UNSEEN:
                    entry = forms_of[surface] = self._form(surface)
                if entry is None:
                    if forms:
                        clauses.append((forms, dropped))
                        forms, dropped = [], []
                    continue
                forms.append(entry[0])
                dropped.append(entry[1])
            if forms:
                clauses.append((forms, dropped))
        return clauses

    def _analyze_document(self, doc: Document) -> list[list[Clause]]:
        clean = self.boilerplate_.clean if self.boilerplate_ is not None else str
        return [self._analyze_text(clean(paragraph)) for paragraph in doc.paragraphs]

    def _finish(self, clauses: list[Clause]) -> list[str]:
        """Merge phrases, then drop what is marked dropped unless it is inside a phrase."""
        tokens: list[str] = []
        detector = self.phrases_
        for forms, dropped in clauses:
            if detector is None or not detector.phrasegrams_:
                tokens.extend(form for form, drop in zip(forms, dropped, strict=True) if not drop)
                continue
            position = 0
            for token, score in detector.analyze(forms):
                if score is None:
                    if not dropped[position]:
                        tokens.append(token)
                    position += 1
                else:
                    # tokens never contain the delimiter, so it counts the merged words
                    tokens.append(token)
                    position += token.count(detector.delimiter) + 1
        return tokens

    # -- fitting -----------------------------------------------------------------------------

    def _fit_boilerplate(self, docs: Iterable[Document]) -> None:
        self.boilerplate_ = None
        if self.boilerplate:
            self.boilerplate_ = BoilerplateFilter(
                min_share=self.boilerplate_min_share, min_documents=self.boilerplate_min_documents
            ).fit(docs)

    def _fit_phrases(self, sentences: Iterable[list[str]]) -> None:
        if not self.phrases:
            self.phrases_ = None
            return
        self.phrases_ = PhraseDetector(
            min_count=self.phrase_min_count,
            threshold=self.phrase_threshold,
            scoring=self.phrase_scoring,
            connector_words=GERMAN_CONNECTOR_WORDS,
            excluded_edges=self.stopwords_,
        ).fit(sentences)

    def _fit_dictionary(self, documents: Iterable[list[list[str]]], num_documents: int) -> None:
        self.num_documents_ = num_documents
        self.frequency_unit_ = frequency_unit(num_documents)
        if self.frequency_unit_ == "document":
            units: Iterator[list[str]] = (
                [token for paragraph in doc for token in paragraph] for doc in documents
            )
        else:
            units = (paragraph for doc in documents for paragraph in doc)
        self.dictionary_ = build_dictionary(
            units, no_below=self.no_below, no_above=self.no_above, keep_n=self.keep_n
        )

    def fit(self, docs: Iterable[Document]) -> TextPipeline:
        """Learn phrases and the vocabulary of ``docs`` (two streaming passes).

        A one-shot iterator is first collected into a list, since two passes are needed (a
        third, cheap one counts boilerplate sentences).
        """
        docs = _reiterable(docs)
        total = _size(docs)
        self._fit_boilerplate(docs)
        count = 0

        def clauses() -> Iterator[list[str]]:
            nonlocal count
            for doc in progress(docs, "text: learning phrases", total=total, unit="doc"):
                count += 1
                for paragraph in self._analyze_document(doc):
                    for forms, _ in paragraph:
                        yield forms

        if self.phrases:
            self._fit_phrases(clauses())
        else:
            self.phrases_ = None
            count = total if total is not None else sum(1 for _ in docs)
        documents = (
            [self._finish(paragraph) for paragraph in self._analyze_document(doc)]
            for doc in progress(docs, "text: counting vocabulary", total=total, unit="doc")
        )
        self._fit_dictionary(documents, count)
        return self

    def fit_transform(self, docs: Iterable[Document]) -> TokenizedCorpus:
        """``fit`` then ``transform``, tokenising and lemmatising every document only once."""
        docs = _reiterable(docs)
        self._fit_boilerplate(docs)
        doc_ids: list[str] = []
        analyzed: list[list[list[Clause]]] = []
        for doc in progress(docs, "text: analysing", total=_size(docs), unit="doc"):
            doc_ids.append(doc.id)
            analyzed.append(self._analyze_document(doc))
        self._fit_phrases(forms for doc in analyzed for paragraph in doc for forms, _ in paragraph)
        paragraphs = [[self._finish(paragraph) for paragraph in doc] for doc in analyzed]
        self._fit_dictionary(paragraphs, len(doc_ids))
        return TokenizedCorpus(doc_ids, paragraphs, self._fitted_dictionary())

    # -- applying ----------------------------------------------------------------------------

    def _fitted_dictionary(self) -> Dictionary:
        if self.dictionary_ is None:
            raise ToolkitError("TextPipeline is not fitted: call fit() or load() first")
        return self.dictionary_

    def transform(self, docs: Iterable[Document]) -> TokenizedCorpus:
        """Final tokens of every paragraph of ``docs`` (streamed once), with the fitted vocabulary.

        ``paragraphs[d][p]`` belongs to ``docs[d].paragraphs[p]``; a paragraph left without
        tokens is an empty list, so positions always line up.
        """
        dictionary = self._fitted_dictionary()
        doc_ids: list[str] = []
        paragraphs: list[list[list[str]]] = []
        for doc in progress(docs, "text: transforming", total=_size(docs), unit="doc"):
            doc_ids.append(doc.id)
            paragraphs.append([self._finish(p) for p in self._analyze_document(doc)])
        return TokenizedCorpus(doc_ids, paragraphs, dictionary)

    def transform_text(self, text: str) -> list[str]:
        """Final tokens of a new text (a query, a seed term), phrases merged, stopwords dropped.

        Examples
        --------
        >>> TextPipeline(phrases=False).transform_text("Die Munition")
        ['munition']
        """
        if self.phrases:
            self._fitted_dictionary()
        return self._finish(self._analyze_text(text))

    def surface_forms(self, text: str) -> dict[str, str]:
        """Token form -> the first word of ``text`` that gives it (to show tokens as written).

        Examples
        --------
        >>> TextPipeline(phrases=False).surface_forms("Die Granaten fehlten.")
        {'die': 'Die', 'granate': 'Granaten', 'fehlen': 'fehlten'}
        """
        self._analyze_text(text)  # fills the per-word cache
        words: dict[str, str] = {}
        for clause in tokenize_clauses(text):
            for surface in clause:
                entry = self._forms.get(surface)
                if entry is not None:
                    words.setdefault(entry[0], surface)
        return words

    def analyze(self, text: str) -> list[str]:
        """Tokens of ``text`` before phrase detection: lemmatised, lowercased, filtered."""
        return [
            form
            for forms, dropped in self._analyze_text(text)
            for form, drop in zip(forms, dropped, strict=True)
            if not drop
        ]

    # -- storage -----------------------------------------------------------------------------

    def save(self, folder: str | Path) -> None:
        """Write the fitted state as open files (:func:`~toolkit.text.storage.save_pipeline`)."""
        save_pipeline(self, folder)

    @classmethod
    def load(cls, folder: str | Path) -> TextPipeline:
        """Read a pipeline written by :meth:`save`, with the parameters it was fitted with.

        The stopword list is the saved one, so a reloaded pipeline gives the same tokens even
        after the shipped news list changes.
        """
        return load_pipeline(cls, folder)
