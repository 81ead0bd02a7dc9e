"""Figure candidates: golden sentences (tests/cases/figures.jsonl), properties, dev-gold floor.

`python tests/test_figures.py` prints the full dev report (P/R/F1, field accuracies and the
errors) for find_figures + indicators.annotate over corpus/seeds.
"""
from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from nlp.analysis import Analysis
from nlp.figures import find_figures

ROOT = Path(__file__).resolve().parent.parent
CASES = [json.loads(l) for l in (ROOT / "tests" / "cases" / "figures.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(abs(float(a)), abs(float(b)), 1.0)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_golden_sentence(case):
    text = case["text"]
    figs = find_figures(Analysis(text, [(0, len(text))]))
    got = [(f.text, f.value, f.total, f.unit, f.comparator) for f in figs]
    want = [(e["text"], e["value"], e.get("total"), e.get("unit"), e["comparator"]) for e in case["figures"]]
    assert len(got) == len(want), got
    for g, w in zip(got, want):
        assert g[0] == w[0] and g[3] == w[3] and g[4] == w[4], (g, w)
        assert g[1] == w[1] and (g[2] == w[2] if w[2] is not None else g[2] is None), (g, w)  # values exact


def test_cases_are_varied_and_include_negatives():
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if not c["figures"]) >= 15


def test_exclude_spans_are_closed_to_figures():
    text = "Theo Kế hoạch số 93/KH-UBND, tỷ lệ đạt 42%."
    ref = text.index("93/KH-UBND")
    doc = Analysis(text)
    doc.claim([(ref, ref + len("93/KH-UBND"))])
    assert [f.text for f in find_figures(doc)] == ["42%"]
    doc.claim([(0, len(text))])
    assert find_figures(doc) == []


def test_records_carry_sentence_source_and_default_role():
    text = "Mở đầu bài viết. Tỷ lệ hồ sơ trực tuyến đạt 42%."
    (f,) = find_figures(Analysis(text))
    assert text[f.sentence[0]:f.sentence[1]] == "Tỷ lệ hồ sơ trực tuyến đạt 42%."
    assert f.role == "other" and f.indicator is None and f.year is None
    assert f.source.startswith("figures:") and 0 < f.confidence <= 1


def test_no_number_gives_empty_list():
    assert find_figures(Analysis("")) == []
    assert find_figures(Analysis("không có con số nào")) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,/-–% ntgỷyriệuđồnháăm\n:()")) , max_size=60))
def test_never_raises_and_offsets_are_exact_on_number_soup(s):
    for f in find_figures(Analysis(s, [(0, len(s))])):
        assert s[f.start:f.end] == f.text
        assert f.start < f.end


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_on_arbitrary_unicode(s):
    for f in find_figures(Analysis(s, [(0, len(s))])):
        assert s[f.start:f.end] == f.text


# --- dev gold ----------------------------------------------------------------------------

def dev_report():
    """Score find_figures + indicators.annotate on the dev gold (legal refs/leftovers excluded as in the pipeline)."""
    from nlp.indicators import annotate
    from nlp.legal import find_legal_refs
    from nlp.training.gold import load_gold
    from nlp.training.scoring import evaluate

    def predict(text: str) -> list[dict]:
        doc = Analysis(text)
        doc.claim((r.start, r.end) for r in find_legal_refs(doc))
        doc.claim((r.start, r.end) for r in doc.leftovers)
        by_sentence = defaultdict(list)
        for f in find_figures(doc):
            by_sentence[f.sentence].append(f)
        out = []
        for group in by_sentence.values():
            out += annotate(doc, group)
        return [f.to_dict() for f in out]

    return evaluate(load_gold(ROOT / "corpus/gold/dev", ROOT / "corpus/seeds"), predict)


@pytest.fixture(scope="module")
def report():
    return dev_report()


def test_dev_figure_f1_floor(report):
    s = report.scores["figure"]
    assert s.f1 >= 0.95, (s.precision, s.recall)


def test_dev_unit_and_comparator_floor(report):
    s = report.scores["figure"]
    assert s.field("unit") >= 0.95
    assert s.field("comparator") >= 0.95


if __name__ == "__main__":
    from nlp.training.scoring import format_report

    rep = dev_report()
    print(format_report(rep))
    for e in rep.errors:
        if e["type"] == "figure":
            print(e)
    sys.exit(0)
