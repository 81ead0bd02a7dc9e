"""Indicator phrase and year: golden texts (tests/cases/indicators.jsonl, one per grammar or
time rule, run through the whole pipeline), the `indicator`/`year` keys of
tests/cases/figures.jsonl (one sentence each), the rules file, and floors on the dev gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.analysis import Analysis
from nlp.figures import find_figures
from nlp.indicator_grammar import KINDS, cues
from nlp.indicators import annotate
from nlp.pipeline import extract
from nlp.rules import load
from nlp.training.scoring import token_f1

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests" / "cases"


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (CASES_DIR / name).read_text(encoding="utf-8").splitlines() if line.strip()]


GOLDEN = _jsonl("indicators.jsonl")
FIGURE_CASES = _jsonl("figures.jsonl")
WITH_FIELDS = [c for c in FIGURE_CASES if any("indicator" in f or "year" in f for f in c["figures"])]


# --- golden texts: the whole pipeline ------------------------------------------------------

@pytest.mark.parametrize("case", GOLDEN, ids=[c["id"] for c in GOLDEN])
def test_golden(case):
    figures = [r for r in extract(case["text"]) if r.type == "figure"]
    for want in case["figures"]:
        hits = [f for f in figures if f.text == want["text"]]
        assert hits, f"no figure {want['text']!r}: {[f.text for f in figures]}"
        got = hits[0]
        if "indicator" in want:
            assert token_f1(want["indicator"], got.indicator) >= 0.99, (got.indicator, want["indicator"], case["rule"])
        for word in want.get("excludes", []):
            assert word.lower() not in (got.indicator or "").lower(), (got.indicator, word)
        if "year" in want:
            assert got.year == want["year"], (got.text, got.year, case["rule"])


def test_golden_cover_the_rules():
    rules = " ".join(c["id"] for c in GOLDEN)
    for needle in ("decade", "anchor", "topic-year", "respectively", "coordinated", "shared-subject", "bracket",
                   "no-legal-reference", "bare-noun", "share-of-a-whole", "rate-per-unit"):
        assert needle in rules, f"no golden case for {needle}"


# --- one sentence: annotate alone ----------------------------------------------------------

def _annotated(text: str):
    doc = Analysis(text, [(0, len(text))])
    return annotate(doc, find_figures(doc))


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
    assert sum(1 for c in FIGURE_CASES for f in c["figures"] if "indicator" in f) >= 20


def _annotate_text(text: str):
    doc = Analysis(text)
    figs = find_figures(doc)
    out = []
    for sentence in doc.sentences:
        group = [f for f in figs if f.sentence == sentence]
        if group:
            out += annotate(doc, group)
    return [(f.text, f.year) for f in out]


def test_year_inherited_within_the_paragraph():
    text = "Trong 6 tháng đầu năm 2024, kinh tế phục hồi. Tỷ lệ hồ sơ trực tuyến đạt 42%."
    assert _annotate_text(text) == [("42%", 2024)]


def test_year_from_a_heading_and_from_the_anchor():
    heading = "(1) Năm 2025:\n\n- 80% cán bộ có kỹ năng số.\n- 100% học sinh được trang bị kiến thức."
    assert _annotate_text(heading) == [("80%", 2025), ("100%", 2025)]
    # a figure the text does not time is of the article's own year (its dateline)
    dated = "Hội nghị diễn ra ngày 16/9/2024.\n\nSố doanh nghiệp tăng 8%."
    assert _annotate_text(dated) == [("8%", 2024)]


def test_comparison_base_year_is_not_the_figure_year():
    (f,) = _annotated("Năm 2024, số lượng doanh nghiệp tăng 8% so cùng kỳ năm 2023.")
    assert f.year == 2024


def test_document_number_year_is_not_the_figure_year():
    (f,) = _annotated("Theo Nghị định 82/2024/NĐ-CP, tỷ lệ giải ngân đạt 60%.")
    assert f.year is None


def test_measure_only_subject_takes_the_previous_indicator():
    figs = _annotated("Đã phủ sóng 256/896 thôn lõm sóng, đạt tỷ lệ 28,6%.")
    assert figs[1].indicator == figs[0].indicator == "thôn lõm sóng"


def test_range_bounds_share_one_indicator():
    a, b = _annotated("Ngành da giày đặt mục tiêu xuất khẩu từ 35 - 38 tỷ USD vào năm 2025.")
    assert a.indicator == b.indicator and "xuất khẩu" in a.indicator
    assert a.year == b.year == 2025


def test_annotate_keeps_figures():
    doc = Analysis("Tỷ lệ đạt 42%.")
    assert annotate(doc, find_figures(doc))[0].value == 42
    assert annotate(Analysis(""), []) == []


# --- the rules file ------------------------------------------------------------------------

def test_every_cue_kind_is_known_and_compiles():
    kinds = {r["kind"] for r in load("indicator_cues", required=("kind",))}
    assert kinds <= set(KINDS)
    c = cues()
    assert c.ratio_units and c.share_verbs and c.existential and c.years


# --- floors on the dev gold (the gate's numbers, `solieu eval corpus/gold/dev corpus/seeds`) --

@pytest.fixture(scope="module")
def report():
    from tests.test_figures import dev_report

    return dev_report()


def test_dev_indicator_and_year_floor(report):
    s = report.scores["figure"]
    assert s.field("indicator") >= 0.85
    assert s.field("year") >= 0.9
