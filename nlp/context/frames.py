"""Frames: what a lead-in says about the figures it introduces.

A lead-in's kind comes from its cue words (rules of kind `frame` in context_cues.yml):
the cue of highest priority wins, and among equals the one nearest the items (the end of
the lead-in). Without a cue, a lead-in that names a period after the article's time is a
plan (target, the strength of a goal noun) and one before it a report (actual, weak).
Its year is the lead-in's own period: the last deadline, else the last period named.

Nested frames (a sentence inside a list inside a section) are resolved from the inside
out: the innermost frame whose kind was decided by a strong cue (priority >= 2) wins;
failing that, the innermost with any kind. So an item's own verbs ("GRDP tăng 8%") do
not undo the target list it stands in, while "Kết quả đạt được:" inside a plan does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .cues import TriggerIndex, compiled, cue_spans
from .structure import Scope
from .timex import Period

STRONG = 2


@dataclass(frozen=True)
class Frame:
    """A lead-in and the span it governs. `kind`: target, actual or none. `year`: the lead-in's
    year (for a resolved frame, the nearest enclosing lead-in's year). `cue`: the id of the
    rule (or `period-future` / `period-past`) that decided the kind; `strength` its priority."""
    kind: str
    year: int | None
    start: int
    end: int
    lead_start: int
    lead_end: int
    shape: str  # document / section / list / inline / chain / sentence / continued / clause
    cue: str | None
    strength: int
    depth: int

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end or (self.start == self.end == pos)


# a heading names its section by its head noun, after these determiners: "MỘT SỐ NHIỆM VỤ ..."
_HEADING_HEAD = re.compile(r"(?:(?:một\s+số|các|những|mấy|về|một|\W)\s*)*", re.IGNORECASE)
LEAD_SHAPES = ("section", "list", "inline")


def judge_lead(text: str, a: int, b: int, periods: list[Period], shape: str = "list",
               index: TriggerIndex | None = None) -> tuple[str, str | None, int]:
    """(kind, cue id, strength) of the lead-in text[a:b]; kind target/actual/neutral/none.

    A real lead-in (a heading, a "...:" line or sentence) weighs every cue but those about the
    figure right after them (`scope: clause`); a clause weighs those too; a sentence neither. A heading counts only a cue that is its
    head (first, after determiners such as "Một số", "Các")."""
    best: tuple[int, int, str, str] | None = None  # (priority, end, frame, rule id)
    lead = shape in LEAD_SHAPES
    head = _HEADING_HEAD.match(text, a, b).end() if shape == "section" else None
    for rule in compiled().frames:
        if rule.lead_only and not lead or rule.clause_only and shape != "clause":
            continue
        for s, e in cue_spans(rule, text, a, b, index):
            if head is not None and s != head:
                continue
            cand = (rule.priority, e, rule.frame or "neutral", rule.id)
            if best is None or cand[:2] > best[:2]:
                best = cand
    own = [p for p in periods if a <= p.start < b and not p.comparison]
    rel = next((p.relation for p in reversed(own) if p.relation in ("future", "past", "current")), None)
    if rel == "future" and (best is None or best[0] < STRONG or best[2] == "neutral"):
        return "target", "period-future", STRONG
    if best is not None and best[2] != "neutral":
        return best[2], best[3], best[0]
    if rel == "past":
        return "actual", "period-past", 1
    if best is not None:
        return "neutral", best[3], 0
    return "none", None, 0


def lead_year(periods: list[Period], a: int, b: int) -> int | None:
    own = [p for p in periods if a <= p.start < b and not p.comparison and p.year is not None]
    deadlines = [p for p in own if p.kind in ("deadline", "range")]
    pick = deadlines[-1] if deadlines else (own[-1] if own else None)
    return pick.year if pick else None


def judge_scope(text: str, sc: Scope, periods: list[Period], index: TriggerIndex | None = None) -> Frame:
    """The frame a scope's lead-in opens."""
    kind, cue, strength = "none", None, 0
    if sc.shape == "inline":
        # a colon's lead-in is the clause right before it ("Phó Thủ tướng nhận định:"); the
        # whole sentence only when that clause just enumerates ("..., trong đó:")
        cut = max(text.rfind(ch, sc.lead_start, sc.lead_end - 1) for ch in ",;")
        if cut > sc.lead_start:
            kind, cue, strength = judge_lead(text, cut + 1, sc.lead_end, periods, sc.shape, index)
    if kind in ("none", "neutral"):
        kind, cue, strength = judge_lead(text, sc.lead_start, sc.lead_end, periods, sc.shape, index)
    year = lead_year(periods, sc.lead_start, sc.lead_end)
    return Frame(kind, year, sc.start, sc.end, sc.lead_start, sc.lead_end, sc.shape, cue, strength, sc.depth)


def build_frames(text: str, scopes: list[Scope], periods: list[Period],
                 index: TriggerIndex | None = None) -> list[Frame]:
    return [judge_scope(text, sc, periods, index) for sc in scopes]


def resolve_at(holding: list[Frame], pos: int, doc_end: int) -> Frame:
    """The frame that decides position `pos` among the frames holding it, with the nearest
    enclosing year."""
    holding = list(holding)
    holding.sort(key=lambda f: (-f.depth, f.end - f.start))
    decided = [f for f in holding if f.kind in ("target", "actual")]
    pick = next((f for f in decided if f.strength >= STRONG), decided[0] if decided else None)
    year = next((f.year for f in holding if f.year is not None), None)
    if pick is None:
        base = holding[0] if holding else Frame("none", None, 0, doc_end, 0, 0, "document", None, 0, -1)
        return replace(base, kind="none", year=year)
    return replace(pick, year=year)
