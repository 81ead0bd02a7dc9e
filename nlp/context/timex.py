"""Time expressions on characters: found once per document, resolved against the anchor.

`find_time_exprs(text)` returns every time expression (rules of kind `period` in
context_cues.yml), longest match first where two overlap, minus years that are part of a
name, a legal number or an issue date (`not-time` rules). Each keeps its raw parts (year,
month, quarter, months of the year, relative offset); `resolve` turns one into a `Period`
given the anchor: the year it denotes and whether it lies before, at or after the
article's own time.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .cues import NUMERAL_WORDS, compiled, lowered, scan

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
ROMAN_CENTURY = {"XX": 20, "XXI": 21}
# kinds whose expression states no year at all (and never gets one from the anchor)
YEARLESS = ("past", "future", "decade", "rate")


@dataclass(frozen=True)
class TimeExpr:
    """A time expression as written (not yet resolved)."""
    start: int
    end: int
    rule: str
    kind: str  # the rule's `period`
    y: int | None = None
    y1: int | None = None
    m: int | None = None
    q: int | None = None
    n: int | None = None
    d: int | None = None
    part: str | None = None
    offset: int | str | None = None
    months: tuple[int, int] | None = None
    comparison: bool = False

    @property
    def explicit_year(self) -> bool:
        return self.y is not None


@dataclass(frozen=True)
class Period:
    """A time expression resolved against the anchor.

    `year` is the year the figure refers to (a range's end year, a deadline's year);
    `relation` is past / current / future relative to the anchor, or unknown.
    `inherited` marks a period taken from an earlier sentence, not the figure's own.
    """
    start: int
    end: int
    text: str
    kind: str
    year: int | None
    first_year: int | None
    months: tuple[int, int] | None
    relation: str
    comparison: bool
    rule: str
    inherited: bool = False

    def with_inherited(self) -> "Period":
        return Period(self.start, self.end, self.text, self.kind, self.year, self.first_year,
                      self.months, self.relation, self.comparison, self.rule, True)


def _int(s: str | None) -> int | None:
    if s is None:
        return None
    s = s.strip().lower()
    if s.isdigit():
        return int(s)
    s = re.sub(r"\s+", " ", s)
    return NUMERAL_WORDS.get(s)


def not_time_spans(text: str, low: str | None = None) -> list[tuple[int, int]]:
    spans = []
    for _, rx, trigger, reach in compiled().not_time:
        spans.extend(m.span() for m in scan(rx, trigger, text, low, reach=reach))
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    i = bisect.bisect_right(spans, (s, 10**12))
    # spans are sorted by start; look back over the few that may still cover [s, e)
    for a, b in reversed(spans[max(0, i - 8):i]):
        if a <= s and e <= b:
            return True
    return False


def find_time_exprs(text: str, low: str | None = None) -> list[TimeExpr]:
    c = compiled()
    low = lowered(text) if low is None else low
    banned = not_time_spans(text, low)
    cands: list[tuple[int, int, int, TimeExpr]] = []
    for order, rule in enumerate(c.periods):
        for m in scan(rule.regex, rule.trigger, text, low, reach=rule.reach):
            if m.end() == m.start():
                continue
            g = m.groupdict()
            y, y1 = _int(g.get("y")), _int(g.get("y1"))
            if g.get("c"):
                y = 100 * (ROMAN_CENTURY.get(g["c"].upper()) or int(g["c"]))  # end of the 21st century: 2100
            ys = m.span("y") if g.get("y") else None
            if ys and _inside(banned, *ys):
                continue
            if g.get("y1") and _inside(banned, *m.span("y1")):
                continue
            if rule.period in ("date", "month") and not ys and _inside(banned, m.start(), m.end()):
                continue
            if y1 is not None and y is not None and y1 >= y:
                continue  # "2016-2016", a number pair that is not a range of years
            q = g.get("q")
            part = g.get("part")
            expr = TimeExpr(
                start=m.start(), end=m.end(), rule=rule.id, kind=rule.period, y=y, y1=y1,
                m=_int(g.get("m")), q=ROMAN.get(q.upper(), None) if q and not q.isdigit() else _int(q),
                n=_int(g.get("n") or g.get("n2")), d=_int(g.get("d")),
                part=re.sub(r"\s+", " ", part.lower()) if part else None,
                offset=rule.offset, months=rule.months, comparison=rule.comparison)
            cands.append((m.start(), m.end(), order, expr))
    # longest match wins an overlap; at equal length the earlier rule
    cands.sort(key=lambda t: (-(t[1] - t[0]), t[2], t[0]))
    taken: list[tuple[int, int]] = []
    out: list[TimeExpr] = []
    for s, e, _, expr in cands:
        if any(a < e and s < b for a, b in taken):
            continue
        taken.append((s, e))
        out.append(expr)
    out.sort(key=lambda x: x.start)
    return [_mark_comparison(text, x) for x in out]


def comparison_marker(text: str, start: int) -> int | None:
    """Where the comparison word right before position `start` begins ("so với", "hơn"), if any."""
    lo = max(0, start - 40)
    m = compiled().comparison.search(text, lo, start)
    return m.start() if m else None


def _mark_comparison(text: str, x: TimeExpr) -> TimeExpr:
    if x.comparison or comparison_marker(text, x.start) is None:
        return x
    return TimeExpr(**{**x.__dict__, "comparison": True})


# --- resolution -------------------------------------------------------------------------

def month_span(x: TimeExpr) -> tuple[int, int] | None:
    """The months of its year that an expression covers (None: the whole year or unknown)."""
    if x.kind == "months":
        n = x.n or 6
        if x.part in ("cuối", "nửa cuối"):
            return (13 - n if x.part == "cuối" else 7, 12)
        return (1, n if x.part != "nửa đầu" else 6)
    if x.kind == "quarter" and x.q:
        return (3 * x.q - 2, 3 * x.q)
    if x.kind in ("month", "date") and x.m:
        return (x.m, x.m)
    if x.months:
        return x.months
    if x.kind in ("year", "deadline") and x.part in ("cuối", "hết"):
        return (12, 12)
    if x.kind in ("year", "deadline") and x.part == "đầu":
        return (1, 3)
    return None


def resolve(x: TimeExpr, text: str, year: int | None, month: int | None, day: int | None) -> Period:
    """The expression's year and its relation to the anchor (year, month, day)."""
    kind = x.kind
    months = month_span(x)
    y: int | None = x.y
    first: int | None = x.y1
    if kind in YEARLESS:
        y = None
    elif y is None and year is not None:
        if kind in ("month", "date") and x.m and month and x.m - month > 6:
            y = year - 1  # "tháng 12" in a January article: last December
        elif isinstance(x.offset, int):
            y = year + x.offset
        elif x.offset == "latest":
            y = year - 1 if (month is not None and month <= 3) else year
        else:
            y = year  # yearless "6 tháng đầu năm", "quý I", "đến nay", "từ năm 2016 đến nay"
    if kind == "since":
        first = x.y1
    rel = relation(kind, y, first, months, x.d, year, month, day)
    return Period(x.start, x.end, text[x.start:x.end], kind, y, first, months, rel,
                  x.comparison, x.rule)


def relation(kind: str, y: int | None, first: int | None, months: tuple[int, int] | None,
             d: int | None, ay: int | None, am: int | None, ad: int | None) -> str:
    if kind == "past" or kind == "decade":
        return "past"
    if kind == "future":
        return "future"
    if kind in ("now", "since"):
        return "current"
    if kind == "rate" or y is None or ay is None:
        return "unknown"
    if kind == "range" and first is not None:
        if y < ay:
            return "past"
        if first > ay:
            return "future"
        return "current"
    if y < ay:
        return "past"
    if y > ay:
        return "future"
    if am is None:
        return "current"
    if kind == "deadline":
        # a deadline later this year lies ahead: "đến cuối năm 2017" in a July 2017 article
        end = months[1] if months else 12
        return "future" if end > am else "current"
    if months is None:
        return "current"
    a, b = months
    if kind == "date" and d is not None and ad is not None and a == am:
        return "past" if d < ad else "future" if d > ad else "current"
    if b < am:
        return "past"
    if a >= am and b > am:
        return "future" if a > am or b - a >= 1 else "current"
    return "current"
