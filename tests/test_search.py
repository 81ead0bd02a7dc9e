"""Every search form on a real store: decrees in user spellings, folded full text with phrases,
snippets and filters, figures by indicator words and filters; the --json shape."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.lang.fold import fold
from nlp.search import (MARK_CLOSE, MARK_OPEN, MAX_QUERY_CHARS, match_tiers, query_terms, search, search_decrees,
                        search_documents, search_figures)
from nlp.store import Term, TextQuery
from nlp.store.sqlite.fulltext import match_expression
from nlp.store import open_store

from .store_support import gold_documents, shifted, with_text

SHAPE = {"query", "cut", "first", "counts", "more", "decrees", "documents", "indicators", "figures"}
CASES = [json.loads(line) for line in
         (Path(__file__).parent / "cases" / "search_queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def store(module_location):
    s = open_store(module_location("search"))  # an SQLite file, then a PostgreSQL schema (tests/backends.py)
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
    terms = query_terms('"Định danh" điện* x')
    assert terms == [Term(("dinh", "danh")), Term(("dien",), prefix=True), Term(("x",))]
    assert match_expression(TextQuery(tuple(terms))) == '"dinh danh" AND "dien"* AND "x"'


def test_an_unquoted_query_is_tried_as_a_phrase_first():
    phrase, words = match_tiers("Chuyển đổi số")
    assert match_expression(phrase) == '"chuyen doi so"'
    assert match_expression(words) == '("chuyen" AND "doi" AND "so") NOT "chuyen doi so"'
    assert [match_expression(t) for t in match_tiers('"chuyển đổi" số')] == ['"chuyen doi" AND "so"']
    assert match_tiers("") == match_tiers('""') == []


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
    assert set(out) == SHAPE and out["query"] == "nd 82/2024" and out["cut"] is False
    assert out["first"] == "decree" and out["counts"]["decree"] == len(out["decrees"]) >= 1
    d = out["decrees"][0]
    assert set(d) >= {"id", "doc_type", "year", "aliases", "relations", "mentions", "title", "issued", "issuer",
                      "first_seen", "last_seen"}
    assert {"doc", "start", "end", "sentence", "date"} <= set(d["mentions"][0])
    assert out["documents"][0]["id"] == "004_1f71ccbc9811faa5"
    assert set(out["documents"][0]) >= {"id", "title", "date", "score", "snippet"}
    json.dumps(out, ensure_ascii=False)
    only = search(store, "ty le ho so truc tuyen", type="figure", limit=5)
    assert only["decrees"] == only["documents"] == only["indicators"] == [] and only["figures"][0]["text"] == "42%"
    assert "doc" in only["figures"][0] and only["figures"][0]["sentence_text"] is not None
    with pytest.raises(ValueError):
        search(store, "x", type="law")


@pytest.mark.parametrize("query", ["", " ", "\"", "*", "AND OR NOT", "(", "nd -", "'; DROP TABLE records; --", "\x00", "a" * 5000])
def test_odd_queries_never_raise(store, query):
    out = search(store, query)
    assert set(out) == SHAPE
    assert len(out["query"]) <= MAX_QUERY_CHARS and out["cut"] == (len(query.strip()) > MAX_QUERY_CHARS)


@pytest.mark.parametrize("query", ["du lieu dan cu", "ho so truc tuyen", "Dữ liệu dân cư"])
def test_documents_holding_the_phrase_rank_first(store, query):
    found = [d["id"] for d in search_documents(store, query)]
    with_phrase = {d["id"] for d in search_documents(store, f'"{query}"')}
    assert with_phrase and len(found) > len(with_phrase)
    assert set(found[:len(with_phrase)]) == with_phrase


def _plain_doc(doc_id: str, text: str, title: str = "Tin"):
    from dataclasses import replace

    from nlp.readers import document_from_text

    return replace(document_from_text(text, doc_id=doc_id, title=title), date="2024-01-01")


def test_a_phrase_needs_its_words_in_order_not_just_its_word_pairs(new_location):
    # `chuyen doi` and `doi so` both occur, `chuyen doi so` never: a phrase is more than its pairs
    # (PostgreSQL finds phrase candidates by word pairs and checks the order of 3+ words).
    with open_store(new_location("pairs")) as s:
        s.add_document(_plain_doc("apart", "Chuyển đổi mô hình, rồi đổi số điện thoại."), [])
        s.add_document(_plain_doc("phrase", "Chương trình chuyển đổi số quốc gia."), [])
        assert [d["id"] for d in search_documents(s, '"chuyển đổi số"')] == ["phrase"]
        found = search_documents(s, "chuyển đổi số")
        assert [(d["id"], d["match"]) for d in found] == [("phrase", "phrase"), ("apart", "words")]
        assert search_documents(s, '"đổi mô"') and not search_documents(s, '"mô đổi"')
        assert {d["id"] for d in search_documents(s, '"chuyển đổi" số')} == {"phrase", "apart"}
        from nlp.store import DocumentFilters

        def ids(*terms: Term) -> set[str]:
            return {d["id"] for d in s.find_documents(TextQuery(terms), DocumentFilters(), 10)}

        assert ids(Term(("doi", "s"), prefix=True)) == {"phrase", "apart"}  # a prefix ends the phrase
        assert ids(Term(("chuyen", "doi", "s"), prefix=True)) == {"phrase"}
        assert ids(Term(("chuyen", "doi", "x"), prefix=True)) == set()


def test_each_tier_is_ranked_among_its_most_recently_stored_matches(new_location):
    from nlp.store import DocumentFilters

    with open_store(new_location("window")) as s:
        # the oldest document holds the phrase in its title too (it would rank first of all)
        s.add_document(_plain_doc("d0", "Giá xăng tăng. Giá xăng giảm.", title="Giá xăng hôm nay"), [])
        for i in range(1, 4):
            s.add_document(_plain_doc(f"d{i}", f"Bản tin {i}: giá xăng dầu ổn định."), [])
        phrase = match_tiers("giá xăng")[0]
        every = s.find_documents(phrase, DocumentFilters(), 10, title_weight=4.0)
        assert every[0]["id"] == "d0" and len(every) == 4
        newest = s.find_documents(phrase, DocumentFilters(), 10, title_weight=4.0, window=2)
        assert {d["id"] for d in newest} == {"d2", "d3"}
        # a filter narrows the documents first: every match is ranked
        dated = s.find_documents(phrase, DocumentFilters(date_from="2000-01-01"), 10, title_weight=4.0, window=2)
        assert len(dated) == 4
        assert s.count_matching_documents(phrase, DocumentFilters(), 1000) == 4  # counts count every match
        assert s.count_matching_documents(phrase, DocumentFilters(), 3) == 3  # ... up to the cap


def test_figure_search_skips_rejected_best_matches_beyond_its_first_look(new_location):
    # The best matches are ranked first and only those joined (PostgreSQL: limit * 2 + 20 of
    # them); when the user's rejections remove them all the search must look further.
    from nlp.pipeline import extract

    text = " ".join(f"Giá mặt hàng thứ {i} tăng {i + 1}%." for i in range(40))
    with open_store(new_location("rejected")) as s:
        s.add_document(_plain_doc("gia", text), extract(text))
        found = search_figures(s, "giá", limit=60)
        assert len(found) == 40
        best = [f["rid"] for f in found]
        for f in found[:35]:
            s.review(f["rid"], "reject", reviewer="t", expected_version=f["version"])
        left = search_figures(s, "giá", limit=2)
        assert [f["rid"] for f in left] == best[35:37]
