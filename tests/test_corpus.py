"""Corpus readers: seed format, .txt folders, CSV/TSV, JSON lines, dates, errors, statistics."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import toolkit.corpus.ids as ids_module
from toolkit.corpus import (
    Corpus,
    Document,
    corpus_info,
    format_corpus_info,
    is_seed_format,
    load_corpus,
    parse_date,
    parse_seed_text,
)
from toolkit.corpus.delimited import sniff_delimiter
from toolkit.corpus.ids import SeenIds
from toolkit.corpus.seed import is_subheading
from toolkit.errors import CorpusError
from toolkit.progress import set_quiet

SIGNAL = '"Signal an die Rüstungsindustrie"'
DEBATTE = "Debatte um Verteidigungsausgaben"
BAD_BYTE = b"\xe4"  # "ä" in Latin-1: never valid UTF-8 on its own


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023", "2023"),
        ("2023-06", "2023-06"),
        ("2023-6", "2023-06"),
        ("2023-06-13", "2023-06-13"),
        ("2023-06-13T10:00:00Z", "2023-06-13"),
        ("2023-06-13T23:30:00+02:00", "2023-06-13"),
        ("2023-06-13 10:00", "2023-06-13"),
        ("2023-06-13T10:00:00.250", "2023-06-13"),
        ("13.06.2023", "2023-06-13"),
        ("1.6.2023", "2023-06-01"),
        (" 2023-06-13 ", "2023-06-13"),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_date_normalises(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["2023-13", "2023-02-30", "31.02.2023", "2023-06-13T25:00", "gestern", "13/06/2023"]
)
def test_parse_date_rejects_invalid_values(value: str) -> None:
    with pytest.raises(ValueError, match="invalid date"):
        parse_date(value)


# ---------------------------------------------------------------------------------------------
# seed format


def test_seed_article_parts(seed_file: Path) -> None:
    text = seed_file.read_text(encoding="utf-8")
    assert is_seed_format(text)
    doc = parse_seed_text(text, "seed", source="dpa")
    assert doc.date == "2023-06"
    assert (
        doc.caption
        == "NATO-Generalsekretär Stoltenberg am Dienstag bei einem Besuch in Washington."
    )
    assert doc.lead.startswith("Die NATO-Verteidigungsminister beraten morgen in Brüssel")
    assert doc.paragraphs[0] == doc.lead
    # The file has a lead, 8 body paragraphs and 2 subheadings.
    assert len(doc.paragraphs) == 9
    assert doc.subheadings == ((4, SIGNAL), (7, DEBATTE))
    assert doc.paragraphs[4].startswith("Stoltenberg erwartet, dass sich")
    assert doc.paragraphs[7].startswith("Kein Durchbruch wird")
    assert SIGNAL not in doc.paragraphs and DEBATTE not in doc.paragraphs
    assert doc.paragraphs[-1].endswith("Garantiert sei dies jedoch nicht.")
    assert doc.text == text.split("\n", 1)[1].strip()
    assert "date 2023-06" not in doc.text
    assert doc.source == "dpa"


def test_seed_split_long_keeps_subheadings_on_their_paragraph(seed_file: Path) -> None:
    doc = parse_seed_text(seed_file.read_text(encoding="utf-8"), "seed", split_long=40)
    assert len(doc.paragraphs) > 9
    assert doc.paragraphs[0] == doc.lead
    (signal_at, signal), (debatte_at, debatte) = doc.subheadings
    assert (signal, debatte) == (SIGNAL, DEBATTE)
    assert doc.paragraphs[signal_at].startswith("Stoltenberg erwartet, dass sich")
    assert doc.paragraphs[debatte_at].startswith("Kein Durchbruch wird")


def test_seed_format_variants() -> None:
    text = "\n  date 2023-06-13\n\nVorspann.\n\nZwischentitel\n\nAbsatz.\n\nKurzer Schluss"
    doc = parse_seed_text(text, "x")
    assert doc.date == "2023-06-13"
    assert doc.caption is None
    # A short last block opens no section, so it stays a paragraph.
    assert doc.paragraphs == ("Vorspann.", "Absatz.", "Kurzer Schluss")
    assert doc.subheadings == ((1, "Zwischentitel"),)
    assert not is_seed_format("Datum 2023-06 Bild\n\nText.")
    assert not is_seed_format("date gestern\n\nText.")
    with pytest.raises(ValueError, match="invalid date"):
        parse_seed_text("date 2023-13 Bild\n\nText.", "x")
    with pytest.raises(ValueError, match="first line"):
        parse_seed_text("Ein Text.", "x")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (SIGNAL, True),
        (DEBATTE, True),
        ("Was nun?", False),
        ('"Das reicht nicht."', False),
        ("Er sagte:", False),
        ("Ein ziemlich langer Satz ohne Punkt am Ende der mehr als zwölf Wörter hat", False),
        ("Zwei\nZeilen", False),
    ],
)
def test_is_subheading(block: str, expected: bool) -> None:
    assert is_subheading(block) is expected


# ---------------------------------------------------------------------------------------------
# .txt folders


def test_seed_folder(seed_file: Path) -> None:
    corpus = Corpus(seed_file.parent)
    docs = corpus.to_list()
    assert [d.id for d in docs] == ["000_f8d3ef48d24ec83a"]
    assert docs[0].subheadings == ((4, SIGNAL), (7, DEBATTE))
    assert corpus.files() == [seed_file]
    assert Corpus(seed_file).to_list()[0].id == "000_f8d3ef48d24ec83a"


def test_text_folder_recursive_sorted_ids(tmp_path: Path, seed_file: Path) -> None:
    write(tmp_path / "b.txt", "Zweiter Text.\n\nMit zwei Absätzen.")
    write(tmp_path / "sub" / "a.txt", "Im Unterordner.")
    write(tmp_path / "a.txt", seed_file.read_text(encoding="utf-8"))
    write(tmp_path / ".hidden" / "x.txt", "Versteckt.")
    write(tmp_path / ".y.txt", "Versteckt.")
    write(tmp_path / "notes.md", "Kein Text.")
    corpus = Corpus(tmp_path)
    docs = corpus.to_list()
    assert [d.id for d in docs] == ["a", "b", "sub/a"]
    assert docs[0].date == "2023-06" and len(docs[0].paragraphs) == 9
    assert docs[1].paragraphs == ("Zweiter Text.", "Mit zwei Absätzen.")
    assert docs[1].date is None and docs[1].lead is None
    assert corpus.files() == [tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "sub" / "a.txt"]
    plain = Corpus(tmp_path, format="txt").to_list()[0]
    assert plain.paragraphs[0].startswith("date 2023-06") and plain.date is None


def test_seed_format_required(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Kein Seed-Format.")
    with pytest.raises(CorpusError, match=r"a\.txt, line 1 \(id 'a'\): invalid seed file"):
        Corpus(tmp_path, format="seed").to_list()


def test_long_plain_text_is_split(tmp_path: Path) -> None:
    sentence = "Das ist ein Satz mit genau zehn Wörtern und Punkt. "
    write(tmp_path / "long.txt", sentence * 30)
    assert len(Corpus(tmp_path, split_long_paragraphs=0).to_list()[0].paragraphs) == 1
    doc = Corpus(tmp_path, split_long_paragraphs=50).to_list()[0]
    assert len(doc.paragraphs) == 6
    assert all(len(p.split()) == 50 for p in doc.paragraphs)


# ---------------------------------------------------------------------------------------------
# CSV / TSV


def test_csv_with_header(tmp_path: Path) -> None:
    path = write(
        tmp_path / "news.csv",
        "id,title,text,date,label,section\n"
        'a1,Titel A,"Erster Absatz.\n\nZweiter, mit Komma.",13.06.2023,Sport,Fußball\n'
        ",,Ohne Id.,,Kultur,\n",
    )
    docs = Corpus(path).to_list()
    assert [d.id for d in docs] == ["a1", "news/1"]
    first = docs[0]
    assert first.title == "Titel A" and first.date == "2023-06-13" and first.label == "Sport"
    assert first.paragraphs == ("Erster Absatz.", "Zweiter, mit Komma.")
    assert first.metadata == {"section": "Fußball"}
    assert docs[1].title is None and docs[1].date is None and docs[1].metadata == {"section": ""}


def test_csv_column_mapping_by_name_and_index(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "kategorie;body;quelle\nSport;Ein Tor.;dpa\n")
    doc = Corpus(path, columns={"text": "body", "label": 0, "source": "quelle"}).to_list()[0]
    assert (doc.text, doc.label, doc.source, doc.metadata) == ("Ein Tor.", "Sport", "dpa", {})
    with pytest.raises(CorpusError, match="'Body' for text is not a column"):
        Corpus(path, columns={"text": "Body"}).to_list()
    with pytest.raises(CorpusError, match="no text column"):
        Corpus(path).to_list()


def test_csv_without_header(tmp_path: Path) -> None:
    one = write(tmp_path / "one.csv", "Nur Text.\nNoch ein Text.\n")
    assert [d.text for d in Corpus(one, header=False)] == ["Nur Text.", "Noch ein Text."]
    two = write(tmp_path / "two.csv", "Sport;Ein Tor.\nKultur;Ein Buch.\n")
    with pytest.raises(CorpusError, match=r"2 columns and no header.*corpus\.columns"):
        Corpus(two, header=False).to_list()
    with pytest.raises(CorpusError, match=r"no header .*; use a 0-based index"):
        Corpus(two, header=False, columns={"text": "text"}).to_list()
    with pytest.raises(CorpusError, match="the file has 2 columns"):
        Corpus(two, header=False, columns={"text": 2}).to_list()
    docs = Corpus(two, header=False, columns={"label": 0, "text": 1}).to_list()
    assert [(d.id, d.label, d.text) for d in docs] == [
        ("two/0", "Sport", "Ein Tor."),
        ("two/1", "Kultur", "Ein Buch."),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(tmp_path: Path, delimiter: str) -> None:
    rows = [["id", "text"], ["a", "Eins, zwei; drei"], ["b", "Vier | fünf"], ["c", "Sechs"]]
    quoted = [[f'"{cell}"' if delimiter in cell else cell for cell in row] for row in rows]
    path = write(tmp_path / "s.csv", "".join(delimiter.join(r) + "\n" for r in quoted))
    assert sniff_delimiter(path.read_text(encoding="utf-8")) == delimiter
    assert [d.text for d in Corpus(path)] == ["Eins, zwei; drei", "Vier | fünf", "Sechs"]


def test_tsv_extension_and_crlf_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "n.tsv", "\ufeffid\ttext\r\nx\tEin, Text; mit | allem\r\n")
    doc = Corpus(path).to_list()[0]
    assert (doc.id, doc.text) == ("x", "Ein, Text; mit | allem")


def test_gnad_reads_fully(gnad_csv: Path) -> None:
    start = time.perf_counter()
    corpus = Corpus(gnad_csv, quotechar="'", header=False, columns={"label": 0, "text": 1})
    docs = corpus.to_list()
    elapsed = time.perf_counter() - start
    assert len(docs) == 1028
    assert [d.id for d in docs] == [f"test/{i}" for i in range(1028)]
    assert Counter(d.label for d in docs) == {
        "Web": 168,
        "Panorama": 168,
        "International": 151,
        "Wirtschaft": 141,
        "Sport": 120,
        "Inland": 102,
        "Etat": 67,
        "Wissenschaft": 57,
        "Kultur": 54,
    }
    assert corpus.skipped == [] and corpus.files() == [gnad_csv]
    # No paragraph breaks in 10kgnad: long articles are cut into passages of ~150 words.
    longest = max(docs, key=lambda d: d.num_words)
    assert longest.num_words == 4800 and len(longest.paragraphs) > 20
    assert not any("\r" in d.text for d in docs)
    info = corpus_info(docs)
    assert (info["words"]["min"], info["words"]["median"]) == (7, 297.5)
    assert elapsed < 3


# ---------------------------------------------------------------------------------------------
# JSON lines


def test_jsonl(tmp_path: Path) -> None:
    rows = [
        {"id": 7, "text": "Ein Tor.", "date": "2023-06-13T10:00:00Z", "label": "Sport", "url": "u"},
        {"text": "Ohne Id.", "source": "dpa", "tags": ["a", "b"]},
    ]
    path = write(tmp_path / "n.jsonl", json.dumps(rows[0]) + "\n\n" + json.dumps(rows[1]) + "\n")
    docs = Corpus(path).to_list()
    assert [d.id for d in docs] == ["7", "n/1"]
    assert docs[0].date == "2023-06-13" and docs[0].metadata == {"url": "u"}
    assert docs[1].source == "dpa" and docs[1].metadata == {"tags": ["a", "b"]}
    mapped = write(tmp_path / "m.ndjson", '{"body": "Text.", "kategorie": "Web"}\n')
    doc = Corpus(mapped, columns={"text": "body", "label": "kategorie"}).to_list()[0]
    assert (doc.text, doc.label, doc.id) == ("Text.", "Web", "m/0")


# ---------------------------------------------------------------------------------------------
# bad input: raise names file, line and id; skip counts and reports


def test_missing_path_and_unknown_format_always_raise(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        Corpus(tmp_path / "nope", on_error="skip")
    with pytest.raises(CorpusError, match="unknown corpus format 'xml'"):
        Corpus(tmp_path, format="xml", on_error="skip")
    write(tmp_path / "a.json", "{}")
    with pytest.raises(CorpusError, match="cannot tell the format"):
        Corpus(tmp_path / "a.json")
    with pytest.raises(CorpusError, match="reads a file, but this is a folder"):
        Corpus(tmp_path, format="csv")
    with pytest.raises(CorpusError, match="limit"):
        Corpus(tmp_path, limit=0)
    with pytest.raises(CorpusError, match="unknown encoding"):
        Corpus(write(tmp_path / "x.txt", "Text."), encoding="klingon").to_list()


def test_undecodable_csv_row(tmp_path: Path) -> None:
    content = "id;text\na;Gut.\nb;F\xfcr alle.\nc;Auch gut.\n".encode("latin-1")
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(CorpusError) as error:
        Corpus(path).to_list()
    offset = content.index(b"\xfc")
    message = str(error.value)
    assert "bad.csv, line 3 (id 'b')" in message
    assert f"byte 0xfc at byte offset {offset} with encoding 'utf-8'" in message
    corpus = Corpus(path, on_error="skip")
    assert [d.id for d in corpus] == ["a", "c"]
    assert corpus.skipped == [
        {
            "file": str(path),
            "line": 3,
            "id": "b",
            "kind": "undecodable bytes",
            "reason": corpus.skipped[0]["reason"],
        }
    ]
    assert [d.text for d in Corpus(path, encoding="latin-1")][1] == "Für alle."
    with_bom = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + content)
    with pytest.raises(CorpusError, match=f"byte offset {offset + 3} with encoding 'utf-8'"):
        Corpus(with_bom).to_list()


def test_undecodable_text_and_jsonl_files(tmp_path: Path) -> None:
    content = b"Erste Zeile.\n\nZweite \xe4 Zeile."
    write(tmp_path / "folder" / "a.txt", content)
    with pytest.raises(CorpusError) as error:
        Corpus(tmp_path / "folder").to_list()
    assert "a.txt, line 3 (id 'a')" in str(error.value)
    assert f"byte offset {content.index(BAD_BYTE)}" in str(error.value)
    content = b'{"text": "gut"}\n{"text": "b\xe4d"}\n'
    path = write(tmp_path / "n.jsonl", content)
    with pytest.raises(CorpusError) as error:
        Corpus(path).to_list()
    assert "n.jsonl, line 2: undecodable bytes" in str(error.value)
    assert f"byte offset {content.index(BAD_BYTE)}" in str(error.value)


def test_malformed_csv_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "id,text\na,Gut.\nb,Zu,viele\nc,Auch gut.\n")
    with pytest.raises(CorpusError, match=r"m\.csv, line 3 \(id 'b'\).*expected 2 fields, found 3"):
        Corpus(path).to_list()
    corpus = Corpus(path, on_error="skip")
    assert [d.id for d in corpus] == ["a", "c"]
    assert [(s["line"], s["kind"]) for s in corpus.skipped] == [(3, "malformed row")]


def test_unterminated_quote(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", 'id,text\na,Gut.\nb,"Offen\nc,Nie gelesen.\n')
    with pytest.raises(CorpusError, match=r"q\.csv, line 3: malformed row: unexpected end of data"):
        Corpus(path).to_list()
    stray = write(tmp_path / "s.csv", 'id,text\na,"Zitat" danach\nb,Gut.\n')
    corpus = Corpus(stray, on_error="skip")
    assert [d.id for d in corpus] == ["b"]
    assert corpus.skipped[0]["line"] == 2 and "expected after" in corpus.skipped[0]["reason"]


def test_bad_first_row_always_raises_and_row_ids_stay_stable(tmp_path: Path) -> None:
    header = write(tmp_path / "h.csv", '"id"x,text\na,Gut.\n')
    with pytest.raises(CorpusError, match=r"h\.csv, line 1: cannot read the first row"):
        Corpus(header, on_error="skip").to_list()
    path = write(tmp_path / "r.csv", 'Sport,Eins.\nWeb,"Zitat" danach\nKultur,Drei.\n')
    corpus = Corpus(path, header=False, columns={"label": "0", "text": "1"}, on_error="skip")
    assert [(d.id, d.label) for d in corpus] == [("r/0", "Sport"), ("r/2", "Kultur")]


def test_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "id,text\nx,Eins.\ny,Zwei.\nx,Drei.\n")
    with pytest.raises(
        CorpusError, match=r"d\.csv, line 4 \(id 'x'\).*already read from .*d\.csv, line 2"
    ):
        Corpus(path).to_list()
    corpus = Corpus(path, on_error="skip")
    assert [d.text for d in corpus] == ["Eins.", "Zwei."]
    assert corpus.skipped[0]["kind"] == "duplicate id"
    jsonl = write(tmp_path / "d.jsonl", '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n')
    with pytest.raises(CorpusError, match=r"line 2 .*already read from .*line 1"):
        Corpus(jsonl).to_list()
    first = write(tmp_path / "a.csv", "id,text\nq,Eins.\nx,Zwei.\n")
    with pytest.raises(CorpusError, match=r"d\.csv, line 2 .*already read from .*a\.csv, line 3"):
        Corpus([first, path]).to_list()


def test_duplicate_ids_across_batches_and_limit(tmp_path: Path, monkeypatch) -> None:
    import toolkit.corpus.corpus as corpus_module

    # batches of 3 records: a repeat inside a batch, one batches later, and a limit mid-batch
    monkeypatch.setattr(corpus_module, "ID_BATCH", 3)
    rows = ["a", "b", "a", "c", "d", "e", "f", "b", "g", "h"]
    path = write(tmp_path / "m.csv", "id,text\n" + "".join(f"{i},Text {i}.\n" for i in rows))
    corpus = Corpus(path, on_error="skip")
    assert [d.id for d in corpus] == ["a", "b", "c", "d", "e", "f", "g", "h"]
    assert [(s["line"], s["reason"].split("from ")[-1][-6:]) for s in corpus.skipped] == [
        (4, "line 2"),
        (9, "line 3"),
    ]
    assert [d.id for d in Corpus(path, on_error="skip", limit=4)] == ["a", "b", "c", "d"]


def test_seen_ids_agree_with_a_dict() -> None:
    rng = np.random.default_rng(0)
    ids = [f"id{n}" for n in rng.integers(0, 3000, size=6000)]
    seen, first, start = SeenIds(), {}, 0
    while start < len(ids):
        size = int(rng.integers(1, 700))
        batch = ids[start : start + size]
        expected = []
        for offset, doc_id in enumerate(batch):
            expected.append(first.get(doc_id, -1))
            first.setdefault(doc_id, start + offset)
        assert seen.check(batch, range(start, start + len(batch))).tolist() == expected
        start += size
    assert len(seen) == len(first)
    # two hashes that share their high half are told apart by the low one
    run = np.zeros(2, dtype=ids_module._RUN)
    run["hi"], run["lo"], run["place"] = 7, [1, 2], [10, 20]
    query = np.zeros(3, dtype=ids_module._RUN)
    query["hi"], query["lo"] = [7, 7, 8], [2, 3, 1]
    assert ids_module._lookup(run, query).tolist() == [20, -1, -1]


def test_empty_documents(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "id,text\na,Gut.\nb,   \n")
    with pytest.raises(CorpusError, match=r"e\.csv, line 3 \(id 'b'\): empty document"):
        Corpus(path).to_list()
    write(tmp_path / "f" / "empty.txt", " \n\n ")
    write(tmp_path / "f" / "seed.txt", "date 2023-06 Nur ein Bild\n\n")
    write(tmp_path / "f" / "ok.txt", "Text.")
    corpus = Corpus(tmp_path / "f", on_error="skip")
    assert [d.id for d in corpus] == ["ok"]
    assert [(s["id"], s["kind"]) for s in corpus.skipped] == [
        ("empty", "empty document"),
        ("seed", "empty document"),
    ]
    jsonl = write(tmp_path / "e.jsonl", '{"text": ""}\n')
    with pytest.raises(CorpusError, match=r"line 1 \(id 'e/0'\): empty document"):
        Corpus(jsonl).to_list()


def test_invalid_records(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "id,text,date\na,Gut.,2023-02-30\n")
    with pytest.raises(
        CorpusError, match=r"line 2 \(id 'a'\): invalid date: invalid date '2023-02-30'"
    ):
        Corpus(path).to_list()
    write(tmp_path / "s" / "x.txt", "date 2023-13 Bild\n\nText.")
    with pytest.raises(CorpusError, match=r"x\.txt, line 1 \(id 'x'\): invalid seed file"):
        Corpus(tmp_path / "s").to_list()
    bad = write(tmp_path / "b.jsonl", '{"text": "a"}\n{"text": \n[1]\n{"title": "t"}\n')
    corpus = Corpus(bad, on_error="skip")
    assert [d.id for d in corpus] == ["b/0"]
    assert [(s["line"], s["kind"]) for s in corpus.skipped] == [
        (2, "malformed row"),
        (3, "malformed row"),
        (4, "invalid record"),
    ]


def test_skip_summary_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "m.csv", "id,text\na,Gut.\nb,Zu,viele\na,Doppelt.\n")
    set_quiet(False)
    try:
        assert len(Corpus(path, on_error="skip").to_list()) == 1
    finally:
        set_quiet(True)
    err = capsys.readouterr().err
    assert "read 1 documents, skipped 2 record(s) (1 duplicate id, 1 malformed row)" in err
    assert "m.csv, line 3" in err


# ---------------------------------------------------------------------------------------------
# streaming, limit, config


def test_streaming_rereads_and_holds_no_documents(tmp_path: Path) -> None:
    path = write(tmp_path / "s.jsonl", '{"text": "Eins."}\n{"text": "Zwei."}\n')
    corpus = Corpus(path)
    first, second = list(corpus), list(corpus)
    assert first == second and [d.text for d in first] == ["Eins.", "Zwei."]
    assert not any(
        isinstance(value, list | tuple) and any(isinstance(v, Document) for v in value)
        for value in vars(corpus).values()
    )
    iterator = iter(corpus)
    assert next(iterator).text == "Eins."
    write(path, '{"text": "Neu."}\n')
    assert [d.text for d in corpus] == ["Neu."]


def test_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "text\n" + "".join(f"Text {i}.\n" for i in range(10)))
    assert [d.id for d in Corpus(path, limit=3)] == ["l/0", "l/1", "l/2"]


def test_explicit_format_and_load_corpus(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "Sport,Ein Tor.\n")
    doc = Corpus(path, "csv", header=False, columns={"label": 0, "text": 1}).to_list()[0]
    assert (doc.id, doc.label, doc.text) == ("c/0", "Sport", "Ein Tor.")
    assert (
        load_corpus(path, format="csv", header=False, columns={"text": 1}).to_list()[0].id == "c/0"
    )


# ---------------------------------------------------------------------------------------------
# statistics


def test_corpus_info() -> None:
    docs = [
        Document.from_text("a", "eins zwei\n\ndrei", date="2023-06", label="Sport", source="dpa"),
        Document.from_text("b", "vier", date="2022", label="Web"),
        Document.from_text("c", "fünf sechs sieben acht", label="Sport"),
    ]
    info = corpus_info(iter(docs))
    assert info["documents"] == 3 and info["paragraphs"] == 4
    assert info["words"] == {
        "total": 8,
        "min": 1,
        "median": 3.0,
        "mean": 8 / 3,
        "p90": 3.8,
        "max": 4,
    }
    assert info["dates"] == {"first": "2022", "last": "2023-06", "count": 2}
    assert info["labels"] == {"Sport": 2, "Web": 1} and info["sources"] == {"dpa": 1}
    text = format_corpus_info(info)
    assert "documents    3" in text
    assert "dates        2022 .. 2023-06 (2 of 3 documents dated)" in text
    assert "  Sport        2" in text
    empty = corpus_info([])
    assert empty["documents"] == 0 and empty["words"]["median"] is None
    assert "dates        none" in format_corpus_info(empty)


def test_several_paths_read_as_one_corpus(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    write(folder / "a.txt", "Ein Artikel über die NATO.")
    jsonl = write(tmp_path / "more.jsonl", '{"id": "b", "text": "Noch einer.", "label": "x"}\n')
    corpus = Corpus([folder, jsonl])
    assert [d.id for d in corpus] == ["a", "b"]
    assert corpus.files() == [folder / "a.txt", jsonl]
    clash = write(tmp_path / "clash.jsonl", '{"id": "a", "text": "Gleiche id."}\n')
    with pytest.raises(CorpusError, match=r"duplicate id.*'a' was already read"):
        Corpus([folder, clash]).to_list()
