"""nlp.ui view-models without a browser: search links and snippets, tables, charts, overview."""
from __future__ import annotations

import json
import math

import pytest

from nlp.records import Figure, LegalRef, Relation
from nlp.search import clip_query
from nlp.ui import links
from nlp.ui.charts import SELECTION, indicator_chart, points_frame, selected_rid
from nlp.ui.document_view import review_line, review_state, shown_records
from nlp.ui.indicator_view import build_series, find_point, fmt_value, points_table_html, selected_html
from nlp.ui.overview import documents_table_html, status_frame, top_cited_rows, totals
from nlp.ui.search_view import (TABS, decree_facts_line, documents_caption, echo, indicator_caption, link_params,
                                mention_html, read_link, snippet_html, tab_label, url_query)
from nlp.ui.tables import count_label, counts_by_kind, figures_frame, legal_frame, shorten


@pytest.mark.parametrize("params,expected", [
    ({"q": "nd 82", "tab": "decrees"}, {"q": "nd 82", "tab": "decrees", "decree": ""}),
    ({"q": ["  qd 06/ttg "], "tab": ["FIGURES"]}, {"q": "qd 06/ttg", "tab": "figures", "decree": ""}),
    ({"tab": "<script>"}, {"q": "", "tab": "", "decree": ""}),
    ({}, {"q": "", "tab": "", "decree": ""}),
    ({"q": "x", "decree": "82/2024/NĐ-CP"}, {"q": "x", "tab": "", "decree": "82/2024/NĐ-CP"}),
])
def test_read_link(params, expected):
    assert read_link(params) == expected


def test_link_roundtrip_writes_a_tab_only_when_chosen():
    for tab in TABS:
        p = link_params(" nghị định 82 ", tab, likely="decrees")
        assert read_link(p) == {"q": "nghị định 82", "tab": "" if tab == "decrees" else tab, "decree": ""}
    assert link_params("", "decrees") == {"tab": "decrees"}
    long = "chuyển đổi số " * 40
    assert url_query(long, clip_query(long)[0]) == long  # a cut query keeps the address as it was
    assert url_query("a", "b") == "b"


def test_page_links_round_trip_and_never_raise():
    assert links.document_href("doc 1", 7) == "document?id=doc%201&rid=7"
    assert links.read_document({"id": "doc 1", "rid": "7"}) == ("doc 1", 7)
    assert links.read_document({"id": "d", "rid": "x<"}) == ("d", None)
    assert links.decree_href("82/2024/NĐ-CP") == "decree?id=82/2024/N%C4%90-CP"
    p = links.indicator_params("ty le", "%", add=[("a b", None)], merge=[("c", "người")])
    assert p == {"key": "ty le", "unit": "%", "add": ["a b|"], "merge": ["c|người"]}
    got = links.read_indicator({"key": "ty le", "unit": "%", "add": ["a b|"], "merge": ["c|người"]})
    assert got == {"key": "ty le", "unit": "%", "add": [("a b", None)], "merge": [("c", "người")]}
    assert links.read_indicator({}) == {"key": "", "unit": None, "add": [], "merge": []}
    assert len(links.read_document({"id": "x" * 10_000})[0]) == links.MAX_PARAM


def test_search_view_captions():
    counts = {"document": 17, "document_phrase": 11, "document_words": 6}
    assert documents_caption(counts, {}, "chuyen doi so") == (
        "11 documents hold the whole phrase «chuyen doi so»; 6 more hold every word, not as one phrase.")
    # more matches than the ranking window: the caption says relevance covers only part of them
    big = {"document": 1000, "document_phrase": 700, "document_words": 300}
    assert documents_caption(big, {"document": True}, "chuyen doi so", window=200).endswith(
        "Ranked by relevance among the 200 most recently stored matches of each kind.")
    assert "Ranked" not in documents_caption(counts, {}, "chuyen doi so", window=200)
    assert tab_label("documents", counts, {"document": True}) == "Documents · 17+"
    assert echo("x " * 500).endswith("…»") and len(echo("x " * 500)) < 70
    g = {"n": 5, "n_target": 2, "n_actual": 3, "n_docs": 2, "year_min": 2022, "year_max": 2025, "unit": "%"}
    assert indicator_caption(g) == "5 figures (2 targets, 3 results) in 2 documents · 2022–2025 · unit %"
    assert decree_facts_line({"doc_type": "Nghị định", "issuer": "Chính phủ", "issued": "2024-07-15",
                              "year": 2024}) == "Nghị định · Chính phủ · issued 2024-07-15"


