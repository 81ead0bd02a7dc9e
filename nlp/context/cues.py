"""nlp/rules/context_cues.yml compiled: once per process, at first use, never keyed on text."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import rules as rules_mod
from ..rules import RuleError

RULES = "context_cues"

REACH = 48  # characters around a trigger hit where a rule is run, unless the rule says `reach`
KINDS = ("period", "comparison", "not-time", "dateline", "frame", "continuation", "not-lead",
         "plan", "present", "current", "generic", "abbreviation", "milestone")
PERIODS = ("year", "deadline", "range", "since", "months", "quarter", "month", "date", "now",
           "relative", "past", "future", "decade", "rate")
FRAMES = ("target", "actual", "neutral")

MACROS = {
    "{Y}": r"(?:19\d\d|20\d\d|2100)(?!\d)",
    "{M}": r"(?:0?[1-9]|1[0-2])(?!\d)",
    "{D}": r"(?:0?[1-9]|[12]\d|3[01])(?!\d)",
    "{Q}": r"(?:IV|III|II|I|[1-4])",
    "{N}": r"(?:\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mười\s+một)",
    "{S}": r"[/.\-]",
}
NUMERAL_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
                 "chín": 9, "mười": 10, "mười một": 11}


@dataclass(frozen=True)
class PeriodRule:
    id: str
    period: str
    regex: re.Pattern[str]
    trigger: re.Pattern[str]
    reach: int
    offset: int | str | None
    months: tuple[int, int] | None
    comparison: bool


@dataclass(frozen=True)
class CueRule:
    id: str
    kind: str
    frame: str | None
    priority: int
    regex: re.Pattern[str]
    exclude: re.Pattern[str] | None
    trigger: re.Pattern[str] | None = None  # on lower-cased text: no hit, no match
    reach: int = 48
    lead_only: bool = False  # `scope: lead`: only in headings and "...:" lead-ins
    clause_only: bool = False  # `scope: clause`: only in the clause it stands in


@dataclass(frozen=True)
class Compiled:
    periods: tuple[PeriodRule, ...]
    comparison: re.Pattern[str]
    not_time: tuple[tuple[str, re.Pattern[str], re.Pattern[str], int], ...]
    datelines: tuple[tuple[str, int, re.Pattern[str]], ...]
    frames: tuple[CueRule, ...]
    continuation: re.Pattern[str]
    not_lead: re.Pattern[str]
    plan_clause: CueRule
    plan_head: re.Pattern[str]
    plan_head_trigger: re.Pattern[str]
    present: CueRule
    current: CueRule
    generic: CueRule
    abbreviations: frozenset[str]
    milestone: re.Pattern[str]


def expand(pattern: str) -> str:
    for k, v in MACROS.items():
        pattern = pattern.replace(k, v)
    return pattern


def phrase_regex(cues: list[str]) -> re.Pattern[str]:
    """Literal cue phrases, longest first, on whole syllables; spaces match any whitespace."""
    return re.compile(rules_mod.alternation(cues, bounded=True), re.IGNORECASE)


def trigger_regex(rule: dict[str, Any], required: bool) -> re.Pattern[str] | None:
    """The rule's `trigger` (a cheap regex on lower-cased text that every match contains), or
    one made from its `cues`; a pattern rule of a scanned kind must give one."""
    try:
        if "trigger" in rule:  # a space in a trigger is any whitespace, as in cue phrases
            return re.compile(expand(rule["trigger"]).replace(" ", r"\s+"))
    except re.error as exc:
        raise RuleError(f"{RULES}.yml rule {rule['id']!r}: bad trigger: {exc}") from exc
    if rule.get("cues"):
        return re.compile(rules_mod.alternation(c.lower() for c in rule["cues"] if c))
    if required:
        raise RuleError(f"{RULES}.yml rule {rule['id']!r}: a pattern rule of kind {rule['kind']!r} needs a 'trigger'")
    return None


def rule_regex(rule: dict[str, Any]) -> re.Pattern[str]:
    """The regex of one rule: its `pattern` (macros expanded) or its `cues`."""
    try:
        if "pattern" in rule:
            return re.compile(expand(rule["pattern"]), re.IGNORECASE | re.MULTILINE)
        if rule.get("cues"):
            return phrase_regex(rule["cues"])
    except re.error as exc:
        raise RuleError(f"{RULES}.yml rule {rule['id']!r}: bad pattern: {exc}") from exc
    raise RuleError(f"{RULES}.yml rule {rule['id']!r}: needs 'pattern' or 'cues'")


def _cue_rule(r: dict[str, Any]) -> CueRule:
    frame = r.get("frame")
    if r["kind"] == "frame" and frame not in FRAMES:
        raise RuleError(f"{RULES}.yml rule {r['id']!r}: frame must be one of {FRAMES}")
    exclude = phrase_regex(r["except"]) if r.get("except") else None
    scope = r.get("scope")
    if scope not in (None, "lead", "clause"):
        raise RuleError(f"{RULES}.yml rule {r['id']!r}: scope must be 'lead' or 'clause' when given")
    return CueRule(r["id"], r["kind"], frame, int(r.get("priority", 0)), rule_regex(r), exclude,
                   trigger_regex(r, required=r["kind"] in ("frame", "plan")), int(r.get("reach", REACH)),
                   scope == "lead", scope == "clause")


def rules() -> tuple[dict[str, Any], ...]:
    return rules_mod.load(RULES, required=("kind",), kinds=KINDS)


@lru_cache(maxsize=1)
def compiled() -> Compiled:
    periods, not_time, datelines, frames = [], [], [], []
    single: dict[str, list[dict[str, Any]]] = {}
    for r in rules():
        kind = r["kind"]
        if kind == "period":
            if r.get("period") not in PERIODS:
                raise RuleError(f"{RULES}.yml rule {r['id']!r}: period must be one of {PERIODS}")
            months = tuple(r["months"]) if r.get("months") else None
            periods.append(PeriodRule(r["id"], r["period"], rule_regex(r), trigger_regex(r, True),
                                      int(r.get("reach", REACH)), r.get("offset"), months,
                                      bool(r.get("comparison"))))
        elif kind == "not-time":
            not_time.append((r["id"], rule_regex(r), trigger_regex(r, True), int(r.get("reach", REACH))))
        elif kind == "dateline":
            datelines.append((r["id"], int(r.get("score", 1)), rule_regex(r)))
        elif kind == "frame":
            frames.append(_cue_rule(r))
        else:
            single.setdefault(kind, []).append(r)
    for kind in ("comparison", "continuation", "not-lead", "plan", "present", "current", "generic", "abbreviation",
                 "milestone"):
        if kind not in single:
            raise RuleError(f"{RULES}.yml: no rule of kind {kind!r}")

    def joined(kind: str) -> re.Pattern[str]:
        rs = single[kind]
        if len(rs) == 1:
            return rule_regex(rs[0])
        return re.compile("|".join(f"(?:{expand(r['pattern'])})" for r in rs), re.IGNORECASE)

    abbr = frozenset(c for r in single["abbreviation"] for c in r.get("cues", []))
    return Compiled(
        periods=tuple(periods),
        comparison=joined("comparison"),
        not_time=tuple(not_time),
        datelines=tuple(datelines),
        frames=tuple(frames),
        continuation=joined("continuation"),
        not_lead=joined("not-lead"),
        plan_clause=_cue_rule(next(r for r in single["plan"] if "cues" in r)),
        plan_head=next(rule_regex(r) for r in single["plan"] if "pattern" in r),
        plan_head_trigger=next(trigger_regex(r, True) for r in single["plan"] if "pattern" in r),
        present=_cue_rule(single["present"][0]),
        current=_cue_rule(single["current"][0]),
        generic=_cue_rule(single["generic"][0]),
        abbreviations=abbr,
        milestone=joined("milestone"),
    )


def lowered(text: str) -> str | None:
    """The text lower-cased for triggers, when lower-casing keeps every offset (it does for
    Vietnamese; a few other letters, such as "İ", would change the length: then no triggers)."""
    low = text.lower()
    return low if len(low) == len(text) else None


def scan(rx: re.Pattern[str], trigger: re.Pattern[str] | None, text: str, low: str | None,
         start: int = 0, end: int | None = None, reach: int = 48):
    """Matches of rx in text[start:end], running rx only in windows of `reach` characters
    around its trigger's hits."""
    end = len(text) if end is None else end
    if trigger is None or low is None:
        yield from rx.finditer(text, start, end)
        return
    lo = hi = -1
    for t in trigger.finditer(low, start, end):
        a, b = max(start, t.start() - reach), min(end, t.end() + reach)
        if a <= hi:
            hi = b
            continue
        if hi > lo:
            yield from rx.finditer(text, lo, hi)
        lo, hi = a, b
    if hi > lo:
        yield from rx.finditer(text, lo, hi)


