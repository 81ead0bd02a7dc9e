"""The scorer follows the matching rules of corpus/GUIDELINES.md."""
import pytest

from nlp.training.scoring import Report, score_document, token_f1, unit_eq


def fig(start, end, value, total=None, **kw):
    return {"type": "figure", "start": start, "end": end, "value": value, "total": total, **kw}


def ref(start, end, doc_type, number, **kw):
    return {"type": "legal_ref", "start": start, "end": end, "doc_type": doc_type, "number": number, **kw}


def run(gold, pred):
    r = Report()
    score_document(gold, pred, r)
    return r


def test_figure_needs_overlap_and_value():
    r = run([fig(10, 13, 42.0)], [fig(11, 14, 42.0000000001), fig(30, 33, 42.0)])
    s = r.scores["figure"]
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)


def test_figure_total_must_agree_when_gold_has_one():
    r = run([fig(0, 5, 43, 53)], [fig(0, 5, 43, 52)])
    assert r.scores["figure"].tp == 0 and r.scores["figure"].fn == 1


def test_legal_number_as_integer_and_type_case_insensitive():
    r = run([ref(0, 8, "Đề án", "06", id="Đề án 06")], [ref(0, 8, "đề án", "6", id="đề án  06")])
    s = r.scores["legal_ref"]
    assert s.tp == 1 and s.field("id") == 1.0


def test_each_gold_matches_at_most_one_prediction():
    r = run([fig(0, 3, 42)], [fig(0, 3, 42), fig(1, 3, 42)])
    assert (r.scores["figure"].tp, r.scores["figure"].fp) == (1, 1)


def test_predictions_inside_ignore_regions_do_not_count():
    gold = [{"type": "ignore", "start": 100, "end": 130}]
    r = run(gold, [fig(110, 114, 1204)])
    assert r.scores["figure"].fp == 0


@pytest.mark.parametrize("g,p,ok", [("%", "%", True), ("%", "điểm phần trăm", False),
                                    ("doanh nghiệp", "doanh nghiệp công nghệ số", True),
                                    ("Doanh nghiệp", "doanh", True), ("thôn", "xã", False), (None, None, True)])
def test_unit_rule(g, p, ok):
    assert unit_eq(g, p) is ok


def test_indicator_token_f1():
    assert token_f1("tỷ lệ hồ sơ", "Tỷ lệ hồ sơ") == 1.0
    assert token_f1("a b c d", "a b") == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert token_f1("a", "b") == 0.0


def test_year_only_scored_where_gold_has_one():
    r = run([fig(0, 3, 1, year=None, role="other"), fig(5, 8, 2, year=2024, role="actual")],
            [fig(0, 3, 1, year=2020, role="other"), fig(5, 8, 2, year=2024, role="target")])
    s = r.scores["figure"]
    assert s.field("year") == 1.0 and len(s.fields["year"]) == 1
    assert s.field("role") == 0.5