def test_snippet_marks_by_position_and_escapes():
    # «» inside the article text are not markers; only the listed spans are marked
    plain = "a «Nghị» <b>x</b> định"
    marks = [[2, 8], [18, 22]]  # "«Nghị»" and "định" in `plain`
    snippet = "a " + "«" + "«Nghị»" + "»" + " <b>x</b> " + "«" + "định" + "»"  # as nlp.search returns it
    out = snippet_html(snippet, marks)
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert out.count("<mark>") == 2
    assert out.startswith("a <mark>«Nghị»</mark>") and out.endswith("<mark>định</mark>")
    assert snippet_html(plain) == "a «Nghị» &lt;b&gt;x&lt;/b&gt; định"


def test_mention_html_marks_the_reference_in_its_sentence():
    m = {"doc": "d", "text": "Nghị định số 82", "sentence": "Theo <i>Nghị định số 82</i> năm 2024.", "start": 100}
    out = mention_html(m, "82/2024/NĐ-CP")
    assert 'data-ref="82/2024/NĐ-CP"' in out and "&lt;i&gt;" in out and "<i>" not in out
    exact = mention_html({**m, "sent_start": 100 - m["sentence"].index("Nghị")}, "82/2024/NĐ-CP")
    assert 'data-kind="legal_ref"' in exact
    assert 'data-kind' not in mention_html({**m, "text": "Quyết định 1"})  # not in the sentence: nothing marked
    # with the sentence's records: every reference marked and linked to its decree page, the mention outlined
    sent = "Nghị định 82/2024/NĐ-CP sửa đổi Nghị định 73/2019/NĐ-CP."
    recs = [{"type": "legal_ref", "start": 1000, "end": 1023, "id": "82/2024/NĐ-CP", "rid": 5, "sentence": [1000, 1056]},
            {"type": "legal_ref", "start": 1032, "end": 1055, "id": "73/2019/NĐ-CP", "rid": 6, "sentence": [1000, 1056]}]
    linked = mention_html({"rid": 5, "sentence": sent, "text": "Nghị định 82/2024/NĐ-CP"}, "82/2024/NĐ-CP", recs)
    assert linked.count('class="solieu-ref"') == 2 and 'href="decree?id=73/2019/N%C4%90-CP"' in linked
    assert linked.count("outline:") == 1


F1 = Figure(start=0, end=3, text="42%", value=42.0, unit="%", role="actual", year=2024, indicator="tỷ lệ hồ sơ")
F2 = Figure(start=5, end=8, text="80%", value=80.0, unit="%", role="target", year=None)
L1 = LegalRef(start=9, end=20, text="Nghị định 82", doc_type="Nghị định", number="82", year=2024, id="82/2024/NĐ-CP",
              relations=(Relation("amends", "73/2019/NĐ-CP"),))


def test_tables_split_by_type():
    figs, legal = figures_frame([F1, F2, L1]), legal_frame([F1, F2, L1])
    assert list(figs["text"]) == ["42%", "80%"] and list(legal["id"]) == ["82/2024/NĐ-CP"]
    assert legal["relations"][0] == "amends 73/2019/NĐ-CP"
    assert str(figs["year"][0]) == "2024" and figs["year"].isna()[1]
    stored = [{**F1.to_dict(), "doc": "a", "status": "accepted", "rid": 7}]
    assert {"doc", "status", "rid"} <= set(figures_frame(stored).columns)
    assert counts_by_kind([F1, F2, L1]) == {"actual": 1, "target": 1, "legal_ref": 1}


def _pt(rid, year, value, role, date, doc="a"):
    return {"rid": rid, "year": year, "value": value, "role": role, "date": date, "doc": doc, "comparator": "=",
            "text": f"{value}%", "sentence": f"Năm {year} đạt {value}%."}


