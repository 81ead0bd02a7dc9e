"""nlp.legal_query: decree queries in any spelling (tests/cases/decree_queries.jsonl), fold, matches."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.analysis import Analysis
from nlp.legal import find_legal_refs
from nlp.lang.fold import fold
from nlp.legal_query import DecreeQuery, matches, parse_decree_query
from tests.paths import ROOT

CASES = [json.loads(l) for l in (ROOT / "tests" / "cases" / "decree_queries.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["q"] or "<empty>" for c in CASES])
def test_query_parse(case):
    got = parse_decree_query(case["q"])
    exp = case["expect"]
    if exp is None:
        assert got is None
        return
    assert isinstance(got, DecreeQuery)
    assert (got.doc_type, got.number, got.year, got.code) == (exp["doc_type"], exp["number"], exp["year"], exp["code"])
    if exp["first"]:
        assert got.candidates[0] == exp["first"], got.candidates
    for c in exp["contains"]:
        assert c in got.candidates, got.candidates
    assert len(got.candidates) == len(set(got.candidates))


def test_enough_cases():
    assert len(CASES) >= 25 and sum(c["expect"] is None for c in CASES) >= 3


@pytest.mark.parametrize("s,want", [
    ("Nghị Định", "nghi dinh"), ("ĐỀ ÁN 06", "de an 06"), ("Quyết định số 06/QĐ-TTg", "quyet dinh so 06/qd-ttg"),
    ("Thủ tướng Chính phủ", "thu tuong chinh phu"), ("ưu tiên", "uu tien"), ("", ""),
])
def test_fold(s, want):
    assert fold(s) == want


def test_fold_of_nfd_equals_nfc():
    import unicodedata
    s = "Nghị quyết số 57-NQ/TW về đột phá"
    assert fold(unicodedata.normalize("NFD", s)) == fold(s)


# A query and the records the extractor writes for real mentions: the search contract.
TEXT = (
    "Nghị định số 82 năm 2024 sửa đổi, bổ sung một số điều của Nghị định số 73/2019/NĐ-CP. "
    "Ngày 06/01/2022, Thủ tướng Chính phủ ký ban hành Quyết định số 06/QĐ-TTg phê duyệt Đề án phát triển "
    "dữ liệu dân cư (Đề án 06). Chỉ thị số 34 ngày 16/9/2024 của Thủ tướng Chính phủ. Quyết định số 6/QĐ-UBND. "
    "Nghị định 82/2016/NĐ-CP về thuế."
)


@pytest.fixture(scope="module")
def records():
    return [r.to_dict() for r in find_legal_refs(Analysis(TEXT, [(0, len(TEXT))]))]


@pytest.mark.parametrize("query,texts", [
    ("nd 82/2024", ["Nghị định số 82 năm 2024"]),
    ("nghị định 82", ["Nghị định số 82 năm 2024", "Nghị định 82/2016/NĐ-CP"]),
    ("82/2016/nd-cp", ["Nghị định 82/2016/NĐ-CP"]),
    ("nghi dinh 73", ["Nghị định số 73/2019/NĐ-CP"]),
    ("qd 06/ttg", ["Quyết định số 06/QĐ-TTg", "Đề án 06"]),  # the alias counts as a mention
    ("qd 6", ["Quyết định số 06/QĐ-TTg", "Đề án 06", "Quyết định số 6/QĐ-UBND"]),
    ("de an 06", ["Đề án 06"]),
    ("ct 34", ["Chỉ thị số 34"]),
    ("ct 34/2024", ["Chỉ thị số 34"]),
    ("chi thi 34/ct-ttg", ["Chỉ thị số 34"]),
    ("ct 35", []),
    ("tt 82/2024", []),
])
def test_matches_extracted_records(records, query, texts):
    q = parse_decree_query(query)
    assert q is not None
    assert [r["text"] for r in records if matches(q, r)] == texts


def test_matches_is_safe_on_odd_records():
    q = parse_decree_query("nd 82/2024")
    assert not matches(q, {})
    assert not matches(q, {"number": None, "doc_type": None})
    assert not matches(q, {"number": "82", "doc_type": "Nghị định", "year": None, "id": "Nghị định 82"})


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_never_raises(q):
    got = parse_decree_query(q)
    assert got is None or isinstance(got, DecreeQuery)
