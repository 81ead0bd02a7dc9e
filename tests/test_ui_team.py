"""The page-free parts of team review: spans and selections (offsets into the stored NFC text),
the reviewer's name, bulk scopes, kept corrections, saving under a name already taken,
exports with document and sentence, and reading a long article part by part."""
from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest

from nlp.export import to_csv, with_context
from nlp.records import FieldError
from nlp.spans import check_span, sentence_around, trim_selection
from nlp.store import open_store
from nlp.ui import bulk, identity
from nlp.ui.progressive import Progress, shifted
from nlp.ui.review import add_selected, fix_span, kept_edits, lease_note, next_record
from nlp.ui.spans import draft_record, page_of, pages, read_selection, window_marks
from nlp.ui.upload import free_id, same_name, save, saved_message, too_large

from .store_support import gold_documents, with_text

TEXT = unicodedata.normalize("NFC", "Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42%. Mục tiêu 2025 là 80% 🎯 theo Đề án 06.\n"
                                    "Dòng hai: cấp 1.250 chữ ký số.")


# ---------------------------------------------------------------- spans
def test_sentence_around_and_check_span():
    i = TEXT.index("42%")
    assert TEXT[slice(*sentence_around(TEXT, i, i + 3))] == "Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42%."
    j = TEXT.index("1.250")
    assert TEXT[slice(*sentence_around(TEXT, j, j + 5))] == "Dòng hai: cấp 1.250 chữ ký số."
    span = check_span(TEXT, i, i + 3)
    assert span["text"] == "42%" and span["sentence"][0] == 0
    for bad, why in (((i, i), "not inside"), ((-1, 3), "not inside"), ((i - 1, i + 3), "space"),
                     (("x", 3), "offset"), ((True, 3), "offset")):
        with pytest.raises(FieldError, match=why):
            check_span(TEXT, *bad)
    with pytest.raises(FieldError, match="does not hold"):
        check_span(TEXT, i, i + 3, sentence=[i + 1, i + 3])
    assert trim_selection(TEXT, i - 1, i + 3) == (i, i + 3)


def test_a_selection_after_an_astral_character_indexes_the_python_string():
    # JavaScript counts 🎯 as two UTF-16 units; the component sends code points, as Python counts
    k = TEXT.index("Đề án 06")
    assert read_selection(TEXT, {"start": k, "end": k + 8, "text": "Đề án 06"}) == (k, k + 8)
    decomposed = unicodedata.normalize("NFD", "Đề án 06")  # a browser may hand back decomposed text
    assert read_selection(TEXT, {"start": k, "end": k + 8, "text": decomposed}) == (k, k + 8)
    assert read_selection(TEXT, {"start": k - 1, "end": k + 8, "text": TEXT[k - 1:k + 8]}) == (k, k + 8)
    assert "does not match" in read_selection(TEXT, {"start": k + 1, "end": k + 9, "text": "Đề án 06"})
    assert "outside" in read_selection(TEXT, {"start": 0, "end": 10**6})
    assert "offsets" in read_selection(TEXT, {"start": "a"})
    assert "only spaces" in read_selection(TEXT, {"start": TEXT.index("\n"), "end": TEXT.index("\n") + 1})
    assert read_selection(TEXT, None) == "nothing selected"


def test_pages_and_window_marks():
    text = ("Một dòng có 42%.\n" * 3000)
    bounds = pages(text, 20_000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(e - s <= 20_000 and text[e - 1] == "\n" for s, e in bounds[:-1])
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert page_of(bounds, bounds[1][0]) == 1 and page_of(bounds, 10**9) == len(bounds) - 1
    recs = [{"type": "figure", "start": 12, "end": 15, "role": "actual", "value": 42, "rid": 1},
            {"type": "figure", "start": 13, "end": 15, "role": "actual", "value": 42, "rid": 2},  # overlaps: left out
            {"type": "legal_ref", "start": 30, "end": 33, "id": "x", "rid": 3}]
    marks = window_marks(recs, 10, 40)
    assert [(m["s"], m["e"], m["rid"], m["kind"]) for m in marks] == [(2, 5, 1, "actual"), (20, 23, 3, "legal_ref")]


def test_draft_records_from_a_selection():
    from nlp.pipeline import extract

    i = TEXT.index("42%")
    fig = draft_record(TEXT, "figure", i, i + 3, extract=extract)
    assert (fig["value"], fig["unit"], fig["text"]) == (42.0, "%", "42%")
    k = TEXT.index("Đề án 06")
    ref = draft_record(TEXT, "legal_ref", k, k + 8, extract=extract)
    assert ref["doc_type"] == "Đề án" and ref["number"] == "06"
    j = TEXT.index("1.250")
    bare = draft_record(TEXT, "figure", j, j + 5)  # no extractor: what the selection says
    assert bare["value"] == 1250.0 and bare["role"] == "other"


# ---------------------------------------------------------------- the reviewer's name
def test_initial_name_from_the_address_then_the_cookie():
    assert identity.initial_name({"reviewer": "  Lan  "}, {"solieu_reviewer": "Huy"}) == "Lan"
    assert identity.initial_name({}, {"solieu_reviewer": "Nguy%E1%BB%85n%20Minh"}) == "Nguyễn Minh"
    assert identity.initial_name({"reviewer": ["Huy"]}, None) == "Huy"
    assert identity.initial_name(None, None) == ""
    assert identity.clean_name("a\x00b   c" + "x" * 200) == "ab c" + "x" * 76


# ---------------------------------------------------------------- store-backed helpers
@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "ui.db")
    for doc, recs in gold_documents():
        s.add_document(doc, recs)
    yield s
    s.close()


