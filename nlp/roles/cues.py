"""Role cue words (nlp/rules/role_cues.yml), compiled once, and their matches in a text.

Each rule is a cue group: `group` names the feature, `role` is the role the group votes
for in the rule fallback (`none`: a feature only), and `cues` (literal phrases, whole
syllables) or `pattern` (a regex). Groups with `unit: true` describe the figure's own
counted noun ("16 đồng chí"), never its context.
"""
from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass
from functools import lru_cache

from ..analysis import Analysis
from ..records import ROLES
from ..rules import RuleError, alternation, load


@dataclass(frozen=True)
class CueGroup:
    id: str
    group: str
    role: str  # target / actual / other / none
    regex: re.Pattern
    unit: bool  # matched against the figure's counted noun, never as context
    whole_noun: bool  # a one-syllable cue must be the whole counted noun ("13 bộ", not "30 bộ dữ liệu")
    exclude: re.Pattern | None  # compounds that contain a cue syllable but not its sense ("thực hiện")
    # The cue phrases and the `except` compounds as lowercase syllable tuples, longest first
    # (the order of the regex alternation); empty for a group written as a pattern.
    phrases: tuple[tuple[str, ...], ...] = ()
    vetoes: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class CueHit:
    start: int
    end: int
    group: str
    role: str


def _syllables(cues: list[str]) -> re.Pattern:
    return re.compile(alternation(cues, bounded=True), re.IGNORECASE)


@lru_cache(maxsize=1)
def cue_groups() -> tuple[CueGroup, ...]:
    out = []
    for r in load("role_cues", required=("group", "role")):
        if r["role"] not in (*ROLES, "none"):
            raise RuleError(f"role_cues.yml rule {r['id']!r}: role must be one of {ROLES} or none")
        if "pattern" in r:
            rx = re.compile(r["pattern"], re.IGNORECASE)
        elif r.get("cues"):
            rx = _syllables(r["cues"])
        else:
            raise RuleError(f"role_cues.yml rule {r['id']!r}: needs 'cues' or 'pattern'")
        exclude = _syllables(r["except"]) if r.get("except") else None
        phrases = _phrases(r["cues"]) if "pattern" not in r else ()
        vetoes = _phrases(r.get("except") or ()) if "pattern" not in r else ()
        out.append(CueGroup(r["id"], r["group"], r["role"], rx, bool(r.get("unit")), bool(r.get("whole_noun")), exclude,
                            phrases, vetoes))
    return tuple(out)


def group_names() -> list[str]:
    return sorted({g.group for g in cue_groups()})


def unit_groups(noun: str) -> set[str]:
    """The unit-only cue groups that the counted noun belongs to ("05 nhóm nhiệm vụ" -> unit_plan)."""
    out = set()
    for g in cue_groups():
        m = g.regex.match(noun) if g.unit and noun else None
        if m and (not g.whole_noun or m.end() == len(noun) or " " in m.group().strip()):
            out.add(g.group)
    return out


def _phrases(cues) -> tuple[tuple[str, ...], ...]:
    """Cue phrases as lowercase syllable tuples, in the order `rules.alternation` tries them
    (longest first, then alphabetical), or () when a cue is not letters and spaces only."""
    uniq = sorted({" ".join(c.lower().split()) for c in cues if c and c.strip()}, key=lambda w: (-len(w), w))
    if any(not ch.isalpha() and ch != " " for w in uniq for ch in w):
        return ()
    return tuple(tuple(w.split()) for w in uniq)


# Split on syllables, kept as groups: [separator, syllable, separator, ..., separator].
_SYLLABLE_SPLIT = re.compile(r"([^\W_]+)")


_Entry = tuple[int, int, bool, tuple[str, ...]]  # (order, group index, is a veto, phrase)


@lru_cache(maxsize=1)
def _by_leading_syllables() -> tuple[dict[str, list[_Entry]], dict[tuple[str, str], list[_Entry]], frozenset[str]]:
    """(first syllable -> one-syllable phrases, first two syllables -> longer phrases, every
    first syllable), each entry with its place in the groups' alternation order. Keyed by two syllables, a common
    first syllable ("dự" of "dự án", "dự kiến đầu tư") costs one lookup, not a scan."""
    one: dict[str, list[_Entry]] = {}
    two: dict[tuple[str, str], list[_Entry]] = {}
    order = 0
    for gi, g in enumerate(cue_groups()):
        if g.unit or not g.phrases:
            continue
        for veto, phrases in ((False, g.phrases), (True, g.vetoes)):
            for ph in phrases:
                entry = (order, gi, veto, ph)
                order += 1
                if len(ph) == 1:
                    one.setdefault(ph[0], []).append(entry)
                else:
                    two.setdefault((ph[0], ph[1]), []).append(entry)
    return one, two, frozenset(one) | {k[0] for k in two}


