"""Indicator tracking and what citing sentences state, on both store backends (SQLite, PostgreSQL).

Hand-made records on three short reports (so the store, not the extractor, is under test):
one indicator reported by two provinces' reports over four years, the same words in
another unit, a rejected figure, a syndicated copy, and a decree cited with its date,
issuer and title.
"""
from __future__ import annotations

import json

import pytest

from nlp.indicator_key import KEY_VERSION, indicator_key, key_version
from nlp.readers import document_from_text
from nlp.records import Figure, LegalRef, Relation
from nlp.search import search, search_decrees
from nlp.store import open_store
from nlp.tracking import indicator_series, indicators_json, search_indicators, similar_indicators

KEY = "ty le ho so truc tuyen toan trinh"

A = ("Báo cáo năm 2023 của tỉnh Hòa Bình.\n"
     "Năm 2023, tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh đạt 38%.\n"
     "Năm 2022, tỷ lệ hồ sơ trực tuyến toàn trình đạt 21%.\n"
     "Năm 2024, tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến toàn trình đạt 50%.\n"
     "Tỷ lệ hồ sơ trực tuyến toàn trình tính trên 1.200 hồ sơ.\n"
     "Tỷ lệ hồ sơ trực tuyến một phần đạt 17%.\n")
B = ("Tổng kết năm 2024 của tỉnh Hòa Bình.\n"
     "Năm 2024, tỷ lệ hồ sơ trực tuyến toàn trình (%) đạt 52%.\n"
     "Mục tiêu đến năm 2025, tỷ lệ hồ sơ trực tuyến toàn trình đạt 80%.\n"
     "Tỉnh triển khai Nghị định số 82/2024/NĐ-CP ngày 15/7/2024 của Chính phủ sửa đổi, bổ sung một số điều "
     "của Nghị định số 73/2019/NĐ-CP quy định quản lý đầu tư ứng dụng công nghệ thông tin.\n"
     "Năm 2024 có 99% hồ sơ trực tuyến toàn trình bị trả lại.\n")


def _sentence(text: str, at: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, at) + 1
    e = text.find("\n", at)
    return s, (e if e >= 0 else len(text))


def _fig(text: str, span: str, value: float, unit: str, role: str, year: int, indicator: str, n: int = 1) -> Figure:
    at = -1
    for _ in range(n):
        at = text.index(span, at + 1)
    return Figure(start=at, end=at + len(span), text=span, sentence=_sentence(text, at), value=value, unit=unit,
                  role=role, year=year, indicator=indicator)


def _ref(text: str, span: str, doc_type: str, number: str, year: int, code: str, lid: str, **kw) -> LegalRef:
    at = text.index(span)
    return LegalRef(start=at, end=at + len(span), text=span, sentence=_sentence(text, at), doc_type=doc_type,
                    number=number, year=year, code=code, id=lid, **kw)


def _docs():
    ind = "tỷ lệ hồ sơ trực tuyến toàn trình"
    a_recs = [_fig(A, "38%", 38, "%", "actual", 2023, ind), _fig(A, "21%", 21, "%", "actual", 2022, ind),
              _fig(A, "50%", 50, "%", "target", 2024, ind),
              _fig(A, "1.200 hồ sơ", 1200, "hồ sơ", "other", 2023, ind),  # same words, another unit
              _fig(A, "17%", 17, "%", "actual", 2023, "tỷ lệ hồ sơ trực tuyến một phần")]
    b_recs = [_fig(B, "52%", 52, "%", "actual", 2024, "tỷ lệ hồ sơ trực tuyến toàn trình (%)"),
              _fig(B, "80%", 80, "%", "target", 2025, ind),
              _ref(B, "Nghị định số 82/2024/NĐ-CP", "Nghị định", "82", 2024, "NĐ-CP", "82/2024/NĐ-CP",
                   issued="2024-07-15", relations=(Relation("amends", "73/2019/NĐ-CP"),)),
              _ref(B, "Nghị định số 73/2019/NĐ-CP", "Nghị định", "73", 2019, "NĐ-CP", "73/2019/NĐ-CP"),
              _fig(B, "99%", 99, "%", "actual", 2024, ind)]  # rejected below
    a = document_from_text(A, doc_id="hoa-binh-2023", title="Báo cáo 2023")
    b = document_from_text(B, doc_id="hoa-binh-2024", title="Tổng kết 2024")
    copy = document_from_text("Nguồn: báo tỉnh\n" + B, doc_id="hoa-binh-2024-copy", title="Tổng kết 2024")
    shift = len("Nguồn: báo tỉnh\n")
    copy_recs = [r.with_(start=r.start + shift, end=r.end + shift,
                         sentence=(r.sentence[0] + shift, r.sentence[1] + shift)) for r in b_recs]
    from dataclasses import replace
    return [(replace(a, date="2023-12-28"), a_recs), (replace(b, date="2024-12-26"), b_recs),
            (replace(copy, date="2024-12-27"), copy_recs)]


