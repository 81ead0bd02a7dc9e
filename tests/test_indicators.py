"""Indicator phrase and year: golden sentences (the `indicator`/`year` keys of
tests/cases/figures.jsonl) and floors on the dev gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.evaluate import token_f1
from nlp.figures import find_figures
from nlp.indicators import annotate
from nlp.segment import analyze

ROOT = Path(__file__).resolve().parent.parent
CASES = [json.loads(l) for l in (ROOT / "tests" / "cases" / "figures.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
WITH_FIELDS = [c for c in CASES if any("indicator" in f or "year" in f for f in c["figures"])]


def _annotated(text: str):
    figs = find_figures(text, [(0, len(text))])
    return annotate(text, figs, analyze(text, 0, len(text)))


@pytest.mark.parametrize("case", WITH_FIELDS, ids=[c["text"][:50] for c in WITH_FIELDS])
def test_indicator_and_year(case):
    figs = _annotated(case["text"])
    assert len(figs) == len(case["figures"])
    for f, want in zip(figs, case["figures"]):
        if "indicator" in want:
            assert token_f1(want["indicator"], f.indicator) >= 0.8, (f.indicator, want["indicator"])
        if "year" in want:
            assert f.year == want["year"], (f.text, f.year)


def test_enough_indicator_cases():
    assert sum(1 for c in CASES for f in c["figures"] if "indicator" in f) >= 20


def _annotate_text(text: str):
    from nlp.segment import split_sentences

    sentences = split_sentences(text)
    figs = find_figures(text, sentences)
    out = []
    for s, e in sentences:
        group = [f for f in figs if f.sentence == (s, e)]
        if group:
            out += annotate(text, group, analyze(text, s, e))
    return [(f.text, f.year) for f in out]


def test_year_inherited_within_the_paragraph():
    text = "Trong 6 tháng đầu năm 2024, kinh tế phục hồi. Tỷ lệ hồ sơ trực tuyến đạt 42%."
    assert _annotate_text(text) == [("42%", 2024)]


def test_year_inherited_from_a_heading_but_not_from_a_date():
    heading = "(1) Năm 2025:\n\n- 80% cán bộ có kỹ năng số.\n- 100% học sinh được trang bị kiến thức."
    assert _annotate_text(heading) == [("80%", 2025), ("100%", 2025)]
    dated = "Hội nghị diễn ra ngày 16/9/2024.\n\nSố doanh nghiệp tăng 8%."
    assert _annotate_text(dated) == [("8%", None)]


def test_comparison_base_year_is_not_the_figure_year():
    (f,) = _annotated("Năm 2024, số lượng doanh nghiệp tăng 8% so cùng kỳ năm 2023.")
    assert f.year == 2024


def test_document_number_year_is_not_the_figure_year():
    (f,) = _annotated("Theo Nghị định 82/2024/NĐ-CP, tỷ lệ giải ngân đạt 60%.")
    assert f.year is None


def test_measure_only_subject_takes_the_previous_indicator():
    figs = _annotated("Đã phủ sóng 256/896 thôn lõm sóng, đạt tỷ lệ 28,6%.")
    assert figs[1].indicator == figs[0].indicator == "thôn lõm sóng"


def test_annotate_never_raises_and_keeps_figures():
    figs = find_figures("Tỷ lệ đạt 42%.")
    assert annotate("Tỷ lệ đạt 42%.", figs, []) [0].value == 42
    assert annotate("", [], []) == []


@pytest.fixture(scope="module")
def report():
    from tests.test_figures import dev_report

    return dev_report()


def test_dev_indicator_and_year_floor(report):
    s = report.scores["figure"]
    assert s.field("indicator") >= 0.8
    assert s.field("year") >= 0.9
