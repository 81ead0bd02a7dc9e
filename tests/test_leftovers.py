"""Page leftovers: golden cases, the rules' own examples, the gold ignore regions, and
the guarantees (never raises, exact slices, no gold record swallowed)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from nlp import leftovers, rules
from nlp.training.gold import load_gold
from nlp.leftovers import find_leftovers
from nlp.records import Ignored
from tests.paths import GOLD_DIRS, TEXT_DIRS

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "leftovers.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def check_regions(text: str, regions: list[Ignored]) -> None:
    """Every region slices exactly, is sorted and does not overlap the next one."""
    assert isinstance(regions, list)
    last_end = -1
    for r in regions:
        assert isinstance(r, Ignored)
        assert text[r.start:r.end] == r.text and r.start < r.end
        assert r.start >= last_end, "regions overlap or are unsorted"
        last_end = r.end
        assert r.reason and r.source.endswith(r.reason) and 0.0 < r.confidence <= 1.0
        assert r.to_dict()["type"] == "ignore"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_case(case):
    found = find_leftovers(case["text"])
    check_regions(case["text"], found)
    assert [{"reason": r.reason, "text": r.text} for r in found] == case["expect"]


def load_gold_dirs():
    out = {}
    for d in GOLD_DIRS:
        if d.is_dir() and any(d.glob("*.jsonl")):
            out.update(load_gold(d, TEXT_DIRS))
    return out


GOLD = load_gold_dirs()


def test_gold_ignore_regions_are_found():
    """Every `ignore` line of the gold is covered by a found region; overlap is reported."""
    gold_chars = covered = found_chars = found_in_gold = 0
    missed = []
    for doc, (text, lines) in GOLD.items():
        found = find_leftovers(text)
        check_regions(text, found)
        spans = [(r.start, r.end) for r in found]
        for g in (g for g in lines if g["type"] == "ignore"):
            gold_chars += g["end"] - g["start"]
            cov = sum(max(0, min(e, g["end"]) - max(s, g["start"])) for s, e in spans)
            covered += cov
            if cov < g["end"] - g["start"]:
                missed.append((doc, g["text"]))
        gold_spans = [(g["start"], g["end"]) for g in lines if g["type"] == "ignore"]
        for s, e in spans:
            found_chars += e - s
            found_in_gold += sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold_spans)
    print(f"\nleftovers vs gold ignore: {covered}/{gold_chars} gold chars covered; "
          f"{found_in_gold}/{found_chars} found chars inside gold ignore regions")
    assert gold_chars > 0, "the dev gold marks ignore regions; none were loaded"
    assert not missed, f"gold ignore regions not found: {missed}"


def test_no_gold_record_is_swallowed():
    """A found region never holds a gold figure or legal reference (that would lose recall)."""
    swallowed = []
    for doc, (text, lines) in GOLD.items():
        spans = [(r.start, r.end, r.reason) for r in find_leftovers(text)]
        for g in lines:
            if g["type"] == "ignore":
                continue
            for s, e, reason in spans:
                if g["start"] < e and s < g["end"]:
                    swallowed.append((doc, g["type"], g["text"], reason))
    assert not swallowed, swallowed


def test_every_corpus_text_gives_valid_regions():
    for d in TEXT_DIRS:
        for path in sorted(d.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            check_regions(text, find_leftovers(text))


def test_offsets_unchanged_around_leftovers():
    """We mark, never strip: the text after a leftover keeps its offset."""
    text = "Lượt xem: 35\nTỷ lệ đạt 42%."
    (r,) = find_leftovers(text)
    assert (r.start, r.end) == (0, 12) and text[text.index("42%"):].startswith("42%")


def test_long_text_is_handled_quickly():
    import time

    page = "Đoạn văn dài về chuyển đổi số với 42% hồ sơ trực tuyến. " * 40 + "\n"
    text = (page + "Lượt xem: 35\n") * 2000  # ~5 MB
    t0 = time.perf_counter()
    found = find_leftovers(text)
    assert len(found) == 2000
    assert time.perf_counter() - t0 < 5.0


def test_broken_rules_file_fails_at_load(monkeypatch):
    monkeypatch.setattr(rules, "load", lambda name, required=(): ({"id": "x", "kind": "line", "pattern": "(", "examples": ["x"]},))
    with pytest.raises(rules.RuleError, match="bad pattern"):
        leftovers._compile()
    monkeypatch.setattr(rules, "load", lambda name, required=(): ({"id": "x", "kind": "block", "pattern": "a", "examples": ["x"]},))
    with pytest.raises(rules.RuleError, match="kind"):
        leftovers._compile()


def test_non_string_input_gives_empty_list():
    assert find_leftovers(None) == [] and find_leftovers("") == [] and find_leftovers("Lượt xem: 3".encode()) == []


WIDGETS = st.sampled_from([
    "Tổng số lượt xem: 1204", "(Di chuột vào ngôi sao để chọn điểm)", "Các tin khác", "Tin liên quan",
    "Chi tiết bài viết tạm thời không có.", "Đánh giá", "Nơi nhận:", "- ", "  • ", "|", "\n", "\r\n",
    "Ý kiến bạn đọc", "Cỡ chữ: A- A A+", "© 2023", "Tỷ lệ đạt 42%.", "\u0301", "Lượt xem: ",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WIDGETS, st.text(max_size=30)), max_size=15).map("".join))
def test_never_raises_and_slices_exactly_on_page_like_text(text):
    check_regions(text, find_leftovers(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_unicode(text):
    check_regions(text, find_leftovers(text))