def test_kept_edits_and_lease_note(store):
    rec = store.claim_next("lan", kind="figure")
    assert kept_edits(rec, {"value": "1.234,5", "role": rec["role"]}) == {"value": "1.234,5"}
    assert lease_note(rec, "lan", store.leases(), rec["lease_expires"] - 600) == "reserved for you for 10 more minutes"
    assert lease_note(rec, "huy", store.leases(), rec["lease_expires"] - 60).startswith("reserved by lan for 1 ")
    shown, note = next_record(store, "", kind="figure")
    assert shown and "Not reserved" in note
    assert next_record(store, "huy", kind="figure")[0]["rid"] != rec["rid"]


def test_add_selected_and_fix_span(store):
    doc = next(d for d, _ in gold_documents() if "42%" in d.text)
    i = doc.text.index("42%")
    s0 = doc.text.rindex("đạt", 0, i)
    assert add_selected(store, doc.id, "figure", s0, i + 3, {"value": "42"}, "")["level"] == "error"
    bad = add_selected(store, doc.id, "figure", s0, i + 3, {"value": "bốn mươi"}, "lan")
    assert bad["level"] == "error" and "value" in bad["message"]
    out = add_selected(store, doc.id, "figure", s0, i + 3, {"value": "42", "unit": "%", "role": "actual"}, "lan")
    assert out["level"] == "success" and out["record"]["source"] == "review:added"
    assert out["record"]["text"] == "đạt 42%"
    fig = next(r for r in store.list_records(doc=doc.id, kind="figure") if r["text"] == "42%")
    fixed = fix_span(store, fig, s0, i + 3, "lan")
    assert fixed["level"] == "success" and fixed["record"]["text"] == "đạt 42%"
    stale = fix_span(store, fig, s0, i + 2, "lan")  # the version seen before the fix
    assert stale["level"] == "warning"


def test_bulk_scopes_preview_and_run(store):
    mention = next(r for r in store.list_records(kind="legal_ref") if r["id"] == "Đề án 06")
    scopes = bulk.scopes(store, mention)
    assert [s["key"] for s in scopes] == [f"doc:{mention['doc']}", "decree:06/QĐ-TTg"]
    targets, what = bulk.preview(store, scopes[1])
    assert len(targets) >= 10 and what.startswith(f"{len(targets)} pending mentions of 06/QĐ-TTg")
    assert bulk.run(store, scopes[1], "accept", targets, "")["level"] == "error"
    out = bulk.run(store, scopes[1], "accept", targets, "lan")
    assert out["level"] == "success" and f"{len(targets)} records accepted in one step" in out["message"]
    again = bulk.run(store, scopes[1], "accept", targets, "lan")  # all reviewed meanwhile
    assert again["level"] == "info" and "left as they were" in again["message"]
    assert bulk.scopes(store, {**mention, "doc": mention["doc"] + "@v1"}) == []


def test_saving_under_a_name_already_taken(store):
    doc, recs = gold_documents()[0]
    assert same_name(store, doc) is None  # the same article: no question
    other = with_text(doc, "Một bài khác hẳn: đạt 42%.")
    taken = same_name(store, other)
    assert taken["id"] == doc.id and taken["version"] == 1
    assert free_id(store, doc.id) == f"{doc.id}-2"
    result, err = save(store, other, [], as_new=True)
    assert err is None and result["doc"] == f"{doc.id}-2" and "added" in saved_message(result)
    assert free_id(store, doc.id) == f"{doc.id}-3"
    result, _ = save(store, other, [])
    assert result["version"] == 2 and f"{doc.id}@v1" in saved_message(result)
    assert "is over" not in too_large("a.txt", 21 * 2**20, 10 * 2**20)
    assert "22,020,096 bytes" in too_large("a.txt", 21 * 2**20, 10 * 2**20)


# ---------------------------------------------------------------- exports, long articles
def test_upload_exports_carry_document_offsets_and_sentence():
    from nlp.pipeline import extract

    recs = extract(TEXT)
    rows = with_context(recs, "bai-viet", TEXT)
    fig = next(r for r in rows if r.get("text") == "42%")
    assert fig["doc"] == "bai-viet" and TEXT[fig["start"]:fig["end"]] == "42%"
    assert fig["sentence_text"] == "Năm 2024, tỷ lệ hồ sơ trực tuyến đạt 42%."
    (line,) = [r for r in csv.DictReader(io.StringIO(to_csv(rows))) if r["text"] == "42%"]
    assert (line["doc"], line["sentence"]) == ("bai-viet", fig["sentence_text"])
    assert json.loads(json.dumps(rows, ensure_ascii=False))[0]["doc"] == "bai-viet"


def test_a_long_text_read_part_by_part_gives_document_offsets(monkeypatch):
    import nlp.ui.progressive as progressive
    from nlp.pipeline import extract

    monkeypatch.setattr(progressive, "LARGE_CHARS", 100)
    monkeypatch.setattr(progressive, "PART_CHARS", 120)
    text = TEXT + "\n" + TEXT + "\n" + TEXT
    prog = Progress.of(text)
    assert len(prog.parts) > 1
    while not prog.finished:
        prog.step(text, extract)
    assert prog.fraction == 1.0
    assert all(text[r.start:r.end] == r.text for r in prog.records)
    assert sum(r.text == "42%" for r in prog.records) == 3
    assert shifted(prog.records, 0) == prog.records
