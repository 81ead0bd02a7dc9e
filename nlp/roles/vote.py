"""The rule vote: a figure's role from its cues alone, in order of evidence strength.

It is the fallback when no trained model is available (`role:rules`), and its vote and
the step that fired are two of the model's features: the model learns how far to trust
each step.
"""
from __future__ import annotations

import re

from ..analysis import Analysis
from ..records import Figure
from .context import clause, counted_noun, lead_in, near_left_start, unit_kind, window
from .cues import CueHit, cues_in, unit_groups

# Cue groups that commit the rest of their clause to a goal ("phấn đấu đạt", "phải chiếm"),
# and those that mark a finished state and so cancel it ("đã", "hiện nay").
_COMMITTING = ("goal_verb", "modal", "deadline", "future")
# Counted nouns whose count describes a plan or a body rather than measuring a result.
_DESCRIPTIVE_UNITS = {"unit_plan", "unit_member"}
_SETTLED = ("past", "now")
# Aspect markers that can follow a subject figure; verbs that report a thing as done.
_ASPECT = ("past", "now", "modal", "future")
_ACCOMPLISHING = ("result", "completion")


def _goal_frame(hits: list[CueHit], lo: int, fig: Figure) -> bool:
    """A committing cue stands between `lo` and the figure, not followed by a settled one.

    A goal head ("mục tiêu", "chỉ tiêu") commits only once a result verb follows it
    ("mục tiêu cả nước đạt 50%"); alone it is often part of a name ("Chương trình mục tiêu
    quốc gia 7.065 tỷ đồng").
    """
    last = None
    head = None
    for h in hits:
        if lo <= h.start and h.end <= fig.start:
            if h.group in _COMMITTING:
                last = h
            elif h.group == "goal_head":
                head = h
            elif h.group == "result" and head is not None:
                last = h
            elif h.group in _SETTLED:
                last = head = None
    return last is not None


_STRONG_BREAK = re.compile(r"[;:.!?…]")
_PREDICATE_WORDS = 8  # how far after a subject figure its aspect marker may stand


def _predicate(text: str, fig: Figure, hits: list[CueHit], clause_start: int, end: int) -> CueHit | None:
    """The aspect marker (đã, đang, sẽ, cần ...) of the predicate whose subject is the figure.

    Only for a figure that opens its clause (comparators such as "hơn", "khoảng" aside):
    "hụt thu gần 190.000 tỷ đồng mà chi vẫn muốn ..." has the figure as an object.
    """
    gap = text[clause_start:fig.start]
    for h in sorted((h for h in hits if clause_start <= h.start and h.end <= fig.start and h.group.startswith("cmp_")),
                    key=lambda h: -h.start):
        gap = gap[:h.start - clause_start] + gap[h.end - clause_start:]
    if re.search(r"\w", gap):
        return None
    m = _STRONG_BREAK.search(text, fig.end, end)
    stop = m.start() if m else end
    return next((h for h in hits if fig.end <= h.start < stop and h.group in _ASPECT
                 and len(text[fig.end:h.start].split()) <= _PREDICATE_WORDS), None)


def rule_vote(doc: Analysis, fig: Figure, sentence: tuple[int, int]) -> tuple[str, float, str]:
    """(role, confidence) from cues alone (characters only), in order of evidence strength.

    1. a counted noun naming members or plan parts -> other, unless a result cue governs it;
       an administrative unit ("63 tỉnh") -> other when no cue stands in its clause;
    2. a goal frame: a committing cue (phấn đấu, phải, sẽ, đến năm X) earlier in the clause,
       or a target cue opening the sentence, with no "đã"/"hiện nay" after it -> target,
       unless the figure is the subject of a settled predicate ("100% các tỉnh đã có");
    3. a figure with no cue before it in its clause takes the aspect of its predicate
       ("80% hộ gia đình sẽ có" -> target, "13 bộ đã kết nối" -> actual);
    4. the nearest cue before the figure in its clause, if it has a role (structure words
       only when right before the figure);
    5. a ratio a/b reports progress -> actual;
    6. the lead-in of the list or table the figure is in ("Mục tiêu đến năm 2025:");
    7. a target cue anywhere before in the sentence -> target;
    8. an actual cue anywhere in the sentence -> actual;
    9. by unit: counted nouns are usually descriptive, measures usually results.
    """
    text = doc.flat  # line breaks inside a sentence read as spaces
    s, e = window(text, fig, sentence)
    cs, ce = clause(text, (s, e), fig)
    hits = [h for h in cues_in(doc, s, e) if h.end <= fig.start or h.start >= fig.end]
    left = [h for h in hits if h.end <= fig.start and h.role != "none"]
    in_clause = [h for h in left if h.start >= cs]
    noun = counted_noun(fig)
    units = unit_groups(noun)
    if units & _DESCRIPTIVE_UNITS:  # plan parts, members: descriptive unless reported done
        done = any(h.group in _ACCOMPLISHING for h in in_clause)
        return ("actual", 0.6, "unit-done") if done else ("other", 0.65, "unit-descriptive")
    if units and not in_clause:  # an administrative unit with no cue of its own
        return "other", 0.55, "unit-admin"
    opener = next((h for h in left if h.start < s + 25), None)
    opener_frames = opener is not None and opener.role == "target" and not any(
        h.group in (*_SETTLED, "completion") for h in left if h.start > opener.start)
    # The figure as subject ("100% các tỉnh, thành phố đã có ...", "80% hộ gia đình sẽ có"):
    # the aspect marker of its own predicate outweighs a frame set by an earlier clause.
    predicate = _predicate(text, fig, hits, cs, e)
    if _goal_frame(hits, cs, fig):
        return "target", 0.65, "goal-frame"
    if opener_frames:
        if predicate is not None and predicate.group in _SETTLED:
            return "actual", 0.6, "settled-predicate"
        return "target", 0.6, "goal-frame"
    if predicate is not None:
        return predicate.role, 0.6, "predicate"
    # Structure words ("với", "các", "gồm") only speak for the figure right after them.
    near = near_left_start([], fig, cs)
    voting = [h for h in in_clause if h.role != "other" or h.start >= near]
    if voting:
        return voting[-1].role, 0.7, "nearest-cue"
    if unit_kind(fig) == "ratio":
        return "actual", 0.6, "ratio"
    _, leads = lead_in(text, (s, e))
    for a, b in leads:
        votes = [h.role for h in cues_in(doc, a, b) if h.role in ("target", "actual")]
        if votes:
            return votes[0], 0.55, "lead-in"
    if any(h.role == "target" for h in left):
        return "target", 0.55, "sentence-target"
    if any(h.role == "actual" for h in hits):
        return "actual", 0.55, "sentence-actual"
    return ("other", 0.4, "default") if unit_kind(fig) == "counted" else ("actual", 0.4, "default")


def rule_role(doc: Analysis, fig: Figure, sentence: tuple[int, int]) -> tuple[str, float]:
    """(role, confidence) of the cue rules; see `rule_vote` for the order of evidence."""
    role, conf, _ = rule_vote(doc, fig, sentence)
    return role, conf
