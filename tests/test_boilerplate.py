"""Tests of the boilerplate filter and its place in the text pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.corpus.document import Document
from toolkit.errors import ToolkitError
from toolkit.text import TextPipeline
from toolkit.text.boilerplate import BoilerplateFilter, split_sentences

FOOTER = "Der Volltext dieses Artikels steht aus rechtlichen Gründen nicht mehr zur Verfügung."
SUBJECTS = ["Munition", "Haushalt", "Beitritt", "Gipfel", "Panzer", "Wahl", "Zins", "Streik"]


def corpus(n: int, with_footer: int) -> list[Document]:
    """``n`` articles with distinct sentences; the first ``with_footer`` end with FOOTER."""
    docs = []
    for i in range(n):
        subject = SUBJECTS[i % len(SUBJECTS)]
        body = f"Artikel {i} berichtet über {subject} in Brüssel. Die Lage bleibt offen {i}."
        if i < with_footer:
            body += f"\n\nAgenturmeldung {i}. {FOOTER}"
        docs.append(Document.from_text(f"d{i}", body))
    return docs


def test_detects_repeated_sentences_and_counts_documents() -> None:
    bp = BoilerplateFilter().fit(corpus(200, with_footer=12))
    assert bp.sentences_ == {FOOTER: 12}
    assert bp.num_documents_ == 200
    cleaned = list(bp.transform(corpus(200, with_footer=12)))
    assert cleaned[0].paragraphs[1] == "Agenturmeldung 0."
    assert all(FOOTER not in d.text for d in cleaned)
    # paragraph positions are kept, so per-paragraph outputs line up with the corpus
    assert [len(d.paragraphs) for d in cleaned[:13]] == [2] * 12 + [1]
    untouched = corpus(200, with_footer=0)[5]
    assert next(bp.transform([untouched])) is untouched


def test_thresholds_leave_small_corpora_and_rare_repeats_alone() -> None:
    # in 4 of 10 articles: above any share, but below min_documents
    assert BoilerplateFilter().fit(corpus(10, with_footer=4)).sentences_ == {}
    # in 5 of 2,000 articles (0.25 %): below the default share of 0.5 %
    assert BoilerplateFilter().fit(corpus(2000, with_footer=5)).sentences_ == {}
    assert BoilerplateFilter(min_share=0.002).fit(corpus(2000, with_footer=5)).sentences_ == {
        FOOTER: 5
    }
    # short fragments ("Euro.") are never boilerplate
    docs = [Document.from_text(f"d{i}", f"Preis {i} Mio. Euro. Satz {i} hier.") for i in range(50)]
    assert BoilerplateFilter(min_words=3).fit(docs).sentences_ == {}


def test_lossy_counting_keeps_frequent_sentences_and_bounds_memory() -> None:
    # error=0.5 and min_share=0.02 prune every 100 documents; the footer (in 10 % of the
    # documents, spread evenly) survives, counted within the error bound
    docs = [
        Document.from_text(f"d{i}", f"Eigener Satz Nummer {i}." + (f" {FOOTER}" if i % 10 else ""))
        for i in range(1000)
    ]
    bp = BoilerplateFilter(min_share=0.02, error=0.5).fit(docs)
    assert list(bp.sentences_) == [FOOTER]
    assert 900 <= bp.sentences_[FOOTER] <= 900 + 0.02 * 0.5 * 1000


def test_save_load_and_validation(tmp_path: Path) -> None:
    bp = BoilerplateFilter(min_share=0.01).fit(corpus(100, with_footer=8))
    bp.save(tmp_path / "bp.json")
    loaded = BoilerplateFilter.load(tmp_path / "bp.json")
    assert loaded.sentences_ == bp.sentences_ and loaded.get_params() == bp.get_params()
    assert loaded.clean(f"Vorher. {FOOTER}") == "Vorher."
    with pytest.raises(ToolkitError, match="not fitted"):
        BoilerplateFilter().clean("Text.")
    with pytest.raises(ValueError, match="min_share"):
        BoilerplateFilter(min_share=1.5).fit([])
    assert split_sentences("Eins. Zwei?  Drei") == ["Eins.", "Zwei?", "Drei"]


def test_text_pipeline_drops_boilerplate_tokens(tmp_path: Path) -> None:
    docs = corpus(200, with_footer=12)
    tokens = TextPipeline().fit_transform(docs)
    assert not {"volltext", "rechtlich", "verfügung"} & set(tokens.dictionary.token2id)
    assert tokens.paragraphs[0][1] == ["agenturmeldung"]
    kept = TextPipeline(boilerplate=False).fit_transform(docs)
    assert "volltext" in kept.dictionary.token2id
    pipeline = TextPipeline().fit(iter(docs))
    assert pipeline.boilerplate_.sentences_ == {FOOTER: 12}
    pipeline.save(tmp_path)
    assert TextPipeline.load(tmp_path).transform(docs[:3]).paragraphs == tokens.paragraphs[:3]
