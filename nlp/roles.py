"""The role of a figure (target / actual / other): features, a small scikit-learn model, a rule fallback.

A figure's role is decided by its sentence: the cue words around it (mục tiêu, phấn đấu,
đến năm X -> target; đạt, đã, tăng -> actual; gồm, với, counted members -> other), where
they stand relative to the figure (just before, same clause, earlier in the sentence,
after), the verb that governs it and the POS of its neighbours. Cue lists are data
(`nlp/rules/role_cues.yml`); this module turns them into features, trains a
DictVectorizer + LogisticRegression on gold figures, saves/loads it with its meta, and
applies it. Without a model, `assign_roles` votes with the same cues (`role:rules`).
"""
from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from . import rules as rules_mod
from .linear_model import LinearScorer, file_sha256
from .records import ROLES, Figure
from .segment import Word

log = logging.getLogger(__name__)

TASK = "figure-role"
FEATURE_VERSION = "role-features-v1"
MODEL_NAME = "logreg-v1"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "role"
WEIGHTS_FILE = "weights.npz"

# How far "just before / just after" reaches, in words (characters when no words).
NEAR_WORDS_LEFT = 4
NEAR_WORDS_RIGHT = 3
NEAR_CHARS = 25
# A clause ends at punctuation; a comma between digits is a decimal mark, not a boundary.
_CLAUSE_BREAK = re.compile(r"[;:()\[\]“”\"…!?]|(?<!\d),|,(?!\d)|\s[-–—]\s")
_NUMBER_HEAD = re.compile(r"^[\d.,\s/–-]+")
_MULTIPLIERS = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ")
_MONEY = ("đồng", "usd", "vnd", "vnđ", "euro", "đô la", "usd/năm")


class ModelError(RuntimeError):
    """A role model that cannot be loaded (missing or corrupt file, incompatible features)."""


# ---------------------------------------------------------------------------------------
# Cues (data from role_cues.yml, compiled once)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueGroup:
    id: str
    group: str
    role: str  # target / actual / other / none
    regex: re.Pattern
    unit: bool  # matched against the figure's counted noun, never as context
    whole_noun: bool  # a one-syllable cue must be the whole counted noun ("13 bộ", not "30 bộ dữ liệu")
    exclude: re.Pattern | None  # compounds that contain a cue syllable but not its sense ("thực hiện")


@dataclass(frozen=True)
class CueHit:
    start: int
    end: int
    group: str
    role: str


