"""Every search form on a real store: decrees in user spellings, folded full text with phrases,
snippets and filters, figures by indicator words and filters; the --json shape."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.legal_query import fold
from nlp.search import MARK_CLOSE, MARK_OPEN, match_expression, search, search_decrees, search_documents, search_figures
from nlp.store import Store

from .store_support import gold_documents, shifted, with_text

CASES = [json.loads(line) for line in
         (Path(__file__).parent / "cases" / "search_queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("search") / "s.db")
    docs = gold_documents()
    for doc, recs in docs:
        s.add_document(doc, recs)
    # A syndicated copy of one article: found once, never counted twice.
    doc, recs = docs[1]
    head = "Nguồn: Cổng thông tin điện tử Chính phủ\n"
    s.add_document(with_text(doc, head + doc.text, doc_id="syndicated-copy"), shifted(recs, len(head)))
    yield s
    s.close()


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "decree"], ids=lambda c: c["query"])
def test_decree_queries(store, case):
    found = search_decrees(store, case["query"])
    if case.get("none"):
        assert found == []
        return
    assert found, case["query"]
    top = found[0]
    assert top["id"] == case["first"]
    if "match" in case:
        assert top["match"] == case["match"]
    if "mentions" in case:
        assert len(top["mentions"]) == top["n_mentions"] == case["mentions"]
    for alias in case.get("aliases", []):
        assert alias in top["aliases"]
    for m in top["mentions"]:
        doc = store.get_document(m["doc"])
        assert doc["text"][m["start"]:m["end"]] == m["text"] and m["doc"] != "syndicated-copy"
        assert set(m) >= {"doc", "start", "end", "sentence", "date"}


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "document"], ids=lambda c: c["query"])
def test_document_queries(store, case):
    found = search_documents(store, case["query"])
    ids = [d["id"] for d in found]
    assert "syndicated-copy" not in ids
    if len(case["docs"]) > 1 or case.get("any_order"):
        assert sorted(ids) == sorted(case["docs"])
    else:
        assert ids == case["docs"]
    words = {w for w in fold(case["query"].replace('"', " ")).split()}
    for d in found:
        assert d["score"] >= 0 and d["marks"]
        plain = d["snippet"].replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
        for s, e in d["marks"]:
            marked = fold(plain[s:e]).split()
            assert marked and set(marked) <= words, (plain[s:e], words)


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "figure"], ids=lambda c: c["query"] + str(c.get("filters", "")))
def test_figure_queries(store, case):
    found = search_figures(store, case["query"], **case.get("filters", {}))
    got = [[f["text"], f["year"], f["role"]] for f in found]
    if case.get("any_order"):
        assert sorted(got) == sorted(case["figures"])
    else:
        assert got == case["figures"]
    for f in found:
        assert f["doc"] != "syndicated-copy" and f["sentence_text"] is not None and "date" in f


def test_syndicated_copy_is_reported_with_its_original(store):
    found = search_documents(store, "xăng dầu hóa đơn điện tử")
    assert [d["duplicates"] for d in found] == [1]


def test_phrase_query_is_stricter_than_words(store):
    words = search_documents(store, "thuc dien tu xac")
    phrase = search_documents(store, '"thuc dien tu xac"')
    assert words and not phrase
    assert match_expression('"Định danh" điện* x') == '"dinh danh" AND "dien"* AND "x"'


def test_document_filters(store):
    all_ids = {d["id"] for d in search_documents(store, "chuyen doi so")}
    dated = search_documents(store, "chuyen doi so", date_from="2022-01-01", date_to="2022-12-31")
    assert [d["id"] for d in dated] == ["002_cb39b7388658a4b5"] and dated[0]["date"].startswith("2022")
    cites_nd = search_documents(store, "chuyen doi so", cited_type="nghi dinh")
    assert [d["id"] for d in cites_nd] == ["004_1f71ccbc9811faa5"]
    assert [d["id"] for d in search_documents(store, "chuyen doi so", cited_type="Nghị định", cited_year=2019)] == ["004_1f71ccbc9811faa5"]
    assert search_documents(store, "chuyen doi so", cited_type="Nghị định", cited_year=2018) == []
    assert search_documents(store, "chuyen doi so", source="no-such-source") == []
    only_filter = {d["id"] for d in search_documents(store, "", cited_type="quyết định")}
    assert only_filter == {"002_cb39b7388658a4b5", "004_1f71ccbc9811faa5"} and only_filter <= all_ids
    assert search_documents(store, "") == []


def test_figures_are_sorted_by_date(store):
    found = search_figures(store, "", unit="%", limit=100)
    dates = [f["date"] for f in found]
    known = [d for d in dates if d is not None]
    assert known == sorted(known) and dates[:len(known)] == known  # dated first, oldest first


def test_search_json_shape(store):
    out = search(store, "nd 82/2024")
    assert set(out) == {"query", "decrees", "documents", "figures"} and out["query"] == "nd 82/2024"
    d = out["decrees"][0]
    assert set(d) >= {"id", "doc_type", "year", "aliases", "relations", "mentions"}
    assert {"doc", "start", "end", "sentence", "date"} <= set(d["mentions"][0])
    assert out["documents"][0]["id"] == "004_1f71ccbc9811faa5"
    assert set(out["documents"][0]) >= {"id", "title", "date", "score", "snippet"}
    json.dumps(out, ensure_ascii=False)
    only = search(store, "ty le ho so truc tuyen", type="figure", limit=5)
    assert only["decrees"] == only["documents"] == [] and only["figures"][0]["text"] == "42%"
    assert "doc" in only["figures"][0] and only["figures"][0]["sentence_text"] is not None
    with pytest.raises(ValueError):
        search(store, "x", type="law")


@pytest.mark.parametrize("query", ["", " ", "\"", "*", "AND OR NOT", "(", "nd -", "'; DROP TABLE records; --", "\x00", "a" * 5000])
def test_odd_queries_never_raise(store, query):
    out = search(store, query)
    assert set(out) == {"query", "decrees", "documents", "figures"}


@pytest.mark.parametrize("query", ["du lieu dan cu", "ho so truc tuyen", "Dữ liệu dân cư"])
def test_documents_holding_the_phrase_rank_first(store, query):
    found = [d["id"] for d in search_documents(store, query)]
    with_phrase = {d["id"] for d in search_documents(store, f'"{query}"')}
    assert with_phrase and len(found) > len(with_phrase)
    assert set(found[:len(with_phrase)]) == with_phrase
