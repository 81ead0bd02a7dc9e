"""The pattern exclusions are looked for only around the text's digits (nlp/figures.py
closed_spans): the windows must find exactly what a scan of the whole text finds."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp import rules
from nlp.figures import closed_spans
from nlp.figures import rules as figure_rules

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_DIGIT = re.compile(r"\d")


def _whole_text(text: str) -> set[tuple[int, int]]:
    return {m.span() for _, rx in figure_rules().closed for m in rx.finditer(text)}


def _pattern_rules() -> list[dict]:
    return [r for r in rules.load("figure_exclusions", required=("kind",)) if r["kind"] == "pattern"]


@pytest.mark.parametrize("rule", _pattern_rules(), ids=lambda r: r["id"])
def test_an_example_without_a_digit_needs_a_digitless_rule(rule):
    # A rule that matches text with no digit is only found around digits unless it says so.
    for example in rule.get("examples", []):
        if not _DIGIT.search(example):
            assert rule.get("digitless"), f"{rule['id']}: {example!r} has no digit: mark the rule `digitless: true`"


@pytest.mark.parametrize("rule", _pattern_rules(), ids=lambda r: r["id"])
def test_examples_are_found_inside_a_longer_text(rule):
    # far from other digits, at the start, in the middle and at the end of a text
    filler = "Theo báo cáo của ủy ban nhân dân tỉnh về tình hình kinh tế xã hội trong thời gian qua, "
    for example in rule.get("examples", []):
        for text in (example + ". " + filler * 3, filler * 3 + example + ". " + filler * 3, filler * 3 + example):
            assert set(closed_spans(text)) == _whole_text(text), (rule["id"], example)


def test_the_bundled_corpus_gives_the_same_spans():
    texts = sorted(CORPUS.glob("*/*.txt"))
    assert len(texts) > 250
    for p in texts:
        text = p.read_text(encoding="utf-8")
        assert set(closed_spans(text)) == _whole_text(text), p.name


def test_windows_reach_a_long_glued_code_and_a_lookahead_at_their_end():
    long_code = "Mã" + "X" * 150 + "123"  # a letter run much longer than the window before a digit
    for text in (f"Sản phẩm {long_code} đã bán 500 chiếc", "Tổng đài 0912 345 678\n1. Mục một", "đường dây 500 kV"):
        assert set(closed_spans(text)) == _whole_text(text), text
