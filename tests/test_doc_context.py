"""Document context (nlp.context): anchor, periods, structure and frames on hand-written
Vietnamese texts (tests/cases/doc_context.jsonl, one case per rule or more), the rules'
own examples, the loader's validation, and properties that hold on any text."""
from __future__ import annotations

import functools
import inspect
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlp.context as context_pkg
from nlp.context import DocumentContext, build_context, find_time_exprs, parse_source_date
from nlp.context import anchor as anchor_mod
from nlp.context import cues as cues_mod
from nlp.context import frames as frames_mod
from nlp.context import structure as structure_mod
from nlp.context import timex as timex_mod
from nlp.context.cues import compiled, cue_spans, rules
from nlp.context.structure import find_sentences, find_units
from nlp.rules import RuleError

CASES_PATH = Path(__file__).parent / "cases" / "doc_context.jsonl"
CASES = [json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def _locate(text: str, needle: str, n: int = 1) -> tuple[int, int]:
    pos = -1
    for _ in range(n):
        pos = text.find(needle, pos + 1)
        assert pos >= 0, f"{needle!r} (occurrence {n}) not in the case text"
    return pos, pos + len(needle)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    text = case["text"]
    ctx = DocumentContext.build(text, source_date=case.get("source_date"))
    if "anchor" in case:
        want = case["anchor"]
        a = ctx.anchor
        for key in ("year", "month", "day", "how"):
            if key in want:
                assert getattr(a, key) == want[key], f"anchor.{key}: {getattr(a, key)!r} != {want[key]!r}"
        if "reported_year" in want:
            assert a.reported is not None and a.reported.year == want["reported_year"]
        for s, e in a.evidence:
            assert 0 <= s < e <= len(text)
    for want in case.get("units", []):
        unit = next((u for u in ctx.units if text[u.start:u.end] == want["text"]), None)
        assert unit is not None, f"no unit {want['text']!r}: {[text[u.start:u.end] for u in ctx.units]}"
        for key in ("marker", "heading", "lead"):
            if key in want:
                assert getattr(unit, key) == want[key], f"unit {want['text']!r}.{key}"
    for chk in case["checks"]:
        s, e = _locate(text, chk["at"], chk.get("n", 1))
        where = f"{case['id']} at {chk['at']!r}"
        p = ctx.period_at(s, e)
        if "period_year" in chk:
            assert p is not None and p.year == chk["period_year"], f"{where}: period {p}"
        if "period_kind" in chk:
            assert p is not None and p.kind == chk["period_kind"], f"{where}: period {p}"
        if "relation" in chk:
            assert p is not None and p.relation == chk["relation"], f"{where}: period {p}"
        if "inherited" in chk:
            assert p is not None and p.inherited == chk["inherited"], f"{where}: period {p}"
        if chk.get("inherit_none"):
            assert p is None, f"{where}: period {p}"
        f = ctx.frame_at(s)
        if "frame" in chk:
            assert f.kind == chk["frame"], f"{where}: frame {f} lead {text[f.lead_start:f.lead_end]!r}"
        if "frame_not" in chk:
            assert f.kind != chk["frame_not"], f"{where}: frame {f}"
        if "frame_year" in chk:
            assert f.year == chk["frame_year"], f"{where}: frame {f}"
        if "frame_shape" in chk:
            assert f.shape == chk["frame_shape"], f"{where}: frame {f}"
        if "frame_shape_not" in chk:
            assert f.shape != chk["frame_shape_not"], f"{where}: frame {f}"
        if "frame_cue" in chk:
            assert f.cue == chk["frame_cue"], f"{where}: frame {f}"
        year, source = ctx.year_at(s, e)
        if "year" in chk:
            assert year == chk["year"], f"{where}: year {year} from {source}"
        if "year_source" in chk:
            assert source == chk["year_source"], f"{where}: year {year} from {source}"


def test_every_rule_has_a_case():
    """Each case names the rule(s) it covers; every rule id of the file is covered by a case or
    by its own examples (test_rule_examples), and the structural behaviours by cases."""
    covered = " ".join(c["rule"] for c in CASES)
    for needle in ("dateline-daypart", "dateline-place-date", "dateline-source-paren", "source date",
                   "decade", "name-with-year", "legal-number-year", "year-words", "deadline-year",
                   "months-of-year", "quarter", "this-year", "next-year", "range-years",
                   "same-period-last-year", "comparison-base", "month-bare", "now-adverb",
                   "century-end", "rate", "present-aspect", "continuation", "forecast",
                   "goal-value", "purpose-goal", "modal-goal", "result-of-goal", "not-lead",
                   "hard-wrapped", "item markers"):
        assert needle in covered, f"no case for {needle}"


# --- the rules file: its own examples, and the loader's validation -----------------------

def _rule_cases():
    return [pytest.param(r, id=r["id"]) for r in rules()]


@pytest.mark.parametrize("rule", _rule_cases())
def test_rule_examples(rule):
    c = compiled()
    kind = rule["id"], rule["kind"]
    rid, kind = kind
    examples, counter = rule["examples"], rule.get("not_examples", [])
    if kind == "period":
        for ex in examples:
            assert any(x.rule == rid for x in find_time_exprs(ex)), f"{rid} misses {ex!r}: {find_time_exprs(ex)}"
        for ex in counter:
            assert not any(x.rule == rid for x in find_time_exprs(ex)), f"{rid} matches {ex!r}"
    elif kind == "not-time":
        rx = next(r for i, r, _, _ in c.not_time if i == rid)
        for ex in examples:
            m = rx.search(ex)
            assert m, f"{rid} misses {ex!r}"
            years = {int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", m.group())}
            assert not any(x.y in years for x in find_time_exprs(ex)), f"{ex!r}: a banned year was read as a time"
        for ex in counter:
            assert not rx.search(ex), f"{rid} matches {ex!r}"
    elif kind == "dateline":
        rx = next(r for i, _, r in c.datelines if i == rid)
        for ex in examples:
            assert rx.search(ex), f"{rid} misses {ex!r}"
    elif kind in ("frame", "present", "current", "generic"):
        cue = next(r for r in (*c.frames, c.present, c.current, c.generic) if r.id == rid)
        for ex in examples:
            assert cue_spans(cue, ex), f"{rid} misses {ex!r}"
        for ex in counter:
            assert not cue_spans(cue, ex), f"{rid} matches {ex!r}"
    elif kind == "plan":
        for ex in examples:
            hit = cue_spans(c.plan_clause, ex) if "cues" in rule else c.plan_head.search(ex)
            assert hit, f"{rid} misses {ex!r}"
    elif kind == "comparison":
        for ex in examples:
            assert c.comparison.search(ex), f"{rid} misses {ex!r}"
        for ex in counter:
            assert not c.comparison.search(ex), f"{rid} matches {ex!r}"
    elif kind == "milestone":
        for ex in examples:
            assert c.milestone.search(ex), f"{rid} misses {ex!r}"
        for ex in counter:
            assert not c.milestone.search(ex), f"{rid} matches {ex!r}"
    elif kind == "continuation":
        for ex in examples:
            assert c.continuation.match(ex), f"{rid} misses {ex!r}"
    elif kind == "not-lead":
        for ex in examples:
            assert c.not_lead.search(ex), f"{rid} misses {ex!r}"
    elif kind == "abbreviation":
        for ex in examples:
            units = find_units(ex)
            assert len(find_sentences(ex, units)) == 1, f"{ex!r} split at its abbreviation"
    else:  # pragma: no cover - a new kind needs a branch here
        pytest.fail(f"no example check for kind {kind!r}")
    trigger = cues_mod.trigger_regex(rule, required=False)
    if trigger is not None and kind != "abbreviation":
        for ex in examples:  # the prefilter must never hide a match of the rule's own examples
            assert trigger.search(ex.lower()), f"{rid}: trigger misses its example {ex!r}"


@pytest.fixture
def fresh_rules(monkeypatch):
    """Let a test feed its own rules to the compiler, then restore the real ones."""
    compiled.cache_clear()
    yield monkeypatch
    compiled.cache_clear()


def test_an_unknown_kind_fails_when_the_file_is_loaded(monkeypatch, tmp_path):
    # the loader checks a rule's kind against the kinds its consumer names (nlp.rules.load)
    import yaml

    from nlp import rules as rules_pkg

    real = yaml.safe_load((rules_pkg.RULES_DIR / "context_cues.yml").read_text(encoding="utf-8"))
    real["rules"].append({"id": "x", "kind": "nope", "examples": ["x"], "cues": ["x"]})
    (tmp_path / "context_cues.yml").write_text(yaml.safe_dump(real, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(rules_pkg, "RULES_DIR", tmp_path)
    rules_pkg._load.cache_clear()
    try:
        with pytest.raises(RuleError, match="rule 'x': kind must be one of"):
            rules()
    finally:
        rules_pkg._load.cache_clear()


@pytest.mark.parametrize("bad,msg", [
    ({"id": "x", "kind": "period", "period": "eon", "examples": ["x"], "pattern": "x"}, "period must be one of"),
    ({"id": "x", "kind": "frame", "frame": "maybe", "examples": ["x"], "cues": ["x"]}, "frame must be one of"),
    ({"id": "x", "kind": "frame", "frame": "target", "examples": ["x"]}, "needs 'pattern' or 'cues'"),
    ({"id": "x", "kind": "period", "period": "year", "examples": ["x"], "pattern": "("}, "bad pattern"),
    ({"id": "x", "kind": "frame", "frame": "target", "scope": "doc", "examples": ["x"], "cues": ["x"]}, "scope must be"),
    ({"id": "x", "kind": "period", "period": "year", "examples": ["x"], "pattern": "x"}, "needs a 'trigger'"),
    ({"id": "x", "kind": "not-time", "examples": ["x"], "pattern": "x", "trigger": "("}, "bad trigger"),
])
def test_bad_rules_fail_clearly(fresh_rules, bad, msg):
    good = [r for r in cues_mod.rules_mod.load("context_cues", required=("kind",))]
    fresh_rules.setattr(cues_mod, "rules", lambda: tuple(good) + (bad,))
    with pytest.raises(RuleError, match=msg):
        compiled()


def test_missing_kind_fails_clearly(fresh_rules):
    good = [r for r in cues_mod.rules_mod.load("context_cues", required=("kind",)) if r["kind"] != "continuation"]
    fresh_rules.setattr(cues_mod, "rules", lambda: tuple(good))
    with pytest.raises(RuleError, match="continuation"):
        compiled()


def test_rules_file_validates_through_the_loader():
    loaded = cues_mod.rules_mod.load("context_cues", required=("kind",))
    assert loaded and all(r["examples"] for r in loaded)


# --- no caches keyed on text; compiled once ----------------------------------------------

def test_no_module_level_caches_keyed_on_text():
    for mod in (context_pkg, anchor_mod, cues_mod, frames_mod, structure_mod, timex_mod):
        for name, obj in vars(mod).items():
            wrapped = getattr(obj, "__wrapped__", None)
            if wrapped is not None and hasattr(obj, "cache_info"):
                params = inspect.signature(wrapped).parameters
                assert not params, f"{mod.__name__}.{name} is cached on its arguments {list(params)}"


def test_rules_compiled_once():
    assert compiled() is compiled()


def test_contexts_are_independent():
    a = build_context("Tin\nNgày 5/6/2017, hội nghị diễn ra. Mục tiêu: GDP tăng 6,7%.")
    b = build_context("Tin\nNgày 5/6/2024, hội nghị diễn ra. Kết quả: GDP tăng 6,7%.")
    pa, pb = a.text.find("6,7%"), b.text.find("6,7%")
    assert (a.anchor.year, a.frame_at(pa).kind) == (2017, "target")
    assert (b.anchor.year, b.frame_at(pb).kind) == (2024, "actual")


# --- API odds and ends -----------------------------------------------------------------------

@pytest.mark.parametrize("src,want", [
    (None, (None, None, None)), (2017, (2017, None, None)), ("2017-07-03", (2017, 7, 3)),
    ("03/07/2017", (2017, 7, 3)), ((2017, 7), (2017, 7, None)),
])
def test_parse_source_date(src, want):
    assert parse_source_date(src) == want


def test_anchor_is_frozen():
    ctx = build_context("Tin\nHà Nội, ngày 16/9/2024\nNội dung.")
    with pytest.raises(Exception):
        ctx.anchor.year = 2000  # type: ignore[misc]


def test_role_hint():
    text = "Tin\nNgày 20/12/2024, tỉnh họp. Năm 2024, GRDP tăng 7%. Năm 2025, tỉnh phấn đấu GRDP tăng 8%."
    ctx = build_context(text)
    p7, p8 = text.find("7%"), text.find("8%")
    assert ctx.role_hint(p7, p7 + 2) == "actual"
    assert ctx.role_hint(p8, p8 + 2) == "target"


def test_trigger_prefilter_changes_nothing(monkeypatch):
    """Rules run only around their triggers; on the bundled corpus that finds exactly what a
    full scan of every rule finds."""
    from tests.paths import CORPUS
    texts = [p.read_text(encoding="utf-8") for d in ("seeds", "extra", "train") for p in sorted((CORPUS / d).glob("*.txt"))]
    assert texts
    fast = [[(x.start, x.end, x.rule) for x in find_time_exprs(t)] for t in texts]
    monkeypatch.setattr(timex_mod, "lowered", lambda text: None)
    full = [[(x.start, x.end, x.rule) for x in find_time_exprs(t)] for t in texts]
    assert fast == full


def test_gold_corpus_builds_fast_enough():
    """Characters and lines only: the largest extra article takes well under a tenth of a second."""
    import time
    from tests.paths import EXTRA
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXTRA.glob("*.txt"))]
    big = max(texts, key=len)
    build_context(big)  # rules compiled
    t = time.perf_counter()
    for _ in range(5):
        build_context(big)
    assert (time.perf_counter() - t) / 5 < 0.25


# --- properties on any text ----------------------------------------------------------------

_ALPHABET = st.sampled_from(list("0123456789 .,;:()-+/\n\nabcđêôơưăáàảãạ") + [
    "năm ", "tháng ", "quý I", "đến ", "Mục tiêu:", "Kết quả:", "- ", "1. ", "II. ", "Ngày ", "Sáng ",
    "2024", "2025", "1960", "những năm ", "so với ", "cùng kỳ ", "Trong đó, ", "hiện ", "phấn đấu ",
    "82/2024/NĐ-CP", "Hà Nội, ngày ", "giai đoạn 2021-2025", "%", " tỷ đồng"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_any_text_builds_and_spans_hold(text):
    ctx = build_context(text)
    n = len(text)
    for u in ctx.units:
        assert 0 <= u.start <= u.end <= n
    for s in ctx.sentences:
        assert 0 <= s.start <= s.end <= n
    for p in ctx.periods:
        assert 0 <= p.start < p.end <= n and text[p.start:p.end] == p.text
    for f in ctx.frames:
        assert 0 <= f.lead_start <= f.lead_end <= n and 0 <= f.start <= f.end <= n
    for pos in range(0, n, max(1, n // 7)):
        f = ctx.frame_at(pos)
        assert f.kind in ("target", "actual", "none")
        ctx.period_at(pos, min(n, pos + 1))
        ctx.year_at(pos, min(n, pos + 1))


def test_lru_caches_are_argument_free():
    assert compiled.cache_info().maxsize == 1
    assert isinstance(compiled, functools._lru_cache_wrapper)