def _syllable_matches(low: str) -> dict[tuple[int, bool], list[tuple[int, int]]]:
    """{(group index, veto): [(start, end)]}: what `finditer` of each group's bounded
    alternation finds in the lowercase text `low`, found in one pass over its syllables
    (a phrase is whole syllables separated by whitespace; at each start the first phrase
    of the alternation order that matches wins; matches of one group do not overlap).

    The syllables and the separators between them come from one `re.split` (C code), and
    offsets are summed only when a phrase matched: most syllables start no cue."""
    pieces = _SYLLABLE_SPLIT.split(low)  # syllable i is pieces[2i + 1], preceded by pieces[2i]
    words = pieces[1::2]
    one, two, firsts = _by_leading_syllables()
    found: dict[tuple[int, bool], list[tuple[int, int]]] = {}
    free: dict[tuple[int, bool], int] = {}  # the first syllable a group's next match may start at
    n = len(words)
    ends: list[int] | None = None  # ends[k]: the offset after pieces[k]
    for i in [i for i, w in enumerate(words) if w in firsts]:
        w = words[i]
        single = one.get(w)
        longer = two.get((w, words[i + 1])) if i + 1 < n and pieces[2 * i + 2].isspace() else None
        if single is None and longer is None:
            continue
        entries = sorted((single or []) + (longer or [])) if single and longer else (single or longer)
        done: set[tuple[int, bool]] = set()
        for _, gi, veto, ph in entries:
            key = (gi, veto)
            if key in done or free.get(key, 0) > i:
                continue
            k = len(ph)
            if i + k > n or any(words[i + j] != ph[j] or not pieces[2 * (i + j)].isspace() for j in range(2, k)):
                continue
            done.add(key)
            free[key] = i + k
            if ends is None:
                ends = list(accumulate(map(len, pieces)))
            found.setdefault(key, []).append((ends[2 * i], ends[2 * (i + k) - 1]))
    return found


def find_cues(text: str, start: int, end: int) -> list[CueHit]:
    """Every context cue match inside text[start:end], absolute offsets, sorted.

    Unit-only groups (counted nouns such as "nhiệm vụ") are left out: "mục tiêu" before a
    figure is a goal, "5 mục tiêu" is a count of goals.
    """
    seg = text[start:end]
    low = seg.lower()
    fast = len(low) == len(seg)  # lowercasing kept every offset (always, for Vietnamese)
    by_syllable = _syllable_matches(low) if fast else {}
    hits = []
    for gi, g in enumerate(cue_groups()):
        if g.unit:
            continue
        # Syllables are matched, not words: "hiện" also occurs in "thực hiện", "giao" in
        # "giao dịch"; a rule's `except` compounds veto the matches they cover.
        if fast and g.phrases:
            spans, vetoed = by_syllable.get((gi, False), []), by_syllable.get((gi, True), [])
        else:
            vetoed = [m.span() for m in g.exclude.finditer(seg)] if g.exclude else []
            spans = [m.span() for m in g.regex.finditer(seg)]
        for s, e in spans:
            if not any(a <= s and e <= b for a, b in vetoed):
                hits.append(CueHit(start + s, start + e, g.group, g.role))
    # At one start the longer cue sorts last, so "the last cue before the figure" is the
    # most specific one ("đã hoàn thành" rather than "đã").
    hits.sort(key=lambda h: (h.start, h.end))
    return hits


def cues_in(doc: Analysis, start: int, end: int) -> tuple[CueHit, ...]:
    """The cue matches lying inside text[start:end] of the document's unwrapped text
    (`doc.flat`: a cue cut by a line break is still a cue). Cues are found once per line of
    `flat` (a paragraph, a heading, an item: no cue spans two), on first use, so the
    windows the features and the rule vote read are slices of what was found once, and
    lines far from any figure are never scanned."""
    starts, lines = doc.remember(("roles.lines",), lambda: _lines(doc.flat))
    i = max(0, bisect.bisect_right(starts, start) - 1)
    out: list[CueHit] = []
    while i < len(lines) and lines[i][0] < end:
        a, b = lines[i]
        if b > start:
            hits = doc.remember(("roles.cues", a), lambda: find_cues(doc.flat, a, b))
            out.extend(h for h in hits if start <= h.start and h.end <= end)
        i += 1
    return tuple(out)


def _lines(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    return [a for a, _ in lines], lines