@pytest.fixture(scope="module")
def store(module_location):
    s = open_store(module_location("tracking"))
    for doc, recs in _docs():
        s.add_document(doc, recs)
    rej = next(r for r in s.list_records(doc="hoa-binh-2024", kind="figure") if r["text"] == "99%")
    s.review(rej["rid"], "reject", reviewer="t", expected_version=rej["version"])
    yield s
    s.close()


def test_groups_have_one_unit_and_never_mix_indicators(store):
    groups = search_indicators(store, "ty le ho so truc tuyen")
    by = {(g["key"], g["unit"]): g for g in groups}
    assert (KEY, "%") in by and (KEY, "hồ sơ") in by  # same words, two units: two groups
    pct = by[(KEY, "%")]
    # 38, 21, 50 (report A) + 52, 80 (report B); the copy of B and the rejected 99% are not counted
    assert (pct["n"], pct["n_docs"], pct["n_target"], pct["n_actual"]) == (5, 2, 2, 3)
    assert (pct["year_min"], pct["year_max"]) == (2022, 2025)
    assert pct["match"] == "phrase" and groups[0]["key"] == KEY
    assert by[(KEY, "hồ sơ")]["n"] == 1
    assert ("ty le ho so truc tuyen mot phan", "%") in by  # another measure: its own group


def test_series_points_by_year_with_sentence_and_document(store):
    s = indicator_series(store, KEY, "%")
    assert s["unit"] == "%" and s["label"] == "tỷ lệ hồ sơ trực tuyến toàn trình"
    pts = s["points"]
    assert [(p["year"], p["role"], p["value"]) for p in pts] == [
        (2022, "actual", 21), (2023, "actual", 38), (2024, "actual", 52), (2024, "target", 50), (2025, "target", 80)]
    assert {p["unit"] for p in pts} == {"%"}
    for p in pts:
        doc = store.get_document(p["doc"])
        assert doc["text"][p["start"]:p["end"]] == p["text"] and p["text"] in p["sentence"]
        assert p["doc"] in ("hoa-binh-2023", "hoa-binh-2024") and p["year_from"] == "figure"
    assert indicator_series(store, KEY, "USD") is None


def test_indicators_json_is_the_cli_shape(store):
    out = indicators_json(store, "tỷ lệ hồ sơ trực tuyến toàn trình")
    json.dumps(out, ensure_ascii=False)
    assert set(out) >= {"query", "indicators"}
    g = out["indicators"][0]
    assert set(g) >= {"key", "label", "unit", "points"} and (g["key"], g["unit"]) == (KEY, "%")
    assert all(set(p) == {"year", "role", "value", "comparator", "doc", "rid", "sentence"} for p in g["points"])
    assert len(g["points"]) == 5 and len({p["doc"] for p in g["points"]}) == 2
    assert indicators_json(store, "xyzzyq")["indicators"] == []


def test_similar_indicators_are_offered_by_unit(store):
    sim = similar_indicators(store, KEY, "%")
    keys = [(g["key"], g["unit"], g["same_unit"]) for g in sim]
    assert ("ty le ho so truc tuyen mot phan", "%", True) in keys
    assert (KEY, "hồ sơ", False) in keys  # the same key in another unit: offered, never on this chart
    assert all(g["similarity"] >= 75 for g in sim)


def test_a_corrected_unit_moves_the_figure_to_its_group(store):
    rec = next(r for r in store.list_records(doc="hoa-binh-2023", kind="figure") if r["text"] == "1.200 hồ sơ")
    store.review(rec["rid"], "correct", reviewer="t", expected_version=rec["version"], changes={"unit": "%"})
    try:
        assert store.indicator_group(KEY, "hồ sơ") is None
        assert store.indicator_group(KEY, "%")["n"] == 6
    finally:
        rec = store.get_record(rec["rid"])
        store.review(rec["rid"], "correct", reviewer="t", expected_version=rec["version"], changes={"unit": "hồ sơ"})
    assert store.indicator_group(KEY, "%")["n"] == 5