def test_indicator_chart_draws_one_indicator_targets_and_results_apart():
    pts = [_pt(1, 2022, 21, "actual", "2023-01-01"), _pt(2, 2023, 38, "actual", "2023-12-01"),
           _pt(3, 2023, 36, "actual", "2024-06-01"), _pt(4, 2025, 80, "target", "2024-12-01"),
           _pt(5, None, 9, "actual", "")]
    df = points_frame([("tỷ lệ hồ sơ", pts)])
    assert list(df["rid"]) == [1, 2, 3, 4]  # no year: not drawn
    # one value per series, role and year is on the line: the one reported last (2023: 36, from 2024)
    assert list(df[df["on_line"]]["rid"]) == [1, 3, 4]
    spec = indicator_chart(df, "%").to_dict()
    marks = {layer["mark"]["type"] for layer in spec["layer"]}
    assert marks == {"line", "point"}
    point = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert point["encoding"]["x"]["field"] == "x" and point["encoding"]["y"]["field"] == "value"
    assert point["encoding"]["shape"]["field"] == "role_name"  # targets and results drawn apart
    assert "aggregate" not in point["encoding"]["y"] and "mean" not in json.dumps(spec)  # never averaged
    assert spec["params"][0]["name"] == SELECTION or any(p.get("name") == SELECTION for layer in spec["layer"]
                                                         for p in layer.get("params", []))
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    two = points_frame([("A", pts[:2]), ("B", [_pt(9, 2023, 50, "actual", "2023-05-01")])])
    assert indicator_chart(two).to_dict()["layer"][1]["encoding"]["color"]["field"] == "series"
    assert indicator_chart(points_frame([])).to_dict()
    assert selected_rid({"selection": {SELECTION: [{"rid": 3}]}}) == 3
    assert selected_rid({"selection": {}}) is None and selected_rid(None) is None


def test_indicator_view_tables_link_every_point_to_its_sentence():
    pts = [{**_pt(1, 2022, 21, "actual", "2023-01-01"), "start": 9, "end": 12, "sent_start": 0, "unit": "%",
            "sentence": "Năm 2022 <b>đạt</b> 21%."}]
    series = build_series({"label": "X", "points": pts}, [], [])
    html = points_table_html(series)
    assert 'href="document?id=a&amp;rid=1"' in html and "&lt;b&gt;" in html and "<b>" not in html
    assert 'data-rid="1"' in html
    sel = selected_html(pts[0])
    assert "solieu-selected-point" in sel and "document?id=a&amp;rid=1" in sel
    assert fmt_value({"value": 1200.0, "unit": "hồ sơ", "comparator": ">="}) == ">= 1,200 hồ sơ"
    assert fmt_value({"value": 22.4, "unit": "%", "comparator": "~"}) == "≈ 22.4%"
    assert find_point(series, 1)["rid"] == 1 and find_point(series, 2) is None


def test_document_view_review_state():
    recs = [{"type": "figure", "status": "pending"}, {"type": "legal_ref", "status": "accepted", "flagged": True},
            {"type": "ignore", "status": "pending"}, {"type": "figure", "status": "rejected"}]
    state = review_state(recs)
    assert (state["total"], state["pending"], state["accepted"], state["rejected"], state["flagged"]) == (3, 1, 1, 1, 1)
    assert review_line(state) == "3 records: 1 pending, 1 accepted, 1 rejected, 1 flagged"
    assert [r["status"] for r in shown_records(recs)] == ["pending", "accepted", "pending"]


def test_overview_numbers():
    stats = {"records": {"figure": {"pending": 5, "accepted": 2}, "legal_ref": {"corrected": 1},
                         "ignore": {"pending": 9}},
             "top_cited": [("06/QĐ-TTg", 22, 3)]}
    df = status_frame(stats)
    assert set(df["kind"]) == {"figures", "legal references"}  # leftovers are not reviewed
    assert totals(stats) == {"records": 8, "reviewed": 3}
    assert top_cited_rows(stats) == [{"id": "06/QĐ-TTg", "mentions": 22, "documents": 3}]
    assert not math.isnan(df["n"].sum())
    table = documents_table_html([{"id": "a<b", "title": "T <i>", "date": "2024-01-01", "records": 3,
                                   "duplicate_of": "orig"}])
    assert 'href="document?id=a%3Cb"' in table and 'href="document?id=orig"' in table
    assert "<i>" not in table and "T &lt;i&gt;" in table


def test_first_start_progress_label():
    from nlp.ui.session import _progress_label

    assert _progress_label(3, 18, "x03.txt") == (3 / 18, "Loading the bundled corpus: 3/18 x03.txt")
    assert _progress_label(0, 0) == (0.0, "Loading the bundled corpus: 0/0")
    assert _progress_label(20, 18)[0] == 1.0


def test_text_helpers():
    assert count_label(1, "document") == "1 document" and count_label(1200, "mention") == "1,200 mentions"
    assert shorten("Phát biểu tại Hội nghị, bà Trần Thị Quốc Hiền", 20) == "Phát biểu tại Hội…"
    assert len(shorten("x" * 50, 10)) == 10 and shorten("  a  b ", 10) == "a b"


def test_warm_up_runs_once_per_process():
    from nlp.ui.session import warm_up

    t = warm_up()
    assert warm_up() is t  # cached: one thread per process, however many sessions start
    t.join(timeout=120)
    assert not t.is_alive()
