"""nlp.ui.highlight: every character of the article is shown as text, records marked by kind."""
from __future__ import annotations

import json
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.training.gold import read_text
from nlp.records import Figure, LegalRef
from nlp.ui.highlight import KINDS, highlight_html, kind_of, legend_html, sentence_html
from tests.paths import GOLD_DEV, SEEDS


class _Visible(HTMLParser):
    """The text a browser shows, the record labels left out; also every tag and attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self.marks = [], [], []
        self._label_depth = 0
        self._mark: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "br":
            self.text.append("\n")
        elif tag == "mark":
            self._mark = []
            self.marks.append((dict(attrs), self._mark))
        elif tag == "span" and self._mark is not None:
            self._label_depth += 1

    def handle_endtag(self, tag):
        if tag == "span" and self._label_depth:
            self._label_depth -= 1
        elif tag == "mark":
            self._mark = None

    def handle_data(self, data):
        if self._label_depth:
            return
        # displaCy's template puts newlines/indentation around marks; none in ours.
        self.text.append(data)
        if self._mark is not None:
            self._mark.append(data)


def visible(html: str) -> _Visible:
    p = _Visible()
    p.feed(html)
    p.close()
    return p


XSS = 'Theo Nghị định 82/2024/NĐ-CP <script>alert(1)</script> đạt 42% <img src=x onerror=alert(1)>\nhết'


def _spans(text):
    a = text.index("Nghị định")
    b = text.index("42%")
    return [
        LegalRef(start=a, end=a + len("Nghị định 82/2024/NĐ-CP"), text="Nghị định 82/2024/NĐ-CP",
                 doc_type="Nghị định", number="82", year=2024, code="NĐ-CP", id="82/2024/NĐ-CP"),
        Figure(start=b, end=b + 3, text="42%", value=42.0, unit="%", role="actual", year=2024),
    ]


def test_article_markup_is_shown_as_text():
    out = highlight_html(XSS, _spans(XSS))
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    v = visible(out)
    assert "".join(v.text) == XSS
    assert {t for t, _ in v.tags} <= {"div", "mark", "span", "br"}


def test_markup_inside_a_record_and_its_fields_is_escaped():
    text = "x <img src=x onerror=alert(1)> y"
    rec = Figure(start=2, end=len(text) - 2, text=text[2:-2], value=1.0, role="target",
                 indicator='"><script>alert(2)</script>', unit="<b>")
    out = highlight_html(text, [rec])
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    v = visible(out)
    (attrs, inner), = v.marks
    assert "".join(inner) == text[2:-2]
    assert attrs["data-kind"] == "target"
    assert '"><script>alert(2)</script>' in attrs["title"]  # survives as an attribute value, not markup


def test_kinds_labels_and_ids():
    out = highlight_html(XSS, _spans(XSS))
    v = visible(out)
    kinds = [a["data-kind"] for a, _ in v.marks]
    assert kinds == ["legal_ref", "actual"]
    assert v.marks[0][0]["data-ref"] == "82/2024/NĐ-CP"
    assert KINDS["legal_ref"].color in v.marks[0][0]["style"]
    assert KINDS["legal_ref"].label in out and KINDS["actual"].label in out


def test_kind_of_roles_and_types():
    assert kind_of({"type": "figure", "role": "target"}) == "target"
    assert kind_of({"type": "figure", "role": "actual"}) == "actual"
    assert kind_of({"type": "figure", "role": "other"}) == "other"
    assert kind_of({"type": "legal_ref"}) == "legal_ref"
    assert kind_of({"type": "ignore"}) == "ignore"


def test_overlapping_and_out_of_range_records_do_not_break_the_text():
    text = "tăng 6,7% so với 2023"
    recs = [
        {"type": "figure", "start": 0, "end": 9, "role": "actual", "value": 6.7},
        {"type": "figure", "start": 5, "end": 9, "role": "target", "value": 6.7},  # overlaps: dropped
        {"type": "figure", "start": 15, "end": 999, "role": "other", "value": 1},  # out of range
        {"type": "figure", "start": "x", "end": None},  # malformed
    ]
    v = visible(highlight_html(text, recs))
    assert "".join(v.text) == text
    assert [a["data-kind"] for a, _ in v.marks] == ["actual"]


def test_sentence_html_marks_the_span_at_sentence_offsets():
    doc = "Câu một. Năm 2024 đạt 42% hồ sơ. Câu ba."
    s0 = doc.index("Năm")
    s1 = doc.index(" Câu ba")
    rec = {"type": "figure", "start": doc.index("42%"), "end": doc.index("42%") + 3, "sentence": [s0, s1],
           "role": "actual", "value": 42.0, "text": "42%"}
    for out in (sentence_html(rec, sentence_text=doc[s0:s1]), sentence_html(rec, document_text=doc)):
        v = visible(out)
        assert "".join(v.text) == doc[s0:s1]
        assert ["".join(i) for _, i in v.marks] == ["42%"]


def test_legend_names_every_kind():
    out = legend_html()
    for k in KINDS.values():
        assert k.label in out and k.color in out


def test_gold_of_a_seed_renders_every_record():
    # Real records (the dev gold) on a real article: each one drawn, text intact.
    path = next(SEEDS.glob("004_*.txt"))
    text = read_text(path)
    gold = [json.loads(x) for x in (GOLD_DEV / f"{path.stem}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    out = highlight_html(text, gold)
    v = visible(out)
    assert "".join(v.text) == text
    assert len(v.marks) == len(gold)
    assert any(a.get("data-ref") == "82/2024/NĐ-CP" for a, _ in v.marks)


_chars = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=150, deadline=None)
@given(text=st.text(_chars, max_size=80), cuts=st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)), max_size=6),
       roles=st.lists(st.sampled_from(["target", "actual", "other"]), min_size=6, max_size=6))
def test_any_text_and_spans_render_to_the_same_visible_text(text, cuts, roles):
    recs = [{"type": "figure", "start": min(a, b), "end": max(a, b), "role": roles[i], "value": 1.0}
            for i, (a, b) in enumerate(cuts)]
    out = highlight_html(text, recs)
    v = visible(out)
    assert "".join(v.text) == text
    assert {t for t, _ in v.tags} <= {"div", "mark", "span", "br"}  # the text made no element