def test_decree_title_date_issuer_from_the_citing_sentence(store):
    d = search_decrees(store, "nd 82/2024")[0]
    assert d["id"] == "82/2024/NĐ-CP" and d["match"] == "exact"
    assert d["title"].startswith("sửa đổi, bổ sung một số điều của Nghị định số 73/2019/NĐ-CP")
    assert d["issued"] == "2024-07-15" and d["issuer"] == "Chính phủ"
    assert d["title_from"]["doc"] == "hoa-binh-2024"
    assert (d["first_seen"], d["last_seen"]) == ("2024-12-26", "2024-12-26")  # the copy is not counted
    assert store.legal_document("73/2019/NĐ-CP")["title"].startswith("quy định quản lý đầu tư")
    # the other decree of the sentence is co-cited, in one sentence
    assert store.co_cited("82/2024/NĐ-CP") == [{"id": "73/2019/NĐ-CP", "documents": 1, "sentences": 1}]
    # `nghi dinh 73` names the decree exactly (type and number), not as a closest match
    assert [(x["id"], x["match"]) for x in search_decrees(store, "nghi dinh 73")] == [("73/2019/NĐ-CP", "exact")]


def test_sentence_records_link_every_reference_of_a_sentence(store):
    m = store.legal_document("82/2024/NĐ-CP")["mentions"][0]
    recs = store.sentence_records([m["rid"]])[m["rid"]]
    assert [r.get("id") for r in recs] == ["82/2024/NĐ-CP", "73/2019/NĐ-CP"]
    assert store.sentence_records([]) == {}


def test_search_counts_every_kind_and_opens_the_likely_one(store):
    out = search(store, "ho so truc tuyen toan trinh")
    assert out["first"] == "document" and out["counts"]["document"] == 2  # the copy is folded into its original
    assert out["counts"]["indicator"] >= 1 and out["indicators"][0]["key"] == KEY
    assert {d["match"] for d in out["documents"]} == {"phrase"}
    assert search(store, "nd 82")["first"] == "decree"
    words = search(store, "truc tuyen 2023")  # every word, not as one phrase
    assert [d["match"] for d in words["documents"]] == ["words"] and words["counts"]["document_words"] == 1


def test_keys_are_recomputed_when_the_key_function_changes(store, monkeypatch):
    from nlp.store.postgres import indicators as pg_indicators
    from nlp.store.sqlite import indicators as sqlite_indicators

    assert key_version().startswith(f"{KEY_VERSION}:")
    for mod in (sqlite_indicators, pg_indicators):
        monkeypatch.setattr(mod, "current_version", lambda: "test-version")
        monkeypatch.setattr(mod, "indicator_key", lambda ind, unit=None: "same")
    with open_store(store.location) as s:  # opening notices another key version and recomputes every key
        assert s.indicator_group("same", "%")["n"] == 6  # every live % figure now shares one key
    monkeypatch.undo()
    with open_store(store.location) as s:  # and back
        assert s.indicator_group(KEY, "%")["n"] == 5 and s.indicator_group("same", "%") is None


@pytest.mark.parametrize("text,key", [
    ("Tỷ lệ hồ sơ trực tuyến toàn trình", KEY), ("tỷ lệ hồ sơ trực tuyến toàn trình (%)", KEY),
    ("CPI tháng 01/2017 tăng", "chi so gia tieu dung"), ("tốc độ tăng trưởng kinh tế năm 2017", "tang truong gdp"), ("chỉ số giá tiêu dùng (CPI) bình quân năm 2017", "chi so gia tieu dung binh quan"),
    ("nhiệt độ", "nhiet do"), ("", ""), (None, ""), ("năm 2017", "nam 2017"),
])
def test_indicator_key(text, key):
    assert indicator_key(text, "%") == key


def test_a_ranking_window_ranks_only_the_most_recently_stored_matches(store):
    from nlp.store import DocumentFilters, Term, TextQuery

    q = TextQuery((Term(("ho",)), Term(("so",))))
    every = {d["id"] for d in store.find_documents(q, DocumentFilters(), 10)}
    assert every == {"hoa-binh-2023", "hoa-binh-2024"}
    # the most recently stored match is report 2024's copy: a copy is never listed and takes
    # no place in the window, so a window of one holds report 2024, of two both reports
    assert [d["id"] for d in store.find_documents(q, DocumentFilters(), 10, window=1)] == ["hoa-binh-2024"]
    assert {d["id"] for d in store.find_documents(q, DocumentFilters(), 10, window=2)} == every
    assert {d["id"] for d in store.find_documents(q, DocumentFilters(), 10, window=1000)} == every