def _phrase_regex(cues: Iterable[str]) -> re.Pattern:
    # Longest first so that "ước đạt" wins over "ước"; whole syllables only.
    alts = sorted({c.strip() for c in cues if c and c.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def cue_groups() -> tuple[CueGroup, ...]:
    out = []
    for r in rules_mod.load("role_cues", required=("group", "role")):
        if r["role"] not in (*ROLES, "none"):
            raise rules_mod.RuleError(f"role_cues.yml rule {r['id']!r}: role must be one of {ROLES} or none")
        if "pattern" in r:
            rx = re.compile(r["pattern"], re.IGNORECASE)
        elif r.get("cues"):
            rx = _phrase_regex(r["cues"])
        else:
            raise rules_mod.RuleError(f"role_cues.yml rule {r['id']!r}: needs 'cues' or 'pattern'")
        exclude = _phrase_regex(r["except"]) if r.get("except") else None
        out.append(CueGroup(r["id"], r["group"], r["role"], rx, bool(r.get("unit")), bool(r.get("whole_noun")), exclude))
    return tuple(out)


def unit_groups(noun: str) -> set[str]:
    """The unit-only cue groups that the counted noun belongs to ("05 nhóm nhiệm vụ" -> unit_plan)."""
    out = set()
    for g in cue_groups():
        m = g.regex.match(noun) if g.unit and noun else None
        if m and (not g.whole_noun or m.end() == len(noun) or " " in m.group().strip()):
            out.add(g.group)
    return out


def group_names() -> list[str]:
    return sorted({g.group for g in cue_groups()})


def find_cues(text: str, start: int, end: int) -> list[CueHit]:
    """Every context cue match inside text[start:end], absolute offsets, sorted.

    Unit-only groups (counted nouns such as "nhiệm vụ") are left out: "mục tiêu" before a
    figure is a goal, "5 mục tiêu" is a count of goals.
    """
    return list(_find_cues(text, start, end))


@lru_cache(maxsize=512)
def _find_cues(text: str, start: int, end: int) -> tuple[CueHit, ...]:
    # Cached: the figures of one sentence share its window, and the features and the rule
    # vote look at the same spans (a str caches its hash, so the key is cheap).
    seg = text[start:end]
    hits = []
    for g in cue_groups():
        if g.unit:
            continue
        # Syllables are matched, not words: "hiện" also occurs in "thực hiện", "giao" in
        # "giao dịch"; a rule's `except` compounds veto the matches they cover.
        vetoed = [m.span() for m in g.exclude.finditer(seg)] if g.exclude else []
        for m in g.regex.finditer(seg):
            if not any(a <= m.start() and m.end() <= b for a, b in vetoed):
                hits.append(CueHit(start + m.start(), start + m.end(), g.group, g.role))
    # At one start the longer cue sorts last, so "the last cue before the figure" is the
    # most specific one ("đã hoàn thành" rather than "đã").
    hits.sort(key=lambda h: (h.start, h.end))
    return tuple(hits)


# ---------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------


def _clause(text: str, sent: tuple[int, int], fig: Figure) -> tuple[int, int]:
    """The clause around the figure: from the last break before it to the first after it.

    A figure alone in parentheses ("... Chính phủ giao (8%)") belongs to the clause it
    glosses, so the clause then reaches back past the "(".
    """
    s, e = sent
    breaks = [m for m in _CLAUSE_BREAK.finditer(text, s, fig.start)]
    left = breaks[-1].end() if breaks else s
    if breaks and breaks[-1].group() == "(" and not text[left:fig.start].strip():
        left = breaks[-2].end() if len(breaks) > 1 else s
    m = _CLAUSE_BREAK.search(text, fig.end, e)
    right = m.start() if m else e
    return left, right


def counted_noun(fig: Figure) -> str:
    """The unit words written after the number (lowercase, multipliers dropped), '' if none."""
    if fig.unit and fig.unit != "%":
        return fig.unit.lower()
    tail = _NUMBER_HEAD.sub("", fig.text or "").strip().lower()
    if "/" in tail and tail.split("/")[0].strip() in ("tổng số", "mục tiêu", ""):
        tail = _NUMBER_HEAD.sub("", tail.split("/", 1)[-1]).strip()
    tail = re.sub(r"^(?:tổng số|mục tiêu)\s*[\d.,]+\s*", "", tail)
    words = [w for w in tail.split() if w not in _MULTIPLIERS]
    return " ".join(words)


def unit_kind(fig: Figure) -> str:
    t = (fig.text or "").lower()
    unit = (fig.unit or "").lower()
    if "%" in t or unit == "%" or "phần trăm" in t:
        return "pct"
    if any(m in t for m in _MONEY) or unit in _MONEY:
        return "money"
    if re.search(r"\d\s*/\s*(?:tổng số\s*)?\d", t):
        return "ratio"
    if counted_noun(fig):
        return "counted"
    return "bare"


_ITEM = re.compile(r"^\s*(?:[-+•*–—▪◦·]\s|\(?\d{1,2}[.)]\s|\(?[a-zđ][.)]\s|\(?[ivxIVX]{1,4}[.)]\s|\|)")
_LEAD_LOOKBACK_LINES = 40
_LINE_CHARS = 2000
# Context considered around a figure inside its sentence: real sentences are shorter; a
# text without punctuation must not make the cost per figure grow with its length.
_WINDOW_LEFT = 600
_WINDOW_RIGHT = 300
# The end of a sentence: terminal punctuation followed by space ("50.350" has none).
_SENT_END = re.compile(r"[.!?…][”\"»)]?(?=\s)")
_PREV_SENT_CHARS = 400


def _lines_before(text: str, pos: int):
    """(start, end) of the non-empty lines before the line holding `pos`, nearest first.

    Lines longer than _LINE_CHARS end the walk (a heading is short; this also keeps the
    cost per figure bounded on a text with no line breaks).
    """
    end = text.rfind("\n", max(0, pos - _LINE_CHARS), pos)
    n = 0
    while end > 0 and n < _LEAD_LOOKBACK_LINES:
        start = text.rfind("\n", max(0, end - _LINE_CHARS), end) + 1
        if start == 0 and end > _LINE_CHARS:
            return
        if text[start:end].strip():
            n += 1
            yield start, end
        end = start - 1


def previous_sentence(text: str, start: int) -> tuple[int, int] | None:
    """The sentence before `start` in the same paragraph (plans run over several sentences)."""
    lo = max(0, start - _PREV_SENT_CHARS)
    para = text.rfind("\n\n", lo, start)
    lo = para + 2 if para >= 0 else lo
    head = text[lo:start].rstrip()
    if not head:
        return None
    ends = [m.end() for m in _SENT_END.finditer(head, 0, max(0, len(head) - 1))]
    a = lo + (ends[-1] if ends else 0)
    while a < start and text[a].isspace():
        a += 1
    return (a, lo + len(head)) if a < lo + len(head) else None


def lead_in(text: str, sentence: tuple[int, int]) -> tuple[str, list[tuple[int, int]]]:
    """The lines that introduce a list item or table row (or a paragraph after "...:").

    Goals are often written as a heading ("Mục tiêu đến năm 2025:", "... như sau:")
    followed by bare items ("- 80% người dân ..."): the item's own sentence has no cue,
    its lead-in has. Returns (kind, spans) with kind "list", "table", "colon" or "".
    """
    s = sentence[0]
    line_start = text.rfind("\n", max(0, s - _LINE_CHARS), s) + 1
    if line_start == 0 and s > _LINE_CHARS:
        return "", []  # inside a very long line: no list item, no heading
    line_end = text.find("\n", s, s + _LINE_CHARS)
    line = text[line_start:line_end if line_end >= 0 else min(len(text), s + _LINE_CHARS)]
    if "|" in line and line.count("|") >= 2:
        kind = "table"
    elif _ITEM.match(line):
        kind = "list"
    else:
        prev = next(_lines_before(text, line_start + 1), None)
        if prev is None or not text[prev[0]:prev[1]].rstrip().endswith(":"):
            return "", []
        return "colon", [prev]
    spans: list[tuple[int, int]] = []
    for a, b in _lines_before(text, line_start + 1):
        ln = text[a:b].strip()
        if _ITEM.match(ln) or ln.count("|") >= 2:
            if ln.endswith(":") or len(ln) < 50:  # a sub-heading such as "(1) Năm 2025:"
                spans.append((a, b))
            continue
        spans.append((a, b))  # the paragraph that opens the list
        break
    return kind, spans


def _window(text: str, fig: Figure, sentence: tuple[int, int]) -> tuple[int, int]:
    """The sentence, widened to hold the figure and clipped to a window around it."""
    s, e = min(sentence[0], fig.start), max(sentence[1], fig.end)
    s, e = max(s, fig.start - _WINDOW_LEFT, 0), min(e, fig.end + _WINDOW_RIGHT, len(text))
    return s, max(e, fig.end)


def _bucket(n: int, edges=(0, 1, 3, 6, 12)) -> str:
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


def _near_left_start(words: list[Word], fig: Figure, lo: int) -> int:
    before = [w for w in words if w.end <= fig.start and w.start >= lo]
    if not before:
        return max(lo, fig.start - NEAR_CHARS)
    return before[-min(NEAR_WORDS_LEFT, len(before))].start


def _near_right_end(words: list[Word], fig: Figure, hi: int) -> int:
    after = [w for w in words if w.start >= fig.end and w.end <= hi]
    if not after:
        return min(hi, fig.end + NEAR_CHARS)
    return after[min(NEAR_WORDS_RIGHT, len(after)) - 1].end


def features(text: str, fig: Figure, words: list[Word], sentence: tuple[int, int]) -> dict[str, float | str]:
    """Features of one figure in its sentence (a flat dict for DictVectorizer)."""
    s, e = _window(text, fig, sentence)
    cs, ce = _clause(text, (s, e), fig)
    near_l = _near_left_start(words, fig, s)
    near_r = _near_right_end(words, fig, e)
    f: dict[str, float | str] = {}

    kind = unit_kind(fig)
    f["unit_kind"] = kind
    noun = counted_noun(fig)
    if noun:
        f["unit_head"] = " ".join(noun.split()[:2])
    for group in unit_groups(noun):
        f[f"unit:{group}"] = 1.0

    hits = [h for h in find_cues(text, s, e) if h.end <= fig.start or h.start >= fig.end]
    nearest: CueHit | None = None
    nearest_clause: CueHit | None = None
    for h in hits:
        if h.end <= fig.start:
            f[f"L_sent:{h.group}"] = 1.0
            if h.start >= cs:
                f[f"L_clause:{h.group}"] = 1.0
            if h.start >= near_l:
                f[f"L_near:{h.group}"] = 1.0
            if h.role != "none":
                nearest = h  # hits are sorted: the last one seen is the closest
                if h.start >= cs:
                    nearest_clause = h
        else:
            if h.end <= ce:
                f[f"R_clause:{h.group}"] = 1.0
            if h.end <= near_r:
                f[f"R_near:{h.group}"] = 1.0
            f[f"R_sent:{h.group}"] = 1.0
    if nearest is not None:
        f["nearest_left"] = nearest.group
        f["nearest_left_words"] = _bucket(len(text[nearest.end:fig.start].split()))
    if nearest_clause is not None:
        f["nearest_left_clause"] = nearest_clause.group
    # The order of roles before the figure in its clause: "phấn đấu đạt X" (target, actual)
    # is a goal, "đạt X" alone a result.
    seq: list[str] = []
    for h in hits:
        if h.end <= fig.start and h.start >= cs and h.role != "none" and (not seq or seq[-1] != h.role):
            seq.append(h.role)
    f["left_clause_roles"] = ">".join(seq[-2:]) or "none"
    # A sentence that opens with a cue ("Mục tiêu đến năm 2025, ...") frames all its figures.
    for h in find_cues(text, s, min(e, fig.start, s + 40)):
        if h.role != "none":
            f["sent_opens"] = h.group
            break

    # Lead-in of a list or table: the heading that says these are goals or results.
    kind_ctx, leads = lead_in(text, (s, e))
    if kind_ctx:
        f["ctx"] = kind_ctx
        ctx_nearest = None
        for a, b in leads:  # nearest lead-in first
            for h in find_cues(text, a, b):
                f[f"ctx:{h.group}"] = 1.0
                if h.role != "none" and ctx_nearest is None:
                    ctx_nearest = h.group
        if ctx_nearest:
            f["ctx_nearest"] = ctx_nearest

    # The sentence before, in the same paragraph: "Dự kiến đến cuối năm, thành phố sẽ ...".
    prev = previous_sentence(text, s)
    if prev is not None:
        for h in find_cues(text, *prev):
            if h.role != "none":
                f[f"P_sent:{h.group}"] = 1.0

    # Words and POS around the figure (the words feed features, characters feed cues).
    before = [w for w in words if w.end <= fig.start and w.start >= s]
    after = [w for w in words if w.start >= fig.end and w.end <= e]
    f["pos_prev"] = before[-1].pos if before else "BOS"
    f["pos_prev2"] = before[-2].pos if len(before) > 1 else "BOS"
    f["pos_next"] = after[0].pos if after else "EOS"
    if before:
        f["word_prev"] = before[-1].text.lower()
    if after:
        f["word_next"] = after[0].text.lower()
    verbs = [w for w in before if w.pos == "V" and w.start >= cs]
    if verbs:
        gov = verbs[-1].text.lower()
        f["gov_verb"] = gov
        for h in find_cues(gov, 0, len(gov)):
            if h.role != "none":
                f[f"gov_verb:{h.group}"] = 1.0
    else:
        f["gov_verb"] = "none"

    # Position: list items after a colon, heads of clauses, asides in parentheses.
    gap = text[cs:fig.start]
    f["clause_initial"] = 1.0 if not re.search(r"\w", gap) else 0.0
    prev_char = text[s:fig.start].rstrip()[-1:] if text[s:fig.start].strip() else ""
    f["prev_char"] = prev_char if prev_char and not prev_char.isalnum() else "word"
    f["in_parens"] = 1.0 if text.rfind("(", s, fig.start) > text.rfind(")", s, fig.start) else 0.0
    rel = (fig.start - s) / max(1, e - s)
    f["sent_pos"] = "start" if rel < 0.2 else ("end" if rel > 0.7 else "mid")
    # The transparent rule's vote, and which step of it fired, are features: the model
    # learns how far to trust each step.
    role, _, why = _rule_vote(text, fig, (s, e))
    f["rule"] = role
    f["rule_step"] = f"{why}:{role}"
    return f


# ---------------------------------------------------------------------------------------
# The rule fallback: the same cues, voted transparently
# ---------------------------------------------------------------------------------------


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


def _rule_vote(text: str, fig: Figure, sentence: tuple[int, int]) -> tuple[str, float, str]:
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
    s, e = _window(text, fig, sentence)
    cs, ce = _clause(text, (s, e), fig)
    hits = [h for h in find_cues(text, s, e) if h.end <= fig.start or h.start >= fig.end]
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
    near = _near_left_start([], fig, cs)
    voting = [h for h in in_clause if h.role != "other" or h.start >= near]
    if voting:
        return voting[-1].role, 0.7, "nearest-cue"
    if unit_kind(fig) == "ratio":
        return "actual", 0.6, "ratio"
    _, leads = lead_in(text, (s, e))
    for a, b in leads:
        votes = [h.role for h in find_cues(text, a, b) if h.role in ("target", "actual")]
        if votes:
            return votes[0], 0.55, "lead-in"
    if any(h.role == "target" for h in left):
        return "target", 0.55, "sentence-target"
    if any(h.role == "actual" for h in hits):
        return "actual", 0.55, "sentence-actual"
    return ("other", 0.4, "default") if unit_kind(fig) == "counted" else ("actual", 0.4, "default")


def rule_role(text: str, fig: Figure, sentence: tuple[int, int]) -> tuple[str, float]:
    """(role, confidence) of the cue rules; see `_rule_vote` for the order of evidence."""
    role, conf, _ = _rule_vote(text, fig, sentence)
    return role, conf


# ---------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------


@dataclass
class RoleModel:
    pipeline: Any  # sklearn Pipeline(DictVectorizer, LogisticRegression)
    meta: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.meta.get("model_name", MODEL_NAME)

    def predict_proba(self, feats: list[dict]) -> list[dict[str, float]]:
        if not feats:
            return []
        probs = self.pipeline.predict_proba(feats)
        classes = list(self.pipeline.classes_)
        return [{str(c): float(p) for c, p in zip(classes, row)} for row in probs]

    def predict(self, feats: list[dict]) -> list[str]:
        return [max(p, key=p.get) for p in self.predict_proba(feats)]


def _append_source(source: str, tag: str) -> str:
    return f"{source}+{tag}" if source else tag


def _sentence_for(text: str, fig: Figure, words: list[Word]) -> tuple[int, int]:
    """The figure's sentence; when the candidate carries none, its words' span or its line."""
    if fig.sentence != (0, 0) and fig.sentence[0] <= fig.start and fig.end <= fig.sentence[1]:
        return fig.sentence
    if words and words[0].start <= fig.start and fig.end <= words[-1].end:
        return (words[0].start, words[-1].end)
    start = text.rfind("\n", 0, fig.start) + 1
    end = text.find("\n", fig.end)
    return (start, len(text) if end < 0 else end)


def assign_roles(text: str, figures: list[Figure], words: list[Word], model: RoleModel | None) -> list[Figure]:
    """The figures of one sentence with `role` set, `confidence` scaled and `source` extended.

    With a model: role = the most probable class, confidence *= its probability, source
    += "+role:<model name>". Without one (or if the model fails): the cue rules,
    confidence *= the rule's strength, source += "+role:rules".
    """
    words = words or []
    if model is not None:
        try:
            feats = [features(text, fig, words, _sentence_for(text, fig, words)) for fig in figures]
            out = []
            for fig, p in zip(figures, model.predict_proba(feats)):
                role = max(p, key=p.get)
                out.append(fig.with_(role=role, confidence=fig.confidence * p[role],
                                     source=_append_source(fig.source, f"role:{model.name}")))
            return out
        except Exception:  # noqa: BLE001 - a broken model must not lose the figures: use the rules
            log.exception("solieu: role model failed, using rules")
    out = []
    for fig in figures:
        try:
            role, conf = rule_role(text, fig, _sentence_for(text, fig, words))
        except Exception:  # noqa: BLE001 - never raise from an extractor
            log.exception("solieu: role rules failed on %r", fig.text)
            role, conf = fig.role, 0.3
        out.append(fig.with_(role=role, confidence=fig.confidence * conf,
                             source=_append_source(fig.source, "role:rules")))
    return out


# ---------------------------------------------------------------------------------------
# Training data
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    doc: str
    fig: Figure
    sentence: tuple[int, int]
    role: str


def figure_from_gold(line: dict) -> Figure:
    return Figure(start=line["start"], end=line["end"], text=line["text"],
                  value=float(line.get("value") or 0.0), total=line.get("total"),
                  unit=line.get("unit"), role=line.get("role") or "other",
                  comparator=line.get("comparator") or "=", year=line.get("year"))


def examples_from_gold(gold_dirs: list[Path], text_dirs: list[Path]) -> tuple[list[Example], dict[str, str]]:
    """Every gold figure with a role, and the texts they index ({doc: text})."""
    from .gold import load_gold
    from .segment import sentence_of, split_sentences

    examples: list[Example] = []
    texts: dict[str, str] = {}
    for gd in gold_dirs:
        gd = Path(gd)
        if not gd.exists():
            continue
        for doc, (text, lines) in load_gold(gd, text_dirs).items():
            texts[doc] = text
            figs = [ln for ln in lines if ln.get("type") == "figure" and ln.get("role") in ROLES]
            if not figs:
                continue
            sents = split_sentences(text)
            for ln in figs:
                examples.append(Example(doc, figure_from_gold(ln), sentence_of(sents, ln["start"], ln["end"]), ln["role"]))
    return examples, texts


def featurize(examples: list[Example], texts: dict[str, str]) -> list[dict]:
    from .segment import analyze

    out = []
    for ex in examples:
        text = texts[ex.doc]
        words = analyze(text, *ex.sentence)
        out.append(features(text, ex.fig, words, ex.sentence))
    return out


def data_hash(paths: Iterable[Path]) -> str:
    """sha256 over the sorted (relative name, content) of the files used for training."""
    h = hashlib.sha256()
    for p in sorted({Path(p) for p in paths}, key=lambda p: (p.name, str(p))):
        h.update(p.name.encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _display_path(p: Path) -> str:
    """Repo-relative when inside the repo, so meta.json does not depend on the checkout path."""
    try:
        return Path(p).resolve().relative_to(DEFAULT_MODEL_DIR.parent.parent).as_posix()
    except ValueError:
        return str(p)


def library_versions() -> dict[str, str]:
    # From package metadata, not imports: checking a model's provenance must not import
    # scikit-learn (a second of start-up) when extraction does not need it.
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    def v(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "unknown"

    return {"python": platform.python_version(), "scikit-learn": v("scikit-learn"),
            "numpy": v("numpy"), "joblib": v("joblib"),
            "underthesea": v("underthesea"), "solieu": __version__}


# ---------------------------------------------------------------------------------------
# Training, cross-validation
# ---------------------------------------------------------------------------------------

C_GRID = (0.03, 0.1, 0.3, 1.0)
C_TOLERANCE = 0.01  # log-loss (nats)


def make_pipeline(C: float = 1.0, seed: int = 0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("vec", DictVectorizer(sparse=True, sort=True)),
        ("clf", LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=seed)),
    ])


def _splitter(y: list[str], groups: list[str], seed: int, max_splits: int = 5):
    """Grouped by document when there are enough documents per class, else stratified by role."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    counts = Counter(y)
    min_class = min(counts.values())
    n_docs = len(set(groups))
    if n_docs >= 5 and min_class >= 2:
        k = min(max_splits, n_docs)
        return StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed), f"StratifiedGroupKFold(k={k}, groups=documents)"
    k = max(2, min(max_splits, min_class))
    return StratifiedKFold(n_splits=k, shuffle=True, random_state=seed), f"StratifiedKFold(k={k})"


def _groups_for(splitter, groups: list[str]):
    from sklearn.model_selection import StratifiedGroupKFold

    return groups if isinstance(splitter, StratifiedGroupKFold) else None


def _pick_C(X: list[dict], y: list[str], groups: list[str], seed: int) -> float:
    """C by cross-validated log-loss: the probabilities scale each figure's confidence, so
    they should be calibrated, and log-loss is steadier than accuracy on a few hundred examples."""
    import numpy as np
    from sklearn.metrics import log_loss

    if len(set(y)) < 2 or min(Counter(y).values()) < 2:
        return 1.0
    splitter, _ = _splitter(y, groups, seed, max_splits=3)
    labels = sorted(set(y))
    folds = list(splitter.split(X, y, _groups_for(splitter, groups)))
    scores: dict[float, float] = {}
    for C in C_GRID:
        probs = np.full((len(y), len(labels)), 1.0 / len(labels))
        for tr, te in folds:
            if len(set(y[i] for i in tr)) < 2:
                continue
            pipe = make_pipeline(C, seed).fit([X[i] for i in tr], [y[i] for i in tr])
            cols = [labels.index(c) for c in pipe.classes_]
            p = np.full((len(te), len(labels)), 1e-6)
            p[:, cols] = pipe.predict_proba([X[i] for i in te])
            probs[te] = p / p.sum(axis=1, keepdims=True)
        scores[C] = log_loss(y, probs, labels=labels)
    # The strongest regularisation within C_TOLERANCE of the best: close scores cannot be
    # told apart on this little data, and a simpler model travels better.
    best = min(scores.values())
    return min(C for C, sc in scores.items() if sc <= best + C_TOLERANCE)


def metrics(y_true: list[str], y_pred: list[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = [r for r in ROLES if r in set(y_true) | set(y_pred)]
    p, r, f1, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)), 4),
        "per_class": {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                            "f1": round(float(f1[i]), 4), "support": int(n[i])} for i, lab in enumerate(labels)},
    }


def cross_validate(X: list[dict], y: list[str], groups: list[str], seed: int = 0) -> dict:
    """Nested CV: C is chosen inside each training fold, so the reported scores are honest."""
    splitter, how = _splitter(y, groups, seed)
    preds: list[str] = [""] * len(y)
    for tr, te in splitter.split(X, y, _groups_for(splitter, groups)):
        Xtr, ytr, gtr = [X[i] for i in tr], [y[i] for i in tr], [groups[i] for i in tr]
        if len(set(ytr)) < 2:
            for i in te:
                preds[i] = ytr[0]
            continue
        pipe = make_pipeline(_pick_C(Xtr, ytr, gtr, seed), seed).fit(Xtr, ytr)
        for i, p in zip(te, pipe.predict([X[i] for i in te])):
            preds[i] = p
    return {"scheme": how, **metrics(y, preds)}


def train(gold_dirs: list[Path], text_dirs: list[Path], out_dir: Path = Path("models/role"), seed: int = 0,
          extra_examples: tuple[list[Example], dict[str, str]] | None = None,
          extra_files: Iterable[Path] = ()) -> dict:
    """Train on every gold figure (plus `extra_examples`, e.g. reviewed records), save, return meta.

    `extra_examples` replace gold examples of the same (doc, start, end): a reviewer's
    correction is newer knowledge than the gold line it overlaps.
    """
    import joblib

    gold_dirs = [Path(d) for d in gold_dirs]
    text_dirs = [Path(d) for d in text_dirs]
    examples, texts = examples_from_gold(gold_dirs, text_dirs)
    if extra_examples:
        more, more_texts = extra_examples
        texts.update(more_texts)
        keys = {(ex.doc, ex.fig.start, ex.fig.end) for ex in more}
        examples = [ex for ex in examples if (ex.doc, ex.fig.start, ex.fig.end) not in keys] + list(more)
    if len({ex.role for ex in examples}) < 2:
        raise ValueError(f"need gold figures of at least two roles to train, found {Counter(ex.role for ex in examples)}")
    examples.sort(key=lambda ex: (ex.doc, ex.fig.start, ex.fig.end))

    X = featurize(examples, texts)
    y = [ex.role for ex in examples]
    groups = [ex.doc for ex in examples]
    from threadpoolctl import threadpool_limits

    # Tiny problems: BLAS threads only contend with each other (and other processes).
    with threadpool_limits(limits=1):
        cv = cross_validate(X, y, groups, seed)
        C = _pick_C(X, y, groups, seed)
        pipe = make_pipeline(C, seed).fit(X, y)

    files: list[Path] = list(extra_files)
    for gd in gold_dirs:
        if gd.exists():
            for gf in sorted(gd.rglob("*.jsonl")) if gd.is_dir() else [gd]:
                files.append(gf)
                tp = next((d / f"{gf.stem}.txt" for d in text_dirs if (d / f"{gf.stem}.txt").exists()), None)
                if tp is not None:
                    files.append(tp)
    meta = {
        "task": TASK,
        "model_name": MODEL_NAME,
        "feature_version": FEATURE_VERSION,
        "cue_groups": group_names(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": library_versions(),
        "training_data": {
            "sha256": data_hash(files),
            "gold_dirs": [_display_path(d) for d in gold_dirs],
            "documents": len(set(groups)),
            "examples": len(y),
        },
        "n_examples": dict(sorted(Counter(y).items())),
        "params": {"C": C, "class_weight": "balanced", "seed": seed, "C_grid": list(C_GRID)},
        "metrics": cv,  # cross-validated, C chosen inside each training fold
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipe, out_dir / "model.joblib")
    # The same weights for numpy-only inference at extraction time (nlp/linear_model.py).
    meta["weights"] = {"file": WEIGHTS_FILE,
                       "sha256": LinearScorer.from_pipeline(pipe).save(out_dir / WEIGHTS_FILE)}
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    default_model.cache_clear()  # a process that trains then extracts sees the new model
    return meta


def evaluate(model: RoleModel | None, gold_dirs: list[Path], text_dirs: list[Path]) -> dict:
    """Role accuracy of `model` (or the rules, when None) on gold figure spans."""
    examples, texts = examples_from_gold([Path(d) for d in gold_dirs], [Path(d) for d in text_dirs])
    X = featurize(examples, texts)
    y = [ex.role for ex in examples]
    if model is not None:
        pred = model.predict(X)
    else:
        pred = [rule_role(texts[ex.doc], ex.fig, ex.sentence)[0] for ex in examples]
    return metrics(y, pred)


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------

_CHECKED_VERSIONS = ("python", "scikit-learn", "numpy", "joblib", "underthesea", "solieu")
# The pickle itself depends on these exactly; the others matter from a minor release on
# (tokenisation and POS tags feed the features).
_EXACT_VERSIONS = ("scikit-learn", "numpy", "joblib")


def _differs(lib: str, saved: str, installed: str) -> bool:
    if lib in _EXACT_VERSIONS:
        return saved != installed
    return saved.split(".")[:2] != installed.split(".")[:2]


def load(model_dir: Path, engine: str = "numpy") -> RoleModel:
    """Load the model + meta.json; warn when they were saved by other library versions.

    engine "numpy" (default) applies weights.npz with numpy alone when meta.json vouches
    for it; "sklearn" (or an older model without weights.npz) unpickles model.joblib.
    """
    model_dir = Path(model_dir)
    meta_path, model_path = model_dir / "meta.json", model_dir / "model.joblib"
    if not meta_path.is_file() or not model_path.is_file():
        raise ModelError(f"role model not found in {model_dir}: need model.joblib and meta.json (run `solieu train`)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{meta_path}: unreadable meta.json ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("task") != TASK:
        raise ModelError(f"{meta_path}: not a {TASK} model (task={meta.get('task') if isinstance(meta, dict) else None!r})")
    if meta.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"{model_dir}: model built for features {meta.get('feature_version')!r}, "
                         f"this code computes {FEATURE_VERSION!r}: retrain with `solieu train`")
    saved = meta.get("versions") or {}
    now = library_versions()
    diff = [f"{k} {saved[k]} (installed {now[k]})" for k in _CHECKED_VERSIONS
            if saved.get(k) is not None and _differs(k, str(saved[k]), now[k])]
    if diff:
        warnings.warn(f"role model in {model_dir} was saved with other library versions: {', '.join(diff)}; "
                      "predictions may differ, retrain with `solieu train`", UserWarning, stacklevel=2)
    weights = model_dir / WEIGHTS_FILE
    expected = (meta.get("weights") or {}).get("sha256")
    if engine == "numpy" and expected and weights.is_file():
        # The trained weights without importing scikit-learn; the hash ties them to this meta.
        if file_sha256(weights) != expected:
            raise ModelError(f"{weights}: does not match meta.json (sha256 differs): retrain with `solieu train`")
        try:
            scorer = LinearScorer.load(weights)
        except Exception as exc:  # noqa: BLE001 - any read failure is a corrupt weights file
            raise ModelError(f"{weights}: corrupt weights file ({type(exc).__name__}: {exc})") from exc
        if not set(scorer.classes_) <= set(ROLES):
            raise ModelError(f"{weights}: does not hold a role classifier")
        return RoleModel(scorer, meta)
    import joblib

    try:
        with warnings.catch_warnings():
            if diff:  # already reported in one clear message above
                warnings.simplefilter("ignore")
            pipe = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure is a corrupt model file
        raise ModelError(f"{model_path}: corrupt or incompatible model file ({type(exc).__name__}: {exc})") from exc
    if not hasattr(pipe, "predict_proba") or not set(map(str, getattr(pipe, "classes_", ()))) <= set(ROLES):
        raise ModelError(f"{model_path}: does not hold a role classifier")
    return RoleModel(pipe, meta)


@lru_cache(maxsize=1)
def default_model() -> RoleModel | None:
    """The shipped model in <repo>/models/role, loaded once; None (logged) when absent or broken."""
    try:
        return load(DEFAULT_MODEL_DIR)
    except ModelError as exc:
        log.warning("solieu: no usable role model (%s); roles come from rules", exc)
        return None
