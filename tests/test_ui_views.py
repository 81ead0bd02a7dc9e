"""nlp.ui view-models without a browser: search links and snippets, tables, charts, overview."""
from __future__ import annotations

import math

import pytest

from nlp.records import Figure, LegalRef, Relation
from nlp.ui.charts import timeline_chart, timeline_frame, units_by_frequency
from nlp.ui.overview import status_frame, top_cited_rows, totals
from nlp.ui.search_view import TABS, link_params, mention_html, read_link, snippet_html
from nlp.ui.tables import count_label, counts_by_kind, figures_frame, legal_frame, shorten


@pytest.mark.parametrize("params,expected", [
    ({"q": "nd 82", "tab": "decrees"}, {"q": "nd 82", "tab": "decrees", "decree": ""}),
    ({"q": ["  qd 06/ttg "], "tab": ["FIGURES"]}, {"q": "qd 06/ttg", "tab": "figures", "decree": ""}),
    ({"tab": "<script>"}, {"q": "", "tab": "decrees", "decree": ""}),
    ({}, {"q": "", "tab": "decrees", "decree": ""}),
    ({"q": "x", "decree": "82/2024/NĐ-CP"}, {"q": "x", "tab": "decrees", "decree": "82/2024/NĐ-CP"}),
])
def test_read_link(params, expected):
    assert read_link(params) == expected


def test_link_roundtrip():
    for tab in TABS:
        p = link_params(" nghị định 82 ", tab, "82/2024/NĐ-CP")
        assert read_link(p) == {"q": "nghị định 82", "tab": tab, "decree": "82/2024/NĐ-CP"}
    assert link_params("", "decrees") == {"tab": "decrees"}


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


def test_timeline_uses_figure_year_then_document_date():
    rows = [{**F1.to_dict(), "doc": "a"}, {**F2.to_dict(), "doc": "b"}, {**F2.to_dict(), "doc": "undated"},
            {"type": "legal_ref", "doc": "a"}]
    df = timeline_frame(rows, {"b": "2025-03-01"})
    assert list(df["year"]) == [2024, 2025] and list(df["role"]) == ["actual", "target"]
    assert units_by_frequency(df) == ["%"]
    spec = timeline_chart(df).to_dict()
    assert {layer["mark"]["type"] for layer in spec["layer"]} == {"line", "point"}
    assert spec["layer"][1]["encoding"]["shape"]["field"] == "role_name"
    empty = timeline_frame([])
    assert len(empty) == 0 and timeline_chart(empty).to_dict()


def test_overview_numbers():
    stats = {"records": {"figure": {"pending": 5, "accepted": 2}, "legal_ref": {"corrected": 1},
                         "ignore": {"pending": 9}},
             "top_cited": [("06/QĐ-TTg", 22, 3)]}
    df = status_frame(stats)
    assert set(df["kind"]) == {"figures", "legal references"}  # leftovers are not reviewed
    assert totals(stats) == {"records": 8, "reviewed": 3}
    assert top_cited_rows(stats) == [{"id": "06/QĐ-TTg", "mentions": 22, "documents": 3}]
    assert not math.isnan(df["n"].sum())


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