class TriggerIndex:
    """Where each cue rule's trigger occurs in one document's lower-cased text, found once per
    rule on first use: a window with no hit needs no matching. Belongs to one document."""

    def __init__(self, low: str | None):
        self.low = low
        self._hits: dict[str, list[int]] = {}

    def may_match(self, rule: CueRule, start: int, end: int) -> bool:
        if self.low is None or rule.trigger is None:
            return True
        hits = self._hits.get(rule.id)
        if hits is None:
            hits = self._hits[rule.id] = [m.start() for m in rule.trigger.finditer(self.low)]
        i = bisect.bisect_left(hits, start)
        return i < len(hits) and hits[i] < end


def cue_spans(rule: CueRule, text: str, start: int = 0, end: int | None = None,
              index: TriggerIndex | None = None) -> list[tuple[int, int]]:
    """Matches of a cue rule inside text[start:end] (absolute offsets), minus its `except`
    compounds. With the document's TriggerIndex a window without the rule's trigger is skipped."""
    end = len(text) if end is None else end
    if index is not None and not index.may_match(rule, start, end):
        return []
    seg = text[start:end]
    vetoed = [m.span() for m in rule.exclude.finditer(seg)] if rule.exclude else []
    out = []
    for m in rule.regex.finditer(seg):
        if any(a < m.end() and m.start() < b for a, b in vetoed):
            continue
        out.append((start + m.start(), start + m.end()))
    return out
